using System.Text.Json.Nodes;

namespace Probabilistic.Bench;

/// <summary>Where a peer script runs.</summary>
public enum PeerEnvironment
{
    /// <summary>The host's /usr/bin/python3 with Debian 12's packages (scikit-learn 1.2.1, PyTorch 1.13.1, pomegranate 0.14.8, NLTK 3.8).</summary>
    Debian12,
    /// <summary>Debian 13's newer packages (scikit-learn 1.4.2, PyTorch 2.6.0, hmmlearn 0.3.2) in the chroot of ../shared/peers/current.sh.</summary>
    Current,
}

/// <summary>Which peer environments a run compares against: <c>--peers debian12|current|both</c>.</summary>
public enum PeerSelection
{
    /// <summary>Debian 12 only.</summary>
    Debian12,
    /// <summary>The current (Debian 13) versions only.</summary>
    Current,
    /// <summary>Both, each peer script run once in each; the default.</summary>
    Both,
}

/// <summary>One peer script's result in one environment.</summary>
/// <param name="Environment">Where it ran.</param>
/// <param name="Json">The script's JSON line.</param>
public sealed record PeerResult(PeerEnvironment Environment, JsonObject Json)
{
    // The version fields the peer scripts report, with the names users know them by.
    private static readonly (string Key, string Name)[] VersionKeys =
        [("torch", "PyTorch"), ("sklearn", "scikit-learn"), ("pomegranate", "pomegranate"), ("nltk", "NLTK")];

    /// <summary>The peer and its version, for a column header: "PyTorch 1.13.0a0", "scikit-learn 1.4.2", "hmmlearn 0.3.2".</summary>
    public string Label
    {
        get
        {
            foreach (var (key, name) in VersionKeys)
                if (Json[key] is JsonNode v) return $"{name} {v}";
            return Json["version"] is JsonNode version ? $"{Json["peer"]} {version}" : Environment.ToString();
        }
    }
}

/// <summary>The peer environments: which are selected and present, and running a script in each.</summary>
public sealed partial record BenchContext
{
    private readonly Dictionary<PeerEnvironment, bool> _environmentReady = [];

    /// <summary>The root of the current peers' chroot ($PEERS_ROOT, default /opt/probabilistic-peers-trixie, as current.sh).</summary>
    public static string CurrentPeersRoot =>
        Environment.GetEnvironmentVariable("PEERS_ROOT") is { Length: > 0 } r ? r : "/opt/probabilistic-peers-trixie";

    private string CurrentScript => Path.Combine(PeersDirectory, "current.sh");

    /// <summary>The environments of <see cref="Peers"/> that can run here (each checked once, saying why when not).</summary>
    public IReadOnlyList<PeerEnvironment> SelectedPeers()
    {
        PeerEnvironment[] wanted = Peers switch
        {
            PeerSelection.Debian12 => [PeerEnvironment.Debian12],
            PeerSelection.Current => [PeerEnvironment.Current],
            _ => [PeerEnvironment.Debian12, PeerEnvironment.Current],
        };
        return wanted.Where(PeersAvailable).ToList();
    }

    /// <summary>True when peer scripts can run in <paramref name="environment"/> (set up first with --install-peers).</summary>
    public bool PeersAvailable(PeerEnvironment environment)
    {
        if (environment == PeerEnvironment.Debian12) return PeersAvailable();
        if (_environmentReady.TryGetValue(environment, out var ready)) return ready;
        ready = CurrentPeersReady();
        _environmentReady[environment] = ready;
        return ready;
    }

    private bool CurrentPeersReady()
    {
        if (!File.Exists(CurrentScript)) { Console.WriteLine($"peers: {CurrentScript} not found; current-peer figures skipped"); return false; }
        if (!OperatingSystem.IsLinux() || Environment.UserName != "root")
        {
            Console.WriteLine("peers: current.sh needs root (chroot and bind mounts); current-peer figures skipped");
            return false;
        }
        if (InstallPeers && !File.Exists(Path.Combine(CurrentPeersRoot, "usr", "bin", "python3")))
            Run("bash", [CurrentScript, "setup"], PeersDirectory, TimeSpan.FromMinutes(30));
        if (File.Exists(Path.Combine(CurrentPeersRoot, "usr", "bin", "python3"))) return true;
        Console.WriteLine($"peers: no current-peers chroot in {CurrentPeersRoot}; run scripts/setup.sh --current-peers " +
                          "(or --install-peers); current-peer figures skipped");
        return false;
    }

    /// <summary>
    /// Runs a peer script of ../shared/peers once in each selected environment that is present (Debian 12 first) and
    /// returns each JSON line with its environment and version label. Empty when no selected environment can run.
    /// </summary>
    public IReadOnlyList<PeerResult> RunPeers(string script, params string[] args) =>
        SelectedPeers().Select(e => new PeerResult(e, RunPeer(e, script, args))).ToList();

    /// <summary>Runs a peer script in <paramref name="environment"/> and returns its last JSON line.</summary>
    public JsonObject RunPeer(PeerEnvironment environment, string script, params string[] args) =>
        environment == PeerEnvironment.Debian12
            ? RunPeer(script, args)
            : LastJsonLine($"current.sh run {script}", Run("bash", [CurrentScript, "run", script, .. args], PeersDirectory, TimeSpan.FromMinutes(30)), args);
}
