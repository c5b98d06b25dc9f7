using Probabilistic.Core.Data;
using Probabilistic.Core.IO;
using Probabilistic.Hmm.Tagging;

namespace Probabilistic.Hmm.Tests.Tagging;

/// <summary>Model files (round trip, refusals) and tag-set mappings.</summary>
public sealed class ModelFileAndTagSetTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("tagger-tests-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static HmmTagger SmallTagger(TagSet tagSet = TagSet.Normalised)
    {
        var files = DataFiles.ExpandFiles([Path.Combine(TestPaths.Datasets, "brown-sample")]).Take(5);
        var mapping = TagMapping.For(tagSet, Path.Combine(TestPaths.Datasets, "universal-tags", "en-brown.map"));
        return HmmTagger.Train(TaggedCorpus.Read(files, CorpusFormat.Brown, mapping), new TaggerOptions(), tagSet, mapping.Table);
    }

    [Fact]
    public void SaveLoadRoundTripTagsIdentically()
    {
        var tagger = SmallTagger(TagSet.Universal);
        var path = Path.Combine(_dir, "m.json");
        tagger.Save(path);
        var loaded = HmmTagger.Load(path);
        Assert.Equal(tagger.Tags.ToArray(), loaded.Tags.ToArray());
        Assert.Equal(tagger.Transitions.Lambdas.ToArray(), loaded.Transitions.Lambdas.ToArray());
        Assert.Equal(tagger.Suffixes.ThetaScale, loaded.Suffixes.ThetaScale);
        Assert.Equal(TagSet.Universal, loaded.TagSet);
        Assert.Equal("NOUN", loaded.Mapping.TryMap("nn-tl"));
        string[] words = ["The", "Flibbertigibbet", "committee", "said", "nothing", "about", "1961", "."];
        Assert.Equal(tagger.Tag(words), loaded.Tag(words));
        var p = new int[words.Length];
        Assert.Equal(tagger.TagIds(words, double.PositiveInfinity, p), loaded.TagIds(words, double.PositiveInfinity, p), 12);
        Assert.Empty(Directory.GetFiles(_dir, "*.tmp", SearchOption.AllDirectories));
    }

    [Fact]
    public void OtherVersionIsRefusedWithTheReason()
    {
        var path = Path.Combine(_dir, "m.json");
        SmallTagger().Save(path);
        File.WriteAllText(path, File.ReadAllText(path).Replace($"\"version\":{TaggerModelFile.Version}", "\"version\":99"));
        var e = Assert.Throws<ModelFormatException>(() => HmmTagger.Load(path));
        Assert.Contains("version 99", e.Message);
    }

    [Fact]
    public void CorruptOrForeignFilesAreRefused()
    {
        var path = Path.Combine(_dir, "m.json");
        SmallTagger().Save(path);
        var text = File.ReadAllText(path);
        File.WriteAllText(path, text[..(text.Length / 2)]);
        var truncated = Assert.Throws<ModelFormatException>(() => HmmTagger.Load(path));
        Assert.Contains("not valid JSON", truncated.Message);

        File.WriteAllText(path, text.Replace($"\"kind\":\"{TaggerModelFile.Kind}\"", "\"kind\":\"gmm\""));
        var kind = Assert.Throws<ModelFormatException>(() => HmmTagger.Load(path));
        Assert.Contains("'gmm'", kind.Message);

        File.WriteAllText(path, text.Replace("\"trigrams\":[", "\"trigrams\":[1,"));
        var inconsistent = Assert.Throws<ModelFormatException>(() => HmmTagger.Load(path));
        Assert.Contains("quadruples", inconsistent.Message);
    }

    [Theory]
    [InlineData("NN-TL", "nn")]
    [InlineData("np-tl-hl", "np")]
    [InlineData("pps+bez", "pps")]
    [InlineData("fw-in+at", "in")]
    [InlineData("FW-NN-TL", "nn")]
    [InlineData("nn$", "nn$")]
    [InlineData("bez*", "bez*")]
    [InlineData("''", "''")]
    [InlineData("-hl", "-hl")]
    public void NormalisationFollowsThePeerScript(string raw, string expected) =>
        // Rules of ../shared/peers/brown.py normalise_tag: lower-case, drop 'fw-', cut at '+', strip -tl/-hl/-nc repeatedly (never to nothing).
        Assert.Equal(expected, TagMapping.NormaliseBrown(raw));

    [Theory]
    [InlineData("at", "DET")]
    [InlineData("nn-tl", "NOUN")]
    [InlineData("np$", "NOUN")]
    [InlineData("vbd", "VERB")]
    [InlineData("''", ".")]
    public void UniversalMapUsesPetrovTable(string raw, string expected)
    {
        // Expected values read from datasets/universal-tags/en-brown.map (Petrov, Das & McDonald 2012).
        var mapping = TagMapping.Universal(Path.Combine(TestPaths.Datasets, "universal-tags", "en-brown.map"));
        Assert.Equal(expected, mapping.TryMap(raw));
    }

    [Fact]
    public void UnmappedTagNamesTheSentenceAndTag()
    {
        var mapping = TagMapping.Universal(new StringReader("NN\tNOUN\n"), "tiny.map");
        var e = Assert.Throws<DataFormatException>(() =>
            TaggedCorpus.Read(new StringReader("dog/nn ran/vbd\n"), "in.txt", CorpusFormat.Brown, mapping).ToList());
        Assert.Contains("in.txt", e.Message);
        Assert.Contains("'vbd'", e.Message);
    }

    [Fact]
    public void TokenWithoutTagNamesFileAndLine()
    {
        var e = Assert.Throws<DataFormatException>(() =>
            TaggedCorpus.Read(new StringReader("the/at dog/nn\nthe dog/nn\n"), "train.txt", CorpusFormat.Brown, TagMapping.Normalised).ToList());
        Assert.Equal(2L, e.Line);
        Assert.Contains("train.txt:2", e.Message);
    }
}
