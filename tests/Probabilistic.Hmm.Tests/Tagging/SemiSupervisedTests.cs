using Probabilistic.Core.Data;
using Probabilistic.Core.Inference;
using Probabilistic.Hmm.Tagging;

namespace Probabilistic.Hmm.Tests.Tagging;

/// <summary>Semi-supervised Baum-Welch for the tagger: expected counts by brute force, the monotone objective, the held-out guard.</summary>
public class SemiSupervisedTests
{
    private static readonly TaggedSentence[] Tagged =
    [
        new(["the", "dog", "runs"], ["DT", "NN", "VB"]),
        new(["a", "cat", "sleeps"], ["DT", "NN", "VB"]),
        new(["dogs", "run"], ["NN", "VB"]),
        new(["the", "cat", "runs", "fast"], ["DT", "NN", "VB", "RB"]),
    ];

    // Two short untagged sentences with known, ambiguous-by-suffix and unknown words.
    private static readonly IReadOnlyList<string>[] Untagged = [["the", "blorp", "runs"], ["cats", "sleep"]];

    private static (double[] Trigrams, Dictionary<(int, int), double> Emissions, double LogLikelihood) BruteForce(SemiSupervisedEm em)
    {
        int t = em.TagCount, s = t + 1;
        var tri = new double[s * s * s];
        var emit = new Dictionary<(int, int), double>();
        double ll = 0;
        foreach (var ids in em.Sentences)
        {
            int n = ids.Length;
            var paths = new List<(int[] Tags, double P)>();
            var tags = new int[n];
            for (long code = 0; code < (long)Math.Pow(t, n); code++)
            {
                long c = code;
                for (int i = 0; i < n; i++) { tags[i] = (int)(c % t); c /= t; }
                double p = 1;
                int x = t, y = t;
                for (int i = 0; i < n; i++) { p *= em.Transition(x, y, tags[i]) * em.Emission(ids[i], tags[i]); x = y; y = tags[i]; }
                p *= em.Transition(x, y, t);
                if (p > 0) paths.Add(((int[])tags.Clone(), p));
            }
            double z = paths.Sum(q => q.P);
            ll += Math.Log(z);
            foreach (var (path, p) in paths)
            {
                double w = p / z;
                int x = t, y = t;
                for (int i = 0; i <= n; i++)
                {
                    int zz = i < n ? path[i] : t;
                    tri[(x * s + y) * s + zz] += w;
                    if (i < n) emit[(ids[i], zz)] = emit.GetValueOrDefault((ids[i], zz)) + w;
                    x = y; y = zz;
                }
            }
        }
        return (tri, emit, ll);
    }

    private static void AssertCountsMatch(SemiSupervisedEm em, string when)
    {
        var (tri, emit, ll) = BruteForce(em);
        var e = em.ExpectedCounts();
        Assert.True(Math.Abs(ll - e.LogLikelihood) < 1e-12, $"{when}: log-likelihood forward {e.LogLikelihood:R}, enumeration {ll:R}");
        for (int i = 0; i < tri.Length; i++)
            Assert.True(Math.Abs(tri[i] - e.Trigrams[i]) < 1e-12, $"{when}: trigram {i}: forward-backward {e.Trigrams[i]:R}, enumeration {tri[i]:R}");
        double total = 0;
        for (int w = 0; w < em.Words.Length; w++)
        {
            for (int k = 0; k < em.WordTags[w].Length; k++)
            {
                double expected = emit.GetValueOrDefault((w, em.WordTags[w][k]));
                total += expected;
                Assert.True(Math.Abs(expected - e.Emissions[w][k]) < 1e-12, $"{when}: '{em.Words[w]}'/{em.WordTags[w][k]}: forward-backward {e.Emissions[w][k]:R}, enumeration {expected:R}");
            }
        }
        Assert.Equal(5.0, total, 12); // every untagged token is emitted once
    }

    [Theory]
    [InlineData(3)]
    [InlineData(2)]
    public void ExpectedCountsEqualEnumerationBeforeAndAfterOneIteration(int order)
    {
        var tagger = HmmTagger.Train(Tagged, new TaggerOptions(Order: order, SuffixThetaScale: 1));
        const double lambda = 0.7;
        var em = new SemiSupervisedEm(tagger, Untagged, lambda, maxThreads: 1);
        Assert.Contains(em.WordTags[Array.IndexOf(em.Words, "blorp")], t => t >= 0); // an unknown word gets suffix candidates
        AssertCountsMatch(em, "θ₀");

        // One iteration: the M-step must be the relative frequency of λ·(tagged counts) + (enumerated expected counts).
        var (tri, emit, _) = BruteForce(em);
        em.Step(CancellationToken.None);
        int t = tagger.Tags.Count, s = t + 1;
        var combined = (double[])tri.Clone();
        foreach (var (x, y, z, c) in tagger.Counts.Trigrams()) combined[(x * s + y) * s + z] += lambda * c;
        for (int x = 0; x < s; x++)
        {
            for (int y = 0; y < s; y++)
            {
                double row = 0, rowY = 0;
                for (int z = 0; z < s; z++) row += combined[(x * s + y) * s + z];
                for (int xx = 0; xx < s; xx++) for (int z = 0; z < s; z++) rowY += combined[(xx * s + y) * s + z];
                for (int z = 0; z < s; z++)
                {
                    double expected = order == 3
                        ? (row > 0 ? combined[(x * s + y) * s + z] / row : double.NaN)
                        : (rowY > 0 ? Enumerable.Range(0, s).Sum(xx => combined[(xx * s + y) * s + z]) / rowY : double.NaN);
                    if (double.IsNaN(expected)) continue; // a context never seen keeps its old row
                    Assert.True(Math.Abs(expected - em.Transition(x, y, z)) < 1e-12, $"P({z} | {x}, {y}) after one step: {em.Transition(x, y, z):R}, expected {expected:R}");
                }
            }
        }
        var tagTotals = new double[t];
        for (int w = 0; w < em.Words.Length; w++)
        {
            int lex = tagger.Lexicon.IndexOf(em.Words[w]);
            foreach (var tag in em.WordTags[w])
            {
                double tagged = lex < 0 ? 0 : lambda * tagger.Lexicon.Counts[lex][Array.IndexOf(tagger.Lexicon.Tags[lex], tag)];
                tagTotals[tag] += tagged + emit.GetValueOrDefault((w, tag));
            }
        }
        int blorp = Array.IndexOf(em.Words, "blorp");
        foreach (var tag in em.WordTags[blorp])
            Assert.Equal(emit.GetValueOrDefault((blorp, tag)) / tagTotals[tag], em.Emission(blorp, tag), 12);
        AssertCountsMatch(em, "θ₁");
    }

    [Theory]
    [InlineData(3, 1.0)]
    [InlineData(2, 1.0)]
    [InlineData(3, 0.05)]
    public void ObjectiveNeverDecreasesOnBrownSample(int order, double lambda)
    {
        var files = Directory.GetFiles(Path.Combine(TestPaths.Datasets, "brown-sample")).Order(StringComparer.Ordinal).ToList();
        var mapping = TagMapping.For(TagSet.Normalised, null);
        var all = TaggedCorpus.Read(files, CorpusFormat.Brown, mapping).ToList();
        var tagged = all.Where((_, i) => i % 10 == 0).ToList();
        var untagged = all.Where((_, i) => i % 10 != 0).Select(x => (IReadOnlyList<string>)x.Words).ToList();
        var tagger = HmmTagger.Train(tagged, new TaggerOptions(Order: order));
        // The driver throws ElboDecreasedException on any fall beyond 1e-9 relative; check the trace step by step too.
        tagger.Adapt(untagged, lambda, 6, out var trace, maxThreads: 2);
        Assert.Equal(6, trace.Count);
        for (int i = 1; i < trace.Count; i++)
            Assert.True(trace[i].Elbo >= trace[i - 1].Elbo - 1e-9 * Math.Abs(trace[i - 1].Elbo),
                $"order {order}, λ {lambda}: objective fell at iteration {i + 1}: {trace[i - 1].Elbo:R} -> {trace[i].Elbo:R}");
        Assert.True(trace[^1].Elbo > trace[0].Elbo, $"Baum-Welch did not move the objective: {trace[0].Elbo:R} -> {trace[^1].Elbo:R}");
    }

    [Fact]
    public void HeldOutGuardKeepsSupervisedModelWhenEmLowersHeldOutAccuracy()
    {
        // With HeldOutEvery = 2 the odd-numbered sentences are the held-out slice: "they blorf" (a verb after a pronoun).
        // The untagged text only ever shows "the blorf", so EM learns blorf as a noun and then mis-tags the held-out
        // sentence, while the supervised tagger (blorf unknown, no suffix evidence) follows the PRP → VB transition.
        TaggedSentence[] tagged =
        [
            new(["they", "walk"], ["PRP", "VB"]), new(["they", "blorf"], ["PRP", "VB"]),
            new(["the", "dog"], ["DT", "NN"]), new(["the", "cat"], ["DT", "NN"]),
            new(["they", "run"], ["PRP", "VB"]), new(["they", "walk"], ["PRP", "VB"]),
            new(["the", "cat"], ["DT", "NN"]), new(["the", "dog"], ["DT", "NN"]),
        ];
        var untagged = Enumerable.Repeat<IReadOnlyList<string>>(["the", "blorf"], 50).ToList();
        var semi = new SemiSupervisedOptions(MaxIterations: 3, HeldOutEvery: 2, MaxThreads: 1);
        var result = HmmTagger.TrainSemiSupervised(tagged, untagged, new TaggerOptions(SuffixThetaScale: 1), semi);

        Assert.Equal(1.0, result.SupervisedHeldOutAccuracy, 12);
        Assert.Equal(1 + semi.Shares.Count * semi.MaxIterations, result.Trials.Count);
        Assert.All(result.Trials.Where(t => t.Iteration > 0), t =>
            Assert.True(t.HeldOutAccuracy < result.SupervisedHeldOutAccuracy, $"the constructed case should make EM worse, but share {t.Share}, iteration {t.Iteration} scored {t.HeldOutAccuracy}"));
        Assert.Equal(0, result.Iterations);
        Assert.Null(result.Share);
        Assert.Null(result.Trace);
        Assert.Null(result.Tagger.SemiSupervised);
        Assert.Equal(["PRP", "VB"], result.Tagger.Tag(["they", "blorf"]));
    }

    [Fact]
    public void SignTestThresholdDecidesWhetherAHeldOutGainCounts()
    {
        var sample = Path.Combine(TestPaths.Datasets, "brown-sample");
        var mapping = TagMapping.For(TagSet.Normalised, null);
        var tagged = TaggedCorpus.Read([Path.Combine(sample, "ca01"), Path.Combine(sample, "cb01")], CorpusFormat.Brown, mapping).ToList();
        var untagged = TaggedCorpus.Read(new[] { "cc06", "cd11", "ce04" }.Select(f => Path.Combine(sample, f)), CorpusFormat.Brown, mapping)
            .Select(x => (IReadOnlyList<string>)x.Words).ToList();
        var heldOutTokens = tagged.Where((_, i) => i % 10 == 9).Sum(x => x.Length);

        var plain = HmmTagger.TrainSemiSupervised(tagged, untagged, semi: new SemiSupervisedOptions(MaxIterations: 2, MaxThreads: 2, RequiredZ: 0));
        foreach (var t in plain.Trials)
            Assert.Equal(plain.SupervisedHeldOutAccuracy + (double)(t.Gained - t.Lost) / heldOutTokens, t.HeldOutAccuracy, 12);
        var chosen = plain.Trials.Single(t => t.Share == plain.Share && t.Iteration == plain.Iterations);
        Assert.True(plain.Iterations > 0 && chosen.Gained > chosen.Lost, $"this sample should gain on the held-out slice: {string.Join("; ", plain.Trials)}");
        Assert.Equal(plain.Trials.Max(t => t.HeldOutAccuracy), chosen.HeldOutAccuracy);

        // A z no net gain can reach (every disagreement won would give gained − lost = √(n)·√(n)) keeps the supervised model.
        var strict = HmmTagger.TrainSemiSupervised(tagged, untagged, semi: new SemiSupervisedOptions(MaxIterations: 2, MaxThreads: 2, RequiredZ: Math.Sqrt(heldOutTokens) + 1));
        Assert.Equal(0, strict.Iterations);
        Assert.Null(strict.Tagger.SemiSupervised);
        Assert.Equal(plain.Trials, strict.Trials);
    }

    [Fact]
    public void AdaptedTaggerKnowsUntaggedWordsAndRoundTripsThroughTheModelFile()
    {
        var tagger = HmmTagger.Train(Tagged, new TaggerOptions(SuffixThetaScale: 1));
        var adapted = tagger.Adapt(Untagged, 1.0, 2, out var trace, maxThreads: 1);
        Assert.Equal(2, trace.Count);
        Assert.False(tagger.IsKnown("blorp"));
        Assert.True(adapted.IsKnown("blorp"));
        Assert.NotNull(adapted.SemiSupervised);
        var path = Path.Combine(Path.GetTempPath(), $"semi-{Guid.NewGuid():N}.tagger.json");
        try
        {
            adapted.Save(path);
            var loaded = HmmTagger.Load(path);
            Assert.NotNull(loaded.SemiSupervised);
            Assert.Equal(adapted.SemiSupervised!.Iterations, loaded.SemiSupervised!.Iterations);
            foreach (var s in new[] { Untagged[0], Untagged[1], ["a", "blorp", "sleeps", "fast"] })
            {
                Assert.Equal(adapted.Tag(s), loaded.Tag(s));
                var ids = new int[s.Count];
                Assert.Equal(adapted.TagIds(s, double.PositiveInfinity, ids), loaded.TagIds(s, double.PositiveInfinity, ids), 12);
            }
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Theory]
    [InlineData(3)]
    [InlineData(2)]
    public void AdaptedTaggerDecodesWithTntInterpolationOfTheCombinedCounts(int order)
    {
        var tagger = HmmTagger.Train(Tagged, new TaggerOptions(Order: order, SuffixThetaScale: 1));
        var adapted = tagger.Adapt(Untagged, 0.5, 1, out _, maxThreads: 1);
        var c = adapted.SemiSupervised!;
        var l = tagger.Transitions.Lambdas;
        Assert.Equal(l, adapted.Transitions.Lambdas);
        int s = tagger.Tags.Count + 1;
        double F(int x, int y, int z) => c.Trigrams[(x * s + y) * s + z];
        double total = c.Trigrams.Sum();
        for (int x = 0; x < s; x++)
        {
            for (int y = 0; y < s; y++)
            {
                double fxy = Enumerable.Range(0, s).Sum(z => F(x, y, z));
                double fy = Enumerable.Range(0, s).Sum(xx => Enumerable.Range(0, s).Sum(z => F(xx, y, z)));
                for (int z = 0; z < s; z++)
                {
                    double fz = Enumerable.Range(0, s).Sum(xx => Enumerable.Range(0, s).Sum(yy => F(xx, yy, z)));
                    double fyz = Enumerable.Range(0, s).Sum(xx => F(xx, y, z));
                    double p = l[0] * fz / total + l[1] * (fy > 0 ? fyz / fy : 0) + (order == 3 && fxy > 0 ? l[2] * F(x, y, z) / fxy : 0);
                    Assert.True(Math.Abs(Math.Log(p) - adapted.Transitions.Log(x, y, z)) < 1e-12 || p == 0 && double.IsNegativeInfinity(adapted.Transitions.Log(x, y, z)),
                        $"log P({z} | {x}, {y}): decoder {adapted.Transitions.Log(x, y, z):R}, formula {Math.Log(p):R}");
                }
            }
        }
        // P(w | t) = c(w, t) / Σ_w' c(w', t) over both texts' words.
        int w = Array.IndexOf(c.Words, "blorp");
        var (tags, emit) = adapted.Candidates("blorp");
        Assert.NotEmpty(tags);
        for (int k = 0; k < tags.Length; k++)
        {
            double tagTotal = Enumerable.Range(0, c.Words.Length).Sum(v => c.Counts[v].Where((_, j) => c.Tags[v][j] == tags[k]).Sum());
            double count = c.Counts[w][Array.IndexOf(c.Tags[w], tags[k])];
            Assert.Equal(Math.Log(count / tagTotal), emit[k], 12);
        }
    }

    [Fact]
    public void BadInputIsNamed()
    {
        var tagger = HmmTagger.Train(Tagged, new TaggerOptions(SuffixThetaScale: 1));
        Assert.Contains("λ", Assert.Throws<ArgumentOutOfRangeException>(() => new SemiSupervisedEm(tagger, Untagged, 0)).Message);
        Assert.Contains("no tokens", Assert.Throws<ArgumentException>(() => new SemiSupervisedEm(tagger, [[]], 1)).Message);
        Assert.Contains("too few", Assert.Throws<Core.Data.DataFormatException>(() => HmmTagger.TrainSemiSupervised(Tagged.Take(1).ToList(), Untagged)).Message);
        Assert.Contains("LabelledShares", Assert.Throws<ArgumentOutOfRangeException>(() =>
            HmmTagger.TrainSemiSupervised(Tagged, Untagged, semi: new SemiSupervisedOptions(LabelledShares: [-1]))).Message);
    }
}
