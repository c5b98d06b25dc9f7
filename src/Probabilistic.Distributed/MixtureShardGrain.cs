using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Probabilistic.Core.Data;
using Probabilistic.Core.Gaussians;
using Probabilistic.Mixtures;

namespace Probabilistic.Distributed;

/// <summary>One partition of a distributed Gaussian-mixture fit: a .npy shard loaded once and kept resident.</summary>
/// <remarks>
/// Every call carries the <see cref="ShardSpec"/>, so an activation that lost its data (its silo died and it was
/// reactivated elsewhere) loads the shard again before answering: the call is the retry, nothing else is needed.
/// </remarks>
public interface IMixtureShardGrain : IGrainWithStringKey
{
    /// <summary>Loads the shard (when not yet resident) and reports its shape and silo.</summary>
    Task<ShardInfo> Open(ShardSpec spec);

    /// <summary>The partition's E-step at the factors sent: its sufficient statistics about the means and its log-likelihood.</summary>
    Task<GaussianStatisticsMessage> EStep(ShardSpec spec, MixtureFactorsMessage factors, CancellationToken cancellationToken);

    /// <summary>Drops the resident rows (the fit is over).</summary>
    Task Release();
}

/// <inheritdoc cref="IMixtureShardGrain"/>
[ShardPlacement]
public sealed class MixtureShardGrain(ShardPaths paths) : Grain, IMixtureShardGrain
{
    private IMixtureData? _data;
    private ShardSpec? _spec;
    private int _columns;

    /// <inheritdoc/>
    public Task<ShardInfo> Open(ShardSpec spec) => Task.FromResult(Info(Load(spec)));

    /// <inheritdoc/>
    public Task<GaussianStatisticsMessage> EStep(ShardSpec spec, MixtureFactorsMessage factors, CancellationToken cancellationToken) =>
        Task.Run(() =>
        {
            var data = Load(spec);
            var clock = Stopwatch.StartNew();
            var stats = new GaussianStatistics(factors.Components, factors.Dimension, factors.IsFull);
            try { data.EStep(factors.ToFactors(), stats, cancellationToken); }
            catch (Exception e) when (e is not OperationCanceledException) { throw Failed(spec, e.Message); }
            return GaussianStatisticsMessage.From(stats, clock.Elapsed.TotalSeconds, RuntimeIdentity);
        }, cancellationToken);

    /// <inheritdoc/>
    public Task Release()
    {
        _data?.Dispose();
        _data = null;
        DeactivateOnIdle();
        return Task.CompletedTask;
    }

    private IMixtureData Load(ShardSpec spec)
    {
        if (_data is not null && _spec is { } s && s.Path == spec.Path && s.Components == spec.Components) return _data;
        string file = paths.Resolve(spec.Path);
        NumericTable table;
        try
        {
            table = NpyReader.Read(file).ToTable(file);
            DataChecks.RequireGaussianScale(table);
        }
        catch (Exception e) when (e is DataFormatException or IOException or UnauthorizedAccessException or Core.ResourceLimitException)
        {
            throw Failed(spec, e.Message);
        }
        _data?.Dispose();
        _data = new CpuMixtureBackend(spec.Threads).Bind(table.Values, table.Rows, table.Columns, spec.Components);
        _spec = spec;
        _columns = table.Columns;
        return _data;
    }

    private ShardInfo Info(IMixtureData data) => new() { Rows = data.Count, Columns = _columns, Silo = RuntimeIdentity };

    private ShardException Failed(ShardSpec spec, string reason) => new(spec.Index, paths.Resolve(spec.Path), RuntimeIdentity, reason);
}

/// <summary>Silo set-up for partitioned fits.</summary>
public static class ShardSiloExtensions
{
    /// <summary>Registers what shard grains need: where relative shard paths start (<paramref name="dataRoot"/>, default the current directory).</summary>
    public static ISiloBuilder AddProbabilisticShards(this ISiloBuilder builder, string? dataRoot = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddSingleton(new ShardPaths(dataRoot));
        builder.AddPlacementDirector<ShardPlacementStrategy, ShardPlacementDirector>();
        return builder;
    }
}
