using Probabilistic.Core.Data;
using Probabilistic.Core.IO;

namespace Probabilistic.Core.Tests;

public class ModelFileTests
{
    public sealed record Toy(string Name, double[] Weights);

    [Fact]
    public void Save_then_load_round_trips()
    {
        using var dir = new TempDir();
        var path = Path.Combine(dir.Path, "m.json");
        ModelFile.Save(path, "toy", 3, new Toy("a", [0.25, 0.75]));
        var back = ModelFile.Load<Toy>(path, "toy", 3);
        Assert.Equal("a", back.Name);
        Assert.Equal([0.25, 0.75], back.Weights);
        Assert.Empty(Directory.GetFiles(dir.Path, "*.tmp"));
    }

    [Fact]
    public void Wrong_kind_version_and_corrupt_files_are_refused_with_the_reason()
    {
        using var dir = new TempDir();
        var path = Path.Combine(dir.Path, "m.json");
        ModelFile.Save(path, "toy", 3, new Toy("a", [1]));
        Assert.Contains("not a 'hmm' model", Assert.Throws<ModelFormatException>(() => ModelFile.Load<Toy>(path, "hmm", 3)).Message);
        Assert.Contains("version 3", Assert.Throws<ModelFormatException>(() => ModelFile.Load<Toy>(path, "toy", 4)).Message);
        var truncated = dir.File("t.json", File.ReadAllText(path)[..20]);
        Assert.Contains("not valid JSON", Assert.Throws<ModelFormatException>(() => ModelFile.Load<Toy>(truncated, "toy", 3)).Message);
        var other = dir.File("o.json", "{\"weights\": [1]}");
        Assert.Contains("not a Probabilistic model file", Assert.Throws<ModelFormatException>(() => ModelFile.Load<Toy>(other, "toy", 3)).Message);
    }

    [Fact]
    public void A_failed_write_leaves_the_previous_file_intact()
    {
        using var dir = new TempDir();
        var path = dir.File("keep.json", "previous content");
        Assert.Throws<InvalidOperationException>(() =>
            AtomicFile.Write(path, s => { s.Write("partial"u8); throw new InvalidOperationException("interrupted"); }));
        Assert.Equal("previous content", File.ReadAllText(path));
        Assert.Single(Directory.GetFiles(dir.Path));
    }

    [Fact]
    public void ReadJson_names_the_file_and_line_of_malformed_json()
    {
        using var dir = new TempDir();
        var path = dir.File("init.json", "{\n \"weights\": [1,\n }");
        var e = Assert.Throws<DataFormatException>(() => ModelFile.ReadJson<Toy>(path));
        Assert.EndsWith("init.json", e.File);
        Assert.NotNull(e.Line);
    }
}
