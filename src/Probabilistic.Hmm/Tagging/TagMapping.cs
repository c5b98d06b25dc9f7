using Probabilistic.Core.Data;

namespace Probabilistic.Hmm.Tagging;

/// <summary>Which tag set a tagger is trained and evaluated on.</summary>
public enum TagSet
{
    /// <summary>Brown tags as they stand in the corpus (about 470 distinct tags, e.g. <c>nn-tl</c>, <c>pps+bez</c>).</summary>
    Brown,

    /// <summary>
    /// Normalised Brown tags (104 on the full corpus): lower-cased, a leading <c>fw-</c> dropped, the part before the
    /// first <c>+</c> kept, trailing <c>-tl</c>/<c>-hl</c>/<c>-nc</c> stripped repeatedly (the usual normalisation of the Brown tag set).
    /// </summary>
    Normalised,

    /// <summary>The 12 universal tags of Petrov, Das &amp; McDonald (2012) through datasets/universal-tags/en-brown.map.</summary>
    Universal,
}

/// <summary>Maps corpus tags into a <see cref="TagSet"/>.</summary>
public sealed class TagMapping
{
    private readonly Dictionary<string, string>? _universal;

    private TagMapping(TagSet tagSet, Dictionary<string, string>? universal)
    {
        TagSet = tagSet;
        _universal = universal;
    }

    /// <summary>The target tag set.</summary>
    public TagSet TagSet { get; }

    /// <summary>Brown tags unchanged.</summary>
    public static TagMapping Brown { get; } = new(TagSet.Brown, null);

    /// <summary>Normalised Brown tags (see <see cref="NormaliseBrown"/>).</summary>
    public static TagMapping Normalised { get; } = new(TagSet.Normalised, null);

    /// <summary>
    /// The universal tag set from a Petrov–Das–McDonald map file (one <c>BROWN-TAG&lt;tab&gt;UNIVERSAL</c> per line; keys
    /// upper-case with their <c>-TL</c>/<c>-HL</c>/<c>-NC</c> variants). The English Brown table ships as
    /// datasets/universal-tags/en-brown.map (github.com/slavpetrov/universal-pos-tags, CC BY-SA 4.0).
    /// </summary>
    public static TagMapping Universal(string mapPath)
    {
        using var reader = DataFiles.OpenText(mapPath);
        return Universal(reader, mapPath);
    }

    /// <summary>The universal tag set from map text; <paramref name="name"/> names the source in errors.</summary>
    public static TagMapping Universal(TextReader reader, string name)
    {
        var map = new Dictionary<string, string>(StringComparer.Ordinal);
        var lines = new LineReader(reader, name, maxLineLength: 1 << 16);
        string? line;
        while ((line = lines.ReadLine()) is not null)
        {
            long lineNo = lines.LineNumber;
            if (string.IsNullOrWhiteSpace(line)) continue;
            if (map.Count > 1_000_000) throw new DataFormatException(name, lineNo, "more than a million entries; this is not a tag map");
            var cols = line.Split('\t', StringSplitOptions.RemoveEmptyEntries);
            if (cols.Length != 2)
                throw new DataFormatException(name, lineNo, $"expected 'BROWN-TAG<tab>UNIVERSAL-TAG', got '{(line.Length > 80 ? line[..80] + "…" : line)}'");
            map[cols[0].Trim().ToUpperInvariant()] = cols[1].Trim();
        }
        if (map.Count == 0) throw new DataFormatException(name, null, "the tag map is empty");
        return new TagMapping(TagSet.Universal, map);
    }

    /// <summary>The universal tag set from an in-memory table (keys upper-case Brown tags).</summary>
    public static TagMapping FromTable(IReadOnlyDictionary<string, string> table) =>
        new(TagSet.Universal, table.ToDictionary(p => p.Key.ToUpperInvariant(), p => p.Value, StringComparer.Ordinal));

    /// <summary>For <see cref="TagSet.Universal"/>: the table (upper-case Brown tag → universal tag); otherwise null.</summary>
    public IReadOnlyDictionary<string, string>? Table => _universal;

    /// <summary>Creates the mapping for <paramref name="tagSet"/>; the universal set needs <paramref name="universalMapPath"/>.</summary>
    public static TagMapping For(TagSet tagSet, string? universalMapPath) => tagSet switch
    {
        TagSet.Brown => Brown,
        TagSet.Normalised => Normalised,
        TagSet.Universal => Universal(universalMapPath ?? throw new ArgumentException("the universal tag set needs the path of en-brown.map", nameof(universalMapPath))),
        _ => throw new ArgumentOutOfRangeException(nameof(tagSet), tagSet, "unknown tag set"),
    };

    /// <summary>Maps one corpus tag, or returns null when the universal map has no entry for it.</summary>
    public string? TryMap(string tag)
    {
        switch (TagSet)
        {
            case TagSet.Brown: return tag;
            case TagSet.Normalised: return NormaliseBrown(tag);
            default:
                var upper = tag.ToUpperInvariant();
                if (_universal!.TryGetValue(upper, out var u)) return u;
                return _universal.TryGetValue(NormaliseBrown(tag).ToUpperInvariant(), out u) ? u : null;
        }
    }

    /// <summary>
    /// The normalised Brown tag: lower-case; drop a leading <c>fw-</c>; keep the part before the first <c>+</c>;
    /// strip trailing <c>-tl</c>, <c>-hl</c>, <c>-nc</c> repeatedly (never down to nothing). <c>NP-TL-HL</c> → <c>np</c>,
    /// <c>fw-in+at</c> → <c>in</c>, <c>pps+bez</c> → <c>pps</c>.
    /// </summary>
    public static string NormaliseBrown(string tag)
    {
        var t = tag.ToLowerInvariant();
        if (t.StartsWith("fw-", StringComparison.Ordinal)) t = t[3..];
        int plus = t.IndexOf('+');
        if (plus >= 0) t = t[..plus];
        bool changed = true;
        while (changed)
        {
            changed = false;
            foreach (var s in Suffixes)
            {
                if (t.Length > s.Length && t.EndsWith(s, StringComparison.Ordinal))
                {
                    t = t[..^s.Length];
                    changed = true;
                }
            }
        }
        return t;
    }

    private static readonly string[] Suffixes = ["-tl", "-hl", "-nc"];
}
