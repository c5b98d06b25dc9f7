using System.Diagnostics;
using System.Globalization;
using Probabilistic.Cli.Commands;
using Probabilistic.Distributed;

namespace Probabilistic.Cli;

/// <summary>
/// <c>--workers N</c>: N <c>prob worker</c> processes on this machine, joined by localhost clustering (or by the Redis
/// of <c>--cluster</c>), on free ports, with this directory as their data root; ended when disposed, and ending by
/// themselves if this process dies first (<c>prob worker --exit-with PID</c>).
/// </summary>
public sealed class LocalWorkers : IDisposable
{
    private readonly List<Process> _processes = [];
    private readonly List<int> _gateways = [];

    private LocalWorkers(ClusterAddress cluster) => Cluster = cluster;

    /// <summary>The cluster the workers joined.</summary>
    public ClusterAddress Cluster { get; }

    /// <summary>Their gateway ports (what a localhost client connects to).</summary>
    public IReadOnlyList<int> GatewayPorts => _gateways;

    /// <summary>Starts <paramref name="count"/> workers and waits until each says it is ready (at most <paramref name="timeout"/>).</summary>
    public static LocalWorkers Start(int count, ClusterAddress? redis, TimeSpan timeout, CancellationToken ct)
    {
        int primary = redis is null ? ClusterHosts.FreePort() : 0;
        var workers = new LocalWorkers(redis ?? ClusterAddress.Parse(string.Create(CultureInfo.InvariantCulture, $"localhost:{primary}")));
        try
        {
            // With localhost clustering the primary silo must be up before the others join it.
            workers.Launch(redis is null ? primary : ClusterHosts.FreePort(), timeout, ct).Wait(ct);
            Task.WaitAll(Enumerable.Range(1, count - 1).Select(_ => workers.Launch(ClusterHosts.FreePort(), timeout, ct)).ToArray(), ct);
            return workers;
        }
        catch (AggregateException e) when (e.InnerExceptions.Count > 0)
        {
            workers.Dispose();
            throw e.InnerExceptions[0];
        }
        catch
        {
            workers.Dispose();
            throw;
        }
    }

    private Task Launch(int siloPort, TimeSpan timeout, CancellationToken ct)
    {
        int gateway = ClusterHosts.FreePort();
        var info = Command();
        foreach (var a in new[] { "worker", "--cluster", Cluster.Text, "--port", Str(siloPort), "--gateway-port", Str(gateway),
                     "--data-root", Directory.GetCurrentDirectory(), "--exit-with", Str(Environment.ProcessId) })
            info.ArgumentList.Add(a);
        info.RedirectStandardError = true;
        info.RedirectStandardOutput = true;
        info.UseShellExecute = false;
        var process = Process.Start(info) ?? throw new InvalidOperationException("could not start a worker process");
        var ready = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var log = new System.Text.StringBuilder();
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is null) { ready.TrySetException(Failed(process, gateway, log.ToString())); return; }
            lock (log) log.AppendLine(e.Data);
            if (e.Data.StartsWith(WorkerCommand.ReadyLine, StringComparison.Ordinal)) ready.TrySetResult();
        };
        process.OutputDataReceived += (_, _) => { };
        process.BeginErrorReadLine();
        process.BeginOutputReadLine();
        lock (_processes) { _processes.Add(process); _gateways.Add(gateway); }
        return ready.Task.WaitAsync(timeout, ct).ContinueWith(t =>
        {
            if (t.IsCompletedSuccessfully) return;
            if (t.Exception?.InnerException is TimeoutException)
                throw new UsageException($"a local worker (gateway port {gateway}) did not start within {timeout.TotalSeconds:F0} s: {log}");
            t.GetAwaiter().GetResult();
        }, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
    }

    private static Exception Failed(Process p, int gateway, string log) =>
        new UsageException($"a local worker (gateway port {gateway}) exited before it was ready: {log.Trim()}");

    /// <summary>How to run this program again: the prob executable itself, or the dotnet host with prob.dll.</summary>
    private static ProcessStartInfo Command()
    {
        string dll = typeof(WorkerCommand).Assembly.Location;
        string? self = Environment.ProcessPath;
        if (self is not null && Path.GetFileNameWithoutExtension(self) == "prob") return new ProcessStartInfo(self);
        var dotnet = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host ? host : "dotnet";
        var info = new ProcessStartInfo(dotnet);
        info.ArgumentList.Add(dll);
        return info;
    }

    private static string Str(int v) => v.ToString(CultureInfo.InvariantCulture);

    /// <summary>Ends the workers (they hold no state a fit needs afterwards).</summary>
    public void Dispose()
    {
        foreach (var p in _processes)
        {
            try { if (!p.HasExited) p.Kill(entireProcessTree: true); p.WaitForExit(5000); }
            catch (InvalidOperationException) { }
            p.Dispose();
        }
        _processes.Clear();
    }
}
