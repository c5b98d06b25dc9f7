namespace Probabilistic.Hmm.Tagging;

/// <summary>Accuracy of a tagger on gold-tagged sentences: all tokens, known and unknown words, whole sentences, confusions.</summary>
public sealed class TaggingEvaluation
{
    private readonly Dictionary<(string Gold, string Predicted), long> _confusions = new();

    /// <summary>Tokens scored.</summary>
    public long Tokens { get; private set; }
    /// <summary>Tokens tagged correctly.</summary>
    public long Correct { get; private set; }
    /// <summary>Tokens whose word was seen in training.</summary>
    public long KnownTokens { get; private set; }
    /// <summary>Known tokens tagged correctly.</summary>
    public long KnownCorrect { get; private set; }
    /// <summary>Tokens whose word was not seen in training.</summary>
    public long UnknownTokens => Tokens - KnownTokens;
    /// <summary>Unknown tokens tagged correctly.</summary>
    public long UnknownCorrect => Correct - KnownCorrect;
    /// <summary>Sentences scored.</summary>
    public long Sentences { get; private set; }
    /// <summary>Sentences with every token correct.</summary>
    public long SentencesCorrect { get; private set; }
    /// <summary>Seconds spent tagging (set by the caller that timed it).</summary>
    public double TaggingSeconds { get; set; }

    /// <summary>Token accuracy.</summary>
    public double Accuracy => Ratio(Correct, Tokens);
    /// <summary>Accuracy on known words.</summary>
    public double KnownAccuracy => Ratio(KnownCorrect, KnownTokens);
    /// <summary>Accuracy on unknown words.</summary>
    public double UnknownAccuracy => Ratio(UnknownCorrect, UnknownTokens);
    /// <summary>Fraction of sentences tagged entirely right.</summary>
    public double SentenceAccuracy => Ratio(SentencesCorrect, Sentences);
    /// <summary>Tokens per second of tagging.</summary>
    public double TokensPerSecond => TaggingSeconds > 0 ? Tokens / TaggingSeconds : double.NaN;

    /// <summary>Adds one sentence: gold tags, predicted tags, and which words were known.</summary>
    public void Add(IReadOnlyList<string> gold, IReadOnlyList<string> predicted, IReadOnlyList<bool> known)
    {
        if (gold.Count != predicted.Count || gold.Count != known.Count) throw new ArgumentException("gold, predicted and known must have the same length");
        bool all = true;
        for (int i = 0; i < gold.Count; i++)
        {
            bool ok = gold[i] == predicted[i];
            Tokens++;
            if (ok) Correct++;
            else { all = false; _confusions[(gold[i], predicted[i])] = _confusions.GetValueOrDefault((gold[i], predicted[i])) + 1; }
            if (known[i]) { KnownTokens++; if (ok) KnownCorrect++; }
        }
        Sentences++;
        if (all) SentencesCorrect++;
    }

    /// <summary>The most frequent (gold, predicted) errors, most frequent first (ties by name).</summary>
    public IReadOnlyList<(string Gold, string Predicted, long Count)> TopConfusions(int count) =>
        _confusions.OrderByDescending(p => p.Value).ThenBy(p => p.Key.Gold, StringComparer.Ordinal).ThenBy(p => p.Key.Predicted, StringComparer.Ordinal)
            .Take(count).Select(p => (p.Key.Gold, p.Key.Predicted, p.Value)).ToList();

    private static double Ratio(long a, long b) => b > 0 ? (double)a / b : double.NaN;
}
