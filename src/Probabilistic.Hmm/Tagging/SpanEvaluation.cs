namespace Probabilistic.Hmm.Tagging;

/// <summary>
/// Span-level precision, recall and F1 for BIO tags (CoNLL-2000/2003 chunking and named entities), as conlleval counts
/// them: a span starts at B-X, or at I-X that does not continue a span of type X; it continues while the tags are I-X;
/// a predicted span is correct when a gold span has the same type, start and end. Tags other than B-/I- prefixed ones
/// (O, or anything else) are outside every span.
/// </summary>
public sealed class SpanEvaluation
{
    /// <summary>Gold spans seen.</summary>
    public long GoldSpans { get; private set; }

    /// <summary>Predicted spans.</summary>
    public long PredictedSpans { get; private set; }

    /// <summary>Predicted spans that match a gold span exactly.</summary>
    public long CorrectSpans { get; private set; }

    /// <summary>Correct / predicted (NaN with no predicted span).</summary>
    public double Precision => PredictedSpans == 0 ? double.NaN : (double)CorrectSpans / PredictedSpans;

    /// <summary>Correct / gold (NaN with no gold span).</summary>
    public double Recall => GoldSpans == 0 ? double.NaN : (double)CorrectSpans / GoldSpans;

    /// <summary>The harmonic mean of precision and recall (0 when nothing is correct, NaN with no spans at all).</summary>
    public double F1 => GoldSpans + PredictedSpans == 0 ? double.NaN : 2.0 * CorrectSpans / (GoldSpans + PredictedSpans);

    /// <summary>True when every tag is O or starts with B- or I- (a BIO tag set).</summary>
    public static bool IsBio(IEnumerable<string> tags) => tags.All(t => t == "O" || t.StartsWith("B-", StringComparison.Ordinal) || t.StartsWith("I-", StringComparison.Ordinal));

    /// <summary>Adds one sentence.</summary>
    public void Add(IReadOnlyList<string> gold, IReadOnlyList<string> predicted)
    {
        if (gold.Count != predicted.Count) throw new ArgumentException($"{gold.Count} gold tags but {predicted.Count} predicted");
        var g = Spans(gold);
        var p = Spans(predicted);
        GoldSpans += g.Count;
        PredictedSpans += p.Count;
        CorrectSpans += p.Count(g.Contains);
    }

    /// <summary>The spans of a BIO sequence as (type, first, last) token indices.</summary>
    public static HashSet<(string Type, int Start, int End)> Spans(IReadOnlyList<string> tags)
    {
        var spans = new HashSet<(string, int, int)>();
        string? type = null;
        int start = 0;
        for (int i = 0; i <= tags.Count; i++)
        {
            string tag = i < tags.Count ? tags[i] : "O";
            bool begin = tag.StartsWith("B-", StringComparison.Ordinal), inside = tag.StartsWith("I-", StringComparison.Ordinal);
            string? t = begin || inside ? tag[2..] : null;
            bool continues = inside && type is not null && t == type;
            if (type is not null && !continues) { spans.Add((type, start, i - 1)); type = null; }
            if (t is not null && !continues) { type = t; start = i; }
        }
        return spans;
    }
}
