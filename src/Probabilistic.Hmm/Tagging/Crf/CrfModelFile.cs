using System.Runtime.InteropServices;
using Probabilistic.Core.IO;

namespace Probabilistic.Hmm.Tagging;

/// <summary>
/// Saves and loads <see cref="CrfTagger"/> models as versioned JSON (kind <see cref="Kind"/>, version <see cref="Version"/>),
/// written atomically. The lexicon is kept as counts (the suffix model is rebuilt from it with the saved θ scale); the
/// feature index and the weights are kept as little-endian binary blocks (base64 in the JSON), so a model of a few
/// million weights loads without parsing millions of numbers.
/// </summary>
public static class CrfModelFile
{
    /// <summary>The model kind in the file header.</summary>
    public const string Kind = "crf-tagger";

    /// <summary>The file-format version this build reads and writes.</summary>
    public const int Version = 1;

    /// <summary>The serialised form.</summary>
    public sealed record Data(
        CrfTraining Training, TagSet TagSet, double L2, int MinFeatureCount, int RareWordThreshold, int MaxSuffixLength,
        double CandidateRatio, double SuffixThetaScale, string[] Tags, Dictionary<string, string>? UniversalMap,
        string[] Words, int[][] WordTagCounts, string[] Attributes, byte[] FeatureStart, byte[] FeatureTags, byte[] Weights, CrfTemplates Templates = CrfTemplates.All, int DenseTagLimit = 32);

    internal static void Save(string path, CrfTagger tagger)
    {
        var lex = tagger.Lexicon;
        var wordTags = lex.ToPairs();
        var o = tagger.Options;
        var f = tagger.Features;
        var data = new Data(o.Training, tagger.TagSet, o.L2, o.MinFeatureCount, o.RareWordThreshold, o.MaxSuffixLength, o.CandidateRatio,
            tagger.Suffixes.ThetaScale, tagger.Tags.ToArray(), tagger.UniversalMap?.ToDictionary(p => p.Key, p => p.Value), lex.Words, wordTags,
            f.Attributes, Bytes<int>(f.FeatureStart), Bytes<int>(f.FeatureTags), Bytes<double>(tagger.WeightArray), o.Templates, o.DenseTagLimit);
        ModelFile.Save(path, Kind, Version, data);
    }

    internal static CrfTagger Load(string path, Core.MemoryBudget? budget = null)
    {
        var d = ModelFile.Load<Data>(path, Kind, Version, budget);
        try
        {
            if (d.Tags is null || d.Words is null || d.WordTagCounts is null || d.Attributes is null || d.FeatureStart is null
                || d.FeatureTags is null || d.Weights is null)
                throw new ModelFormatException(path, "the model lacks tags, words, word-tag counts, attributes, features or weights");
            if (ModelFile.NameProblem(d.Tags, "tag") is { } tagProblem) throw new ModelFormatException(path, tagProblem);
            if (ModelFile.NameProblem(d.Words, "word") is { } wordProblem) throw new ModelFormatException(path, wordProblem);
            if (d.Words.Length != d.WordTagCounts.Length)
                throw new ModelFormatException(path, $"{d.Words.Length} words but {d.WordTagCounts.Length} word-tag count lists");
            int t = d.Tags.Length;
            if (t == 0) throw new ModelFormatException(path, "the model has no tags");
            var lexicon = Lexicon.FromPairs(path, t, d.Words, d.WordTagCounts);
            var featureStart = Values<int>(path, d.FeatureStart, "feature offsets");
            var featureTags = Values<int>(path, d.FeatureTags, "feature tags");
            var weights = Values<double>(path, d.Weights, "weights");
            if (featureStart.Length != d.Attributes.Length + 1 || featureStart[0] != 0 || featureStart[^1] != featureTags.Length)
                throw new ModelFormatException(path, $"{featureStart.Length} feature offsets for {d.Attributes.Length} attributes and {featureTags.Length} features");
            for (int a = 0; a < d.Attributes.Length; a++)
            {
                if (featureStart[a + 1] < featureStart[a]) throw new ModelFormatException(path, $"feature offsets decrease at attribute {a}");
                for (int j = featureStart[a]; j < featureStart[a + 1]; j++)
                    if ((uint)featureTags[j] >= (uint)t || (j > featureStart[a] && featureTags[j] <= featureTags[j - 1]))
                        throw new ModelFormatException(path, $"attribute '{d.Attributes[a]}' has feature tag {featureTags[j]} out of range or out of order");
            }
            for (int k = 0; k < weights.Length; k++)
                if (!double.IsFinite(weights[k])) throw new ModelFormatException(path, $"weight {k} is {weights[k]}");
            if (!(d.SuffixThetaScale > 0 && double.IsFinite(d.SuffixThetaScale)))
                throw new ModelFormatException(path, $"the suffix θ scale {d.SuffixThetaScale} must be positive and finite");
            var options = new CrfOptions(d.Training, d.L2, d.MinFeatureCount, d.RareWordThreshold, d.MaxSuffixLength, d.CandidateRatio, d.DenseTagLimit, Templates: d.Templates);
            options.Validate();
            var suffixes = SuffixModel.Build(lexicon, options.RareWordThreshold, options.MaxSuffixLength, d.SuffixThetaScale);
            var features = new CrfFeatures(d.Attributes, featureStart, featureTags);
            return new CrfTagger(d.Tags, d.TagSet, d.UniversalMap, options, lexicon, suffixes, features, weights);
        }
        catch (ArgumentException e)
        {
            throw new ModelFormatException(path, $"inconsistent model: {e.Message}", e);
        }
    }

    private static byte[] Bytes<T>(T[] values) where T : unmanaged
    {
        if (!BitConverter.IsLittleEndian) throw new PlatformNotSupportedException("model files are written on little-endian machines");
        return MemoryMarshal.AsBytes(values.AsSpan()).ToArray();
    }

    private static T[] Values<T>(string path, byte[] bytes, string what) where T : unmanaged
    {
        int size = Marshal.SizeOf<T>();
        if (bytes.Length % size != 0) throw new ModelFormatException(path, $"the {what} block has {bytes.Length} bytes, not a multiple of {size}");
        return MemoryMarshal.Cast<byte, T>(bytes).ToArray();
    }
}
