using System.CommandLine;
using System.Text.Json.Nodes;
using Probabilistic.Cli.Commands;
using Probabilistic.Hmm;
using Probabilistic.Hmm.Emissions;

namespace Probabilistic.Cli.Tests;

/// <summary>
/// <c>prob hmm fit --data shards/ --lengths-file F --workers 2</c>: two worker processes on localhost clustering give
/// the trace and parameters of the same command without <c>--workers</c> (the out-of-core fit), to 1e-10.
/// </summary>
[Collection(WorkerProcesses.Name)]
public sealed class HmmDistributedTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("prob-hmm-dist-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void Two_local_workers_fit_a_gaussian_hmm_as_one_machine()
    {
        var truth = new HiddenMarkovModel<GaussianEmission, GaussianStatistics>([0.5, 0.5], [0.9, 0.1, 0.2, 0.8],
            GaussianEmission.FromParameters(2, 2, CovarianceType.Diagonal, [-2, 0, 2, 1], [1, 0.5, 0.7, 1.2]));
        var set = SequenceSet.FromSequences(Enumerable.Range(0, 12).Select(n => truth.Sample(30 + 5 * n, 100 + n).Observations).ToList(), 2);
        var shards = Directory.CreateDirectory(Path.Combine(_dir, "shards")).FullName;
        int cut = (int)set.Offsets[5], rows = (int)set.TotalLength;   // shards cut at a sequence boundary
        NpyFiles.Write(Path.Combine(shards, "part0.npy"), set.Values.AsSpan(0, 2 * cut), cut, 2);
        NpyFiles.Write(Path.Combine(shards, "part1.npy"), set.Values.AsSpan(2 * cut), rows - cut, 2);
        var lengths = Path.Combine(_dir, "lengths.txt");
        File.WriteAllLines(lengths, Enumerable.Range(0, set.Count).Select(n => set.Length(n).ToString()));

        JsonNode Fit(params string[] extra)
        {
            var model = Path.Combine(_dir, $"m{Guid.NewGuid():N}.json");
            var root = new RootCommand { HmmCommand.Create() };
            var (o, e) = (new StringWriter(), new StringWriter());
            int code = CliHost.Run(root, ["hmm", "fit", "--data", shards, "--lengths-file", lengths, "--states", "2", "--emission", "gaussian",
                "--covariance", "diag", "--max-iter", "10", "--tol", "0", "--seed", "3", "-o", model, "--json", .. extra], o, e);
            Assert.True(code == 0, $"hmm fit {string.Join(' ', extra)}: exit {code}: {e}");
            return JsonNode.Parse(o.ToString())!;
        }
        var single = Fit();
        var partitioned = Fit("--workers", "2");
        Assert.Equal(2, partitioned["workers"]!.GetValue<int>());
        var a = single["trace"]!.AsArray().Select(s => s!["elbo"]!.GetValue<double>()).ToArray();
        var b = partitioned["trace"]!.AsArray().Select(s => s!["elbo"]!.GetValue<double>()).ToArray();
        Assert.True(a.Length == 10 && b.Length == 10, $"{a.Length} and {b.Length} iterations, not 10");
        Numbers.AssertClose(a, b, 1e-10, what: "objective trace");
        Numbers.AssertClose(single["objective"]!.GetValue<double>(), partitioned["objective"]!.GetValue<double>(), 1e-10, what: "objective");
    }
}
