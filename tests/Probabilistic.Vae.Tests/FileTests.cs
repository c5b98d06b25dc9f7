using System.Text;
using Probabilistic.Core.IO;
using Probabilistic.Vae;

namespace Probabilistic.Vae.Tests;

public class FileTests
{
    [Theory]
    [InlineData(NetworkKind.Mlp, DecoderLikelihood.Bernoulli)]
    [InlineData(NetworkKind.Mlp, DecoderLikelihood.Gaussian)]
    [InlineData(NetworkKind.Convolutional, DecoderLikelihood.Bernoulli)]
    public void SaveThenLoadGivesIdenticalOutputs(NetworkKind kind, DecoderLikelihood likelihood)
    {
        var arch = new VaeArchitecture(kind, 28, 28, [16], 3, likelihood, kind == NetworkKind.Convolutional ? [2, 4] : null);
        var data = TestData.Test(20);
        var path = TestData.TempFile("model.vae");
        try
        {
            using var model = VariationalAutoencoder.Create(arch, 5, training: new VaeTrainingOptions(BatchSize: 32));
            model.Fit(TestData.Train(64), new Core.Inference.FitOptions(1, 0, Seed: 5));
            model.Save(path);
            using var loaded = VariationalAutoencoder.Load(path);
            Assert.Equal(arch.ToString(), loaded.Architecture.ToString());
            var noise = Enumerable.Range(0, 20 * 3).Select(i => (float)Math.Sin(i)).ToArray();
            Assert.Equal(model.ElboPerExample(data, noise), loaded.ElboPerExample(data, noise));
            Assert.Equal(model.Encode(data).Mean, loaded.Encode(data).Mean);
            Assert.Equal(model.Sample(4, 9).Values, loaded.Sample(4, 9).Values);
            Assert.Equal(model.Reconstruct(data).Values, loaded.Reconstruct(data).Values);
        }
        finally { File.Delete(path); }
    }

    [Fact]
    public void WrongOrCorruptFilesAreRefused()
    {
        var path = TestData.TempFile("model.vae");
        var other = TestData.TempFile("other.json");
        var bad = TestData.TempFile("bad.vae");
        try
        {
            using (var model = VariationalAutoencoder.Create(new VaeArchitecture(NetworkKind.Mlp, 1, 10, [4], 2), 1))
                model.Save(path);
            var bytes = File.ReadAllBytes(path);

            // Another family's JSON model file.
            ModelFile.Save(other, "gmm", 1, new { k = 3 });
            var e1 = Assert.Throws<ModelFormatException>(() => VariationalAutoencoder.Load(other));
            Assert.Contains("PROBVAE", e1.Message);

            // Truncated state.
            File.WriteAllBytes(bad, bytes[..^10]);
            var e2 = Assert.Throws<ModelFormatException>(() => VariationalAutoencoder.Load(bad));
            Assert.Contains("truncated", e2.Message);

            // Header says latent 3, the state holds latent 2: the parameter count the header announces does not match
            // the architecture, which is refused before any network is built.
            var text = Encoding.Latin1.GetString(bytes);
            var swapped = text.Replace("\"latentSize\":2", "\"latentSize\":3");
            Assert.NotEqual(text, swapped);
            File.WriteAllBytes(bad, Encoding.Latin1.GetBytes(swapped));
            var e3 = Assert.Throws<ModelFormatException>(() => VariationalAutoencoder.Load(bad));
            Assert.Contains("parameters but its architecture", e3.Message);

            // Not a model at all.
            File.WriteAllBytes(bad, Encoding.ASCII.GetBytes("hello, world"));
            Assert.Throws<ModelFormatException>(() => VariationalAutoencoder.Load(bad));

            // Another kind in a VAE-shaped file.
            File.WriteAllBytes(bad, Encoding.Latin1.GetBytes(text.Replace("\"kind\":\"vae\"", "\"kind\":\"hmm\"")));
            var e5 = Assert.Throws<ModelFormatException>(() => VariationalAutoencoder.Load(bad));
            Assert.Contains("'hmm'", e5.Message);
        }
        finally { File.Delete(path); File.Delete(other); File.Delete(bad); }
    }

    [Fact]
    public void Latent_codes_and_images_convert_to_double_precision_tables_and_back()
    {
        using var model = VariationalAutoencoder.Create(new VaeArchitecture(NetworkKind.Mlp, 28, 28, [16], 2), 4);
        var data = TestData.Test(30);
        var code = model.Encode(data);
        var table = code.MeanTable();
        Assert.Equal((30, 2), (table.Rows, table.Columns));
        Assert.Equal(code.Mean.Select(v => (double)v), table.Values);
        var images = data.ToTable();
        Assert.Equal(data.Values, VaeDataset.FromTable(images, 28, 28).Values);
    }
}
