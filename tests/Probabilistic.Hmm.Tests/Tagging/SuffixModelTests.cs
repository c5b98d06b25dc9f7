using Probabilistic.Hmm.Tagging;

namespace Probabilistic.Hmm.Tests.Tagging;

/// <summary>The suffix model's leave-one-out posterior against a suffix model built without the word.</summary>
public class SuffixModelTests
{
    // Rare words (threshold 3) sharing suffixes across shapes: lower case, capitalised (a shape with a single word, whose
    // removal sends it to the pooled model), a digit, a hyphen; "walking" is frequent and so not in the suffix model.
    private static readonly (string Word, int Tag, int Count)[] Entries =
    [
        ("running", 0, 2), ("running", 1, 1), ("singing", 0, 1), ("ring", 2, 1), ("walked", 1, 2), ("talked", 1, 1), ("red", 2, 1),
        ("Boring", 2, 1), ("12th", 2, 1), ("well-known", 2, 2), ("well-made", 1, 1), ("walking", 0, 9),
    ];

    private static Lexicon Lexicon(Func<string, bool> include)
    {
        var builder = new Lexicon.Builder();
        foreach (var (word, tag, count) in Entries)
            if (include(word))
                for (int c = 0; c < count; c++) builder.Add(word, tag);
        return builder.Build(3);
    }

    [Theory]
    [InlineData("running")]
    [InlineData("ring")]
    [InlineData("walked")]
    [InlineData("Boring")]
    [InlineData("12th")]
    [InlineData("well-known")]
    public void LeavingOneOutIsTheModelBuiltWithoutTheWord(string word)
    {
        const int threshold = 3, maxSuffix = 10;
        const double thetaScale = 2;
        var full = Lexicon(_ => true);
        int id = full.IndexOf(word);
        var without = SuffixModel.Build(Lexicon(w => w != word), threshold, maxSuffix, thetaScale);
        var expected = without.Posterior(word);
        var actual = SuffixModel.Build(full, threshold, maxSuffix, thetaScale).PosteriorLeavingOut(word, full.Tags[id], full.Counts[id]);
        Numbers.AssertClose(expected, actual, 1e-12, 1e-15, $"P(t | {word}) leaving it out");
        var withWord = SuffixModel.Build(full, threshold, maxSuffix, thetaScale).Posterior(word);
        Assert.True(withWord.Zip(actual).Any(p => Math.Abs(p.First - p.Second) > 1e-3),
            $"leaving '{word}' out changed nothing: the comparison would not see the word's own counts");
    }
}
