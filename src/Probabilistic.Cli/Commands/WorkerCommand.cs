using System.CommandLine;
using System.Globalization;
using System.Net;
using Microsoft.Extensions.Hosting;
using Probabilistic.Distributed;

namespace Probabilistic.Cli.Commands;

/// <summary>
/// <c>prob worker --cluster redis://HOST:PORT [--data-root DIR]</c>: one Orleans silo that holds shard grains for
/// partitioned fits (<c>prob gmm fit --cluster ...</c>, <c>prob hmm fit --cluster ...</c>) until SIGTERM or Ctrl-C.
/// </summary>
public static class WorkerCommand
{
    /// <summary>What a worker writes to standard error once its silo has joined the cluster (local workers wait for it).</summary>
    public const string ReadyLine = "prob worker: ready";

    /// <summary>Builds the command.</summary>
    public static Command Create()
    {
        var cluster = new Option<string>("--cluster") { Description = "redis://HOST:PORT (membership in Redis, several machines) or localhost:PORT (one machine; PORT is the primary silo's)", Required = true };
        var dataRoot = new Option<string?>("--data-root") { Description = "Folder that relative shard paths start from (default: the current directory)" };
        var port = new Option<int>("--port") { Description = "Silo-to-silo port", DefaultValueFactory = _ => 11111 };
        var gateway = new Option<int>("--gateway-port") { Description = "Port the coordinator (prob ... --cluster) connects to", DefaultValueFactory = _ => 30000 };
        var advertise = new Option<string?>("--advertise") { Description = "IP address the other machines reach this one at (default: the first non-loopback IPv4; loopback with localhost:PORT)" };
        var exitWith = new Option<int?>("--exit-with") { Description = "Stop when the process with this id ends (what --workers gives the workers it starts, so none outlives its fit)" };
        var command = new HostedCommand("worker", "Run a worker (an Orleans silo) that holds data shards for partitioned fits") { cluster, dataRoot, port, gateway, advertise, exitWith };
        command.SetAction(async (parse, ct) =>
        {
            var address = ParseCluster(parse.GetValue(cluster)!);
            var root = parse.GetValue(dataRoot);
            if (root is not null && !Directory.Exists(root)) throw new UsageException($"--data-root '{root}': no such folder");
            IPAddress? ip = null;
            if (parse.GetValue(advertise) is { } text && !IPAddress.TryParse(text, out ip))
                throw new UsageException($"--advertise '{text}': not an IP address");
            var options = new WorkerOptions(Checks.AtLeast(parse.GetValue(port), 1, "--port"), Checks.AtLeast(parse.GetValue(gateway), 1, "--gateway-port"), ip, root);
            using var host = ClusterHosts.Worker(address, options);
            var error = parse.InvocationConfiguration.Error;
            await host.StartAsync(ct).ConfigureAwait(false);
            error.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{ReadyLine}: silo port {options.SiloPort}, gateway port {options.GatewayPort}, cluster {address}, data root {new ShardPaths(root).DataRoot}"));
            var lifetime = (IHostApplicationLifetime)host.Services.GetService(typeof(IHostApplicationLifetime))!;
            var parentGone = parse.GetValue(exitWith) is int pid ? Exited(pid, ct) : Task.Delay(Timeout.Infinite, ct);
            try { await parentGone.WaitAsync(lifetime.ApplicationStopping).ConfigureAwait(false); }
            catch (OperationCanceledException) { }
            await host.StopAsync(CancellationToken.None).ConfigureAwait(false);
            error.WriteLine("prob worker: stopped");
            return CliHost.Ok;
        });
        return command;
    }

    /// <summary>Completes when process <paramref name="pid"/> has ended (checked every half second).</summary>
    private static async Task Exited(int pid, CancellationToken ct)
    {
        System.Diagnostics.Process parent;
        try { parent = System.Diagnostics.Process.GetProcessById(pid); }
        catch (ArgumentException) { return; }   // already gone
        using (parent)
            while (!parent.HasExited) await Task.Delay(500, ct).ConfigureAwait(false);
    }

    /// <summary><see cref="ClusterAddress.Parse"/>, its refusal a usage error.</summary>
    public static ClusterAddress ParseCluster(string text)
    {
        try { return ClusterAddress.Parse(text); }
        catch (FormatException e) { throw new UsageException($"--cluster {e.Message}"); }
    }
}
