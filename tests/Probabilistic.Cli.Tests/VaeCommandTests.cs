using System.CommandLine;
using System.Text.Json;
using Probabilistic.Cli;
using Probabilistic.Cli.Commands;

namespace Probabilistic.Cli.Tests;

public class VaeCommandTests
{
    private static string Sample()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "datasets", "mnist-sample");
            if (Directory.Exists(candidate)) return candidate;
        }
        throw new DirectoryNotFoundException("datasets/mnist-sample not found");
    }

    private static (int Code, string Out, string Err) Run(params string[] args)
    {
        var root = new RootCommand("test") { VaeCommand.Create() };
        var o = new StringWriter();
        var e = new StringWriter();
        int code = CliHost.Run(root, args, o, e);
        return (code, o.ToString(), e.ToString());
    }

    [Fact]
    public void TrainEvalSampleRoundTrip()
    {
        var dir = Path.Combine(Path.GetTempPath(), $"vae-cli-{Guid.NewGuid():N}");
        Directory.CreateDirectory(dir);
        try
        {
            var model = Path.Combine(dir, "m.vae");
            var (code, output, err) = Run("vae", "train", "--data", Sample(), "--epochs", "2", "--latent", "2", "--hidden", "32",
                "--max-train", "300", "--threads", "2", "-o", model, "--json");
            Assert.True(code == 0, $"train exit {code}: {err}");
            using (var doc = JsonDocument.Parse(output))
            {
                Assert.Equal(2, doc.RootElement.GetProperty("epochs").GetInt32());
                Assert.Equal(300, doc.RootElement.GetProperty("train").GetInt32());
                Assert.True(double.IsFinite(doc.RootElement.GetProperty("testElboPerImage").GetDouble()), "test ELBO should be finite");
            }
            (code, output, err) = Run("vae", "eval", "-m", model, "--data", Sample(), "--iwae-k", "20", "--iwae-n", "50", "--json");
            Assert.True(code == 0, $"eval exit {code}: {err}");
            using (var doc = JsonDocument.Parse(output))
            {
                double elbo = doc.RootElement.GetProperty("elboPerImage").GetDouble();
                double iwae = doc.RootElement.GetProperty("iwaeLogLikelihood").GetDouble();
                Assert.True(iwae > elbo, $"IWAE K=20 ({iwae:F2}) should lie above the one-sample ELBO ({elbo:F2})");
            }
            var png = Path.Combine(dir, "s.png");
            (code, _, err) = Run("vae", "sample", "-m", model, "-n", "16", "-o", png);
            Assert.True(code == 0, $"sample exit {code}: {err}");
            Assert.Equal(new byte[] { 0x89, (byte)'P', (byte)'N', (byte)'G' }, File.ReadAllBytes(png)[..4]);
            (code, _, err) = Run("vae", "latent", "-m", model, "--data", Sample(), "-n", "100", "-o", Path.Combine(dir, "l.png"));
            Assert.True(code == 0, $"latent exit {code}: {err}");
        }
        finally { Directory.Delete(dir, recursive: true); }
    }

    [Fact]
    public void BadInputsGiveTheDocumentedExitCodes()
    {
        var (code, _, err) = Run("vae", "eval", "-m", "/nonexistent/model.vae", "--data", Sample());
        Assert.True(code == CliHost.BadInput, $"missing model: exit {code} ({err})");
        (code, _, err) = Run("vae", "train", "--data", Sample(), "--hidden", "abc", "-o", Path.GetTempFileName());
        Assert.True(code == CliHost.Usage, $"bad --hidden: exit {code} ({err})");
        (code, _, err) = Run("vae", "train", "--data", Sample(), "--patience", "2", "-o", Path.GetTempFileName());
        Assert.True(code == CliHost.Usage && err.Contains("--holdout"), $"--patience without --holdout: exit {code} ({err})");
    }
}
