using System.Runtime.CompilerServices;

namespace Probabilistic.Hmm.Tagging;

/// <summary>
/// The observation attributes of a token and their index. An attribute is a template and a value ("suffix-3 = ing",
/// "next word = the"); a feature is an attribute paired with a tag, and exists only for pairs seen on a training token
/// (as CRFsuite without its 'possible states' option). Templates: a bias, the word, its lower-case form, prefixes and
/// suffixes of length 1–4, the word's shape (character classes with repeats collapsed, and its shape at the sentence
/// start) and its parts (an upper-case letter, all capitals, a digit, a hyphen, other punctuation), the lower-case
/// words at −2, −1, +1, +2, the next word's 3-letter suffix, and for rare and unknown words
/// the suffix model's best tag (TnT's unknown-word guess).
/// </summary>
/// <remarks>
/// Keys are built in a reusable character buffer and looked up through the dictionary's span lookup, so extracting the
/// attributes of a token allocates nothing.
/// </remarks>
internal sealed class CrfFeatures
{
    private const char Sep = '\u001f';
    private readonly Dictionary<string, int> _attributes;
    private readonly Dictionary<string, int>.AlternateLookup<ReadOnlySpan<char>> _lookup;

    /// <param name="attributes">Attribute keys (template, separator, value), in id order.</param>
    /// <param name="featureStart">A + 1 offsets into <paramref name="featureTags"/>: attribute a's features are [start[a], start[a+1]).</param>
    /// <param name="featureTags">The tag of each feature, ascending within an attribute.</param>
    public CrfFeatures(string[] attributes, int[] featureStart, int[] featureTags)
    {
        if (featureStart.Length != attributes.Length + 1) throw new ArgumentException("one feature offset per attribute, plus one");
        _attributes = new Dictionary<string, int>(attributes.Length, StringComparer.Ordinal);
        for (int a = 0; a < attributes.Length; a++)
            if (!_attributes.TryAdd(attributes[a], a)) throw new ArgumentException($"attribute '{attributes[a]}' appears twice");
        _lookup = _attributes.GetAlternateLookup<ReadOnlySpan<char>>();
        Attributes = attributes;
        FeatureStart = featureStart;
        FeatureTags = featureTags;
    }

    /// <summary>Attribute keys by id.</summary>
    public string[] Attributes { get; }

    /// <summary>A + 1 offsets into <see cref="FeatureTags"/>.</summary>
    public int[] FeatureStart { get; }

    /// <summary>Tags of the features, grouped by attribute.</summary>
    public int[] FeatureTags { get; }

    /// <summary>Number of (attribute, tag) features.</summary>
    public int Count => FeatureTags.Length;

    /// <summary>
    /// Calls <paramref name="sink"/> with each attribute key of token <paramref name="i"/>. <paramref name="suffixClass"/>
    /// is the suffix model's best tag name for a rare or unknown word, else null.
    /// </summary>
    public static void Extract<TSink>(IReadOnlyList<string> words, int i, string? suffixClass, CrfTemplates templates, Span<char> buffer,
        ref TSink sink) where TSink : struct, IKeySink
    {
        Own(words[i], i == 0, suffixClass, templates, buffer, ref sink);
        if (templates == CrfTemplates.WordIdentity) return;
        Neighbour(i >= 2 ? words[i - 2] : "<s>", 'p', buffer, ref sink);
        Neighbour(i >= 1 ? words[i - 1] : "<s>", 'q', buffer, ref sink);
        Neighbour(i + 1 < words.Count ? words[i + 1] : "</s>", 'r', buffer, ref sink);
        Neighbour(i + 2 < words.Count ? words[i + 2] : "</s>", 's', buffer, ref sink);
        if (i + 1 < words.Count) NextSuffix(words[i + 1], buffer, ref sink);
    }

    /// <summary>The attributes of a word by itself (at the sentence start when <paramref name="initial"/>).</summary>
    public static void Own<TSink>(string w, bool initial, string? suffixClass, CrfTemplates templates, Span<char> buffer, ref TSink sink)
        where TSink : struct, IKeySink
    {
        int len = Math.Min(w.Length, 64);
        sink.Add(Key(buffer, 'w', w.AsSpan(0, len)));
        if (templates == CrfTemplates.WordIdentity) return;
        sink.Add(Key(buffer, 'b', ""));
        Span<char> lower = stackalloc char[len];
        w.AsSpan(0, len).ToLowerInvariant(lower);
        sink.Add(Key(buffer, 'l', lower));
        for (int k = 1; k <= 4 && k <= len; k++)
        {
            sink.Add(Key(buffer, (char)('0' + k), lower[..k]));                 // prefixes '1'..'4'
            sink.Add(Key(buffer, (char)('4' + k), lower[(len - k)..]));         // suffixes '5'..'8'
        }
        Span<char> shape = stackalloc char[len];
        int sl = Shape(w.AsSpan(0, len), shape);
        sink.Add(Key(buffer, 'h', shape[..sl]));
        if (initial) sink.Add(Key(buffer, 'H', shape[..sl]));
        Flags(w.AsSpan(0, len), buffer, ref sink);
        if (suffixClass is not null) sink.Add(Key(buffer, 'u', suffixClass));
    }

    // The shape's parts, each its own attribute (template c), so they generalise across shapes: an upper-case letter,
    // all letters upper case, a digit, a hyphen, other punctuation.
    private static void Flags<TSink>(ReadOnlySpan<char> w, Span<char> buffer, ref TSink sink) where TSink : struct, IKeySink
    {
        bool upper = false, lower = false, digit = false, hyphen = false, punctuation = false;
        foreach (var c in w)
        {
            if (char.IsUpper(c)) upper = true;
            else if (char.IsLower(c)) lower = true;
            else if (char.IsDigit(c)) digit = true;
            else if (c == '-') hyphen = true;
            else if (!char.IsLetter(c)) punctuation = true;
        }
        if (upper) sink.Add(Key(buffer, 'c', "upper"));
        if (upper && !lower && w.Length > 1) sink.Add(Key(buffer, 'c', "caps"));
        if (digit) sink.Add(Key(buffer, 'c', "digit"));
        if (hyphen) sink.Add(Key(buffer, 'c', "hyphen"));
        if (punctuation) sink.Add(Key(buffer, 'c', "punct"));
    }

    /// <summary>A word as the neighbour at −2, −1, +1 or +2 (template p, q, r, s): its lower-case form; "&lt;s&gt;" / "&lt;/s&gt;" past the ends.</summary>
    public static void Neighbour<TSink>(string w, char template, Span<char> buffer, ref TSink sink) where TSink : struct, IKeySink
    {
        if (w is "<s>" or "</s>") { sink.Add(Key(buffer, template, w)); return; }
        int len = Math.Min(w.Length, 64);
        Span<char> lower = stackalloc char[len];
        w.AsSpan(0, len).ToLowerInvariant(lower);
        sink.Add(Key(buffer, template, lower));
    }

    /// <summary>The next word's last three letters, lower case (template t).</summary>
    public static void NextSuffix<TSink>(string next, Span<char> buffer, ref TSink sink) where TSink : struct, IKeySink
    {
        int nl = Math.Min(next.Length, 64);
        Span<char> low = stackalloc char[nl];
        next.AsSpan(0, nl).ToLowerInvariant(low);
        sink.Add(Key(buffer, 't', low[Math.Max(0, nl - 3)..]));
    }

    /// <summary>The ids (those in the index) of the attribute keys that <paramref name="extract"/> produces.</summary>
    public int[] Ids(Span<char> buffer, List<int> scratch, ExtractAction extract)
    {
        scratch.Clear();
        var sink = new IdSink(_lookup, scratch);
        extract(buffer, ref sink);
        return scratch.ToArray();
    }

    /// <summary>A producer of attribute keys for <see cref="Ids"/>.</summary>
    public delegate void ExtractAction(Span<char> buffer, ref IdSink sink);

    /// <summary>The features of attribute <paramref name="attribute"/>: (tag, feature index) through <see cref="FeatureStart"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public ReadOnlySpan<int> TagsOf(int attribute) => FeatureTags.AsSpan(FeatureStart[attribute], FeatureStart[attribute + 1] - FeatureStart[attribute]);

    // X upper, x lower, d digit, the character itself otherwise; runs of one class collapsed.
    private static int Shape(ReadOnlySpan<char> w, Span<char> shape)
    {
        int n = 0;
        foreach (var c in w)
        {
            char s = char.IsUpper(c) ? 'X' : char.IsLower(c) ? 'x' : char.IsDigit(c) ? 'd' : c;
            if (n == 0 || shape[n - 1] != s) shape[n++] = s;
        }
        return n;
    }

    private static ReadOnlySpan<char> Key(Span<char> buffer, char template, ReadOnlySpan<char> value)
    {
        buffer[0] = template;
        buffer[1] = Sep;
        value.CopyTo(buffer[2..]);
        return buffer[..(2 + value.Length)];
    }

    /// <summary>Receives attribute keys (valid only during the call).</summary>
    public interface IKeySink
    {
        /// <summary>One attribute key.</summary>
        void Add(ReadOnlySpan<char> key);
    }

    /// <summary>Collects the ids of keys in the index.</summary>
    public readonly struct IdSink(Dictionary<string, int>.AlternateLookup<ReadOnlySpan<char>> lookup, List<int> ids) : IKeySink
    {
        /// <inheritdoc/>
        public void Add(ReadOnlySpan<char> key)
        {
            if (lookup.TryGetValue(key, out var id)) ids.Add(id);
        }
    }

    /// <summary>Counts attribute keys (training: the frequency cut-off).</summary>
    public readonly struct CountSink(Dictionary<string, int> counts, List<int> ids) : IKeySink
    {
        private readonly Dictionary<string, int>.AlternateLookup<ReadOnlySpan<char>> _lookup = counts.GetAlternateLookup<ReadOnlySpan<char>>();

        /// <inheritdoc/>
        public void Add(ReadOnlySpan<char> key)
        {
            if (!_lookup.TryGetValue(key, out var id))
            {
                id = counts.Count;
                _lookup[key] = id;
            }
            ids.Add(id);
        }
    }
}
