using System.Collections.Concurrent;
using Probabilistic.Core.Data;

namespace Probabilistic.Hmm.Tagging;

/// <summary>
/// A supervised HMM part-of-speech tagger in the manner of TnT (Brants 2000): first- or second-order tag transitions
/// smoothed by linear interpolation with deleted-interpolation weights, relative-frequency emissions P(w|t) for known
/// words, a suffix model with successive abstraction for unknown words (<see cref="SuffixModel"/>), and beam Viterbi.
/// Train with <see cref="Train"/>, tag with <see cref="Tag(IReadOnlyList{string})"/>, save with <see cref="TaggerModelFile"/>.
/// Tagging is thread-safe.
/// </summary>
public sealed partial class HmmTagger : ISequenceTagger
{
    private const int UnknownCacheLimit = 200_000;

    private readonly int[][] _knownTags;        // per word id: candidate tags
    private readonly double[][] _knownEmit;     // per word id: log P(w | t)
    private readonly Dictionary<string, int>? _adaptedIndex; // after semi-supervised training: the vocabulary of both texts
    private readonly double[] _logTagPrior;     // log P(t) over training tokens
    private readonly ConcurrentDictionary<string, (int[] Tags, double[] Emit)> _unknownCache = new(StringComparer.Ordinal);
    private int _unknownCacheCount;
    private readonly ThreadLocal<TrigramViterbi> _decoder = new(() => new TrigramViterbi());

    internal HmmTagger(string[] tags, TagSet tagSet, IReadOnlyDictionary<string, string>? universalMap,
        TaggerOptions options, Lexicon lexicon, TransitionCounts counts, SemiSupervisedCounts? semiSupervised = null)
    {
        options.Validate();
        Tags = tags;
        TagSet = tagSet;
        UniversalMap = universalMap;
        Options = options;
        Lexicon = lexicon;
        Counts = counts;
        Transitions = new TransitionModel(counts, options.Order);
        Suffixes = SuffixModel.Build(lexicon, options.RareWordThreshold, options.MaxSuffixLength, options.SuffixThetaScale);
        _logTagPrior = lexicon.TagTotals.Select(c => Math.Log((double)c / lexicon.TokenCount)).ToArray();
        SemiSupervised = semiSupervised;
        if (semiSupervised is not null)
        {
            Transitions = new TransitionModel(semiSupervised.Trigrams, tags.Length, options.Order, Transitions.Lambdas);
            (_adaptedIndex, _knownTags, _knownEmit) = AdaptedEmissions(semiSupervised, tags.Length, options.UnknownTagRatio);
            return;
        }
        _knownTags = lexicon.Tags;
        _knownEmit = new double[lexicon.Count][];
        for (int w = 0; w < lexicon.Count; w++)
        {
            var t = lexicon.Tags[w];
            var e = new double[t.Length];
            for (int k = 0; k < t.Length; k++) e[k] = Math.Log((double)lexicon.Counts[w][k] / lexicon.TagTotals[t[k]]);
            _knownEmit[w] = e;
        }
    }

    /// <summary>The tag names, by id.</summary>
    public IReadOnlyList<string> Tags { get; }

    /// <summary>The tag set the model was trained on.</summary>
    public TagSet TagSet { get; }

    /// <summary>For <see cref="TagSet.Universal"/>: the Brown → universal table used in training (kept for evaluation).</summary>
    public IReadOnlyDictionary<string, string>? UniversalMap { get; }

    /// <summary>Training and decoding options.</summary>
    public TaggerOptions Options { get; }

    /// <summary>Word–tag counts.</summary>
    public Lexicon Lexicon { get; }

    /// <summary>Tag n-gram counts.</summary>
    public TransitionCounts Counts { get; }

    /// <summary>Smoothed transitions (with their λs).</summary>
    public TransitionModel Transitions { get; }

    /// <summary>The unknown-word model.</summary>
    public SuffixModel Suffixes { get; }

    /// <summary>The mapping that turns corpus tags into this model's tags.</summary>
    public TagMapping Mapping => TagSet == TagSet.Universal && UniversalMap is not null
        ? TagMapping.FromTable(UniversalMap)
        : TagMapping.For(TagSet, null);

    /// <summary>True when <paramref name="word"/> was seen in training (after semi-supervised training: in the tagged or the untagged text).</summary>
    public bool IsKnown(string word) => KnownIndex(word) >= 0;

    /// <summary>Saves the tagger atomically as versioned JSON (kind <c>hmm-tagger</c>).</summary>
    public void Save(string path) => TaggerModelFile.Save(path, this);

    /// <summary>Loads a tagger saved by <see cref="Save"/>, refusing another kind or version, corrupt JSON, or inconsistent counts (naming the file).</summary>
    /// <exception cref="Core.IO.ModelFormatException">The file is not a valid tagger model file.</exception>
    public static HmmTagger Load(string path, Core.MemoryBudget? budget = null) => TaggerModelFile.Load(path, budget);

    private int KnownIndex(string word) => _adaptedIndex is null ? Lexicon.IndexOf(word) : _adaptedIndex.GetValueOrDefault(word, -1);

    /// <summary>
    /// Trains from sentences whose tags are already in the target tag set. <paramref name="progress"/> receives the
    /// number of tokens read so far (every 10,000 sentences and at the end).
    /// </summary>
    public static HmmTagger Train(IEnumerable<TaggedSentence> sentences, TaggerOptions? options = null, TagSet tagSet = TagSet.Normalised,
        IReadOnlyDictionary<string, string>? universalMap = null, IProgress<long>? progress = null, CancellationToken cancellationToken = default)
    {
        options ??= new TaggerOptions();
        options.Validate();
        var tagIds = new Dictionary<string, int>(StringComparer.Ordinal);
        var tagNames = new List<string>();
        var lexicon = new Lexicon.Builder();
        var sequences = new List<int[]>();
        long tokens = 0, sentenceCount = 0;
        foreach (var s in sentences)
        {
            if (s.Words.Length != s.Tags.Length) throw new ArgumentException($"sentence {sentenceCount + 1} has {s.Words.Length} words but {s.Tags.Length} tags");
            var ids = new int[s.Length];
            for (int i = 0; i < s.Length; i++)
            {
                if (!tagIds.TryGetValue(s.Tags[i], out var id))
                {
                    id = tagNames.Count;
                    tagIds.Add(s.Tags[i], id);
                    tagNames.Add(s.Tags[i]);
                }
                ids[i] = id;
                lexicon.Add(s.Words[i], id);
            }
            if (ids.Length > 0) sequences.Add(ids);
            tokens += s.Length;
            if (++sentenceCount % 10_000 == 0)
            {
                cancellationToken.ThrowIfCancellationRequested();
                progress?.Report(tokens);
                // Sentences are kept for the transition counts: an endless stream must not fill memory.
                Core.MemoryBudget.Available().Require(tokens * 48.0, $"training on {tokens:N0} tagged tokens (and more coming)");
            }
        }
        cancellationToken.ThrowIfCancellationRequested();
        if (tokens == 0) throw new Core.Data.DataFormatException("the training corpus", null, "no tagged tokens to train on");
        var counts = new TransitionCounts(tagNames.Count);
        foreach (var seq in sequences) counts.AddSentence(seq);
        progress?.Report(tokens);
        return new HmmTagger(tagNames.ToArray(), tagSet, universalMap, options, lexicon.Build(tagNames.Count), counts);
    }

    /// <summary>Tags one sentence with the model's beam (<see cref="TaggerOptions.BeamRatio"/>).</summary>
    public string[] Tag(IReadOnlyList<string> words) => Tag(words, Options.BeamRatio);

    /// <summary>Tags one sentence with the given beam ratio (PositiveInfinity: exact Viterbi).</summary>
    public string[] Tag(IReadOnlyList<string> words, double beamRatio)
    {
        var ids = new int[words.Count];
        TagIds(words, beamRatio, ids);
        var result = new string[ids.Length];
        for (int i = 0; i < ids.Length; i++) result[i] = Tags[ids[i]];
        return result;
    }

    /// <summary>Tags one sentence into tag ids and returns the log joint score of the path found.</summary>
    public double TagIds(IReadOnlyList<string> words, double beamRatio, Span<int> result)
    {
        if (!(beamRatio >= 1)) throw new ArgumentOutOfRangeException(nameof(beamRatio), beamRatio, "beam ratio must be at least 1");
        int n = words.Count;
        if (n == 0) return 0;
        var cands = new int[n][];
        var emits = new double[n][];
        for (int i = 0; i < n; i++) (cands[i], emits[i]) = Candidates(words[i], i == 0);
        return _decoder.Value!.Decode(Transitions, cands, emits, Math.Log(beamRatio), result);
    }

    /// <summary>
    /// The candidate tags of a word and their log emission scores: log P(w|t) for a known word; for an unknown word
    /// log P(t|suffixes) − log P(t) (Bayes' rule up to a constant in t), keeping tags within
    /// <see cref="TaggerOptions.UnknownTagRatio"/> of the best.
    /// </summary>
    public (int[] Tags, double[] LogEmissions) Candidates(string word, bool sentenceInitial = false)
    {
        int id = KnownIndex(word);
        if (id >= 0) return (_knownTags[id], _knownEmit[id]);
        // A capital at the start of a sentence says little: an unseen "Wards" there is read as the known "wards" when
        // that exists, else the capitalised and lower-case suffix evidence are averaged.
        bool initialCapital = sentenceInitial && word.Length > 0 && char.IsUpper(word[0]);
        string? lower = initialCapital ? char.ToLowerInvariant(word[0]) + word[1..] : null;
        if (lower is not null)
        {
            int lowerId = KnownIndex(lower);
            if (lowerId >= 0) return (_knownTags[lowerId], _knownEmit[lowerId]);
        }
        var key = lower is null ? word : "\u0001" + word;
        if (_unknownCache.TryGetValue(key, out var cached)) return cached;
        var posterior = Suffixes.Posterior(word);
        if (lower is not null)
        {
            var lowerPosterior = Suffixes.Posterior(lower);
            for (int t = 0; t < posterior.Length; t++) posterior[t] = 0.5 * (posterior[t] + lowerPosterior[t]);
        }
        double max = posterior.Max();
        double floor = max / Options.UnknownTagRatio;
        var tags = new List<int>();
        var emit = new List<double>();
        for (int t = 0; t < posterior.Length; t++)
        {
            if (posterior[t] > 0 && posterior[t] >= floor)
            {
                tags.Add(t);
                emit.Add(Math.Log(posterior[t]) - _logTagPrior[t]);
            }
        }
        var result = (tags.ToArray(), emit.ToArray());
        if (Volatile.Read(ref _unknownCacheCount) < UnknownCacheLimit && _unknownCache.TryAdd(key, result))
            Interlocked.Increment(ref _unknownCacheCount);
        return result;
    }

    /// <summary>
    /// The log joint score the decoder maximises for a given tag sequence: Σ log P(t_i | t_{i−2}, t_{i−1}) + emission
    /// scores + log P(EOS | …); −∞ when a tag is not a candidate for its word. For tests and brute-force checks.
    /// </summary>
    public double LogScore(IReadOnlyList<string> words, ReadOnlySpan<int> tags)
    {
        int boundary = Tags.Count;
        int x = boundary, y = boundary;
        double score = 0;
        for (int i = 0; i < words.Count; i++)
        {
            var (c, e) = Candidates(words[i], i == 0);
            int k = Array.IndexOf(c, tags[i]);
            if (k < 0) return double.NegativeInfinity;
            score += Transitions.Log(x, y, tags[i]) + e[k];
            x = y; y = tags[i];
        }
        return score + Transitions.Log(x, y, boundary);
    }
}
