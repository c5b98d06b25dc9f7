using Probabilistic.Core.Inference;
using Probabilistic.Hmm.Emissions;

namespace Probabilistic.Hmm;

/// <summary>
/// What every Baum-Welch fit shares, whatever holds its data (<see cref="BaumWelch{TEmission, TStats}"/> in memory,
/// <see cref="OutOfCoreBaumWelch{TEmission, TStats}"/> streamed): the model of the last completed step, its expected
/// counts, the priors, and the step itself: the M-step's parameters, then their E-step, the objective of the new model
/// returned. The model moves only once its E-step has completed, so a cancelled step leaves the last completed one.
/// </summary>
public abstract class BaumWelchOptimizer<TEmission, TStats> : IElboOptimizer
    where TEmission : IEmissionModel<TEmission, TStats>
    where TStats : class
{
    private ExpectedCounts<TStats>? _counts;
    private HiddenMarkovModel<TEmission, TStats>? _model;

    private protected BaumWelchOptimizer(HmmPriors? priors, int? maxThreads)
    {
        if (maxThreads is < 1) throw new ArgumentOutOfRangeException(nameof(maxThreads), maxThreads, "At least one thread.");
        Priors = priors ?? HmmPriors.None;
        if (!(Priors.StartPseudocount >= 0) || !(Priors.TransitionPseudocount >= 0))
            throw new ArgumentException("Pseudo-counts must be >= 0.", nameof(priors));
        MaxThreads = maxThreads;
    }

    private protected HmmPriors Priors { get; }
    private protected int? MaxThreads { get; }

    /// <summary>The parameters of the last completed step (the start before the first).</summary>
    public HiddenMarkovModel<TEmission, TStats> Model => _model ?? throw new InvalidOperationException("The fit has not started.");

    private ExpectedCounts<TStats> Counts => _counts ?? throw new InvalidOperationException("The fit has not started.");

    /// <summary>Total log-likelihood Σ_n log p(x_n) of <see cref="Model"/> on the data, in nats.</summary>
    public double LogLikelihood => Counts.LogLikelihood;

    /// <summary>The objective of <see cref="Model"/>: <see cref="LogLikelihood"/> plus its log prior.</summary>
    public double Objective => Counts.LogLikelihood + BaumWelchSteps.LogPrior(Model, Priors);

    /// <inheritdoc/>
    public bool IsMonotone => true;

    /// <inheritdoc/>
    public abstract long ObservationCount { get; }

    /// <summary>The E-step alone: expected counts and total log-likelihood under <paramref name="model"/>.</summary>
    public abstract ExpectedCounts<TStats> ExpectedCounts(HiddenMarkovModel<TEmission, TStats> model, CancellationToken cancellationToken = default);

    /// <summary>Runs the E-step on the start; the last line of a derived constructor, once its data are in place.</summary>
    private protected void Begin(HiddenMarkovModel<TEmission, TStats> initial, CancellationToken cancellationToken)
    {
        _counts = ExpectedCounts(initial, cancellationToken);
        _model = initial;
    }

    /// <summary>The parallel options of an E-step: this fit's thread limit and the caller's token.</summary>
    private protected ParallelOptions Options(CancellationToken cancellationToken)
    {
        var options = HiddenMarkovModel<TEmission, TStats>.Options(MaxThreads);
        options.CancellationToken = cancellationToken;
        return options;
    }

    /// <inheritdoc/>
    public double Step(CancellationToken cancellationToken)
    {
        var next = BaumWelchSteps.Maximize(Model, Counts, Priors);
        _counts = ExpectedCounts(next, cancellationToken);
        _model = next;
        return Objective;
    }
}
