using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Probabilistic.Bench;

/// <summary>
/// <c>dotnet run -c Release --project bench -- SUITE [--install-peers] [--quick] [--peers debian12|current|both]</c>: times
/// our code and, where the peer scripts in ../shared/peers can run, the peer on the same bytes in the same run, and prints
/// ratios. <c>--peers</c> chooses the peers' versions: Debian 12's on the host, Debian 13's in the chroot of
/// ../shared/peers/current.sh, or both side by side (the default; without the chroot, Debian 12's alone, saying so).
/// </summary>
public static class BenchRunner
{
    /// <summary>A suite: a name, what it measures, and its body.</summary>
    public sealed record Suite(string Name, string Description, Func<BenchContext, int> Run);

    /// <summary>The suites, by name. Each model family adds its own.</summary>
    public static IReadOnlyList<Suite> Suites { get; } =
    [
        new Suite("gmm", "Gaussian mixture EM vs scikit-learn (W1, W2, W3; s/iter and final mean LL)", GmmSuite.Run),
        new Suite("hmm", "Gaussian HMM Baum-Welch/Viterbi vs pomegranate (G1, G4); 45-state categorical HMM on Brown", HmmSuite.Run),
        new Suite("tagger", "TnT-style HMM tagger on Brown (every-10th split) vs NLTK and pomegranate", TaggerSuite.Run),
        new Suite("factorgraphs", "Infer.NET-style models: 1M-observation VMP, first-inference latency", FactorGraphsSuite.Run),
        new Suite("vae", "VAE 784-400-20 on MNIST: s/epoch and test loss per epoch, ours vs the PyTorch example (2 threads)", VaeSuite.Run),
        new Suite("serve", "prob serve on loopback: tagging sentences/s and p50/p99 for 1 and 64 clients, GMM predict rows/s, a soak with RSS", ServeSuite.Run),
        new Suite("roofline", "FLOPs per iteration by formula, achieved GFLOPS, fraction of the GEMM rate and FMA peak measured in the same run", RooflineSuite.Run),
        new Suite("distributed", "Partitioned GMM EM on 3 loopback silos with 1, 3, 8 shards: coordination ms/iter beyond compute, bytes/iter; a cost model for 1e9-1e10 rows on 10-100 machines", DistributedSuite.Run),
        new Suite("outofcore", "GMM EM on a synthetic .npy larger than memory (OOC_GB, default 20): s/iter and peak RSS vs in memory on a slice", OutOfCoreSuite.Run),
    ];

    public static int Run(string[] args)
    {
        if (!TryParsePeers(args, out var peers, out var peersValue))
        {
            Console.Error.WriteLine($"bench: --peers takes debian12, current or both, not '{peersValue}'");
            return 2;
        }
        var names = args.Where(a => !a.StartsWith("--") && a != peersValue).ToList();
        var context = new BenchContext(
            Quick: args.Contains("--quick"),
            InstallPeers: args.Contains("--install-peers"),
            Peers: peers);
        if (names.Count == 0 || args.Contains("--help"))
        {
            Console.WriteLine("usage: dotnet run -c Release --project bench -- SUITE... [--quick] [--install-peers] [--peers debian12|current|both]");
            Console.WriteLine("suites:");
            foreach (var s in Suites) Console.WriteLine($"  {s.Name,-14} {s.Description}");
            return names.Count == 0 ? 2 : 0;
        }
        int rc = 0;
        foreach (var name in names)
        {
            var suite = Suites.FirstOrDefault(s => s.Name == name);
            if (suite is null) { Console.Error.WriteLine($"bench: no suite '{name}' (have: {string.Join(", ", Suites.Select(s => s.Name))})"); return 2; }
            Console.WriteLine($"## {suite.Name}: {suite.Description}");
            Console.WriteLine($"machine: {Environment.ProcessorCount} cores, {RuntimeInfo()}; {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC; load average {BenchContext.LoadAverage()}");
            rc |= suite.Run(context);
        }
        return rc;
    }

    /// <summary>Reads <c>--peers X</c> or <c>--peers=X</c> (default both); <paramref name="value"/> is X as given.</summary>
    private static bool TryParsePeers(string[] args, out PeerSelection peers, out string? value)
    {
        int i = Array.FindLastIndex(args, a => a == "--peers" || a.StartsWith("--peers=", StringComparison.Ordinal));
        value = i < 0 ? null : args[i].Length > "--peers".Length ? args[i]["--peers=".Length..] : i + 1 < args.Length ? args[i + 1] : "";
        PeerSelection? parsed = value?.ToLowerInvariant() switch
        {
            null or "both" => PeerSelection.Both,
            "debian12" => PeerSelection.Debian12,
            "current" => PeerSelection.Current,
            _ => null,
        };
        peers = parsed ?? PeerSelection.Both;
        return parsed is not null;
    }

    private static string RuntimeInfo() => $".NET {Environment.Version}, Vector<double>.Count = {System.Numerics.Vector<double>.Count}";
}

/// <summary>Shared services for suites: locating the peers and their data, running a peer script, timing.</summary>
public sealed partial record BenchContext(bool Quick, bool InstallPeers, PeerSelection Peers = PeerSelection.Both)
{
    /// <summary>../shared beside the project checkout.</summary>
    public string SharedDirectory { get; } = FindShared();

    /// <summary>../shared/peers.</summary>
    public string PeersDirectory => Path.Combine(SharedDirectory, "peers");

    /// <summary>Where the peer scripts write their workloads ($PEERS_DATA, default /tmp/probabilistic-peers).</summary>
    public string PeersData { get; } = Environment.GetEnvironmentVariable("PEERS_DATA") is { Length: > 0 } d ? d : "/tmp/probabilistic-peers";

    private bool? _peersReady;

    /// <summary>True when /usr/bin/python3 with the peer packages is present (installing them first with --install-peers).</summary>
    public bool PeersAvailable()
    {
        if (_peersReady is bool ready) return ready;
        if (!Directory.Exists(PeersDirectory)) { Console.WriteLine($"peers: {PeersDirectory} not found; peer figures skipped"); return (_peersReady = false).Value; }
        if (InstallPeers)
        {
            var setup = Path.Combine(ProjectRoot(), "scripts", "setup.sh");
            Run("bash", [setup, "--peers"], ProjectRoot(), TimeSpan.FromMinutes(20));
        }
        var (code, _) = Run("/usr/bin/python3", ["-c", "import sklearn, pomegranate, torch, nltk"], PeersDirectory, TimeSpan.FromMinutes(2), quiet: true);
        if (code != 0) Console.WriteLine("peers: /usr/bin/python3 lacks sklearn/pomegranate/torch/nltk; run with --install-peers (or scripts/setup.sh --peers); peer figures skipped");
        return (_peersReady = code == 0).Value;
    }

    /// <summary>Runs a peer script under /usr/bin/python3 (the Debian 12 peers) and returns its last JSON line.</summary>
    public JsonObject RunPeer(string script, params string[] args) =>
        LastJsonLine(script, Run("/usr/bin/python3", [script, .. args], PeersDirectory, TimeSpan.FromMinutes(30)), args);

    private static JsonObject LastJsonLine(string what, (int Code, string Stdout) run, string[] args)
    {
        if (run.Code != 0) throw new InvalidOperationException($"peer {what} {string.Join(' ', args)} exited with {run.Code}");
        var last = run.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Last(l => l.TrimStart().StartsWith('{'));
        return JsonNode.Parse(last)!.AsObject();
    }

    /// <summary>Runs a process with the peers' environment, echoing stderr, and returns exit code and stdout.</summary>
    public (int Code, string Stdout) Run(string file, string[] args, string workingDirectory, TimeSpan timeout, bool quiet = false)
    {
        var psi = new ProcessStartInfo(file) { WorkingDirectory = workingDirectory, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in args) psi.ArgumentList.Add(a);
        psi.Environment["PEERS_DATA"] = PeersData;
        using var p = Process.Start(psi) ?? throw new InvalidOperationException($"cannot start {file}");
        var stderr = p.StandardError.ReadToEndAsync();
        var stdout = p.StandardOutput.ReadToEnd();
        if (!p.WaitForExit(timeout)) { p.Kill(true); throw new TimeoutException($"{file} {string.Join(' ', args)} ran past {timeout}"); }
        if (!quiet && stderr.Result.Length > 0) Console.Error.Write(stderr.Result);
        return (p.ExitCode, stdout);
    }

    /// <summary>Minimum wall time over <paramref name="repeats"/> runs of <paramref name="action"/> (after one warm-up run when asked).</summary>
    public static double MinSeconds(int repeats, Action action, bool warmUp = true)
    {
        if (warmUp) action();
        double best = double.PositiveInfinity;
        for (int r = 0; r < repeats; r++)
        {
            var sw = Stopwatch.StartNew();
            action();
            best = Math.Min(best, sw.Elapsed.TotalSeconds);
        }
        return best;
    }

    /// <summary>The 1-, 5- and 15-minute load averages (/proc/loadavg), or "unknown": other work on the machine inflates times.</summary>
    public static string LoadAverage() =>
        File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "unknown";

    /// <summary>Formats a number in invariant culture.</summary>
    public static string F(double x, string format = "G4") => x.ToString(format, CultureInfo.InvariantCulture);

    /// <summary>The project checkout (the folder with Probabilistic.sln).</summary>
    public static string ProjectRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Probabilistic.sln"))) return dir.FullName;
        return Directory.GetCurrentDirectory();
    }

    private static string FindShared()
    {
        var env = Environment.GetEnvironmentVariable("PROB_SHARED");
        if (!string.IsNullOrEmpty(env)) return env;
        return Path.GetFullPath(Path.Combine(ProjectRoot(), "..", "shared"));
    }

    /// <summary>Prints a markdown table.</summary>
    public static void PrintTable(IReadOnlyList<string> header, IEnumerable<IReadOnlyList<string>> rows)
    {
        Console.WriteLine("| " + string.Join(" | ", header) + " |");
        Console.WriteLine("|" + string.Concat(header.Select(_ => "---|")));
        foreach (var r in rows) Console.WriteLine("| " + string.Join(" | ", r) + " |");
    }

    /// <summary>Serialises a value as one JSON line, for machine-readable results.</summary>
    public static string Json(object value) => JsonSerializer.Serialize(value);
}
