using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text.Json.Nodes;
using Probabilistic.Cli.Commands;
using Probabilistic.Mixtures;

namespace Probabilistic.Cli.Tests;

/// <summary>
/// <c>prob gmm fit --workers N</c> with real worker processes: joined through a <c>redis-server</c> this test starts on a
/// free port (and stops), and through localhost clustering; each gives the log-likelihood trace and parameters of
/// <c>prob gmm fit --data shards/</c> on one machine from the same <c>--init</c>, to 1e-10.
/// </summary>
[Collection(WorkerProcesses.Name)]
public sealed class GmmDistributedTests : IDisposable
{
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("prob-gmm-dist");

    public void Dispose() => _dir.Delete(recursive: true);

    private static (int Code, string Out, string Err) Run(params string[] args) => CliRun.Run(GmmCommand.Create(), args);

    private (string Shards, string Means) Data()
    {
        var truth = GaussianMixtureParameters.FromFullCovariances(CovarianceType.Full, [0.6, 0.4], [[0, 0, 0], [4, 1, -2]],
            [[[1, 0.2, 0], [0.2, 1, 0.1], [0, 0.1, 1]], [[0.5, 0, 0], [0, 2, 0.3], [0, 0.3, 1]]]);
        var (x, _) = new GaussianMixture(truth).Sample(1800, 13);
        var shards = Directory.CreateDirectory(Path.Combine(_dir.FullName, "shards")).FullName;
        int[] cuts = [0, 500, 1100, 1800];
        for (int s = 0; s < 3; s++)
            NpyFiles.Write(Path.Combine(shards, $"part-{s}.npy"), x.AsSpan(3 * cuts[s], 3 * (cuts[s + 1] - cuts[s])), cuts[s + 1] - cuts[s], 3);
        var means = Path.Combine(_dir.FullName, "means.npy");
        NpyFiles.Write(means, x.AsSpan(0, 6), 2, 3);
        return (shards, means);
    }

    private JsonNode Fit(string shards, string means, params string[] extra)
    {
        var model = Path.Combine(_dir.FullName, $"m{Guid.NewGuid():N}.json");
        var (code, output, err) = Run(["gmm", "fit", "--data", shards, "-k", "2", "--init", means, "--max-iter", "8", "--tol", "0",
            "-o", model, "--json", .. extra]);
        Assert.True(code == 0, $"gmm fit {string.Join(' ', extra)}: exit {code}: {err}");
        return JsonNode.Parse(output)!;
    }

    private static void AssertSame(JsonNode single, JsonNode partitioned, string what)
    {
        var a = single["trace"]!.AsArray().Select(s => s!["elbo"]!.GetValue<double>()).ToArray();
        var b = partitioned["trace"]!.AsArray().Select(s => s!["elbo"]!.GetValue<double>()).ToArray();
        Assert.True(a.Length == 8 && b.Length == 8, $"{what}: {a.Length} and {b.Length} iterations, not 8");
        Numbers.AssertClose(a, b, 1e-10, what: $"{what}: log-likelihood trace");
        foreach (var field in new[] { "weights", "covariances" })
            Numbers.AssertClose(Flat(single[field]!), Flat(partitioned[field]!), 1e-10, 1e-12, $"{what}: {field}");
        Numbers.AssertClose(Flat(single["means"]!), Flat(partitioned["means"]!), 1e-10, 1e-12, $"{what}: means");
    }

    private static double[] Flat(JsonNode node) => node is JsonArray a ? a.SelectMany(n => Flat(n!)).ToArray() : [node.GetValue<double>()];

    [SkippableFact]
    public void Three_worker_processes_joined_through_redis_fit_as_one_machine()
    {
        string? redis = Which("redis-server");
        Skip.If(redis is null, "redis-server is not installed (scripts/setup.sh installs it: apt-get install -y redis-server)");
        var (shards, means) = Data();
        int port = FreePort();
        using var server = Process.Start(new ProcessStartInfo(redis!)
        {
            ArgumentList = { "--port", port.ToString(CultureInfo.InvariantCulture), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
                "--dir", _dir.FullName },
            RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false,
        })!;
        try
        {
            WaitForPort(port, TimeSpan.FromSeconds(20));
            var single = Fit(shards, means);
            var partitioned = Fit(shards, means, "--workers", "3", "--cluster", $"redis://127.0.0.1:{port}");
            Assert.Equal(3, partitioned["workers"]!.GetValue<int>());
            Assert.Equal($"redis://127.0.0.1:{port}", partitioned["cluster"]!.GetValue<string>());
            AssertSame(single, partitioned, "--workers 3 --cluster redis");
        }
        finally
        {
            server.Kill(entireProcessTree: true);
            server.WaitForExit(10_000);
        }
    }

    [Fact]
    public void Local_worker_processes_on_localhost_clustering_fit_as_one_machine()
    {
        var (shards, means) = Data();
        var single = Fit(shards, means);
        var partitioned = Fit(shards, means, "--workers", "2");
        Assert.StartsWith("localhost:", partitioned["cluster"]!.GetValue<string>(), StringComparison.Ordinal);
        AssertSame(single, partitioned, "--workers 2");
    }

    [Fact]
    public void A_cluster_address_that_is_neither_form_is_a_usage_error()
    {
        var (shards, means) = Data();
        var (code, _, err) = Run("gmm", "fit", "--data", shards, "-k", "2", "--init", means, "--cluster", "http://example:6379",
            "-o", Path.Combine(_dir.FullName, "x.json"));
        Assert.True(code == CliHost.Usage, $"exit {code}: {err}");
        Assert.Contains("redis://HOST:PORT", err, StringComparison.Ordinal);
    }

    private static string? Which(string name) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':').Select(d => Path.Combine(d, name)).FirstOrDefault(File.Exists);

    private static int FreePort()
    {
        using var l = new TcpListener(IPAddress.Loopback, 0);
        l.Start();
        return ((IPEndPoint)l.LocalEndpoint).Port;
    }

    private static void WaitForPort(int port, TimeSpan timeout)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            try { using var c = new TcpClient(); c.Connect(IPAddress.Loopback, port); return; }
            catch (SocketException) when (clock.Elapsed < timeout) { Thread.Sleep(50); }
        }
    }

    [SkippableFact]
    public void A_worker_process_killed_mid_fit_leaves_the_same_answer()
    {
        Skip.IfNot(OperatingSystem.IsLinux(), "finds the worker processes through /proc");
        var (shards, means) = Data();
        var single = Fit(shards, means);
        var model = Path.Combine(_dir.FullName, "killed.json");
        var killer = new KillOnFirstIteration();
        var (o, root) = (new StringWriter(), new RootCommand { GmmCommand.Create() });
        int code = CliHost.Run(root, ["gmm", "fit", "--data", shards, "-k", "2", "--init", means, "--max-iter", "8", "--tol", "0",
            "-o", model, "--json", "--workers", "3"], o, killer);
        Assert.True(code == 0, $"exit {code}: {killer}");
        Assert.True(killer.Killed is not null, $"no worker process was found to kill: {killer}");
        var partitioned = JsonNode.Parse(o.ToString())!;
        // Each of the 3 workers holds one of the 3 partitions (shard placement), so the killed one's partition must have moved.
        Assert.True(partitioned["relocations"]!.GetValue<int>() >= 1,
            $"worker {killer.Killed} was killed after iteration 1 but no partition moved (retries {partitioned["retries"]})");
        AssertSame(single, partitioned, $"worker process {killer.Killed} killed after iteration 1");
    }

    /// <summary>Standard error of the fit: at the first iteration's progress line it kills one of this process's worker children.</summary>
    private sealed class KillOnFirstIteration : StringWriter
    {
        public int? Killed { get; private set; }

        public override void WriteLine(string? value)
        {
            base.WriteLine(value);
            if (Killed is null && value is not null && value.Contains("iteration 1:", StringComparison.Ordinal))
            {
                Killed = Workers().LastOrDefault();
                if (Killed is int pid) { using var p = Process.GetProcessById(pid); p.Kill(); p.WaitForExit(10_000); }
            }
        }

        /// <summary>Children of this process whose command line is a prob worker.</summary>
        private static IEnumerable<int> Workers()
        {
            int self = Environment.ProcessId;
            foreach (var dir in Directory.GetDirectories("/proc"))
            {
                if (!int.TryParse(Path.GetFileName(dir), out int pid)) continue;
                string stat, cmdline;
                try { stat = File.ReadAllText(Path.Combine(dir, "stat")); cmdline = File.ReadAllText(Path.Combine(dir, "cmdline")); }
                catch (IOException) { continue; }
                catch (UnauthorizedAccessException) { continue; }
                var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
                if (fields.Length > 1 && fields[1] == self.ToString(CultureInfo.InvariantCulture) && cmdline.Contains("\0worker\0", StringComparison.Ordinal))
                    yield return pid;
            }
        }
    }
}

/// <summary>
/// The tests that start <c>prob worker</c> processes run one at a time: the kill test finds the workers to kill among
/// this process's children, which must not include another test's.
/// </summary>
[CollectionDefinition(Name)]
public sealed class WorkerProcesses
{
    public const string Name = "worker processes";
}
