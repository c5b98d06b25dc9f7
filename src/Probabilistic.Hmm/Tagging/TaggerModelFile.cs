using Probabilistic.Core.IO;

namespace Probabilistic.Hmm.Tagging;

/// <summary>
/// Saves and loads <see cref="HmmTagger"/> models as versioned JSON (kind <see cref="Kind"/>, version
/// <see cref="Version"/>), written atomically. The file holds counts only — the lexicon and the tag trigram counts —
/// so smoothing weights, the suffix model and the log tables are recomputed identically on load.
/// </summary>
public static class TaggerModelFile
{
    /// <summary>The model kind in the file header.</summary>
    public const string Kind = "hmm-tagger";

    /// <summary>The file-format version of a supervised tagger (this build reads it and writes it for supervised taggers).</summary>
    public const int Version = 1;

    /// <summary>
    /// The version of a semi-supervised tagger's file: version 1 plus <see cref="Data.SemiSupervised"/>. A build that reads
    /// only version 1 refuses it rather than silently dropping the Baum-Welch counts.
    /// </summary>
    public const int SemiSupervisedVersion = 2;

    /// <summary>A semi-supervised tagger's fractional counts (see <see cref="SemiSupervisedCounts"/>).</summary>
    /// <param name="Words">The vocabulary of both texts.</param>
    /// <param name="WordTagCounts">Per word: (tag, count) pairs, flattened.</param>
    /// <param name="Trigrams">(x, y, z, count) quadruples, flattened, positive counts only.</param>
    /// <param name="LabelledWeight">λ on the tagged counts.</param>
    /// <param name="Iterations">Baum-Welch iterations run.</param>
    public sealed record SemiSupervisedData(string[] Words, double[][] WordTagCounts, double[] Trigrams, double LabelledWeight, int Iterations);

    /// <summary>The serialised form.</summary>
    public sealed record Data(
        int Order, TagSet TagSet, int RareWordThreshold, int MaxSuffixLength, double BeamRatio, double UnknownTagRatio, double? SuffixThetaScale,
        string[] Tags, Dictionary<string, string>? UniversalMap,
        string[] Words, int[][] WordTagCounts, long[] Trigrams, SemiSupervisedData? SemiSupervised = null);

    /// <summary>Writes <paramref name="tagger"/> to <paramref name="path"/> (temporary file, then rename).</summary>
    internal static void Save(string path, HmmTagger tagger)
    {
        var lex = tagger.Lexicon;
        var wordTags = lex.ToPairs();
        var tri = new List<long>();
        foreach (var (x, y, z, c) in tagger.Counts.Trigrams()) { tri.Add(x); tri.Add(y); tri.Add(z); tri.Add(c); }
        var o = tagger.Options;
        var data = new Data(o.Order, tagger.TagSet, o.RareWordThreshold, o.MaxSuffixLength, o.BeamRatio, o.UnknownTagRatio, o.SuffixThetaScale,
            tagger.Tags.ToArray(), tagger.UniversalMap?.ToDictionary(p => p.Key, p => p.Value),
            lex.Words, wordTags, tri.ToArray(), Semi(tagger.SemiSupervised, tagger.Tags.Count));
        ModelFile.Save(path, Kind, data.SemiSupervised is null ? Version : SemiSupervisedVersion, data);
    }

    /// <summary>Reads a tagger, refusing another kind or version, corrupt JSON, or inconsistent counts (naming the file).</summary>
    internal static HmmTagger Load(string path, Core.MemoryBudget? budget = null)
    {
        var (d, version) = ModelFile.Load<Data>(path, Kind, Version, SemiSupervisedVersion, budget);
        if (version == SemiSupervisedVersion && d.SemiSupervised is null)
            throw new ModelFormatException(path, $"a version {SemiSupervisedVersion} tagger file without its semi-supervised counts");
        try
        {
            if (d.Tags is null || d.Words is null || d.WordTagCounts is null || d.Trigrams is null)
                throw new ModelFormatException(path, "the model lacks tags, words, word-tag counts or trigrams");
            if (d.Words.Length != d.WordTagCounts.Length)
                throw new ModelFormatException(path, $"{d.Words.Length} words but {d.WordTagCounts.Length} word-tag count lists");
            if (d.Trigrams.Length % 4 != 0) throw new ModelFormatException(path, "the trigram list is not made of (x, y, z, count) quadruples");
            CheckNames(path, d.Tags, "tag");
            CheckNames(path, d.Words, "word");
            if (d.UniversalMap is { } map && map.Any(p => string.IsNullOrEmpty(p.Key) || string.IsNullOrEmpty(p.Value)))
                throw new ModelFormatException(path, "the universal tag map has an empty or null entry");
            int t = d.Tags.Length;
            if (t == 0) throw new ModelFormatException(path, "the model has no tags");
            var lexicon = Lexicon.FromPairs(path, t, d.Words, d.WordTagCounts);
            var trigramCounts = new TransitionCounts(t);
            for (int i = 0; i < d.Trigrams.Length; i += 4)
            {
                long x = d.Trigrams[i], y = d.Trigrams[i + 1], z = d.Trigrams[i + 2], c = d.Trigrams[i + 3];
                if (x < 0 || x > t || y < 0 || y > t || z < 0 || z > t || c <= 0)
                    throw new ModelFormatException(path, $"trigram ({x}, {y}, {z}) with count {c} is out of range for {t} tags");
                trigramCounts.Add((int)x, (int)y, (int)z, c);
            }
            var options = new TaggerOptions(d.Order, d.RareWordThreshold, d.MaxSuffixLength, d.BeamRatio, d.UnknownTagRatio, d.SuffixThetaScale);
            return new HmmTagger(d.Tags, d.TagSet, d.UniversalMap, options, lexicon, trigramCounts, FromData(path, d.SemiSupervised, t, budget));
        }
        catch (ArgumentException e)
        {
            throw new ModelFormatException(path, $"inconsistent model: {e.Message}", e);
        }
    }

    /// <summary>Tag and word names index the model: each must be a non-empty string and appear once.</summary>
    private static void CheckNames(string path, string[] names, string what)
    {
        if (ModelFile.NameProblem(names, what) is { } problem) throw new ModelFormatException(path, problem);
    }

    private static SemiSupervisedData? Semi(SemiSupervisedCounts? c, int tagCount)
    {
        if (c is null) return null;
        int s = tagCount + 1;
        var pairs = new double[c.Words.Length][];
        for (int w = 0; w < pairs.Length; w++)
        {
            pairs[w] = new double[2 * c.Tags[w].Length];
            for (int k = 0; k < c.Tags[w].Length; k++) { pairs[w][2 * k] = c.Tags[w][k]; pairs[w][2 * k + 1] = c.Counts[w][k]; }
        }
        var tri = new List<double>();
        for (int i = 0; i < c.Trigrams.Length; i++)
            if (c.Trigrams[i] > 0) { tri.Add(i / s / s); tri.Add(i / s % s); tri.Add(i % s); tri.Add(c.Trigrams[i]); }
        return new SemiSupervisedData(c.Words, pairs, tri.ToArray(), c.LabelledWeight, c.Iterations);
    }

    private static SemiSupervisedCounts? FromData(string path, SemiSupervisedData? d, int tagCount, Core.MemoryBudget? budget)
    {
        if (d is null) return null;
        if (d.Words is null || d.WordTagCounts is null || d.Trigrams is null || d.Words.Length != d.WordTagCounts.Length)
            throw new ModelFormatException(path, "the semi-supervised counts lack words, word-tag counts or trigrams, or their lengths differ");
        if (d.Trigrams.Length % 4 != 0) throw new ModelFormatException(path, "the semi-supervised trigram list is not made of (x, y, z, count) quadruples");
        if (!(d.LabelledWeight > 0 && double.IsFinite(d.LabelledWeight)) || d.Iterations < 0)
            throw new ModelFormatException(path, $"the semi-supervised weight {d.LabelledWeight} must be positive and finite and the iteration count {d.Iterations} at least 0");
        CheckNames(path, d.Words, "semi-supervised word");
        int s = tagCount + 1;
        // The dense trigram table has (T+1)³ entries: refuse a tag list that asks for more than memory holds.
        (budget ?? Core.MemoryBudget.Available()).Require(4.0 * 8 * s * s * s, $"{path}: semi-supervised trigram tables for {tagCount:N0} tags");
        var tags = new int[d.Words.Length][];
        var counts = new double[d.Words.Length][];
        for (int w = 0; w < tags.Length; w++)
        {
            var p = d.WordTagCounts[w];
            if (p is null || p.Length % 2 != 0) throw new ModelFormatException(path, $"semi-supervised word '{d.Words[w]}' has a missing or odd-length tag/count list");
            tags[w] = new int[p.Length / 2];
            counts[w] = new double[p.Length / 2];
            for (int k = 0; k < tags[w].Length; k++)
            {
                double tag = p[2 * k], count = p[2 * k + 1];
                if (!(tag >= 0 && tag < tagCount && tag == Math.Floor(tag)) || !(count > 0 && double.IsFinite(count)))
                    throw new ModelFormatException(path, $"semi-supervised word '{d.Words[w]}' has tag {tag} with count {count}; tags are 0..{tagCount - 1} and counts positive");
                tags[w][k] = (int)tag; counts[w][k] = count;
            }
        }
        var tri = new double[s * s * s];
        for (int i = 0; i < d.Trigrams.Length; i += 4)
        {
            double x = d.Trigrams[i], y = d.Trigrams[i + 1], z = d.Trigrams[i + 2], c = d.Trigrams[i + 3];
            if (!(x >= 0 && x < s && y >= 0 && y < s && z >= 0 && z < s && c > 0 && double.IsFinite(c)) || x != Math.Floor(x) || y != Math.Floor(y) || z != Math.Floor(z))
                throw new ModelFormatException(path, $"semi-supervised trigram ({x}, {y}, {z}) with count {c} is out of range for {tagCount} tags");
            tri[((int)x * s + (int)y) * s + (int)z] = c;
        }
        return new SemiSupervisedCounts(d.Words, tags, counts, tri, d.LabelledWeight, d.Iterations);
    }
}
