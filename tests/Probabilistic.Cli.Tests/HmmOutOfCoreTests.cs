using System.CommandLine;
using System.Text.Json.Nodes;
using Probabilistic.Cli.Commands;
using Probabilistic.Hmm;
using Probabilistic.Hmm.Emissions;

namespace Probabilistic.Cli.Tests;

/// <summary><c>prob hmm fit --data FOLDER --lengths-file FILE</c>: the same fit as the joined rows loaded in memory, for each emission.</summary>
public sealed class HmmOutOfCoreTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("prob-hmm-ooc-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static (int Code, string Out, string Err) Run(params string[] args) => CliRun.Run(HmmCommand.Create(), args);

    private (string File, string Shards, string Lengths) Data()
    {
        var truth = new HiddenMarkovModel<GaussianEmission, GaussianStatistics>([0.5, 0.5], [0.9, 0.1, 0.2, 0.8],
            GaussianEmission.FromParameters(2, 2, CovarianceType.Diagonal, [-2, 0, 2, 1], [1, 0.5, 0.7, 1.2]));
        var seqs = Enumerable.Range(0, 12).Select(n => truth.Sample(30 + 5 * n, 100 + n).Observations).ToList();
        var set = SequenceSet.FromSequences(seqs, 2);
        int rows = (int)set.TotalLength, cut = 200;
        var file = Path.Combine(_dir, "all.npy");
        NpyFiles.Write(file, set.Values, rows, 2);
        var shards = Directory.CreateDirectory(Path.Combine(_dir, "shards")).FullName;
        NpyFiles.Write(Path.Combine(shards, "part0.npy"), set.Values.AsSpan(0, 2 * cut), cut, 2);
        NpyFiles.Write(Path.Combine(shards, "part1.npy"), set.Values.AsSpan(2 * cut), rows - cut, 2);
        var lengths = Path.Combine(_dir, "lengths.txt");
        File.WriteAllLines(lengths, Enumerable.Range(0, set.Count).Select(n => set.Length(n).ToString()));
        return (file, shards, lengths);
    }

    [Theory]
    [InlineData("gaussian")]
    [InlineData("gmm")]
    public void A_folder_of_shards_fits_as_the_file_loaded_in_memory(string family)
    {
        var (file, shards, lengths) = Data();
        JsonNode Fit(string data)
        {
            var model = Path.Combine(_dir, $"m{Guid.NewGuid():N}.json");
            var (code, output, err) = Run("hmm", "fit", "--data", data, "--lengths-file", lengths, "--states", "2", "--emission", family,
                "--covariance", "diag", "--max-iter", "10", "--tol", "0", "--seed", "3", "-o", model, "--json");
            Assert.True(code == 0, $"--data {data}: exit {code}: {err}");
            Assert.True(File.Exists(model), $"no model saved for --data {data}");
            return JsonNode.Parse(output)!;
        }
        var memory = Fit(file);
        var folder = Fit(shards);
        Assert.True(folder["outOfCore"]!.GetValue<bool>(), "a folder is read out of core");
        Assert.Equal(10, memory["trace"]!.AsArray().Count);
        Assert.Equal(10, folder["trace"]!.AsArray().Count);
        Numbers.AssertClose(memory["objective"]!.GetValue<double>(), folder["objective"]!.GetValue<double>(), 1e-10, what: "objective");
        Numbers.AssertClose(memory["logLikelihood"]!.GetValue<double>(), folder["logLikelihood"]!.GetValue<double>(), 1e-10, what: "log-likelihood");
        var parameters = Flat(memory["parameters"]!);
        Assert.True(parameters.Length >= 2 + 4 + 4 + 4, $"the model's parameters in the JSON: {parameters.Length} numbers");
        Numbers.AssertClose(parameters, Flat(folder["parameters"]!), 1e-10, 1e-12, "parameters");
    }

    private static double[] Flat(JsonNode node) => node switch
    {
        JsonArray a => a.SelectMany(n => Flat(n!)).ToArray(),
        JsonObject o => o.OrderBy(p => p.Key, StringComparer.Ordinal).SelectMany(p => p.Value is null ? [] : Flat(p.Value)).ToArray(),
        JsonValue v when v.TryGetValue<double>(out var d) => [d],
        _ => [],
    };

    [Fact]
    public void A_folder_without_lengths_is_a_usage_error_and_bad_counts_or_lengths_are_refused_by_name()
    {
        var (_, shards, lengths) = Data();
        var model = Path.Combine(_dir, "m.json");
        Assert.Equal(CliHost.Usage, Run("hmm", "fit", "--data", shards, "--states", "2", "--emission", "gaussian", "-o", model).Code);
        // Poisson counts out of core: the Gaussian rows are refused naming the shard and row
        var (code, _, err) = Run("hmm", "fit", "--data", shards, "--lengths", lengths, "--states", "2", "--emission", "poisson", "-o", model);
        Assert.True(code == CliHost.BadInput, $"real-valued rows as counts: exit {code}: {err}");
        Assert.Contains("part0.npy", err);
        Assert.Contains("counts", err);
        File.WriteAllText(lengths, "30\n35\n");
        (code, _, err) = Run("hmm", "fit", "--data", shards, "--lengths", lengths, "--states", "2", "--emission", "gaussian", "-o", model);
        Assert.True(code == CliHost.BadInput, $"lengths that miss the rows: exit {code}: {err}");
        Assert.Contains("add up to 65 observations", err);
        Assert.False(File.Exists(model), "no model is saved from a refused fit");
    }
}
