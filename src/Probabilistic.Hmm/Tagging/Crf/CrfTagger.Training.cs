using Probabilistic.Core.Data;
using Probabilistic.Core.Inference;
using Probabilistic.Core.Numerics;

namespace Probabilistic.Hmm.Tagging;

public sealed partial class CrfTagger
{
    /// <summary>
    /// Trains a tagger on sentences whose tags are already in the target tag set: builds the lexicon, the suffix model and
    /// the feature index (attributes firing on at least <see cref="CrfOptions.MinFeatureCount"/> tokens, paired with the
    /// tags they were seen with), then fits the weights by <paramref name="options"/>' criterion on
    /// <see cref="ElboDriver"/> (<paramref name="fit"/>: iterations or epochs, tolerance, seed, progress).
    /// </summary>
    public static FitResult<CrfTagger> Train(IEnumerable<TaggedSentence> sentences, CrfOptions? options = null, FitOptions? fit = null,
        TagSet tagSet = TagSet.Normalised, IReadOnlyDictionary<string, string>? universalMap = null, CancellationToken cancellationToken = default)
    {
        options ??= new CrfOptions();
        options.Validate();
        fit ??= new FitOptions(MaxIterations: options.Training == CrfTraining.AveragedPerceptron ? 5 : 100, Tolerance: 1e-7);
        fit.Validate();
        var (tagger, corpus) = Index(sentences, options, tagSet, universalMap, cancellationToken);
        IElboOptimizer optimizer = options.Training == CrfTraining.ConditionalLikelihood
            ? new LikelihoodTrainer(tagger, corpus)
            : new PerceptronTrainer(tagger, corpus, fit.ResolveSeed());
        var trace = ElboDriver.Fit(optimizer, fit, cancellationToken);
        if (optimizer is LikelihoodTrainer l) l.Solution.CopyTo(tagger.WeightArray);
        else ((PerceptronTrainer)optimizer).Averaged().CopyTo(tagger.WeightArray, 0);
        tagger.ClearWordCache(); // no word was tagged during training, but its sums would be of the weights before the copy
        return new FitResult<CrfTagger>(tagger, trace);
    }

    // Reads the corpus once: tags, lexicon, suffix model, attributes with their counts, the feature index; each sentence
    // then on its lattice with gold candidates.
    private static (CrfTagger Tagger, Sentence[] Corpus) Index(IEnumerable<TaggedSentence> sentences, CrfOptions options, TagSet tagSet,
        IReadOnlyDictionary<string, string>? universalMap, CancellationToken cancellationToken)
    {
        var tagIds = new Dictionary<string, int>(StringComparer.Ordinal);
        var tagNames = new List<string>();
        var lexicon = new Lexicon.Builder();
        var kept = new List<(string[] Words, int[] Tags)>();
        long count = 0;
        foreach (var s in sentences)
        {
            count++;
            if (s.Words.Length != s.Tags.Length) throw new ArgumentException($"sentence {count} has {s.Words.Length} words but {s.Tags.Length} tags");
            if (s.Length == 0) continue;
            var goldIds = new int[s.Length];
            for (int i = 0; i < s.Length; i++)
            {
                if (!tagIds.TryGetValue(s.Tags[i], out var id)) { id = tagNames.Count; tagIds.Add(s.Tags[i], id); tagNames.Add(s.Tags[i]); }
                goldIds[i] = id;
                lexicon.Add(s.Words[i], id);
            }
            kept.Add((s.Words, goldIds));
            if (count % 10_000 == 0) cancellationToken.ThrowIfCancellationRequested();
        }
        if (kept.Count == 0) throw new DataFormatException("the training corpus", null, "no tagged tokens to train on");
        var tags = tagNames.ToArray();
        var lex = lexicon.Build(tags.Length);
        var suffixes = SuffixModel.Build(lex, options.RareWordThreshold, options.MaxSuffixLength);
        int s2 = (tags.Length + 1) * (tags.Length + 1);

        // A provisional tagger with no features gives the candidates and suffix classes the attributes need.
        var probe = new CrfTagger(tags, tagSet, universalMap, options, lex, suffixes, new CrfFeatures([], [0], []), new double[s2]);
        var (names, tokenAttributes) = RawAttributes(probe, kept, cancellationToken);

        // Keep attributes firing on at least MinFeatureCount tokens; pair each with the gold tags it fired with (a bit per
        // (attribute, tag), read in tag order).
        var frequency = new int[names.Length];
        foreach (var (words, _) in kept)
            for (int i = 0; i < words.Length; i++) foreach (var a in tokenAttributes(words, i)) frequency[a]++;
        var remap = new int[names.Length];
        var attributes = new List<string>();
        for (int id = 0; id < names.Length; id++)
        {
            remap[id] = frequency[id] >= options.MinFeatureCount ? attributes.Count : -1;
            if (remap[id] >= 0) attributes.Add(names[id]);
        }
        int t = tags.Length;
        var seen = new System.Collections.BitArray(checked(attributes.Count * t));
        foreach (var (words, gold) in kept)
            for (int i = 0; i < words.Length; i++)
                foreach (var raw in tokenAttributes(words, i))
                    if (remap[raw] >= 0) seen[remap[raw] * t + gold[i]] = true;
        var featureStart = new int[attributes.Count + 1];
        var featureTags = new List<int>();
        for (int a = 0; a < attributes.Count; a++)
        {
            for (int tag = 0; tag < t; tag++) if (seen[a * t + tag]) featureTags.Add(tag);
            featureStart[a + 1] = featureTags.Count;
        }
        var features = new CrfFeatures(attributes.ToArray(), featureStart, featureTags.ToArray());
        var tagger = new CrfTagger(tags, tagSet, universalMap, options, lex, suffixes, features, new double[s2 + features.Count]);

        var corpus = new Sentence[kept.Count];
        // Each word type's candidates and attribute ids first, then the sentences in parallel (reading the filled cache).
        var ws = new Workspace(tags.Length);
        var infos = new Dictionary<string, WordInfo>(StringComparer.Ordinal);
        foreach (var (words, _) in kept)
            for (int i = 0; i < words.Length; i++) tagger.TrainingInfo(words[i], i == 0, ws, infos);
        var parallel = new ParallelOptions
        {
            MaxDegreeOfParallelism = options.MaxThreads ?? Environment.ProcessorCount, CancellationToken = cancellationToken,
        };
        Parallel.For(0, kept.Count, parallel, () => new Workspace(tags.Length), (k, _, local) =>
        {
            corpus[k] = tagger.Compile(tagger.Prepare(kept[k].Words, kept[k].Tags, local, infos), local);
            return local;
        }, _ => { });
        return (tagger, corpus);
    }

    // Every attribute key of the corpus, by raw id in order of first appearance, and a function giving a token's raw ids
    // (CrfFeatures.Extract's keys, in its order). Keys are built once per word type, as Prepare composes a token's
    // attributes from its word's own attributes and its neighbours' ids as neighbours, instead of once per token.
    private static (string[] Names, Func<string[], int, IEnumerable<int>> TokenAttributes) RawAttributes(CrfTagger probe,
        List<(string[] Words, int[] Tags)> kept, CancellationToken cancellationToken)
    {
        var keys = new Dictionary<string, int>(StringComparer.Ordinal);
        var ids = new List<int>();
        var buffer = new char[80];
        var templates = probe.Options.Templates;
        var own = new Dictionary<string, int[]>(StringComparer.Ordinal);       // "\u0001" + word at the sentence start
        var asNeighbour = new Dictionary<string, int[]>(StringComparer.Ordinal);
        int[] Keys(Action<List<int>> extract)
        {
            ids.Clear();
            extract(ids);
            return ids.ToArray();
        }
        int[] Own(string word, bool initial)
        {
            string key = initial ? "\u0001" + word : word;
            if (own.TryGetValue(key, out var known)) return known;
            var suffixClass = probe.TrainingCandidates(word, initial).SuffixClass;
            return own[key] = Keys(list =>
            {
                var sink = new CrfFeatures.CountSink(keys, list);
                CrfFeatures.Own(word, initial, suffixClass, templates, buffer, ref sink);
            });
        }
        int[] Neighbour(string word)
        {
            if (asNeighbour.TryGetValue(word, out var known)) return known;
            var result = new int[5];
            for (int k = 0; k < 5; k++)
            {
                int slot = k;
                var found = Keys(list =>
                {
                    var sink = new CrfFeatures.CountSink(keys, list);
                    if (slot < 4) CrfFeatures.Neighbour(word, "pqrs"[slot], buffer, ref sink);
                    else CrfFeatures.NextSuffix(word, buffer, ref sink);
                });
                result[k] = found[0];
            }
            return asNeighbour[word] = result;
        }
        var start = Neighbour("<s>");
        var end = Neighbour("</s>");
        for (int k = 0; k < kept.Count; k++)
        {
            var words = kept[k].Words;
            for (int i = 0; i < words.Length; i++) { Own(words[i], i == 0); if (templates != CrfTemplates.WordIdentity) Neighbour(words[i]); }
            if (k % 5_000 == 0) cancellationToken.ThrowIfCancellationRequested();
        }
        var names = new string[keys.Count];
        foreach (var (key, id) in keys) names[id] = key;
        return (names, TokenAttributes);

        IEnumerable<int> TokenAttributes(string[] words, int i)
        {
            foreach (var a in own[i == 0 ? "\u0001" + words[i] : words[i]]) yield return a;
            if (templates == CrfTemplates.WordIdentity) yield break;
            int n = words.Length;
            yield return i >= 2 ? asNeighbour[words[i - 2]][0] : start[0];
            yield return i >= 1 ? asNeighbour[words[i - 1]][1] : start[1];
            yield return i + 1 < n ? asNeighbour[words[i + 1]][2] : end[2];
            yield return i + 2 < n ? asNeighbour[words[i + 2]][3] : end[3];
            if (i + 1 < n) yield return asNeighbour[words[i + 1]][4];
        }
    }

    /// <summary>
    /// The penalised conditional log-likelihood L(w) = Σ_s log p(tags_s | words_s) − c‖w‖² of <paramref name="sentences"/> at
    /// <see cref="Weights"/>, the objective the CRF maximises; with a non-empty <paramref name="gradient"/> (one value per
    /// weight), ∂L/∂w is written there. Sentences sit on the training lattice (rare words as <see cref="TrainingCandidates"/>
    /// has them); a gold tag must be one of its word's candidates.
    /// </summary>
    public double PenalisedLogLikelihood(IReadOnlyList<TaggedSentence> sentences, Span<double> gradient = default)
    {
        if (!gradient.IsEmpty && gradient.Length != _weights.Length)
            throw new ArgumentException($"the gradient needs {_weights.Length} values, not {gradient.Length}", nameof(gradient));
        var ws = new Workspace(Tags.Count);
        var infos = new Dictionary<string, WordInfo>(StringComparer.Ordinal);
        var corpus = new Sentence[sentences.Count];
        for (int k = 0; k < corpus.Length; k++)
        {
            var s = sentences[k];
            var gold = new int[s.Length];
            for (int i = 0; i < gold.Length; i++)
            {
                gold[i] = Array.IndexOf((string[])Tags, s.Tags[i]);
                if (gold[i] < 0) throw new ArgumentException($"sentence {k + 1}, token {i + 1}: the model has no tag '{s.Tags[i]}'");
            }
            corpus[k] = Compile(Prepare(s.Words, gold, ws, infos), ws);
        }
        int t = (Tags.Count + 1) * (Tags.Count + 1);
        var expTransitions = new double[t];
        for (int k = 0; k < t; k++) expTransitions[k] = Math.Exp(_weights[k]);
        var g = new double[_weights.Length];
        var empirical = Empirical(corpus);
        double value = System.Numerics.Tensors.TensorPrimitives.Dot(_weights, empirical)
            - AddLogPartitions(corpus, 0, corpus.Length, _weights, expTransitions, ws, g)
            - Options.L2 * System.Numerics.Tensors.TensorPrimitives.Dot(_weights, _weights);
        if (!gradient.IsEmpty)
            for (int k = 0; k < g.Length; k++) gradient[k] = empirical[k] - g[k] - 2 * Options.L2 * _weights[k];
        return value;
    }

    // Σ log Z over the compiled corpus[from..to); the expected feature counts E[φ] added into g.
    internal double AddLogPartitions(Sentence[] corpus, int from, int to, double[] w, double[] expTransitions, Workspace ws, double[] g)
    {
        int s = Tags.Count + 1;
        double value = 0;
        var transitions = g.AsSpan(0, s * s);
        for (int k = from; k < to; k++)
        {
            var sentence = corpus[k];
            value += LogPartition(sentence, w, expTransitions, ws, transitions);
            for (int node = 0; node < sentence.Offsets[sentence.Length]; node++) AddNode(sentence, node, g, ws.Marginals[node]);
        }
        return value;
    }

    // Σ φ(gold) over the compiled corpus: the empirical feature counts (the gold score is their dot product with the weights).
    internal double[] Empirical(Sentence[] corpus)
    {
        var counts = new double[_weights.Length];
        int s = Tags.Count + 1;
        foreach (var sentence in corpus)
        {
            int prev = Tags.Count;
            for (int i = 0; i < sentence.Length; i++)
            {
                int node = sentence.Offsets[i] + sentence.Gold![i], t = sentence.Tags[node];
                AddNode(sentence, node, counts, 1);
                counts[prev * s + t] += 1;
                prev = t;
            }
            counts[prev * s + Tags.Count] += 1;
        }
        return counts;
    }

    private double GoldScore(Sentence sentence, ReadOnlySpan<double> weights, Workspace ws)
    {
        int s = Tags.Count + 1, prev = Tags.Count;
        double score = 0;
        for (int i = 0; i < sentence.Length; i++)
        {
            int node = sentence.Offsets[i] + sentence.Gold![i];
            int t = sentence.Tags[node];
            score += weights[prev * s + t] + ws.Scores[node];
            prev = t;
        }
        return score + weights[prev * s + Tags.Count];
    }

    /// <summary>
    /// Maximises L(w) = Σ_s log p(gold_s | words_s) − c‖w‖² = w·φ̄ − Σ_s log Z_s − c‖w‖² by L-BFGS on −L, with φ̄ the
    /// empirical feature counts (computed once). Sentences are split into a fixed number of
    /// contiguous blocks, each with its own gradient buffer, summed in block order: the result does not depend on how
    /// many threads ran.
    /// </summary>
    private sealed class LikelihoodTrainer : IElboOptimizer
    {
        private const int Blocks = 8;
        private readonly CrfTagger _tagger;
        private readonly Sentence[] _corpus;
        private readonly double[][] _blockGradient = new double[Blocks][];
        private readonly double[] _blockValue = new double[Blocks];
        private readonly Workspace[] _blockWorkspace = new Workspace[Blocks];
        private readonly double[] _expTransitions, _empirical;
        private readonly double[] _point; // the evaluation point as an array (reused: a 6 MB copy per evaluation would churn the large-object heap)
        private readonly Lbfgs _lbfgs;
        private readonly ParallelOptions _parallel;

        public LikelihoodTrainer(CrfTagger tagger, Sentence[] corpus)
        {
            _tagger = tagger;
            _corpus = corpus;
            int s = tagger.Tags.Count + 1;
            _expTransitions = new double[s * s];
            _point = new double[tagger.WeightArray.Length];
            for (int b = 0; b < Blocks; b++)
            {
                _blockGradient[b] = new double[tagger.WeightArray.Length];
                _blockWorkspace[b] = new Workspace(tagger.Tags.Count);
            }
            _parallel = new ParallelOptions { MaxDegreeOfParallelism = tagger.Options.MaxThreads ?? Environment.ProcessorCount };
            ObservationCount = corpus.Sum(c => (long)c.Length);
            _empirical = tagger.Empirical(corpus);
            _lbfgs = new Lbfgs(tagger.WeightArray, Objective, tagger.Options.LbfgsMemory);
        }

        public bool IsMonotone => true;

        public long ObservationCount { get; }

        public ReadOnlySpan<double> Solution => _lbfgs.Point;

        public double Step(CancellationToken cancellationToken)
        {
            _lbfgs.Step(cancellationToken);
            return -_lbfgs.Value;
        }

        // −L(w) and its gradient.
        private double Objective(ReadOnlySpan<double> x, Span<double> gradient)
        {
            var w = _point;
            x.CopyTo(w);
            int s = _tagger.Tags.Count + 1;
            for (int k = 0; k < s * s; k++) _expTransitions[k] = Math.Exp(w[k]);
            Parallel.For(0, Blocks, _parallel, b =>
            {
                var g = _blockGradient[b];
                Array.Clear(g);
                int from = (int)((long)_corpus.Length * b / Blocks), to = (int)((long)_corpus.Length * (b + 1) / Blocks);
                _blockValue[b] = _tagger.AddLogPartitions(_corpus, from, to, w, _expTransitions, _blockWorkspace[b], g);
            });
            double total = 0;
            gradient.Clear();
            for (int b = 0; b < Blocks; b++)
            {
                total += _blockValue[b];
                System.Numerics.Tensors.TensorPrimitives.Add(gradient, _blockGradient[b], gradient);
            }
            total -= System.Numerics.Tensors.TensorPrimitives.Dot(x, _empirical);
            System.Numerics.Tensors.TensorPrimitives.Subtract(gradient, _empirical, gradient);
            double c = _tagger.Options.L2;
            total += c * System.Numerics.Tensors.TensorPrimitives.Dot(x, x);
            System.Numerics.Tensors.TensorPrimitives.MultiplyAdd(x, 2 * c, gradient, gradient);
            return total;
        }
    }

    /// <summary>
    /// The averaged structured perceptron (Collins 2002): per sentence in a seeded shuffled order, decode with the current
    /// weights and move them toward the gold path's features and away from the decoded one's; the model is the average of
    /// the weights over every sentence visit (kept lazily: w − u/c with u the update sums weighted by their time c).
    /// </summary>
    private sealed class PerceptronTrainer : IElboOptimizer
    {
        private readonly CrfTagger _tagger;
        private readonly Sentence[] _corpus;
        private readonly double[] _w, _u;
        private readonly Random _random;
        private readonly int[] _order;
        private readonly Workspace _ws;
        private long _time = 1;

        public PerceptronTrainer(CrfTagger tagger, Sentence[] corpus, int seed)
        {
            _tagger = tagger;
            _corpus = corpus;
            _w = new double[tagger.WeightArray.Length];
            _u = new double[tagger.WeightArray.Length];
            _random = Rng.Create(seed);
            _order = Enumerable.Range(0, corpus.Length).ToArray();
            _ws = new Workspace(tagger.Tags.Count);
            ObservationCount = corpus.Sum(c => (long)c.Length);
        }

        public bool IsMonotone => false;

        public long ObservationCount { get; }

        public double[] Averaged()
        {
            var result = new double[_w.Length];
            for (int k = 0; k < result.Length; k++) result[k] = _w[k] - _u[k] / _time;
            return result;
        }

        public double Step(CancellationToken cancellationToken)
        {
            _random.Shuffle(_order.AsSpan());
            double loss = 0;
            int s = _tagger.Tags.Count + 1, boundary = _tagger.Tags.Count;
            foreach (var k in _order)
            {
                var sentence = _corpus[k];
                double best = _tagger.Decode(sentence, _w, _ws);
                var path = _ws.Path;
                bool same = true;
                for (int i = 0; i < sentence.Length && same; i++) same = path[i] == sentence.Gold![i];
                if (!same)
                {
                    loss += best - _tagger.GoldScore(sentence, _w, _ws);
                    for (int i = 0; i < sentence.Length; i++)
                    {
                        if (path[i] == sentence.Gold![i]) continue;
                        Update(sentence, sentence.Offsets[i] + sentence.Gold[i], 1);
                        Update(sentence, sentence.Offsets[i] + path[i], -1);
                    }
                    int goldPrev = boundary, predPrev = boundary;
                    for (int i = 0; i < sentence.Length; i++)
                    {
                        int g = sentence.Tags[sentence.Offsets[i] + sentence.Gold![i]], q = sentence.Tags[sentence.Offsets[i] + path[i]];
                        Update(goldPrev * s + g, 1);
                        Update(predPrev * s + q, -1);
                        goldPrev = g; predPrev = q;
                    }
                    Update(goldPrev * s + boundary, 1);
                    Update(predPrev * s + boundary, -1);
                }
                _time++;
                if ((_time & 1023) == 0) cancellationToken.ThrowIfCancellationRequested();
            }
            return -loss;
        }

        // Update(f, delta) for each weight index of a node.
        private void Update(Sentence sentence, int node, double delta)
        {
            var features = sentence.NodeFeatures!;
            for (int r = sentence.NodeStart![node]; r < sentence.NodeStart[node + 1]; r++) Update(features[r], delta);
        }

        private void Update(int feature, double delta)
        {
            _w[feature] += delta;
            _u[feature] += _time * delta;
        }
    }
}
