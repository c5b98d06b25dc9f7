using Probabilistic.Hmm.Tagging;

namespace Probabilistic.Hmm.Tests.Tagging;

/// <summary>BIO spans as conlleval reads them, on hand-worked sequences.</summary>
public class SpanEvaluationTests
{
    [Fact]
    public void SpansFollowConllevalRules()
    {
        // B-PER I-PER | O | I-LOC starts a span | B-ORG then B-ORG: two spans | I-PER after B-ORG starts a new PER span.
        string[] tags = ["B-PER", "I-PER", "O", "I-LOC", "I-LOC", "B-ORG", "B-ORG", "I-PER"];
        var spans = SpanEvaluation.Spans(tags);
        Assert.Equal(new HashSet<(string, int, int)> { ("PER", 0, 1), ("LOC", 3, 4), ("ORG", 5, 5), ("ORG", 6, 6), ("PER", 7, 7) }, spans);
    }

    [Fact]
    public void PrecisionRecallAndF1CountExactMatches()
    {
        var e = new SpanEvaluation();
        e.Add(["B-PER", "I-PER", "O", "B-LOC"], ["B-PER", "O", "O", "B-LOC"]);    // gold PER(0,1), LOC(3); predicted PER(0,0) wrong, LOC right
        e.Add(["O", "B-ORG", "I-ORG"], ["O", "B-ORG", "I-ORG"]);                  // one right
        Assert.Equal(3, e.GoldSpans);
        Assert.Equal(3, e.PredictedSpans);
        Assert.Equal(2, e.CorrectSpans);
        Assert.Equal(2.0 / 3, e.F1, 12);
        Assert.True(SpanEvaluation.IsBio(["O", "B-X", "I-X"]));
        Assert.False(SpanEvaluation.IsBio(["NN", "B-X"]));
    }
}
