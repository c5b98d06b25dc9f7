using Probabilistic.Core.Data;
using Probabilistic.Core.Inference;
using Probabilistic.Mixtures;

namespace Probabilistic.Distributed;

/// <summary>Gaussian-mixture fits whose E-steps run on shard grains of an Orleans cluster.</summary>
public static class DistributedGaussianMixture
{
    /// <summary>
    /// Fits <paramref name="model"/> to the shards of <paramref name="source"/> (one shard grain each, the .npy files
    /// read by the workers: relative paths from their data root), with the starts drawn here as the out-of-core fit
    /// draws them (<see cref="GaussianMixture.Fit(NpyRowSource, IMixtureData, FitOptions?, CancellationToken, int?)"/>).
    /// From the same start it gives the single-machine fit's trace and parameters within rounding (well under 1e-10).
    /// </summary>
    /// <returns>The fit, and the coordination figures of its rounds.</returns>
    /// <exception cref="DistributedFitException">A shard failed on its silo (shard, file and silo named) or stayed unreachable.</exception>
    public static (FitResult<GaussianMixture> Fit, CoordinationStats Stats) Fit(this GaussianMixture model, IGrainFactory grains, NpyRowSource source,
        FitOptions? fitOptions = null, DistributedFitOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(source);
        model.Options.Validate(source.Columns);
        PartitionedMixtureData data;
        try { data = PartitionedMixtureData.Open(grains, source, model.Options.Components, options, cancellationToken); }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // As a single-machine fit cancelled before its first step: an empty trace that says so, the model unchanged.
            var seed = (fitOptions ?? new FitOptions()).ResolveSeed();
            return (new(model, ElboTrace.FromSteps([], StopReason.Cancelled, true, source.Rows, seed)), new CoordinationStats());
        }
        using (data)
        {
            var fit = options?.Checkpoint is { } path
                ? CheckpointedEm.Fit(model, source, data, fitOptions ?? new FitOptions(), path, cancellationToken)
                : model.Fit(source, data, fitOptions, cancellationToken);
            return (fit, data.Stats);
        }
    }
}
