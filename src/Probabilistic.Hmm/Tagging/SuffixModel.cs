namespace Probabilistic.Hmm.Tagging;

/// <summary>
/// TnT's unknown-word model (Brants 2000, §2.3): tag distributions conditioned on the last 1..m letters of rare words
/// (seen at most <c>RareWordThreshold</c> times), combined by successive abstraction
/// P(t | l_{n−i+1} … l_n) = (P̂(t | l_{n−i+1} … l_n) + θ P(t | l_{n−i+2} … l_n)) / (1 + θ), starting from P̂(t) of the
/// rare words, with θ the standard deviation of those unconditioned tag probabilities. As in TnT, capitalised words
/// have their own distributions; so do words with a digit and hyphenated words (<see cref="ShapeOf"/>). A shape
/// with no rare words in training falls back to the pooled statistics.
/// </summary>
public sealed class SuffixModel
{
    /// <summary>Number of word shapes (see <see cref="ShapeOf"/>).</summary>
    public const int ShapeCount = 4;

    private readonly int _tagCount;
    private readonly int _maxSuffix;
    private readonly Trie[] _tries; // one per shape, plus the pooled one at index ShapeCount

    private SuffixModel(int tagCount, int maxSuffix, Trie[] tries, double thetaScale)
    {
        _tagCount = tagCount;
        _maxSuffix = maxSuffix;
        _tries = tries;
        ThetaScale = thetaScale;
    }

    /// <summary>The factor applied to TnT's θ (1 is TnT's own choice).</summary>
    public double ThetaScale { get; }

    /// <summary>The θ scales tried by <see cref="SelectThetaScale"/>.</summary>
    public static IReadOnlyList<double> ThetaScaleGrid { get; } = [1, 2, 4, 8, 16, 32, 64, 128];

    /// <summary>0: lower-case or other; 1: starts with an upper-case letter; 2: contains a digit; 3: contains a hyphen.</summary>
    public static int ShapeOf(string word)
    {
        bool hyphen = false;
        foreach (var c in word)
        {
            if (char.IsDigit(c)) return 2;
            if (c == '-') hyphen = true;
        }
        if (word.Length > 0 && char.IsUpper(word[0])) return 1;
        return hyphen ? 3 : 0;
    }

    /// <summary>θ of shape <paramref name="shape"/> (the pooled model when the shape had no rare words).</summary>
    public double Theta(int shape) => TrieFor(shape).Theta * ThetaScale;

    /// <summary>
    /// Builds the model from the rare words of <paramref name="lexicon"/>. θ is TnT's standard deviation times
    /// <paramref name="thetaScale"/>; null picks the scale from <see cref="ThetaScaleGrid"/> by
    /// <see cref="SelectThetaScale"/>.
    /// </summary>
    public static SuffixModel Build(Lexicon lexicon, int rareWordThreshold, int maxSuffixLength, double? thetaScale = null)
    {
        double scale = thetaScale ?? SelectThetaScale(lexicon, rareWordThreshold, maxSuffixLength);
        return Build(lexicon, rareWordThreshold, maxSuffixLength, scale, _ => true);
    }

    /// <summary>
    /// Chooses the θ scale by held-out likelihood: every tenth rare word (by lexicon id) is held out, the suffix
    /// statistics are gathered from the other rare words, and the scale maximising Σ c(w,t) log P(t | w) over the
    /// held-out words (probabilities floored at 1e−6) wins, the smallest on ties. Deterministic for a given lexicon.
    /// </summary>
    public static double SelectThetaScale(Lexicon lexicon, int rareWordThreshold, int maxSuffixLength)
    {
        var model = Build(lexicon, rareWordThreshold, maxSuffixLength, 1, w => w % 10 != 9);
        double bestScale = 1, best = double.NegativeInfinity;
        foreach (var scale in ThetaScaleGrid)
        {
            var scaled = new SuffixModel(model._tagCount, model._maxSuffix, model._tries, scale);
            double ll = 0;
            for (int w = 9; w < lexicon.Count; w += 10)
            {
                if (lexicon.Frequency(w) > rareWordThreshold) continue;
                var p = scaled.Posterior(lexicon.Words[w]);
                for (int k = 0; k < lexicon.Tags[w].Length; k++)
                    ll += lexicon.Counts[w][k] * Math.Log(Math.Max(p[lexicon.Tags[w][k]], 1e-6));
            }
            if (ll > best) { best = ll; bestScale = scale; }
        }
        return bestScale;
    }

    private static SuffixModel Build(Lexicon lexicon, int rareWordThreshold, int maxSuffixLength, double thetaScale, Func<int, bool> include)
    {
        int t = lexicon.TagCount;
        // Sparse counts: suffix ids per shape, and (suffix id · T + tag) → count.
        var ids = new Dictionary<string, int>[ShapeCount + 1];
        var pairs = new Dictionary<long, long>[ShapeCount + 1];
        for (int k = 0; k <= ShapeCount; k++)
        {
            ids[k] = new Dictionary<string, int>(StringComparer.Ordinal);
            pairs[k] = new Dictionary<long, long>();
        }
        Span<int> shapes = stackalloc int[2];
        for (int w = 0; w < lexicon.Count; w++)
        {
            if (lexicon.Frequency(w) > rareWordThreshold || !include(w)) continue;
            var word = lexicon.Words[w];
            shapes[0] = ShapeOf(word);
            shapes[1] = ShapeCount;
            var wordTags = lexicon.Tags[w];
            var wordCounts = lexicon.Counts[w];
            int longest = Math.Min(maxSuffixLength, word.Length);
            foreach (var k in shapes)
            {
                var lookup = ids[k].GetAlternateLookup<ReadOnlySpan<char>>();
                for (int l = 0; l <= longest; l++)
                {
                    var suffix = word.AsSpan(word.Length - l);
                    if (!lookup.TryGetValue(suffix, out var id)) { id = ids[k].Count; lookup[suffix] = id; }
                    for (int j = 0; j < wordTags.Length; j++)
                    {
                        long key = (long)id * t + wordTags[j];
                        pairs[k][key] = pairs[k].GetValueOrDefault(key) + wordCounts[j];
                    }
                }
            }
        }
        var tries = new Trie[ShapeCount + 1];
        for (int k = 0; k <= ShapeCount; k++) tries[k] = Trie.From(ids[k], pairs[k], t);
        return new SuffixModel(t, maxSuffixLength, tries, thetaScale);
    }

    /// <summary>P(t | word) over the T tags for an unseen word, by successive abstraction over its suffixes.</summary>
    public double[] Posterior(string word)
    {
        var trie = TrieFor(ShapeOf(word));
        var p = new double[_tagCount];
        if (trie.Base is null)
        {
            Array.Fill(p, 1.0 / _tagCount); // no rare words at all: nothing to learn from
            return p;
        }
        Array.Copy(trie.Base, p, _tagCount);
        double theta = trie.Theta * ThetaScale;
        var lookup = trie.Suffixes.GetAlternateLookup<ReadOnlySpan<char>>();
        int longest = Math.Min(_maxSuffix, word.Length);
        for (int l = 1; l <= longest; l++)
        {
            if (!lookup.TryGetValue(word.AsSpan(word.Length - l), out var entry)) break;
            for (int j = 0; j < _tagCount; j++) p[j] *= theta;
            for (int k = 0; k < entry.Tags.Length; k++) p[entry.Tags[k]] += entry.Probabilities[k];
            double scale = 1 / (1 + theta);
            for (int j = 0; j < _tagCount; j++) p[j] *= scale;
        }
        return p;
    }

    private Trie TrieFor(int shape) => _tries[shape].Base is null ? _tries[ShapeCount] : _tries[shape];

    private sealed record Entry(int[] Tags, double[] Probabilities);

    private sealed record Trie(double[]? Base, double Theta, Dictionary<string, Entry> Suffixes)
    {
        public static Trie From(Dictionary<string, int> ids, Dictionary<long, long> pairs, int tagCount)
        {
            int n = ids.Count;
            var totals = new long[n];
            var width = new int[n];
            foreach (var (key, c) in pairs) { totals[key / tagCount] += c; width[key / tagCount]++; }
            var tags = new int[n][];
            var probs = new double[n][];
            for (int i = 0; i < n; i++) { tags[i] = new int[width[i]]; probs[i] = new double[width[i]]; width[i] = 0; }
            foreach (var key in pairs.Keys.Order())
            {
                int id = (int)(key / tagCount), k = width[id]++;
                tags[id][k] = (int)(key % tagCount);
                probs[id][k] = (double)pairs[key] / totals[id];
            }
            var suffixes = new Dictionary<string, Entry>(n, StringComparer.Ordinal);
            double[]? baseP = null;
            double theta = 0;
            foreach (var (suffix, id) in ids)
            {
                if (suffix.Length == 0)
                {
                    baseP = new double[tagCount];
                    for (int k = 0; k < tags[id].Length; k++) baseP[tags[id][k]] = probs[id][k];
                    double mean = 1.0 / tagCount, ss = 0;
                    foreach (var q in baseP) ss += (q - mean) * (q - mean);
                    theta = tagCount > 1 ? Math.Sqrt(ss / (tagCount - 1)) : 0;
                    continue;
                }
                suffixes[suffix] = new Entry(tags[id], probs[id]);
            }
            return new Trie(baseP, theta, suffixes);
        }
    }
}
