using System.Diagnostics;
using Probabilistic.Core.Data;
using Probabilistic.Core.Gaussians;
using Probabilistic.Hmm;
using Probabilistic.Hmm.Emissions;

namespace Probabilistic.Distributed;

/// <summary>One partition of a distributed HMM fit: a shard of whole sequences loaded once and kept resident.</summary>
/// <remarks>As <see cref="IMixtureShardGrain"/>, every call carries its spec, so a reactivated grain reloads before answering.</remarks>
public interface ISequenceShardGrain : IGrainWithStringKey
{
    /// <summary>Loads the shard (when not yet resident) and reports its observations, sequences and silo.</summary>
    Task<ShardInfo> Open(SequenceShardSpec spec);

    /// <summary>Forward-backward on every sequence of the partition under the model sent: its expected counts and log-likelihood.</summary>
    Task<ExpectedCountsMessage> EStep(SequenceShardSpec spec, HmmModelMessage model, CancellationToken cancellationToken);

    /// <summary>Drops the resident sequences (the fit is over).</summary>
    Task Release();
}

/// <inheritdoc cref="ISequenceShardGrain"/>
[ShardPlacement]
public sealed class SequenceShardGrain(ShardPaths paths) : Grain, ISequenceShardGrain
{
    private SequenceSet? _data;
    private SequenceShardSpec? _spec;
    private object? _fit;   // the in-memory Baum-Welch bound to _data (its E-step is the partition's)

    /// <inheritdoc/>
    public Task<ShardInfo> Open(SequenceShardSpec spec)
    {
        var data = Load(spec);
        return Task.FromResult(new ShardInfo { Rows = data.TotalLength, Columns = data.Dimension, Sequences = data.Count, Silo = RuntimeIdentity });
    }

    /// <inheritdoc/>
    public Task<ExpectedCountsMessage> EStep(SequenceShardSpec spec, HmmModelMessage model, CancellationToken cancellationToken) =>
        Task.Run(() =>
        {
            var data = Load(spec);
            var clock = Stopwatch.StartNew();
            try
            {
                return model.ToModel() switch
                {
                    HiddenMarkovModel<GaussianEmission, GaussianStatistics> g => Run(g, data, spec, clock, cancellationToken),
                    HiddenMarkovModel<CategoricalEmission, CategoricalStatistics> c => Run(c, data, spec, clock, cancellationToken),
                    var other => throw Failed(spec, $"partitioned fits take Gaussian and categorical HMMs, not '{other.Family}'"),
                };
            }
            catch (Exception e) when (e is DataFormatException or ArgumentException or InvalidOperationException or Core.ResourceLimitException)
            {
                throw Failed(spec, e.Message);
            }
        }, cancellationToken);

    private ExpectedCountsMessage Run<TEmission, TStats>(HiddenMarkovModel<TEmission, TStats> model, SequenceSet data, SequenceShardSpec spec,
        Stopwatch clock, CancellationToken ct)
        where TEmission : IEmissionModel<TEmission, TStats>
        where TStats : class
    {
        // Built on the first model (which checks every observation against it once); later models reuse the binding.
        if (_fit is not BaumWelch<TEmission, TStats> fit)
            _fit = fit = new BaumWelch<TEmission, TStats>(model, data, null, spec.Threads, Core.MemoryBudget.Unlimited, ct);
        var counts = fit.ExpectedCounts(model, ct);
        return ExpectedCountsMessage.From(counts, clock.Elapsed.TotalSeconds, RuntimeIdentity);
    }

    /// <inheritdoc/>
    public Task Release()
    {
        _data = null;
        _fit = null;
        DeactivateOnIdle();
        return Task.CompletedTask;
    }

    private SequenceSet Load(SequenceShardSpec spec)
    {
        if (_data is not null && _spec is { } s && s.Path == spec.Path && s.Lengths.AsSpan().SequenceEqual(spec.Lengths)) return _data;
        string file = paths.Resolve(spec.Path);
        try
        {
            var table = NpyReader.Read(file).ToTable(file);
            long total = spec.Lengths.Sum(l => (long)l);
            if (total != table.Rows)
                throw new DataFormatException(file, null, $"holds {table.Rows} rows; the coordinator's sequence lengths for it add up to {total}");
            _data = SequenceSet.FromLengths(table.Values, table.Columns, spec.Lengths).WithSource(file);
        }
        catch (Exception e) when (e is DataFormatException or IOException or UnauthorizedAccessException or ArgumentException or Core.ResourceLimitException)
        {
            throw Failed(spec, e.Message);
        }
        _spec = spec;
        _fit = null;
        return _data;
    }

    private ShardException Failed(SequenceShardSpec spec, string reason) => new(spec.Index, paths.Resolve(spec.Path), RuntimeIdentity, reason);
}
