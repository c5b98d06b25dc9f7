using System.Diagnostics;
using System.Globalization;
using System.Net.Sockets;

namespace Probabilistic.Distributed;

/// <summary>How a coordinator treats its partitions: retries after a silo is lost, and the threads each partition uses.</summary>
/// <param name="RetryFor">How long one partition's call may keep failing for reasons of the cluster (a silo died, a
/// connection dropped, a call timed out) before the fit gives up: long enough for membership to declare a dead silo
/// dead and for the partition to be reactivated and reloaded on another.</param>
/// <param name="ThreadsPerShard">CPU threads a partition's E-step may use on its silo (null: all its cores).</param>
/// <param name="Checkpoint">A file the coordinator saves its state to after every completed iteration (atomically), and
/// resumes from when it exists: a coordinator started again after a crash continues from the last completed iteration
/// to the same answer. Fits with one start (GMM and HMM).</param>
public sealed record DistributedFitOptions(TimeSpan? RetryFor = null, int? ThreadsPerShard = null, string? Checkpoint = null)
{
    /// <summary>Two minutes.</summary>
    public static readonly TimeSpan DefaultRetryFor = TimeSpan.FromMinutes(2);

    internal TimeSpan Retry => RetryFor ?? DefaultRetryFor;
}

/// <summary>
/// Per-iteration figures of a coordinator: the wall time of its calls, the longest partition's own compute time, the
/// payload bytes sent and received, and how many calls were retried.
/// </summary>
public sealed class CoordinationStats
{
    /// <summary>Completed rounds (one per E-step).</summary>
    public int Rounds { get; internal set; }

    /// <summary>Seconds from sending the parameters to having every partition's statistics, summed over rounds.</summary>
    public double WallSeconds { get; internal set; }

    /// <summary>The slowest partition's compute seconds, summed over rounds (the rest of <see cref="WallSeconds"/> is coordination).</summary>
    public double ComputeSeconds { get; internal set; }

    /// <summary>Payload bytes sent to the partitions, summed over rounds.</summary>
    public long BytesSent { get; internal set; }

    /// <summary>Payload bytes received from the partitions, summed over rounds.</summary>
    public long BytesReceived { get; internal set; }

    /// <summary>Calls that failed for reasons of the cluster and were sent again.</summary>
    public int Retries { get; internal set; }

    /// <summary>
    /// Partitions that answered a round from another silo than the round before: moved after their silo died (by the
    /// coordinator's retry or by Orleans forwarding the call once membership declared the silo dead) and loaded again.
    /// </summary>
    public int Relocations { get; internal set; }

    /// <summary>Mean coordination seconds per round: wall time beyond the slowest partition's compute.</summary>
    public double OverheadSecondsPerRound => Rounds == 0 ? 0 : (WallSeconds - ComputeSeconds) / Rounds;
}

/// <summary>
/// Sends one call to every partition at once and returns the answers in shard order, retrying a partition whose call
/// failed for reasons of the cluster (its silo died: the grain is reactivated on another silo and reloads its shard)
/// until <see cref="DistributedFitOptions.RetryFor"/> has passed. A <see cref="ShardException"/> (the partition's own
/// failure) is not retried. Each answer depends only on the call's input, so a retried round gives what the first try
/// would have given.
/// </summary>
internal static class ShardCalls
{
    /// <summary>
    /// One call per partition of <paramref name="shards"/>, at once; the answers in shard order. <paramref name="silos"/>
    /// gives where each partition answered last and the membership to check it against: a call in flight to a silo that
    /// membership no longer holds is cancelled and sent again (null: wait for the call's own timeout).
    /// </summary>
    public static T[] All<TShard, T>(IReadOnlyList<TShard> shards, Func<TShard, CancellationToken, Task<T>> call, DistributedFitOptions options,
        CoordinationStats? stats, CancellationToken cancellationToken,
        (IReadOnlyList<string?> Last, Func<string, CancellationToken, Task<bool>> IsActive)? silos = null)
        where TShard : notnull
    {
        var tasks = new Task<T>[shards.Count];
        for (int s = 0; s < shards.Count; s++)
        {
            string? last = silos?.Last[s];
            tasks[s] = OneAsync(shards[s], last is null ? call : Watched(call, last, silos!.Value.IsActive), options, stats, cancellationToken);
        }
        try { Task.WaitAll(tasks, cancellationToken); }
        catch (AggregateException e)
        {
            // The first failure in shard order, so the message does not depend on which call failed first in time.
            foreach (var t in tasks)
                if (t.IsFaulted) throw Unwrap(t.Exception!);
            throw Unwrap(e);
        }
        var results = new T[tasks.Length];
        for (int s = 0; s < tasks.Length; s++) results[s] = tasks[s].Result;
        return results;
    }

    private static async Task<T> OneAsync<TShard, T>(TShard shard, Func<TShard, CancellationToken, Task<T>> call, DistributedFitOptions options,
        CoordinationStats? stats, CancellationToken ct) where TShard : notnull
    {
        var clock = Stopwatch.StartNew();
        var delay = TimeSpan.FromMilliseconds(50);
        while (true)
        {
            ct.ThrowIfCancellationRequested();
            try { return await call(shard, ct).ConfigureAwait(false); }
            catch (ShardException e) { throw new DistributedFitException(e.Message, e); }
            catch (OperationCanceledException) when (ct.IsCancellationRequested) { throw; }
            catch (Exception e) when (IsClusterFailure(e))
            {
                if (clock.Elapsed >= options.Retry)
                    throw new DistributedFitException(string.Create(CultureInfo.InvariantCulture,
                        $"{shard} stayed unreachable for {clock.Elapsed.TotalSeconds:F0} s (DistributedFitOptions.RetryFor): {e.GetType().Name}: {e.Message}"), e);
                if (stats is not null) lock (stats) stats.Retries++;
                await Task.Delay(delay, ct).ConfigureAwait(false);
                delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, TimeSpan.FromSeconds(2).Ticks));
            }
            catch (Exception e)
            {
                throw new DistributedFitException($"{shard}: {e.GetType().Name}: {e.Message}", e);
            }
        }
    }

    /// <summary>
    /// <paramref name="call"/>, cancelled when membership stops holding <paramref name="silo"/> (where the partition answered
    /// last) while it is in flight: the cancellation is a failure of the cluster, so the call is sent again, and the calls
    /// sent again are not watched (the partition is being placed on another silo, which is not known yet).
    /// </summary>
    internal static Func<TShard, CancellationToken, Task<T>> Watched<TShard, T>(Func<TShard, CancellationToken, Task<T>> call, string silo,
        Func<string, CancellationToken, Task<bool>> isActive)
    {
        string? watched = silo;
        return async (shard, ct) =>
        {
            string? target = Volatile.Read(ref watched);
            if (target is null) return await call(shard, ct).ConfigureAwait(false);
            using var lost = CancellationTokenSource.CreateLinkedTokenSource(ct);
            var running = call(shard, lost.Token);
            while (!running.IsCompleted && !ct.IsCancellationRequested)
            {
                var tick = Task.Delay(SiloLiveness.Interval, ct);
                if (await Task.WhenAny(running, tick).ConfigureAwait(false) == running) break;
                if (ct.IsCancellationRequested || await isActive(target, ct).ConfigureAwait(false)) continue;
                Volatile.Write(ref watched, null);
                lost.Cancel();
                break;
            }
            return await running.ConfigureAwait(false);
        };
    }

    /// <summary>Failures of the cluster rather than of the partition: a lost silo or connection, a call that timed out or was dropped.</summary>
    private static bool IsClusterFailure(Exception e) =>
        e is OrleansException or TimeoutException or SocketException or IOException or OperationCanceledException
        || e.GetType().Name.Contains("Connection", StringComparison.Ordinal);

    private static Exception Unwrap(AggregateException e) => e.InnerExceptions.Count == 1 ? e.InnerExceptions[0] : e.Flatten().InnerExceptions[0];
}
