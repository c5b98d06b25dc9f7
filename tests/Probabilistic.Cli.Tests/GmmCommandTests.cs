using System.CommandLine;
using System.Text.Json.Nodes;
using Probabilistic.Cli.Commands;
using Probabilistic.Mixtures;
using Probabilistic.Core.Gaussians;

namespace Probabilistic.Cli.Tests;

/// <summary><c>prob gmm fit|predict</c> in-process: outputs, saved models, exit codes on bad input.</summary>
public sealed class GmmCommandTests : IDisposable
{
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("prob-gmm-cli");

    private static string Faithful()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Probabilistic.sln"))) return Path.Combine(dir.FullName, "datasets", "faithful.csv");
        throw new InvalidOperationException("checkout not found");
    }

    private static (int Code, string Out, string Err) Run(params string[] args) => CliRun.Run(GmmCommand.Create(), args);

    [Fact]
    public void FitFromTheFixedStartMatchesScikitLearnAndPredictReadsTheModel()
    {
        var start = Path.Combine(_dir.FullName, "start.json");
        // ../shared/peers gmm_data.py's faithful.init.json.
        File.WriteAllText(start, """{"weights": [0.5, 0.5], "means": [[4.883, 83.0], [2.233, 60.0]], "covariances": [[[1.2979398904492854, 13.926418847318335], [13.926418847318335, 184.1438158788926]], [[1.2979398904492854, 13.926418847318335], [13.926418847318335, 184.1438158788926]]]}""");
        var model = Path.Combine(_dir.FullName, "m.json");
        var (code, output, err) = Run("gmm", "fit", "--data", Faithful(), "--components", "2", "--init", start, "--max-iter", "50", "--tol", "0", "--backend", "cpu", "-o", model, "--json");
        Assert.True(code == 0, $"exit {code}: {err}");
        var json = JsonNode.Parse(output)!;
        Assert.Equal(50, json["trace"]!.AsArray().Count);
        double ll = json["logLikelihoodPerObservation"]!.GetValue<double>();
        // scikit-learn 1.2.1: gmm_sklearn.py --workload faithful --cov full --init file --max-iter 50 -> -4.15538220659224.
        Assert.True(Math.Abs(ll - -4.15538220659224) < 1e-6 * 4.16, $"final mean LL {ll:R}");
        Assert.True(json["seconds"]!.GetValue<double>() > 0, "fit seconds reported");
        Assert.Equal(2, GaussianMixture.Load(model).Parameters!.Components);

        var (pcode, labels, perr) = Run("gmm", "predict", "-m", model, "--data", Faithful());
        Assert.True(pcode == 0, $"predict exit {pcode}: {perr}");
        var lines = labels.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(272, lines.Length);
        Assert.All(lines, l => Assert.Contains(l.Trim(), new[] { "0", "1" }));
    }

    [Fact]
    public void BadArgumentsAndBadDataGiveTheDocumentedExitCodes()
    {
        var model = Path.Combine(_dir.FullName, "m.json");
        Assert.Equal(CliHost.Usage, Run("gmm", "fit", "--data", Faithful(), "--components", "2", "--covariance", "banana", "-o", model).Code);
        Assert.Equal(CliHost.Usage, Run("gmm", "fit", "--data", Faithful(), "--components", "0", "-o", model).Code);
        Assert.Equal(CliHost.Usage, Run("gmm", "fit", "--data", Faithful(), "--components", "2", "--init", "whatever", "-o", model).Code);
        Assert.Equal(CliHost.BadInput, Run("gmm", "fit", "--data", Path.Combine(_dir.FullName, "missing.csv"), "--components", "2", "-o", model).Code);

        var bad = Path.Combine(_dir.FullName, "bad.csv");
        File.WriteAllText(bad, "a,b\n1,2\n3,nan\n5,6\n");
        var (code, _, err) = Run("gmm", "fit", "--data", bad, "--components", "1", "-o", model);
        Assert.True(code == CliHost.BadInput, $"NaN in the data: exit {code}, stderr {err}");
        Assert.Contains("bad.csv", err);

        File.WriteAllText(model, "{\"format\": \"probabilistic\", \"kind\": \"hmm\", \"version\": 1, \"model\": {}}");
        var (pcode, _, perr) = Run("gmm", "predict", "-m", model, "--data", Faithful());
        Assert.True(pcode == CliHost.BadInput, $"wrong model kind: exit {pcode}");
        Assert.Contains("not a 'gaussian-mixture' model", perr);
    }

    [Theory]
    [InlineData("full")]
    [InlineData("tied")]
    [InlineData("diag")]
    [InlineData("spherical")]
    public void BayesianFitSavesAModelThatPredictReadsAndAgreesWithTheLibrary(string covariance)
    {
        var model = Path.Combine(_dir.FullName, $"bayes-{covariance}.json");
        var (code, output, err) = Run("gmm", "fit", "--bayesian", "--data", Faithful(), "--components", "5", "--covariance", covariance, "--weight-prior", "process",
            "--weight-concentration", "0.01", "--max-iter", "500", "--tol", "1e-8", "--seed", "3", "--backend", "cpu", "--threads", "1", "-o", model, "--json");
        Assert.True(code == 0, $"{covariance}: exit {code}: {err}");
        var json = JsonNode.Parse(output)!;
        Assert.True(json["bayesian"]!.GetValue<bool>());
        var trace = json["trace"]!.AsArray().Select(v => v!["elboPerObservation"]!.GetValue<double>()).ToArray();
        for (int i = 1; i < trace.Length; i++)
            Assert.True(trace[i] >= trace[i - 1] - 1e-9 * Math.Abs(trace[i]), $"{covariance}: bound fell at step {i + 1}: {trace[i - 1]:R} -> {trace[i]:R}");

        // The same fit through the library, from the same seed, both on one thread: with two, the spherical fit's bound was
        // seen to differ in its last bit from run to run (a scheduling dependence not yet traced), and this test compares bits.
        var table = Core.Data.NumericData.Load(Faithful());
        var vb = new BayesianGaussianMixture(new BayesianGaussianMixtureOptions(5, WeightPrior.DirichletProcess, 0.01, Backend: new CpuMixtureBackend(maxThreads: 1), CovarianceType: CovarianceLayout.Parse(covariance)));
        vb.Fit(table, new FitOptions(MaxIterations: 500, Tolerance: 1e-8, Seed: 3));
        Assert.Equal(vb.LowerBound, json["lowerBound"]!.GetValue<double>());
        Assert.Equal(vb.Weights, json["weights"]!.AsArray().Select(v => v!.GetValue<double>()).ToArray());

        var (pcode, labels, perr) = Run("gmm", "predict", "-m", model, "--data", Faithful(), "--json");
        Assert.True(pcode == 0, $"{covariance}: predict exit {pcode}: {perr}");
        var predicted = JsonNode.Parse(labels)!["labels"]!.AsArray().Select(v => v!.GetValue<int>()).ToArray();
        Assert.Equal(vb.Predict(table), predicted);

        var (ecode, _, eerr) = Run("gmm", "fit", "--data", Faithful(), "--components", "2", "--weight-concentration", "0.1", "-o", model);
        Assert.True(ecode == CliHost.Usage, $"--weight-concentration without --bayesian: exit {ecode}");
        Assert.Contains("--bayesian", eerr);
        Assert.Equal(CliHost.Usage, Run("gmm", "fit", "--bayesian", "--data", Faithful(), "--components", "2", "--weight-prior", "banana", "-o", model).Code);
        Assert.Equal(CliHost.Usage, Run("gmm", "fit", "--bayesian", "--data", Faithful(), "--components", "2", "--restarts", "3", "-o", model).Code);
        Assert.Equal(CliHost.Usage, Run("gmm", "fit", "--bayesian", "--data", Faithful(), "--components", "2", "--degrees-of-freedom", "0.5", "--covariance", "full", "-o", model).Code);
    }

    public void Dispose() => _dir.Delete(true);
}
