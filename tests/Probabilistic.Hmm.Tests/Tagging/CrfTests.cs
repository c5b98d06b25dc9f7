using Probabilistic.Core.IO;
using Probabilistic.Hmm.Tagging;

namespace Probabilistic.Hmm.Tests.Tagging;

/// <summary>
/// The CRF against independent computations: log Z and Viterbi against enumeration of every path through the candidate
/// lattice, the gradient against central finite differences, and the word-identity CRF against the HMM that generated
/// its data (whose conditional p(tags | words), enumerated by brute force, is a point of the CRF's family).
/// </summary>
public class CrfTests
{
    private static readonly string[] ToyTags = ["D", "N", "V"];
    private static readonly string[] ToyWords = ["the", "dog", "runs", "walks", "a"];
    private static readonly double[] Start = [0.6, 0.3, 0.1];
    private static readonly double[,] Transition = { { 0.1, 0.8, 0.1 }, { 0.2, 0.3, 0.5 }, { 0.5, 0.3, 0.2 } };
    private static readonly double[,] Emission =
    {
        { 0.50, 0.05, 0.05, 0.05, 0.35 },
        { 0.05, 0.45, 0.25, 0.20, 0.05 },
        { 0.05, 0.15, 0.40, 0.35, 0.05 },
    };

    // Sentences of 2–5 tokens drawn from the toy HMM (every word can come from every tag).
    private static List<TaggedSentence> Sample(int count, int seed)
    {
        var random = new Random(seed);
        var result = new List<TaggedSentence>();
        for (int k = 0; k < count; k++)
        {
            int n = 2 + random.Next(4);
            var words = new string[n];
            var tags = new string[n];
            int t = Draw(random, i => Start[i]);
            for (int i = 0; i < n; i++)
            {
                if (i > 0) { int prev = t; t = Draw(random, j => Transition[prev, j]); }
                int tag = t;
                tags[i] = ToyTags[tag];
                words[i] = ToyWords[Draw(random, w => Emission[tag, w], ToyWords.Length)];
            }
            result.Add(new TaggedSentence(words, tags));
        }
        return result;
    }

    private static int Draw(Random random, Func<int, double> p, int count = 3)
    {
        double u = random.NextDouble(), c = 0;
        for (int i = 0; i < count - 1; i++) { c += p(i); if (u < c) return i; }
        return count - 1;
    }

    private static CrfTagger Trained(int iterations = 8, CrfTraining training = CrfTraining.ConditionalLikelihood, int? threads = null) =>
        CrfTagger.Train(Sample(300, 7), new CrfOptions(training, L2: 0.1, RareWordThreshold: 3, MaxThreads: threads),
            new FitOptions(MaxIterations: iterations, Tolerance: 0, Seed: 3)).Model;

    // Every path through the lattice, with its score.
    private static IEnumerable<(int[] Tags, double Score)> Paths(CrfTagger tagger, string[] words)
    {
        var lattice = tagger.Lattice(words);
        var index = new int[words.Length];
        while (true)
        {
            var tags = new int[words.Length];
            for (int i = 0; i < words.Length; i++) tags[i] = lattice[i][index[i]];
            yield return (tags, tagger.Score(words, tags));
            int p = words.Length - 1;
            while (p >= 0 && ++index[p] == lattice[p].Length) { index[p] = 0; p--; }
            if (p < 0) yield break;
        }
    }

    public static TheoryData<string> Sentences => new()
    {
        "the dog runs",
        "a dog walks the dog",
        "the zorping runs",      // unknown word: suffix-model candidates
        "Blorps walk",           // unknown, capitalised, sentence-initial
        "dog",
    };

    [Theory]
    [MemberData(nameof(Sentences))]
    public void LogPartitionAndViterbiMatchEnumeration(string sentence)
    {
        var tagger = Trained();
        var words = sentence.Split(' ');
        var paths = Paths(tagger, words).ToList();
        Assert.True(paths.Count > 1, $"'{sentence}' has a single path; the check would be vacuous");
        double max = paths.Max(p => p.Score);
        double logZ = max + Math.Log(paths.Sum(p => Math.Exp(p.Score - max)));
        Numbers.AssertClose(logZ, tagger.LogPartition(words), 1e-12, what: $"log Z of '{sentence}' over {paths.Count} paths");

        var best = paths.OrderByDescending(p => p.Score).First();
        var decoded = new int[words.Length];
        double score = tagger.TagIds(words, decoded);
        Numbers.AssertClose(best.Score, score, 1e-12, what: $"best path score of '{sentence}'");
        Assert.Equal(best.Tags, decoded);
    }

    [Fact]
    public void TaggingPathMatchesEnumerationOverTheGeneralScore()
    {
        // TagIds builds node scores from per-word feature lists and merged context attributes; Score and Lattice take
        // the general attribute-matching path. Sentences mix known words with unknown ones at every position.
        var tagger = Trained();
        var random = new Random(17);
        string[] unknown = ["zorping", "Blorps", "12th", "well-made", "x"];
        foreach (var sentence in Sample(150, 13))
        {
            var words = sentence.Words.Select(w => random.Next(4) == 0 ? unknown[random.Next(unknown.Length)] : w).ToArray();
            var best = Paths(tagger, words).MaxBy(p => p.Score);
            var decoded = new int[words.Length];
            double score = tagger.TagIds(words, decoded);
            string text = string.Join(' ', words);
            Numbers.AssertClose(best.Score, score, 1e-12, what: $"best path score of '{text}'");
            Numbers.AssertClose(tagger.Score(words, decoded), score, 1e-12, what: $"general score of the decoded path of '{text}'");
        }
    }

    private readonly struct KeyList(List<string> keys) : CrfFeatures.IKeySink
    {
        public void Add(ReadOnlySpan<char> key) => keys.Add(key.ToString());
    }

    [Theory]
    [InlineData("dogs", "")]
    [InlineData("Well-Known", "upper hyphen")]
    [InlineData("NATO", "upper caps")]
    [InlineData("A", "upper")]                   // a single capital is not "all capitals"
    [InlineData("1,500", "digit punct")]
    [InlineData("U.S.", "upper caps punct")]
    public void ShapePartsFireAsSpelled(string word, string expected)
    {
        var keys = new List<string>();
        var sink = new KeyList(keys);
        CrfFeatures.Own(word, false, null, CrfTemplates.All, new char[80], ref sink);
        var flags = keys.Where(k => k[0] == 'c').Select(k => k[2..]).ToArray();
        Assert.Equal(expected.Split(' ', StringSplitOptions.RemoveEmptyEntries), flags);
    }

    [Fact]
    public void GradientMatchesFiniteDifferences()
    {
        var tagger = Trained();
        var data = Sample(40, 11);
        var gradient = new double[tagger.WeightArray.Length];
        tagger.PenalisedLogLikelihood(data, gradient);
        var random = new Random(5);
        int s = ToyTags.Length + 1;
        // All transitions and a sample of features.
        var coordinates = Enumerable.Range(0, s * s).Concat(Enumerable.Range(0, 40).Select(_ => s * s + random.Next(tagger.FeatureCount)));
        const double h = 1e-5;
        foreach (int k in coordinates)
        {
            double w = tagger.WeightArray[k];
            tagger.WeightArray[k] = w + h;
            double up = tagger.PenalisedLogLikelihood(data);
            tagger.WeightArray[k] = w - h;
            double down = tagger.PenalisedLogLikelihood(data);
            tagger.WeightArray[k] = w;
            Numbers.AssertClose((up - down) / (2 * h), gradient[k], 1e-6, 1e-6, $"∂L/∂w[{k}]");
        }
        Assert.Contains(gradient, g => Math.Abs(g) > 1e-3); // not a vacuous zero gradient
    }

    [Fact]
    public void LikelihoodWithUnambiguousWordsMatchesTheGeneralScoreAndPartition()
    {
        // Every sentence ends in ".", always tagged E: a single-candidate position, whose features training drops
        // (they cancel between the gold score and log Z). The objective must still equal Σ score(gold) − log Z from
        // the general tagging path, which keeps them, less the penalty.
        var data = Sample(120, 41).Select(s => new TaggedSentence([.. s.Words, "."], [.. s.Tags, "E"])).ToList();
        var options = new CrfOptions(L2: 0.1, RareWordThreshold: 0); // no rare words: the training lattice is the tagging lattice
        var tagger = CrfTagger.Train(data, options, new FitOptions(MaxIterations: 5, Tolerance: 0)).Model;
        Assert.Single(tagger.Lattice(["dog", "."])[1]);
        var dot = Enumerable.Range(0, tagger.Features.Attributes.Length).Single(a => tagger.Features.Attributes[a] == "w\u001f.");
        int s2 = (tagger.Tags.Count + 1) * (tagger.Tags.Count + 1);
        Assert.True(tagger.WeightArray[s2 + tagger.Features.FeatureStart[dot]] == 0,
            "the weight of (word '.', E) moved in training, though its gradient is the penalty's alone");

        // At arbitrary weights (every feature non-zero), not only the trained ones.
        var random = new Random(43);
        for (int k = 0; k < tagger.WeightArray.Length; k++) tagger.WeightArray[k] = 2 * random.NextDouble() - 1;
        double expected = 0;
        foreach (var s in data)
        {
            var gold = s.Tags.Select(t => tagger.Tags.ToList().IndexOf(t)).ToArray();
            expected += tagger.Score(s.Words, gold) - tagger.LogPartition(s.Words);
        }
        double penalty = options.L2 * tagger.WeightArray.Sum(w => w * w);
        Numbers.AssertClose(expected, tagger.PenalisedLogLikelihood(data) + penalty, 1e-10, what: "Σ log p(gold | words)");
    }

    [Fact]
    public void WordIdentityCrfRecoversTheGeneratingHmm()
    {
        var train = Sample(2000, 21);
        var test = Sample(500, 22);
        var options = new CrfOptions(L2: 1e-4, RareWordThreshold: 0, Templates: CrfTemplates.WordIdentity);
        var fit = CrfTagger.Train(train, options, new FitOptions(MaxIterations: 200, Tolerance: 1e-10));
        var crf = fit.Model;
        Assert.Equal(ToyWords.Length, crf.FeatureCount / ToyTags.Length); // every (word, tag) pair seen: the HMM is in the family
        var learned = crf.Weights.ToArray();

        // The HMM as CRF weights: BOS→t = log π, t→t' = log A, (word, t) = log B, →EOS = 0.
        int s = ToyTags.Length + 1, boundary = ToyTags.Length;
        var id = ToyTags.Select(t => crf.Tags.ToList().IndexOf(t)).ToArray();
        var hmmWeights = new double[crf.WeightArray.Length];
        for (int a = 0; a < 3; a++)
        {
            hmmWeights[boundary * s + id[a]] = Math.Log(Start[a]);
            for (int b = 0; b < 3; b++) hmmWeights[id[a] * s + id[b]] = Math.Log(Transition[a, b]);
        }
        var features = crf.Features;
        for (int attribute = 0; attribute < features.Attributes.Length; attribute++)
        {
            string word = features.Attributes[attribute][2..];
            var tags = features.TagsOf(attribute);
            for (int j = 0; j < tags.Length; j++)
                hmmWeights[s * s + features.FeatureStart[attribute] + j] = Math.Log(Emission[Array.IndexOf(id, tags[j]), Array.IndexOf(ToyWords, word)]);
        }

        // The CRF's likelihood at the HMM's weights equals the HMM's conditional likelihood by brute force.
        hmmWeights.CopyTo(crf.WeightArray, 0);
        double penalty = options.L2 * hmmWeights.Sum(w => w * w);
        Numbers.AssertClose(HmmConditional(test, id), crf.PenalisedLogLikelihood(test) + penalty, 1e-10, what: "log p(tags | words) of the HMM");
        double atHmm = crf.PenalisedLogLikelihood(train);
        double heldOutHmm = crf.PenalisedLogLikelihood(test) + penalty;

        learned.CopyTo(crf.WeightArray, 0);
        double atCrf = crf.PenalisedLogLikelihood(train);
        Assert.True(atCrf >= atHmm - 1e-6, $"the fitted CRF's penalised likelihood {atCrf} is below the generating HMM's {atHmm}, a point of its family");
        double heldOutCrf = crf.PenalisedLogLikelihood(test) + options.L2 * learned.Sum(w => w * w);
        long tokens = test.Sum(t => (long)t.Length);
        Assert.True(Math.Abs(heldOutCrf - heldOutHmm) / tokens < 0.01,
            $"held-out log p(tags | words) per token: CRF {heldOutCrf / tokens:F4}, generating HMM {heldOutHmm / tokens:F4}");
    }

    // Σ log p(tags | words) under the toy HMM, by enumerating every tag sequence.
    private static double HmmConditional(List<TaggedSentence> sentences, int[] id)
    {
        double total = 0;
        foreach (var sentence in sentences)
        {
            int n = sentence.Length;
            var w = sentence.Words.Select(x => Array.IndexOf(ToyWords, x)).ToArray();
            var gold = sentence.Tags.Select(x => Array.IndexOf(ToyTags, x)).ToArray();
            double Joint(int[] t)
            {
                double p = Start[t[0]] * Emission[t[0], w[0]];
                for (int i = 1; i < n; i++) p *= Transition[t[i - 1], t[i]] * Emission[t[i], w[i]];
                return p;
            }
            double z = 0;
            var path = new int[n];
            for (int code = 0; code < (int)Math.Pow(3, n); code++)
            {
                for (int i = 0, c = code; i < n; i++, c /= 3) path[i] = c % 3;
                z += Joint(path);
            }
            total += Math.Log(Joint(gold) / z);
        }
        return total;
    }

    [Fact]
    public void TrainingDoesNotDependOnThreadCountAndLikelihoodRises()
    {
        var one = CrfTagger.Train(Sample(300, 7), new CrfOptions(L2: 0.1, MaxThreads: 1), new FitOptions(MaxIterations: 6, Tolerance: 0));
        var two = CrfTagger.Train(Sample(300, 7), new CrfOptions(L2: 0.1, MaxThreads: 2), new FitOptions(MaxIterations: 6, Tolerance: 0));
        Assert.Equal(one.Model.Weights, two.Model.Weights);
        for (int i = 1; i < one.Trace.Count; i++)
            Assert.True(one.Trace[i].Elbo >= one.Trace[i - 1].Elbo, $"the penalised likelihood fell at step {i}: {one.Trace[i - 1].Elbo} → {one.Trace[i].Elbo}");
        Assert.True(one.Trace[^1].Elbo > one.Trace[0].Elbo + 1, "six L-BFGS steps did not raise the likelihood");
    }

    [Fact]
    public void PerceptronIsSeededAndBeatsTheMostFrequentTag()
    {
        var train = Sample(1000, 31);
        var test = Sample(300, 32);
        var options = new CrfOptions(CrfTraining.AveragedPerceptron, RareWordThreshold: 0);
        var a = CrfTagger.Train(train, options, new FitOptions(MaxIterations: 5, Seed: 9)).Model;
        var b = CrfTagger.Train(train, options, new FitOptions(MaxIterations: 5, Seed: 9)).Model;
        Assert.Equal(a.Weights, b.Weights);
        // Most-frequent tag per word, from the training data.
        var best = train.SelectMany(s => s.Words.Zip(s.Tags)).GroupBy(p => p.First)
            .ToDictionary(g => g.Key, g => g.GroupBy(p => p.Second).OrderByDescending(x => x.Count()).First().Key);
        int perceptron = 0, baseline = 0, tokens = 0;
        foreach (var s in test)
        {
            var tags = a.Tag(s.Words);
            for (int i = 0; i < s.Length; i++)
            {
                tokens++;
                if (tags[i] == s.Tags[i]) perceptron++;
                if (best[s.Words[i]] == s.Tags[i]) baseline++;
            }
        }
        Assert.True(perceptron > baseline + 0.02 * tokens, $"perceptron {perceptron} vs most-frequent tag {baseline} correct of {tokens}: transitions should help");
    }

    [Fact]
    public void SaveLoadRoundTripsAndRefusesBadFiles()
    {
        var tagger = Trained(iterations: 4);
        var dir = Directory.CreateTempSubdirectory("crf-test");
        try
        {
            var path = Path.Combine(dir.FullName, "model.json");
            tagger.Save(path);
            var loaded = CrfTagger.Load(path);
            Assert.Equal(tagger.Weights, loaded.Weights);
            foreach (var sentence in new[] { "the dog runs", "Blorps walk the zorping", "a a a" })
                Assert.Equal(tagger.Tag(sentence.Split(' ')), loaded.Tag(sentence.Split(' ')));
            Assert.Equal([path], Directory.GetFiles(dir.FullName)); // no temporary file left behind

            var text = File.ReadAllText(path);
            var truncated = Path.Combine(dir.FullName, "truncated.json");
            File.WriteAllText(truncated, text[..(text.Length / 2)]);
            var e = Assert.Throws<ModelFormatException>(() => CrfTagger.Load(truncated));
            Assert.Contains("truncated.json", e.Message);

            var hmm = Path.Combine(dir.FullName, "hmm.json");
            HmmTagger.Train(Sample(50, 1)).Save(hmm);
            Assert.Throws<ModelFormatException>(() => CrfTagger.Load(hmm));
        }
        finally
        {
            dir.Delete(true);
        }
    }
}
