using System.Globalization;
using System.Text.Json;
using Probabilistic.Cli.Commands;
using Probabilistic.Core.Numerics;

namespace Probabilistic.Cli.Tests;

/// <summary><c>prob hmm</c> end to end, in process: fit, score and decode files; bad input gets exit code 1 and the reason.</summary>
public sealed class HmmCommandTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("prob-hmm-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static (int Code, string Out, string Err) Run(params string[] args)
    {
        var root = new System.CommandLine.RootCommand { HmmCommand.Create(), DemoCommand.Create() };
        var o = new StringWriter(CultureInfo.InvariantCulture);
        var e = new StringWriter(CultureInfo.InvariantCulture);
        int code = CliHost.Run(root, args, o, e);
        return (code, o.ToString(), e.ToString());
    }

    private string Write(string name, string text)
    {
        var path = Path.Combine(_dir, name);
        File.WriteAllText(path, text);
        return path;
    }

    /// <summary>Two well-separated regimes, low then high, in three sequences.</summary>
    private string GaussianText()
    {
        var random = new Random(5);
        var lines = new List<string>();
        for (int n = 0; n < 3; n++)
        {
            if (n > 0) lines.Add("");
            for (int t = 0; t < 60; t++)
                lines.Add(((t / 15 % 2 == 0 ? -4.0 : 4.0) + random.NextDouble() - 0.5).ToString("R", CultureInfo.InvariantCulture));
        }
        return Write("g.txt", string.Join('\n', lines));
    }

    [Fact]
    public void FitScoreDecodeRoundTrip()
    {
        var data = GaussianText();
        var model = Path.Combine(_dir, "m.json");
        var fit = Run("hmm", "fit", "--data", data, "--states", "2", "--emission", "gaussian", "--covariance", "diag", "--seed", "3", "-o", model, "--json");
        Assert.True(fit.Code == 0, $"fit failed: {fit.Err}");
        using var doc = JsonDocument.Parse(fit.Out);
        var trace = doc.RootElement.GetProperty("trace").EnumerateArray().Select(s => s.GetProperty("elbo").GetDouble()).ToArray();
        for (int i = 1; i < trace.Length; i++) Assert.True(trace[i] >= trace[i - 1] - 1e-9 * Math.Abs(trace[i]), $"fit trace fell at {i + 1}");
        double final = doc.RootElement.GetProperty("logLikelihood").GetDouble();

        var score = Run("hmm", "score", "-m", model, "--data", data, "--json");
        Assert.True(score.Code == 0, score.Err);
        Assert.Equal(final, JsonDocument.Parse(score.Out).RootElement.GetProperty("score").GetDouble(), 6);

        var decode = Run("hmm", "decode", "-m", model, "--data", data);
        Assert.True(decode.Code == 0, decode.Err);
        var blocks = decode.Out.Replace("\r", "").Trim().Split("\n\n");
        Assert.Equal(3, blocks.Length);
        var first = blocks[0].Split('\n').Select(int.Parse).ToArray();
        // The regime changes every 15 steps; the decoded state must change exactly there.
        for (int t = 1; t < 60; t++)
            Assert.True((first[t] != first[t - 1]) == (t % 15 == 0), $"decoded state change at t={t} does not match the regime switch");
    }

    /// <summary>Two 2-D regimes with one shared correlated covariance [1, 0.5; 0.5, 1], in three sequences.</summary>
    private string TiedText()
    {
        var random = new Random(9);
        var lines = new List<string>();
        for (int n = 0; n < 3; n++)
        {
            if (n > 0) lines.Add("");
            for (int t = 0; t < 80; t++)
            {
                double m = t / 20 % 2 == 0 ? -3.0 : 3.0;
                double z0 = random.NextGaussian(), z1 = random.NextGaussian();
                // x = μ + L z with L the Cholesky factor of [1, 0.5; 0.5, 1]: [1, 0; 0.5, √0.75].
                double x0 = m + z0, x1 = -m + 0.5 * z0 + Math.Sqrt(0.75) * z1;
                lines.Add(string.Create(CultureInfo.InvariantCulture, $"{x0:R} {x1:R}"));
            }
        }
        return Write("tied.txt", string.Join('\n', lines));
    }

    [Fact]
    public void TiedCovarianceFitScoreRoundTrip()
    {
        var data = TiedText();
        var model = Path.Combine(_dir, "tied.json");
        var fit = Run("hmm", "fit", "--data", data, "--states", "2", "--emission", "gaussian", "--covariance", "tied", "--seed", "3", "-o", model, "--json");
        Assert.True(fit.Code == 0, $"fit failed: {fit.Err}");
        using var doc = JsonDocument.Parse(fit.Out);
        var trace = doc.RootElement.GetProperty("trace").EnumerateArray().Select(s => s.GetProperty("elbo").GetDouble()).ToArray();
        for (int i = 1; i < trace.Length; i++) Assert.True(trace[i] >= trace[i - 1] - 1e-9 * Math.Abs(trace[i]), $"fit trace fell at {i + 1}");
        double final = doc.RootElement.GetProperty("logLikelihood").GetDouble();

        // The saved file: version 2, covariance type Tied, one shared 2×2 matrix that is symmetric with a positive
        // correlation (the data's is 0.5; 240 points give a standard error of about (1 − 0.5²)/√240 ≈ 0.05).
        var file = System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(model))!;
        Assert.Equal(2, file["version"]!.GetValue<int>());
        Assert.Equal("Tied", file["model"]!["covarianceType"]!.GetValue<string>());
        var covs = file["model"]!["covariances"]!.AsArray();
        var shared = Assert.Single(covs)!.AsArray().Select(v => v!.GetValue<double>()).ToArray();
        Assert.Equal(4, shared.Length);
        Assert.Equal(shared[1], shared[2]);
        double correlation = shared[1] / Math.Sqrt(shared[0] * shared[3]);
        Assert.True(Math.Abs(correlation - 0.5) < 0.2, $"fitted correlation {correlation:F3}, data 0.5");

        var score = Run("hmm", "score", "-m", model, "--data", data, "--json");
        Assert.True(score.Code == 0, score.Err);
        Assert.Equal(final, JsonDocument.Parse(score.Out).RootElement.GetProperty("score").GetDouble(), 6);
    }

    [Fact]
    public void TiedCovarianceWithGmmIsAUsageError()
    {
        var r = Run("hmm", "fit", "--data", TiedText(), "--states", "2", "--emission", "gmm", "--covariance", "tied", "-o", Path.Combine(_dir, "g.json"));
        Assert.Equal(CliHost.Usage, r.Code);
        Assert.Contains("--covariance tied is not supported with --emission gmm", r.Err);
    }

    [Fact]
    public void UnknownSymbolIsBadInput()
    {
        var train = Write("s.txt", "a\nb\na\n\nb\nb\na\n");
        var model = Path.Combine(_dir, "c.json");
        Assert.Equal(0, Run("hmm", "fit", "--data", train, "--states", "2", "--emission", "categorical", "-o", model).Code);
        var r = Run("hmm", "score", "-m", model, "--data", Write("u.txt", "a\nq\n"));
        Assert.Equal(CliHost.BadInput, r.Code);
        Assert.Contains("symbol 'q' was never seen in training", r.Err);
    }

    [Fact]
    public void ModelWithRowsNotSummingToOneIsRefused()
    {
        var data = GaussianText();
        var model = Path.Combine(_dir, "m.json");
        Assert.Equal(0, Run("hmm", "fit", "--data", data, "--states", "2", "--emission", "gaussian", "--max-iter", "3", "-o", model).Code);
        var node = System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(model))!;
        node["model"]!["transitions"]![0]![0] = 5.0;
        File.WriteAllText(model, node.ToJsonString());
        var r = Run("hmm", "score", "-m", model, "--data", data);
        Assert.Equal(CliHost.BadInput, r.Code);
        Assert.Contains("Row 0 of the transition matrix sums to", r.Err);
    }

    [Fact]
    public void DemoPrintsAMonotoneTrace()
    {
        var r = Run("demo", "--only", "Gaussian HMM");
        Assert.True(r.Code == 0, r.Err);
        Assert.Contains("Converged", r.Out);
    }

    [Fact]
    public void FactorGraphsDemo_RunsTheTutorialsWithTheirDocumentedOutput()
    {
        var r = Run("demo", "--only", "Factor graphs");
        Assert.True(r.Code == 0, r.Err);
        // Infer.NET's Bayes point machine and TrueSkill documentation print these lines
        Assert.Contains("[0] Bernoulli(0.9555)", r.Out);
        Assert.Contains("Player 0 skill: Gaussian(9.517, 3.926)", r.Out);
        Assert.Contains("Dist over pi=Dirichlet(", r.Out);
        // then every acceptance sample, after the tutorials, each under its default algorithm
        int samples = r.Out.IndexOf("Acceptance samples", StringComparison.Ordinal);
        Assert.True(samples > r.Out.IndexOf("Dist over pi=Dirichlet(", StringComparison.Ordinal), "the samples do not follow the tutorials");
        foreach (var sample in Probabilistic.FactorGraphs.Samples.SampleCatalog.All)
            Assert.True(r.Out.IndexOf($"-- {sample.Name} (", samples, StringComparison.Ordinal) > 0, $"the demo does not run {sample.Name}");
        Assert.Contains("   prize              Discrete(0.3333 0.6667 0)", r.Out);
    }
}
