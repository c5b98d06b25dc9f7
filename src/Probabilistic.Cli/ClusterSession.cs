using System.CommandLine;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Probabilistic.Cli.Commands;
using Probabilistic.Distributed;

namespace Probabilistic.Cli;

/// <summary>
/// The cluster a fit's partitions run on: <c>--cluster redis://HOST:PORT</c> (workers started elsewhere with
/// <c>prob worker</c>), <c>--workers N</c> (N local worker processes, localhost clustering, or joined through the Redis
/// of <c>--cluster</c> when both are given), and the client connected to it.
/// </summary>
public sealed class ClusterSession : IDisposable
{
    private readonly LocalWorkers? _workers;
    private readonly IHost _client;

    private ClusterSession(LocalWorkers? workers, IHost client, ClusterAddress cluster)
    {
        _workers = workers; _client = client; Cluster = cluster;
    }

    /// <summary>The <c>--workers</c> option.</summary>
    public static Option<int?> WorkersOption() => new("--workers")
    {
        Description = "Run the fit on N local worker processes (one Orleans silo each; localhost clustering, or the Redis of --cluster)",
    };

    /// <summary>The <c>--cluster</c> option.</summary>
    public static Option<string?> ClusterOption() => new("--cluster")
    {
        Description = "Run the fit on the workers of this cluster (redis://HOST:PORT; start them with 'prob worker --cluster ...'); "
            + "shard paths are sent as given, relative ones resolved from each worker's --data-root",
    };

    /// <summary>The <c>--checkpoint</c> option.</summary>
    public static Option<string?> CheckpointOption() => new("--checkpoint")
    {
        Description = "With --workers or --cluster: save the fit's state to FILE after every iteration, and resume from FILE when it exists "
            + "(a coordinator started again continues from the last completed iteration)",
    };

    /// <summary>True when either option asks for a partitioned fit.</summary>
    public static bool Requested(ParseResult parse) =>
        parse.GetValue<int?>("--workers") is not null || parse.GetValue<string?>("--cluster") is not null;

    /// <summary>Starts the local workers when asked, and connects.</summary>
    public static ClusterSession Open(ParseResult parse, CancellationToken ct)
    {
        int? workers = parse.GetValue<int?>("--workers");
        var text = parse.GetValue<string?>("--cluster");
        var cluster = text is null ? null : WorkerCommand.ParseCluster(text);
        if (cluster is { Redis: null }) throw new UsageException($"--cluster {text}: a fit reaches its workers through Redis (redis://HOST:PORT), or starts them with --workers N");
        if (workers is not null) Checks.AtLeast(workers.Value, 1, "--workers");
        LocalWorkers? local = workers is int n ? LocalWorkers.Start(n, cluster, TimeSpan.FromSeconds(90), ct) : null;
        try
        {
            var address = local?.Cluster ?? cluster!;
            var client = ClusterHosts.Client(address, local?.GatewayPorts);
            try { client.StartAsync(ct).GetAwaiter().GetResult(); }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                client.Dispose();
                throw new UsageException($"cannot reach the cluster {address}: {e.Message}");
            }
            return new ClusterSession(local, client, address);
        }
        catch
        {
            local?.Dispose();
            throw;
        }
    }

    /// <summary>The cluster reached.</summary>
    public ClusterAddress Cluster { get; }

    /// <summary>Local worker processes started (0 with <c>--cluster</c> alone).</summary>
    public int LocalWorkerCount => _workers?.GatewayPorts.Count ?? 0;

    /// <summary>The client's grain factory.</summary>
    public IGrainFactory Grains => _client.Services.GetRequiredService<IClusterClient>();

    /// <summary>Disconnects and ends the local workers.</summary>
    /// <summary>A partitioned fit's fields in its --json document: the cluster, local workers and the coordination figures.</summary>
    public void Describe(System.Text.Json.Nodes.JsonObject o, CoordinationStats stats)
    {
        o["cluster"] = Cluster.Text;
        o["workers"] = LocalWorkerCount;
        o["coordinationSecondsPerRound"] = stats.OverheadSecondsPerRound;
        o["bytesPerRound"] = stats.Rounds == 0 ? 0 : (stats.BytesSent + stats.BytesReceived) / stats.Rounds;
        o["retries"] = stats.Retries;
        o["relocations"] = stats.Relocations;
    }

    public void Dispose()
    {
        try { _client.StopAsync(TimeSpan.FromSeconds(5)).GetAwaiter().GetResult(); } catch (Exception) { }
        _client.Dispose();
        _workers?.Dispose();
    }
}
