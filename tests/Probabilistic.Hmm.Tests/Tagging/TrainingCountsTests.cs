using Probabilistic.Core.Data;
using Probabilistic.Hmm.Tagging;

namespace Probabilistic.Hmm.Tests.Tagging;

/// <summary>Counts, deleted-interpolation weights and smoothed probabilities on a corpus small enough to do by hand.</summary>
public class TrainingCountsTests
{
    // Corpus: "a/A b/B" and "a/A c/A". Tag ids by first appearance: A = 0, B = 1; the boundary # = 2.
    // Padded tag sequences: # # A B #   and   # # A A #.
    // Trigrams f(x,y,z): (#,#,A) 2, (#,A,B) 1, (A,B,#) 1, (#,A,A) 1, (A,A,#) 1;  N = 6 predicted tags.
    // Unigrams f(z): A 3, B 1, # 2.   Bigrams f(y,z): (#,A) 2, (A,B) 1, (B,#) 1, (A,A) 1, (A,#) 1.
    // Bigram contexts f(y) = Σ_z f(y,z): # 2, A 3, B 1.   Trigram contexts f(x,y): (#,#) 2, (#,A) 2, (A,B) 1, (A,A) 1.
    //
    // Deleted interpolation (c3 = (f(xyz)−1)/(f(xy)−1), c2 = (f(yz)−1)/(f(y)−1), c1 = (f(z)−1)/(N−1), 0/0 = 0):
    //   (#,#,A) f=2: c3 = 1/1 = 1,  c2 = 1/1 = 1,  c1 = 2/5      → tie c3 = c2: λ2 += 1, λ3 += 1
    //   (#,A,B) f=1: c3 = 0/1 = 0,  c2 = 0/2 = 0,  c1 = 0/5 = 0  → three-way tie: each λ += 1/3
    //   (A,B,#) f=1: c3 = 0/0 = 0,  c2 = 0/0 = 0,  c1 = 1/5      → λ1 += 1
    //   (#,A,A) f=1: c3 = 0/1 = 0,  c2 = 0/2 = 0,  c1 = 2/5      → λ1 += 1
    //   (A,A,#) f=1: c3 = 0/0 = 0,  c2 = 0/2 = 0,  c1 = 1/5      → λ1 += 1
    //   λ1 = 10/3, λ2 = 4/3, λ3 = 4/3; sum 6 → (5/9, 2/9, 2/9).
    // Bigram weights over bigrams (c2 = (f(yz)−1)/(f(y)−1), c1 as above):
    //   (#,A) f=2: c2 = 1 > c1 = 2/5 → λ2 += 2;  (A,B) f=1: c2 = 0 = c1 → 1/2 each;
    //   (B,#), (A,A), (A,#) f=1: c2 = 0 < c1 → λ1 += 1 each.   λ1 = 3.5, λ2 = 2.5 → (7/12, 5/12).
    private static readonly TaggedSentence[] Corpus =
    [
        new(["a", "b"], ["A", "B"]),
        new(["a", "c"], ["A", "A"]),
    ];

    [Fact]
    public void CountsMatchHandCount()
    {
        var tagger = HmmTagger.Train(Corpus, new TaggerOptions(SuffixThetaScale: 1));
        var c = tagger.Counts;
        Assert.Equal(new[] { "A", "B" }, tagger.Tags.ToArray());
        Assert.Equal(2L, c.Trigram(2, 2, 0));
        Assert.Equal(1L, c.Trigram(2, 0, 1));
        Assert.Equal(1L, c.Trigram(0, 1, 2));
        Assert.Equal(1L, c.Trigram(2, 0, 0));
        Assert.Equal(1L, c.Trigram(0, 0, 2));
        Assert.Equal(5, c.DistinctTrigrams);
        var m = c.ComputeMarginals();
        Assert.Equal(new long[] { 3, 1, 2 }, m.Unigram);
        Assert.Equal(new long[] { 3, 1, 2 }, m.BigramContext);
        Assert.Equal(6L, m.Total);
        Assert.Equal(new long[] { 3, 1 }, tagger.Lexicon.TagTotals);
    }

    [Fact]
    public void TrigramLambdasMatchHandComputation()
    {
        var tagger = HmmTagger.Train(Corpus, new TaggerOptions(Order: 3, SuffixThetaScale: 1));
        var l = tagger.Transitions.Lambdas;
        Assert.Equal(5.0 / 9, l[0], 12);
        Assert.Equal(2.0 / 9, l[1], 12);
        Assert.Equal(2.0 / 9, l[2], 12);
        // P(B | #, A) = 5/9 · P̂(B) + 2/9 · P̂(B|A) + 2/9 · P̂(B|#,A) = 5/9·1/6 + 2/9·1/3 + 2/9·1/2 = 15/54.
        Assert.Equal(Math.Log(15.0 / 54), tagger.Transitions.Log(2, 0, 1), 12);
        // Unseen context (B, A): P(A | B, A) = 5/9 · 3/6 + 2/9 · 1/3 + 0 = 19/54.
        Assert.Equal(Math.Log(19.0 / 54), tagger.Transitions.Log(1, 0, 0), 12);
    }

    [Fact]
    public void BigramLambdasMatchHandComputation()
    {
        var tagger = HmmTagger.Train(Corpus, new TaggerOptions(Order: 2, SuffixThetaScale: 1));
        var l = tagger.Transitions.Lambdas;
        Assert.Equal(7.0 / 12, l[0], 12);
        Assert.Equal(5.0 / 12, l[1], 12);
        // P(EOS | A) = 7/12 · 2/6 + 5/12 · 1/3 = 14/72 + 10/72 = 1/3, whatever precedes A.
        Assert.Equal(Math.Log(1.0 / 3), tagger.Transitions.Log(0, 0, 2), 12);
        Assert.Equal(Math.Log(1.0 / 3), tagger.Transitions.Log(2, 0, 2), 12);
    }

    [Fact]
    public void KnownWordEmissionsAreRelativeFrequencies()
    {
        var tagger = HmmTagger.Train(Corpus, new TaggerOptions(SuffixThetaScale: 1));
        var (tags, emit) = tagger.Candidates("a");
        Assert.Equal(new[] { 0 }, tags);
        Assert.Equal(Math.Log(2.0 / 3), emit[0], 12); // c(a, A) = 2 of c(A) = 3
        (tags, emit) = tagger.Candidates("b");
        Assert.Equal(new[] { 1 }, tags);
        Assert.Equal(0.0, emit[0], 12);              // c(b, B) = 1 of c(B) = 1
    }

    [Fact]
    public void SuccessiveAbstractionMatchesHandComputation()
    {
        // Rare words (all, threshold 10): a (A×2), b (B×1), c (A×1); all lower-case, so shape 0.
        // Base P̂(t) over their tokens: A 3/4, B 1/4. θ = sd of (3/4, 1/4) about mean 1/2 with T−1 = 1: √(1/16 + 1/16) = √2/4.
        // Unknown "xc": suffix "c" is seen (word c: A×1) → P̂(A|c) = 1; "xc" is not.
        // P(A | xc) = (1 + θ·3/4)/(1 + θ), P(B | xc) = θ·1/4/(1 + θ).
        var tagger = HmmTagger.Train(Corpus, new TaggerOptions(SuffixThetaScale: 1));
        double theta = Math.Sqrt(2) / 4;
        Assert.Equal(theta, tagger.Suffixes.Theta(0), 12);
        var p = tagger.Suffixes.Posterior("xc");
        Assert.Equal((1 + theta * 0.75) / (1 + theta), p[0], 12);
        Assert.Equal(theta * 0.25 / (1 + theta), p[1], 12);
        // Emission score for an unknown word: log P(t|suffix) − log P(t), P(A) = 3/4, P(B) = 1/4.
        var (tags, emit) = tagger.Candidates("xc");
        Assert.Equal(new[] { 0, 1 }, tags);
        Assert.Equal(Math.Log(p[0]) - Math.Log(0.75), emit[0], 12);
        Assert.Equal(Math.Log(p[1]) - Math.Log(0.25), emit[1], 12);
    }
}
