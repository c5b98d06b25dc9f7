using System.CommandLine;
using System.Text.Json.Nodes;
using Probabilistic.Cli.Commands;
using Probabilistic.Core.Data;
using Probabilistic.Mixtures;

namespace Probabilistic.Cli.Tests;

/// <summary>
/// <c>prob gmm fit|predict --data FOLDER</c> and <c>--out-of-core</c>: the same fit and the same predictions as <c>--data
/// file.npy</c> loaded in memory.
/// </summary>
public sealed class GmmOutOfCoreTests : IDisposable
{
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("prob-gmm-ooc");

    public void Dispose() => _dir.Delete(recursive: true);

    private static (int Code, string Out, string Err) Run(params string[] args) => CliRun.Run(GmmCommand.Create(), args);

    private (string File, string Shards) Data()
    {
        var truth = GaussianMixtureParameters.FromFullCovariances(CovarianceType.Full, [0.6, 0.4], [[0, 0, 0], [4, 1, -2]],
            [[[1, 0.2, 0], [0.2, 1, 0.1], [0, 0.1, 1]], [[0.5, 0, 0], [0, 2, 0.3], [0, 0.3, 1]]]);
        var (x, _) = new GaussianMixture(truth).Sample(1500, 11);
        var file = Path.Combine(_dir.FullName, "all.npy");
        NpyFiles.Write(file, x, 1500, 3);
        var shards = Directory.CreateDirectory(Path.Combine(_dir.FullName, "shards")).FullName;
        NpyFiles.Write(Path.Combine(shards, "0.npy"), x.AsSpan(0, 3 * 1000), 1000, 3);
        NpyFiles.Write(Path.Combine(shards, "1.npy"), x.AsSpan(3 * 1000), 500, 3);
        return (file, shards);
    }

    [Theory]
    [InlineData("full", "kmeans++")]
    [InlineData("diag", "random")]
    public void A_folder_of_shards_fits_as_the_file_loaded_in_memory(string covariance, string init)
    {
        var (file, shards) = Data();
        JsonNode Fit(string data, params string[] extra)
        {
            var model = Path.Combine(_dir.FullName, $"m{Guid.NewGuid():N}.json");
            var (code, output, err) = Run(["gmm", "fit", "--data", data, "-k", "2", "--covariance", covariance, "--init", init,
                "--max-iter", "8", "--tol", "0", "--seed", "5", "--backend", "cpu", "-o", model, "--json", .. extra]);
            Assert.True(code == 0, $"--data {data}: exit {code}: {err}");
            Assert.True(File.Exists(model), $"no model saved for --data {data}");
            return JsonNode.Parse(output)!;
        }
        var memory = Fit(file);
        var folder = Fit(shards);
        var streamed = Fit(file, "--out-of-core");
        Assert.True(folder["outOfCore"]!.GetValue<bool>(), "a folder is read out of core");
        Assert.Equal(2, folder["shards"]!.GetValue<int>());
        Assert.Equal(1500, folder["rows"]!.GetValue<long>());
        foreach (var (other, what) in new[] { (folder, "folder"), (streamed, "--out-of-core file") })
        {
            var a = memory["trace"]!.AsArray();
            var b = other["trace"]!.AsArray();
            Assert.Equal(8, a.Count);
            Assert.Equal(a.Count, b.Count);
            Numbers.AssertClose(memory["logLikelihood"]!.GetValue<double>(), other["logLikelihood"]!.GetValue<double>(), 1e-10, what: $"{what}: log-likelihood");
            Numbers.AssertClose(memory["bic"]!.GetValue<double>(), other["bic"]!.GetValue<double>(), 1e-10, what: $"{what}: BIC");
            Numbers.AssertClose(Flat(memory["means"]!), Flat(other["means"]!), 1e-10, 1e-12, $"{what}: means");
            Numbers.AssertClose(Flat(memory["covariances"]!), Flat(other["covariances"]!), 1e-10, 1e-12, $"{what}: covariances");
        }
    }

    private static double[] Flat(JsonNode node) => node is JsonArray a ? a.SelectMany(n => Flat(n!)).ToArray() : [node.GetValue<double>()];

    [Fact]
    public void Bad_shards_and_unsupported_options_give_the_documented_exit_codes()
    {
        var (_, shards) = Data();
        var model = Path.Combine(_dir.FullName, "m.json");
        Assert.Equal(CliHost.Usage, Run("gmm", "fit", "--data", shards, "-k", "2", "--bayesian", "-o", model).Code);
        Assert.Equal(CliHost.Usage, Run("gmm", "fit", "--data", shards, "-k", "2", "--backend", "gpu", "-o", model).Code);
        NpyFiles.Write(Path.Combine(shards, "2.npy"), new double[4], 2, 2);
        var (code, _, err) = Run("gmm", "fit", "--data", shards, "-k", "2", "-o", model);
        Assert.True(code == CliHost.BadInput, $"mismatched shard: exit {code}: {err}");
        Assert.Contains("2.npy", err);
        Assert.Contains("has 2 columns", err);
        Assert.False(File.Exists(model), "no model is saved from a refused fit");
        var empty = Directory.CreateDirectory(Path.Combine(_dir.FullName, "empty")).FullName;
        (code, _, err) = Run("gmm", "fit", "--data", empty, "-k", "2", "-o", model);
        Assert.True(code == CliHost.BadInput, $"empty folder: exit {code}: {err}");
        Assert.Contains("no .npy shards", err);
    }

    [Fact]
    public void Predictions_streamed_in_blocks_across_shards_equal_the_in_memory_ones()
    {
        var (file, shards) = Data();
        var model = Path.Combine(_dir.FullName, "m.json");
        Assert.Equal(0, Run("gmm", "fit", "--data", file, "-k", "2", "--max-iter", "20", "--seed", "3", "--backend", "cpu", "-o", model).Code);

        var (code, output, err) = Run("gmm", "predict", "-m", model, "--data", file, "--json", "--proba");
        Assert.True(code == 0, err);
        var memory = JsonNode.Parse(output)!;
        var labels = memory["labels"]!.AsArray().Select(n => n!.GetValue<int>()).ToArray();
        var proba = memory["probabilities"]!.AsArray().Select(n => n!.GetValue<double>()).ToArray();
        double score = memory["score"]!.GetValue<double>();
        Assert.Contains(0, labels);
        Assert.Contains(1, labels);

        // blocks of 128 rows: the block at rows 896..1023 spans the two shards (1,000 and 500 rows)
        var labelsFile = Path.Combine(_dir.FullName, "labels.npy");
        (code, output, err) = Run("gmm", "predict", "-m", model, "--data", shards, "--block-rows", "128", "-o", labelsFile, "--json");
        Assert.True(code == 0, err);
        var summary = JsonNode.Parse(output)!;
        Assert.True(summary["outOfCore"]!.GetValue<bool>());
        Assert.Equal(1500, summary["rows"]!.GetValue<long>());
        Numbers.AssertClose(score, summary["score"]!.GetValue<double>(), 1e-10, what: "total log-likelihood");
        var written = NpyReader.Read(labelsFile);
        Assert.Equal([1500], written.Shape);
        Assert.Equal(labels, written.Data.Select(v => (int)v).ToArray());

        var probaFile = Path.Combine(_dir.FullName, "proba.npy");
        (code, _, err) = Run("gmm", "predict", "-m", model, "--data", file, "--out-of-core", "--block-rows", "100", "--proba", "-o", probaFile);
        Assert.True(code == 0, err);
        var p = NpyReader.Read(probaFile);
        Assert.Equal([1500, 2], p.Shape);
        Numbers.AssertClose(proba, p.Data, 1e-12, 1e-15, "probabilities");

        // printed, a label per line, as the in-memory command prints them
        (code, output, err) = Run("gmm", "predict", "-m", model, "--data", shards, "--block-rows", "77");
        Assert.True(code == 0, err);
        Assert.Equal(labels, output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(int.Parse).ToArray());
    }

    [Fact]
    public void An_out_of_core_prediction_refuses_json_without_a_labels_file_and_leaves_no_partial_file()
    {
        var (file, shards) = Data();
        var model = Path.Combine(_dir.FullName, "m.json");
        Assert.Equal(0, Run("gmm", "fit", "--data", file, "-k", "2", "--max-iter", "5", "--seed", "3", "--backend", "cpu", "-o", model).Code);
        var (code, _, err) = Run("gmm", "predict", "-m", model, "--data", shards, "--json");
        Assert.True(code == CliHost.Usage, $"exit {code}: {err}");
        Assert.Contains("-o", err);
        // a shard that does not match the model: refused naming it, and no labels file appears
        NpyFiles.Write(Path.Combine(shards, "2.npy"), new double[4], 2, 2);
        var labelsFile = Path.Combine(_dir.FullName, "labels.npy");
        (code, _, err) = Run("gmm", "predict", "-m", model, "--data", shards, "-o", labelsFile);
        Assert.True(code == CliHost.BadInput, $"exit {code}: {err}");
        Assert.Contains("2.npy", err);
        Assert.False(File.Exists(labelsFile));
        Assert.Empty(Directory.GetFiles(_dir.FullName, ".labels.npy*"));
    }
}
