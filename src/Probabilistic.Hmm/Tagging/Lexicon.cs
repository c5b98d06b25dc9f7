using Probabilistic.Core.IO;

namespace Probabilistic.Hmm.Tagging;

/// <summary>Word–tag counts from the training data: for each word the tags it was seen with and how often.</summary>
public sealed class Lexicon
{
    private readonly Dictionary<string, int> _index;

    /// <summary>Creates a lexicon from per-word parallel arrays of tag ids and counts.</summary>
    public Lexicon(int tagCount, string[] words, int[][] tags, int[][] counts)
    {
        if (words.Length != tags.Length || words.Length != counts.Length)
            throw new ArgumentException("words, tags and counts must have the same length");
        TagCount = tagCount;
        Words = words;
        Tags = tags;
        Counts = counts;
        _index = new Dictionary<string, int>(words.Length, StringComparer.Ordinal);
        TagTotals = new long[tagCount];
        for (int w = 0; w < words.Length; w++)
        {
            if (!_index.TryAdd(words[w], w)) throw new ArgumentException($"word '{words[w]}' appears twice in the lexicon");
            if (tags[w].Length != counts[w].Length || tags[w].Length == 0)
                throw new ArgumentException($"word '{words[w]}' has {tags[w].Length} tags and {counts[w].Length} counts");
            for (int k = 0; k < tags[w].Length; k++)
            {
                if ((uint)tags[w][k] >= (uint)tagCount) throw new ArgumentException($"word '{words[w]}' has tag index {tags[w][k]} outside 0..{tagCount - 1}");
                if (counts[w][k] <= 0) throw new ArgumentException($"word '{words[w]}' has a non-positive count {counts[w][k]}");
                TagTotals[tags[w][k]] += counts[w][k];
            }
        }
        TokenCount = TagTotals.Sum();
    }

    /// <summary>Per word, its (tag, count) pairs flattened: the model files' form.</summary>
    internal int[][] ToPairs()
    {
        var pairs = new int[Words.Length][];
        for (int w = 0; w < Words.Length; w++)
        {
            pairs[w] = new int[2 * Tags[w].Length];
            for (int k = 0; k < Tags[w].Length; k++) { pairs[w][2 * k] = Tags[w][k]; pairs[w][2 * k + 1] = Counts[w][k]; }
        }
        return pairs;
    }

    /// <summary>The lexicon of a model file's words and flattened (tag, count) pairs, refusing a missing or odd-length list
    /// by the word and <paramref name="path"/> (the constructor checks the tags and counts themselves).</summary>
    internal static Lexicon FromPairs(string path, int tagCount, string[] words, int[][] pairs)
    {
        var tags = new int[words.Length][];
        var counts = new int[words.Length][];
        for (int w = 0; w < words.Length; w++)
        {
            var p = pairs[w] ?? throw new ModelFormatException(path, $"word '{words[w]}' has no counts");
            if (p.Length % 2 != 0) throw new ModelFormatException(path, $"word '{words[w]}' has an odd-length tag/count list");
            tags[w] = new int[p.Length / 2];
            counts[w] = new int[p.Length / 2];
            for (int k = 0; k < tags[w].Length; k++) { tags[w][k] = p[2 * k]; counts[w][k] = p[2 * k + 1]; }
        }
        return new Lexicon(tagCount, words, tags, counts);
    }

    /// <summary>Number of tags T.</summary>
    public int TagCount { get; }

    /// <summary>The words, in id order.</summary>
    public string[] Words { get; }

    /// <summary>Tag ids seen with each word.</summary>
    public int[][] Tags { get; }

    /// <summary>c(word, tag), parallel to <see cref="Tags"/>.</summary>
    public int[][] Counts { get; }

    /// <summary>c(tag): tokens carrying each tag.</summary>
    public long[] TagTotals { get; }

    /// <summary>Training tokens.</summary>
    public long TokenCount { get; }

    /// <summary>Number of distinct words.</summary>
    public int Count => Words.Length;

    /// <summary>The word's id, or −1 when the word was never seen.</summary>
    public int IndexOf(string word) => _index.TryGetValue(word, out var id) ? id : -1;

    /// <summary>Total count of word <paramref name="id"/>.</summary>
    public long Frequency(int id)
    {
        long f = 0;
        foreach (var c in Counts[id]) f += c;
        return f;
    }

    /// <summary>Accumulates word–tag pairs, then builds a <see cref="Lexicon"/>.</summary>
    internal sealed class Builder
    {
        private readonly Dictionary<string, int> _ids = new(StringComparer.Ordinal);
        private readonly List<Dictionary<int, int>> _counts = [];
        private readonly List<string> _words = [];

        /// <summary>Adds one occurrence of <paramref name="word"/> with tag id <paramref name="tag"/>.</summary>
        public void Add(string word, int tag)
        {
            if (!_ids.TryGetValue(word, out var id))
            {
                id = _words.Count;
                _ids.Add(word, id);
                _words.Add(word);
                _counts.Add(new Dictionary<int, int>(1));
            }
            var d = _counts[id];
            d[tag] = d.GetValueOrDefault(tag) + 1;
        }

        /// <summary>The lexicon over <paramref name="tagCount"/> tags; each word's tags in ascending id order.</summary>
        public Lexicon Build(int tagCount)
        {
            var tags = new int[_words.Count][];
            var counts = new int[_words.Count][];
            for (int w = 0; w < _words.Count; w++)
            {
                var pairs = _counts[w].OrderBy(p => p.Key).ToArray();
                tags[w] = pairs.Select(p => p.Key).ToArray();
                counts[w] = pairs.Select(p => p.Value).ToArray();
            }
            return new Lexicon(tagCount, _words.ToArray(), tags, counts);
        }
    }
}
