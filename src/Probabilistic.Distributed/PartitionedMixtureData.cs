using System.Diagnostics;
using Probabilistic.Core.Data;
using Probabilistic.Core.Gaussians;
using Probabilistic.Mixtures;
using Probabilistic.Mixtures.Kernels;

namespace Probabilistic.Distributed;

/// <summary>
/// Rows held by shard grains, bound for EM: an <see cref="IMixtureData"/> whose E-step sends the precision factors to
/// every partition at once and adds their statistics in shard-index order, so the sums do not depend on which
/// partition answers first. <see cref="GaussianMixtureEm"/> on this binding is the coordinator: its M-step, the
/// driver's tolerance, cancellation, progress and monotone check are the single-machine fit's own.
/// </summary>
public sealed class PartitionedMixtureData : IMixtureData
{
    private readonly IGrainFactory _grains;
    private readonly ShardSpec[] _shards;
    private readonly string _fit;
    private readonly DistributedFitOptions _options;
    private readonly string[] _silos;
    private readonly SiloLiveness _liveness;

    private PartitionedMixtureData(IGrainFactory grains, ShardSpec[] shards, string fit, DistributedFitOptions options, long rows)
    {
        _grains = grains; _shards = shards; _fit = fit; _options = options;
        _silos = new string[shards.Length];
        _liveness = new SiloLiveness(grains);
        Count = checked((int)rows);
    }

    /// <summary>
    /// Has one shard grain load each of <paramref name="shardPaths"/> (in that order: the reduction order) for a mixture
    /// of <paramref name="components"/> components, and checks that together they hold <paramref name="expectedRows"/>
    /// rows of <paramref name="columns"/> columns when given.
    /// </summary>
    /// <exception cref="DistributedFitException">A shard is missing or malformed on its silo (shard, file and silo named), or its shape differs.</exception>
    public static PartitionedMixtureData Open(IGrainFactory grains, IReadOnlyList<string> shardPaths, int components,
        DistributedFitOptions? options = null, int? columns = null, long? expectedRows = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(grains);
        ArgumentNullException.ThrowIfNull(shardPaths);
        if (shardPaths.Count == 0) throw new ArgumentException("A partitioned fit needs at least one shard.", nameof(shardPaths));
        options ??= new DistributedFitOptions();
        var shards = shardPaths.Select((p, i) => new ShardSpec { Index = i, Path = p, Components = components, Threads = options.ThreadsPerShard }).ToArray();
        string fit = Guid.NewGuid().ToString("N");
        var infos = ShardCalls.All(shards, (s, ct) => Grain(grains, fit, s).Open(s), options, null, cancellationToken);
        int d = columns ?? infos[0].Columns;
        for (int s = 0; s < infos.Length; s++)
            if (infos[s].Columns != d)
                throw new DistributedFitException($"{shards[s]} on silo {infos[s].Silo}: has {infos[s].Columns} columns; the fit has {d}");
        long rows = infos.Sum(i => i.Rows);
        if (expectedRows is long n && rows != n)
            throw new DistributedFitException($"the shards hold {rows} rows on their silos; {n} were expected (a shard differs between the coordinator and its worker)");
        var data = new PartitionedMixtureData(grains, shards, fit, options, rows);
        for (int s = 0; s < infos.Length; s++) data._silos[s] = infos[s].Silo;
        return data;
    }

    /// <summary>As <see cref="Open(IGrainFactory, IReadOnlyList{string}, int, DistributedFitOptions?, int?, long?, CancellationToken)"/> for the shards of <paramref name="source"/>.</summary>
    public static PartitionedMixtureData Open(IGrainFactory grains, NpyRowSource source, int components, DistributedFitOptions? options = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(source);
        return Open(grains, source.Shards.Select(s => s.Path).ToArray(), components, options, source.Columns, source.Rows, cancellationToken);
    }

    /// <inheritdoc/>
    public int Count { get; }

    /// <summary>Partitions, in reduction order.</summary>
    public IReadOnlyList<ShardSpec> Shards => _shards;

    /// <summary>The silo each partition answered from last (a partition whose silo died answers from another).</summary>
    public IReadOnlyList<string> Silos => _silos;

    /// <summary>Timing, bytes and retries of the rounds so far.</summary>
    public CoordinationStats Stats { get; } = new();

    /// <inheritdoc/>
    public void EStep(PrecisionFactors factors, GaussianStatistics stats, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(factors);
        ArgumentNullException.ThrowIfNull(stats);
        if (factors.IsFull != stats.IsFull)
            throw new ArgumentException("Full factors need full second moments (and diagonal ones diagonal).", nameof(stats));
        var message = MixtureFactorsMessage.From(factors);
        var clock = Stopwatch.StartNew();
        var parts = ShardCalls.All(_shards, (s, ct) => Grain(_grains, _fit, s).EStep(s, message, ct), _options, Stats, cancellationToken,
            (_silos, _liveness.IsActive));
        clock.Stop();
        stats.Clear();
        factors.Means.CopyTo(stats.Reference, 0);
        foreach (var part in parts) part.AddTo(stats);   // shard order: the same sums whichever partition answered first
        for (int s = 0; s < parts.Length; s++)
        {
            if (_silos[s] is { } before && before != parts[s].Silo) Stats.Relocations++;
            _silos[s] = parts[s].Silo;
        }
        Stats.Rounds++;
        Stats.WallSeconds += clock.Elapsed.TotalSeconds;
        Stats.ComputeSeconds += parts.Max(p => p.ComputeSeconds);
        Stats.BytesSent += _shards.Length * message.PayloadBytes;
        Stats.BytesReceived += parts.Sum(p => p.PayloadBytes);
    }

    /// <summary>Not offered: responsibilities stay on the partitions (score or predict with the fitted model where the rows are).</summary>
    public void Responsibilities(PrecisionFactors factors, Span<double> responsibilities, Span<double> logLikelihoods) =>
        throw new NotSupportedException("A partitioned binding returns statistics only; score or predict with the fitted model where the rows are.");

    /// <summary>Has every partition drop its rows.</summary>
    public void Dispose()
    {
        try { ShardCalls.All(_shards, async (s, _) => { await Grain(_grains, _fit, s).Release(); return 0; }, _options with { RetryFor = TimeSpan.Zero }, null, CancellationToken.None); }
        catch (DistributedFitException) { }   // a partition on a silo that is gone has nothing to drop
    }

    private static IMixtureShardGrain Grain(IGrainFactory grains, string fit, ShardSpec s) => grains.GetGrain<IMixtureShardGrain>($"{fit}/{s.Index}");
}
