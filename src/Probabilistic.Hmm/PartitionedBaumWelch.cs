using Probabilistic.Hmm.Emissions;

namespace Probabilistic.Hmm;

/// <summary>
/// Baum-Welch whose E-step is computed elsewhere — by partitions of the sequences held on other machines, each returning
/// its expected counts, added up by the caller in a fixed order — and handed back through a delegate. The
/// M-step, the objective and the order of moves are <see cref="BaumWelchOptimizer{TEmission, TStats}"/>'s, as in memory
/// and out of core, so from the same start the fits agree up to the grouping of the sums.
/// </summary>
/// <remarks>The constructor runs the E-step on the start.</remarks>
public sealed class PartitionedBaumWelch<TEmission, TStats> : BaumWelchOptimizer<TEmission, TStats>
    where TEmission : IEmissionModel<TEmission, TStats>
    where TStats : class
{
    private readonly Func<HiddenMarkovModel<TEmission, TStats>, CancellationToken, ExpectedCounts<TStats>> _eStep;

    /// <summary>A fit of <paramref name="initial"/> to <paramref name="observations"/> observations whose E-steps <paramref name="eStep"/> computes.</summary>
    public PartitionedBaumWelch(HiddenMarkovModel<TEmission, TStats> initial, long observations,
        Func<HiddenMarkovModel<TEmission, TStats>, CancellationToken, ExpectedCounts<TStats>> eStep, HmmPriors? priors = null,
        CancellationToken cancellationToken = default)
        : base(priors, null)
    {
        ArgumentNullException.ThrowIfNull(initial);
        ArgumentNullException.ThrowIfNull(eStep);
        ArgumentOutOfRangeException.ThrowIfLessThan(observations, 1);
        ObservationCount = observations;
        _eStep = eStep;
        Begin(initial, cancellationToken);
    }

    /// <inheritdoc/>
    public override long ObservationCount { get; }

    /// <inheritdoc/>
    public override ExpectedCounts<TStats> ExpectedCounts(HiddenMarkovModel<TEmission, TStats> model, CancellationToken cancellationToken = default) =>
        _eStep(model, cancellationToken);
}
