using System.Collections.Concurrent;
using Probabilistic.Hmm.Kernels;

namespace Probabilistic.Hmm.Tagging;

/// <summary>
/// A linear-chain conditional random field tagger (Lafferty, McCallum &amp; Pereira 2001): p(y | x) ∝ exp(Σ_i w·f(x, i, y_i)
/// + Σ_i λ(y_{i−1}, y_i)), with BOS and EOS transitions, over the observation features of <see cref="CrfFeatures"/>.
/// Each word may take only its candidate tags (<see cref="Candidates"/>): the tags it was seen with, and for rare and
/// unknown words those the HMM tagger's suffix model finds likely; forward-backward and Viterbi run on that sparse
/// lattice through <see cref="CandidateLattice"/>, the kernels the HMM tagger decodes with. Weights are one contiguous
/// array: the (T+1)² transition scores (row = from, index T = BOS/EOS), then one per (attribute, tag) feature.
/// Trained by conditional likelihood or as an averaged perceptron (<see cref="CrfTraining"/>). Tagging is thread-safe.
/// </summary>
public sealed partial class CrfTagger : ISequenceTagger
{
    private const int UnknownCacheLimit = 200_000;
    private readonly ConcurrentDictionary<string, (int[] Tags, string? SuffixClass)> _rareCache = new(StringComparer.Ordinal);
    private int _rareCacheCount;
    private readonly ThreadLocal<Workspace> _workspace;

    internal CrfTagger(string[] tags, TagSet tagSet, IReadOnlyDictionary<string, string>? universalMap, CrfOptions options,
        Lexicon lexicon, SuffixModel suffixes, CrfFeatures features, double[] weights)
    {
        int s = tags.Length + 1;
        if (weights.Length != s * s + features.Count)
            throw new ArgumentException($"{weights.Length} weights for {s * s} transitions and {features.Count} features");
        Tags = tags;
        TagSet = tagSet;
        UniversalMap = universalMap;
        Options = options;
        Lexicon = lexicon;
        Suffixes = suffixes;
        Features = features;
        _weights = weights;
        _workspace = new ThreadLocal<Workspace>(() => new Workspace(tags.Length));
    }

    /// <summary>The tag names, by id.</summary>
    public IReadOnlyList<string> Tags { get; }

    /// <summary>The tag set the model was trained on.</summary>
    public TagSet TagSet { get; }

    /// <summary>For <see cref="TagSet.Universal"/>: the Brown → universal table used in training.</summary>
    public IReadOnlyDictionary<string, string>? UniversalMap { get; }

    /// <summary>Features, lattice and training settings.</summary>
    public CrfOptions Options { get; }

    /// <summary>Word–tag counts of the training data (the known words' candidates).</summary>
    public Lexicon Lexicon { get; }

    /// <summary>TnT's suffix model over the rare words: candidates and a feature for rare and unknown words.</summary>
    public SuffixModel Suffixes { get; }

    internal CrfFeatures Features { get; }

    private readonly double[] _weights;

    /// <summary>
    /// All weights: (T+1)² transitions [from·(T+1) + to], then the features. Read-only: tagging caches each word's own
    /// feature sums, which a change here would leave stale.
    /// </summary>
    public IReadOnlyList<double> Weights => _weights;

    /// <summary>The weights, writable: training and the tests' finite differences; <see cref="ClearWordCache"/> after a change.</summary>
    internal double[] WeightArray => _weights;

    /// <summary>Forgets the cached word infos (and their own-feature sums), after <see cref="WeightArray"/> changed.</summary>
    internal void ClearWordCache()
    {
        _wordCache.Clear();
        _initialWordCache.Clear();
        Interlocked.Exchange(ref _wordCacheCount, 0);
    }

    /// <summary>Number of (attribute, tag) features.</summary>
    public int FeatureCount => Features.Count;

    /// <summary>The mapping that turns corpus tags into this model's tags.</summary>
    public TagMapping Mapping => TagSet == TagSet.Universal && UniversalMap is not null
        ? TagMapping.FromTable(UniversalMap)
        : TagMapping.For(TagSet, null);

    /// <summary>True when <paramref name="word"/> was seen in training.</summary>
    public bool IsKnown(string word) => Lexicon.IndexOf(word) >= 0;

    /// <summary>Tags one sentence (exact Viterbi over the candidate lattice).</summary>
    public string[] Tag(IReadOnlyList<string> words)
    {
        var ids = new int[words.Count];
        TagIds(words, ids);
        var result = new string[ids.Length];
        for (int i = 0; i < ids.Length; i++) result[i] = Tags[ids[i]];
        return result;
    }

    /// <summary>
    /// The tags word <paramref name="word"/> may take, and the suffix model's best tag when it is rare or unknown (else
    /// null). A word seen more than <see cref="CrfOptions.RareWordThreshold"/> times takes the tags it was seen with; a
    /// rarer or unseen one also those whose suffix-model probability is within <see cref="CrfOptions.CandidateRatio"/>
    /// of the best (every tag when there are at most <see cref="CrfOptions.DenseTagLimit"/>) (an unseen capitalised sentence-initial word: averaged with its lower-case form, whose tags it takes
    /// too when that is known).
    /// </summary>
    public (int[] Tags, string? SuffixClass) Candidates(string word, bool sentenceInitial = false)
    {
        int id = Lexicon.IndexOf(word);
        if (id >= 0 && Lexicon.Frequency(id) > Options.RareWordThreshold) return (Lexicon.Tags[id], null);
        bool initialCapital = id < 0 && sentenceInitial && word.Length > 0 && char.IsUpper(word[0]);
        string key = initialCapital ? "\u0001" + word : word;
        if (_rareCache.TryGetValue(key, out var cached)) return cached;
        var result = RareCandidates(word, id, initialCapital, leaveOneOut: false);
        if (Volatile.Read(ref _rareCacheCount) < UnknownCacheLimit && _rareCache.TryAdd(key, result))
            Interlocked.Increment(ref _rareCacheCount);
        return result;
    }

    /// <summary>
    /// <see cref="Candidates"/> as training sees them: a rare training word is looked up in the suffix model as if it had
    /// not been among the rare words it was built from (<see cref="SuffixModel.PosteriorLeavingOut"/>), so it stands for the
    /// unknown words it is there to teach. With its own counts in, the suffix model mostly returns the word's own tags: the
    /// suffix-class feature would be right on nearly every rare training word but on about three in four unknown ones, and
    /// the rare words' lattice would be narrower than the unknown words', so the weights would trust the suffix model far
    /// more than unknown words warrant (unknown-word accuracy 77.9 % with, 83.6 % without, for the averaged perceptron on
    /// the Brown every-10th split). The word's own tags stay candidates (its gold tag must be one).
    /// </summary>
    internal (int[] Tags, string? SuffixClass) TrainingCandidates(string word, bool sentenceInitial)
    {
        int id = Lexicon.IndexOf(word);
        if (id < 0 || Lexicon.Frequency(id) > Options.RareWordThreshold) return Candidates(word, sentenceInitial);
        return RareCandidates(word, id, initialCapital: false, leaveOneOut: true);
    }

    private (int[] Tags, string? SuffixClass) RareCandidates(string word, int id, bool initialCapital, bool leaveOneOut)
    {
        var posterior = leaveOneOut ? Suffixes.PosteriorLeavingOut(word, Lexicon.Tags[id], Lexicon.Counts[id]) : Suffixes.Posterior(word);
        int lowerId = -1;
        if (initialCapital)
        {
            var lower = char.ToLowerInvariant(word[0]) + word[1..];
            lowerId = Lexicon.IndexOf(lower);
            var lowerPosterior = Suffixes.Posterior(lower);
            for (int t = 0; t < posterior.Length; t++) posterior[t] = 0.5 * (posterior[t] + lowerPosterior[t]);
        }
        int best = 0;
        for (int t = 1; t < posterior.Length; t++) if (posterior[t] > posterior[best]) best = t;
        double floor = posterior[best] / Options.CandidateRatio;
        var set = new SortedSet<int>();
        bool dense = Tags.Count <= Options.DenseTagLimit;
        for (int t = 0; t < posterior.Length; t++) if (dense || (posterior[t] > 0 && posterior[t] >= floor)) set.Add(t);
        if (id >= 0) set.UnionWith(Lexicon.Tags[id]);
        if (lowerId >= 0) set.UnionWith(Lexicon.Tags[lowerId]);
        return (set.ToArray(), Tags[best]);
    }

    /// <summary>
    /// The unnormalised log score of a tag sequence (−∞ when a tag is not a candidate of its word): node features plus
    /// transitions, BOS and EOS included. For tests and brute-force checks.
    /// </summary>
    public double Score(IReadOnlyList<string> words, ReadOnlySpan<int> tags)
    {
        var ws = new Workspace(Tags.Count);
        var sentence = Prepare(words, null, ws);
        NodeScores(sentence, _weights, ws);
        int s = Tags.Count + 1, prev = Tags.Count;
        double score = 0;
        for (int i = 0; i < words.Count; i++)
        {
            int k = Array.IndexOf(sentence.Tags, tags[i], sentence.Offsets[i], sentence.Offsets[i + 1] - sentence.Offsets[i]);
            if (k < 0) return double.NegativeInfinity;
            score += _weights[prev * s + tags[i]] + ws.Scores[k];
            prev = tags[i];
        }
        return score + _weights[prev * s + Tags.Count];
    }

    /// <summary>log Z(x): the log-sum-exp of <see cref="Score"/> over every path through the candidate lattice.</summary>
    public double LogPartition(IReadOnlyList<string> words)
    {
        if (words.Count == 0) return 0;
        var ws = new Workspace(Tags.Count);
        var sentence = Prepare(words, null, ws);
        var expTransitions = new double[(Tags.Count + 1) * (Tags.Count + 1)];
        for (int k = 0; k < expTransitions.Length; k++) expTransitions[k] = Math.Exp(_weights[k]);
        return LogPartition(sentence, _weights, expTransitions, ws, default);
    }

    /// <summary>The candidate tags of each position of <paramref name="words"/> (as the lattice has them).</summary>
    public int[][] Lattice(IReadOnlyList<string> words)
    {
        var sentence = Prepare(words, null, new Workspace(Tags.Count));
        var result = new int[words.Count][];
        for (int i = 0; i < words.Count; i++) result[i] = sentence.Tags[sentence.Offsets[i]..sentence.Offsets[i + 1]];
        return result;
    }

    /// <summary>Saves the tagger atomically as versioned JSON (kind <c>crf-tagger</c>).</summary>
    public void Save(string path) => CrfModelFile.Save(path, this);

    /// <summary>Loads a tagger saved by <see cref="Save"/>, refusing another kind or version or a corrupt file (naming it).</summary>
    /// <exception cref="Core.IO.ModelFormatException">The file is not a valid CRF tagger model file.</exception>
    public static CrfTagger Load(string path, Core.MemoryBudget? budget = null) => CrfModelFile.Load(path, budget);

    /// <summary>
    /// A sentence on its lattice: candidates (flattened, <see cref="Offsets"/>), the gold candidate per position (training
    /// only) and the attribute ids per position (flattened, <see cref="AttributeOffsets"/>).
    /// </summary>
    internal sealed record Sentence(int[] Offsets, int[] Tags, int[]? Gold, int[] AttributeOffsets, int[] Attributes)
    {
        public int Length => Offsets.Length - 1;

        /// <summary>Training only (<see cref="Compile"/>): node k's weight indices start here (nodes + 1 offsets).</summary>
        public int[]? NodeStart { get; init; }

        /// <summary>Training only: the weight indices of every node, flattened.</summary>
        public int[]? NodeFeatures { get; init; }
    }

    // A word's candidates and attribute ids, cached: its own attributes (at the sentence start or not) and its ids as
    // each neighbour template (p, q, r, s) and as the next word's suffix (t). A sentence's attributes are composed from these.
    // OwnScores: the sum of the weights of the word's own attributes for each candidate, so tagging reads one number per
    // node instead of matching attributes to tags (the weights are fixed once trained; ClearWordCache after a change).
    internal sealed record WordInfo(int[] Tags, int[] Own, int[] AsNeighbour, double[] OwnScores);

    private readonly ConcurrentDictionary<string, WordInfo> _wordCache = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, WordInfo> _initialWordCache = new(StringComparer.Ordinal); // at the sentence start
    private int _wordCacheCount;
    private int[]? _boundaryIds;

    internal WordInfo Info(string word, bool initial, Workspace ws)
    {
        var cache = initial ? _initialWordCache : _wordCache;
        if (cache.TryGetValue(word, out var cached)) return cached;
        var info = NewInfo(word, initial, Candidates(word, initial), ws);
        if (Volatile.Read(ref _wordCacheCount) < 4 * UnknownCacheLimit && cache.TryAdd(word, info))
            Interlocked.Increment(ref _wordCacheCount);
        return info;
    }

    // A word's info as training sees it (TrainingCandidates), cached in the caller's dictionary.
    internal WordInfo TrainingInfo(string word, bool initial, Workspace ws, Dictionary<string, WordInfo> cache)
    {
        string key = initial ? "\u0001" + word : word;
        if (cache.TryGetValue(key, out var cached)) return cached;
        return cache[key] = NewInfo(word, initial, TrainingCandidates(word, initial), ws);
    }

    private WordInfo NewInfo(string word, bool initial, (int[] Tags, string? SuffixClass) candidates, Workspace ws)
    {
        var (tags, suffixClass) = candidates;
        var templates = Options.Templates;
        var own = Features.Ids(ws.KeyBuffer, ws.AttributeList, (Span<char> b, ref CrfFeatures.IdSink sink) =>
            CrfFeatures.Own(word, initial, suffixClass, templates, b, ref sink));
        var neighbour = new int[5];
        for (int k = 0; k < 5; k++)
        {
            int slot = k;
            var ids = Features.Ids(ws.KeyBuffer, ws.AttributeList, (Span<char> b, ref CrfFeatures.IdSink sink) =>
            {
                if (slot < 4) CrfFeatures.Neighbour(word, "pqrs"[slot], b, ref sink);
                else CrfFeatures.NextSuffix(word, b, ref sink);
            });
            neighbour[k] = ids.Length > 0 ? ids[0] : -1;
        }
        return new WordInfo(tags, own, neighbour, OwnScores(tags, own));
    }

    // Ids of "<s>" as p and q, "</s>" as r and s (−1 when absent from the index).
    private int[] BoundaryIds(Workspace ws)
    {
        if (_boundaryIds is { } known) return known;
        var ids = new int[4];
        for (int k = 0; k < 4; k++)
        {
            int slot = k;
            var found = Features.Ids(ws.KeyBuffer, ws.AttributeList, (Span<char> b, ref CrfFeatures.IdSink sink) =>
                CrfFeatures.Neighbour(slot < 2 ? "<s>" : "</s>", "pqrs"[slot], b, ref sink));
            ids[k] = found.Length > 0 ? found[0] : -1;
        }
        return _boundaryIds = ids;
    }

    // A sentence on its lattice; with trainingCache, as training sees it (TrainingInfo).
    internal Sentence Prepare(IReadOnlyList<string> words, int[]? goldTags, Workspace ws, Dictionary<string, WordInfo>? trainingCache = null)
    {
        int n = words.Count;
        var offsets = new int[n + 1];
        var infos = ws.Infos.Length >= n ? ws.Infos : ws.Infos = new WordInfo[Math.Max(n, 2 * ws.Infos.Length)];
        int attributes = 0;
        for (int i = 0; i < n; i++)
        {
            infos[i] = trainingCache is null ? Info(words[i], i == 0, ws) : TrainingInfo(words[i], i == 0, ws, trainingCache);
            offsets[i + 1] = offsets[i] + infos[i].Tags.Length;
            attributes += infos[i].Own.Length + 5;
        }
        var flat = new int[offsets[n]];
        int[]? gold = goldTags is null ? null : new int[n];
        var attributeOffsets = new int[n + 1];
        var attributeIds = new int[attributes];
        bool context = Options.Templates != CrfTemplates.WordIdentity;
        var boundary = context ? BoundaryIds(ws) : [];
        int at = 0;
        for (int i = 0; i < n; i++)
        {
            var info = infos[i];
            info.Tags.CopyTo(flat, offsets[i]);
            if (gold is not null)
            {
                gold[i] = Array.IndexOf(info.Tags, goldTags![i]);
                if (gold[i] < 0) throw new InvalidOperationException($"the gold tag {Tags[goldTags[i]]} of '{words[i]}' is not among its candidates");
            }
            info.Own.CopyTo(attributeIds, at);
            at += info.Own.Length;
            if (context)
            {
                Add(i >= 2 ? infos[i - 2].AsNeighbour[0] : boundary[0]);
                Add(i >= 1 ? infos[i - 1].AsNeighbour[1] : boundary[1]);
                Add(i + 1 < n ? infos[i + 1].AsNeighbour[2] : boundary[2]);
                Add(i + 2 < n ? infos[i + 2].AsNeighbour[3] : boundary[3]);
                if (i + 1 < n) Add(infos[i + 1].AsNeighbour[4]);
            }
            attributeOffsets[i + 1] = at;
        }
        return new Sentence(offsets, flat, gold, attributeOffsets, at == attributeIds.Length ? attributeIds : attributeIds[..at]);

        void Add(int id)
        {
            if (id >= 0) attributeIds[at++] = id;
        }
    }

    // Fills ws.PairNode / ws.PairFeature with every (lattice node, weight index) that fires, and ws.Scores with the node scores.
    // A compiled sentence (training) fills only ws.Scores.
    internal void NodeScores(Sentence sentence, ReadOnlySpan<double> weights, Workspace ws)
    {
        int n = sentence.Length, transitionCount = (Tags.Count + 1) * (Tags.Count + 1);
        int nodes = sentence.Offsets[n];
        ws.Ensure(nodes, n);
        if (sentence.NodeStart is not null)
        {
            CompiledScores(sentence, weights, ws.Scores);
            return;
        }
        var slot = ws.TagSlot;
        int pairs = 0;
        for (int i = 0; i < n; i++)
        {
            int from = sentence.Offsets[i], to = sentence.Offsets[i + 1], width = to - from;
            for (int k = from; k < to; k++) { slot[sentence.Tags[k]] = k; ws.Scores[k] = 0; }
            for (int r = sentence.AttributeOffsets[i]; r < sentence.AttributeOffsets[i + 1]; r++)
            {
                int a = sentence.Attributes[r];
                int start = Features.FeatureStart[a];
                var tags = Features.TagsOf(a);
                ws.EnsurePairs(pairs + Math.Min(tags.Length, width));
                if (tags.Length <= 4 * width)
                {
                    for (int j = 0; j < tags.Length; j++)
                    {
                        int node = slot[tags[j]];
                        if (node < 0) continue;
                        ws.PairNode[pairs] = node;
                        ws.PairFeature[pairs++] = transitionCount + start + j;
                    }
                }
                else
                {
                    for (int k = from; k < to; k++)
                    {
                        int j = tags.BinarySearch(sentence.Tags[k]);
                        if (j < 0) continue;
                        ws.PairNode[pairs] = k;
                        ws.PairFeature[pairs++] = transitionCount + start + j;
                    }
                }
            }
            for (int k = from; k < to; k++) slot[sentence.Tags[k]] = -1;
        }
        ws.PairCount = pairs;
        for (int p = 0; p < pairs; p++) ws.Scores[ws.PairNode[p]] += weights[ws.PairFeature[p]];
    }

    internal double Decode(Sentence sentence, ReadOnlySpan<double> weights, Workspace ws)
    {
        NodeScores(sentence, weights, ws);
        int s = Tags.Count + 1, nodes = sentence.Offsets[sentence.Length];
        return CandidateLattice.ViterbiFirstOrder(sentence.Offsets, sentence.Tags, ws.Scores.AsSpan(0, nodes), weights[..(s * s)],
            Tags.Count, ws.Path, ws.Delta, ws.Back);
    }

    // log Z through the scaled forward-backward kernel; fills ws.Marginals and adds expected transition counts when asked.
    internal double LogPartition(Sentence sentence, ReadOnlySpan<double> weights, ReadOnlySpan<double> expTransitions, Workspace ws,
        Span<double> transitionCounts)
    {
        NodeScores(sentence, weights, ws);
        int n = sentence.Length;
        double shifts = 0;
        for (int i = 0; i < n; i++)
        {
            int from = sentence.Offsets[i], to = sentence.Offsets[i + 1];
            double max = double.NegativeInfinity;
            for (int k = from; k < to; k++) max = Math.Max(max, ws.Scores[k]);
            for (int k = from; k < to; k++) ws.Potentials[k] = Math.Exp(ws.Scores[k] - max);
            shifts += max;
        }
        int nodes = sentence.Offsets[n];
        return shifts + CandidateLattice.ForwardBackwardFirstOrder(sentence.Offsets, sentence.Tags, ws.Potentials.AsSpan(0, nodes),
            expTransitions, Tags.Count, ws.Alpha, ws.Beta, ws.Scale, ws.Marginals, transitionCounts);
    }

    /// <summary>Per-thread buffers.</summary>
    internal sealed class Workspace
    {
        public Workspace(int tagCount)
        {
            TagSlot = new int[tagCount];
            Array.Fill(TagSlot, -1);
        }

        public readonly char[] KeyBuffer = new char[80];
        public readonly List<int> AttributeList = [];
        public WordInfo[] Infos = new WordInfo[16];
        public readonly int[] TagSlot;
        public int[] PairNode = new int[256], PairFeature = new int[256];
        public int PairCount;
        public double[] Scores = [], Potentials = [], Alpha = [], Beta = [], Marginals = [], Delta = [];
        public int[] Back = [];
        public int[] Path = [];
        public int[] Offsets = new int[17], Candidates = new int[64];
        public double[] Scale = [];

        public void Ensure(int nodes, int n)
        {
            if (Scores.Length < nodes)
            {
                int size = Math.Max(nodes, 2 * Scores.Length);
                Scores = new double[size]; Potentials = new double[size]; Alpha = new double[size]; Beta = new double[size];
                Marginals = new double[size]; Delta = new double[size]; Back = new int[size];
            }
            if (Path.Length < n) { Path = new int[Math.Max(n, 2 * Path.Length)]; Scale = new double[Path.Length]; }
        }

        public void EnsurePairs(int size)
        {
            if (PairNode.Length >= size) return;
            int grown = Math.Max(size, 2 * PairNode.Length);
            Array.Resize(ref PairNode, grown);
            Array.Resize(ref PairFeature, grown);
        }
    }
}
