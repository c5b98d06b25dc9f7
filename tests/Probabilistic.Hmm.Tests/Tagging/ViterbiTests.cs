using Probabilistic.Core.Data;
using Probabilistic.Hmm.Tagging;

namespace Probabilistic.Hmm.Tests.Tagging;

/// <summary>Exact Viterbi against brute-force enumeration, and the beam against exact Viterbi.</summary>
public class ViterbiTests
{
    private static readonly TaggedSentence[] Tiny =
    [
        new(["the", "dog", "runs"], ["D", "N", "V"]),
        new(["a", "cat", "sleeps"], ["D", "N", "V"]),
        new(["dogs", "run"], ["N", "V"]),
        new(["the", "run", "ends"], ["D", "N", "V"]),
        new(["cats", "run", "the", "race"], ["N", "V", "D", "N"]),
        new(["run", "dogs"], ["V", "N"]),
    ];

    public static TheoryData<int, string> Sentences => new()
    {
        { 3, "the dog runs" },
        { 3, "run the run" },
        { 3, "the zorp sleeps" },          // unknown word: suffix-model candidates
        { 3, "cats run dogs run the" },
        { 3, "blorps run the race" },
        { 3, "dogs" },
        { 2, "the dog runs" },
        { 2, "the zorp run dogs" },
        { 2, "run run run run run" },
    };

    [Theory]
    [MemberData(nameof(Sentences))]
    public void ExactViterbiEqualsBruteForce(int order, string text)
    {
        var tagger = HmmTagger.Train(Tiny, new TaggerOptions(Order: order));
        var words = text.Split(' ');
        int n = words.Length, t = tagger.Tags.Count;
        var path = new int[n];
        double decoded = tagger.TagIds(words, double.PositiveInfinity, path);

        // Enumerate all T^n tag sequences and score each with the model's joint log score.
        double best = double.NegativeInfinity;
        var seq = new int[n];
        int total = (int)Math.Pow(t, n);
        for (int code = 0; code < total; code++)
        {
            for (int i = 0, c = code; i < n; i++, c /= t) seq[i] = c % t;
            best = Math.Max(best, tagger.LogScore(words, seq));
        }
        Assert.True(double.IsFinite(best), "some tag sequence must have positive probability");
        Assert.Equal(best, decoded, 10);
        Assert.Equal(best, tagger.LogScore(words, path), 10);
    }

    [Fact]
    public void WideBeamEqualsExactOnBrownSample()
    {
        var files = DataFiles.ExpandFiles([Path.Combine(TestPaths.Datasets, "brown-sample")]).Take(20);
        var sentences = TaggedCorpus.Read(files, CorpusFormat.Brown, TagMapping.Normalised).ToList();
        var train = sentences.Where((_, i) => i % 10 != 9).ToList();
        var test = sentences.Where((_, i) => i % 10 == 9).ToList();
        var tagger = HmmTagger.Train(train, new TaggerOptions(Order: 3));
        int sameDefault = 0;
        foreach (var s in test)
        {
            var exact = new int[s.Length];
            var wide = new int[s.Length];
            var beam = new int[s.Length];
            double exactScore = tagger.TagIds(s.Words, double.PositiveInfinity, exact);
            double wideScore = tagger.TagIds(s.Words, 1e200, wide);
            double beamScore = tagger.TagIds(s.Words, 1000, beam);
            Assert.True(exact.AsSpan().SequenceEqual(wide), $"wide beam differs from exact Viterbi on: {string.Join(' ', s.Words)}");
            Assert.Equal(exactScore, wideScore, 9);
            Assert.True(beamScore <= exactScore + 1e-9, $"a beam path cannot beat the exact optimum ({beamScore} > {exactScore})");
            if (exact.AsSpan().SequenceEqual(beam)) sameDefault++;
        }
        Assert.True(test.Count > 100, $"expected over 100 held-out sentences, got {test.Count}");
        // TnT's beam of 1000 loses little: a sanity bound, not a tuned figure.
        Assert.True(sameDefault >= 0.95 * test.Count, $"beam 1000 agrees with exact Viterbi on {sameDefault} of {test.Count} sentences");
    }
}
