using Probabilistic.Core.Gaussians;
using Probabilistic.Core.Inference;
using Probabilistic.Hmm;
using Probabilistic.Hmm.Emissions;

namespace Probabilistic.Distributed;

/// <summary>
/// Gaussian and categorical HMM fits whose E-steps run on shard grains (<see cref="PartitionedSequences"/>), with the
/// starts <see cref="OutOfCoreHmm"/> draws from the sequences here, and <see cref="PartitionedBaumWelch{TEmission, TStats}"/>
/// on the shared driver: from the same start, the single-machine fit's trace and parameters within rounding.
/// </summary>
public static class DistributedHmm
{
    /// <summary>Baum-Welch from <paramref name="start"/>(seed) on the partitions of <paramref name="data"/>.</summary>
    /// <returns>The fit, and the coordination figures of its rounds.</returns>
    public static (FitResult<HiddenMarkovModel<TEmission, TStats>> Fit, CoordinationStats Stats) Fit<TEmission, TStats>(IGrainFactory grains,
        SequenceSource data, HmmOptions options, Func<int, HiddenMarkovModel<TEmission, TStats>> start, FitOptions? fitOptions = null,
        DistributedFitOptions? distributed = null, CancellationToken cancellationToken = default)
        where TEmission : IEmissionModel<TEmission, TStats>
        where TStats : class
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        using var partitions = PartitionedSequences.Open(grains, data, distributed ?? new DistributedFitOptions { ThreadsPerShard = options.MaxThreads },
            cancellationToken);
        var fit = distributed?.Checkpoint is { } path
            ? HmmCheckpoint.Fit(partitions, data, options, start, fitOptions ?? new FitOptions(), path, cancellationToken)
            : OutOfCoreHmm.Fit(options, start,
                s => new PartitionedBaumWelch<TEmission, TStats>(s, partitions.Observations, partitions.ExpectedCounts, options.Priors, cancellationToken),
                fitOptions, null, cancellationToken);
        return (fit, partitions.Stats);
    }

    /// <summary>A Gaussian HMM from the start <see cref="OutOfCoreHmm.GaussianStart"/> draws.</summary>
    public static (FitResult<HiddenMarkovModel<GaussianEmission, GaussianStatistics>> Fit, CoordinationStats Stats) FitGaussian(IGrainFactory grains,
        SequenceSource data, HmmOptions options, FitOptions? fitOptions = null, DistributedFitOptions? distributed = null,
        CancellationToken cancellationToken = default) =>
        Fit(grains, data, options, seed => OutOfCoreHmm.GaussianStart(data, options.States, options.CovarianceType, options.Regularization, seed,
            cancellationToken: cancellationToken), fitOptions, distributed, cancellationToken);

    /// <summary>A categorical HMM from the start <see cref="OutOfCoreHmm.CategoricalStart"/> draws.</summary>
    public static (FitResult<HiddenMarkovModel<CategoricalEmission, CategoricalStatistics>> Fit, CoordinationStats Stats) FitCategorical(
        IGrainFactory grains, SequenceSource data, HmmOptions options, FitOptions? fitOptions = null, DistributedFitOptions? distributed = null,
        CancellationToken cancellationToken = default) =>
        Fit(grains, data, options, seed => OutOfCoreHmm.CategoricalStart(data, options.States, seed, options.Symbols, options.EmissionPseudocount),
            fitOptions, distributed, cancellationToken);
}
