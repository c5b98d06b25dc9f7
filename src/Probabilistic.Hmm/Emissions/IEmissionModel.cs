namespace Probabilistic.Hmm.Emissions;

/// <summary>
/// An HMM's emission family: the densities p(x | state) of every state, with the statistics Baum-Welch collects
/// from posteriors and the M-step that turns them into new parameters. Observations are rows of
/// <see cref="Dimension"/> doubles (a categorical symbol is one integer-valued double, as in hmmlearn).
/// </summary>
/// <typeparam name="TSelf">The emission type itself (the M-step returns a new one: emissions are immutable).</typeparam>
/// <typeparam name="TStats">Its sufficient statistics, accumulated per thread and merged.</typeparam>
public interface IEmissionModel<TSelf, TStats>
    where TSelf : IEmissionModel<TSelf, TStats>
    where TStats : class
{
    /// <summary>Number of hidden states K.</summary>
    int StateCount { get; }

    /// <summary>Values per observation D.</summary>
    int Dimension { get; }

    /// <summary>Short name of the family ("categorical", "gaussian", ...), used in model files and messages.</summary>
    string Family { get; }

    /// <summary>Values the parameters (and derived tables) hold, and about as many one set of statistics: for memory estimates.</summary>
    long ParameterCount => 2L * StateCount * Dimension;

    /// <summary>Free parameters of the emissions, as hmmlearn counts them for BIC and AIC (<c>_get_n_fit_scalars_per_param</c>).</summary>
    long FreeParameters { get; }

    /// <summary>
    /// Throws <see cref="ArgumentException"/> naming the sequence, step and value when an observation lies outside the
    /// family's support in a way that is an input error (a symbol outside the vocabulary, a negative count, NaN).
    /// </summary>
    void CheckObservations(ReadOnlySpan<double> observations, int steps, string where);

    /// <summary>log p(x_t | k) for T rows of observations into the T×K <paramref name="logProb"/>.</summary>
    void LogLikelihoods(ReadOnlySpan<double> observations, int steps, Span<double> logProb);

    /// <summary>Zeroed statistics for accumulation.</summary>
    TStats CreateStatistics();

    /// <summary>Adds the posterior-weighted statistics of T observations; <paramref name="posteriors"/> is T×K.</summary>
    void Accumulate(TStats stats, ReadOnlySpan<double> observations, int steps, ReadOnlySpan<double> posteriors);

    /// <summary>Adds <paramref name="from"/> into <paramref name="into"/> (merging per-thread accumulators).</summary>
    void Merge(TStats into, TStats from);

    /// <summary>The M-step: new parameters maximising expected log-likelihood plus log prior.</summary>
    TSelf Maximize(TStats stats);

    /// <summary>
    /// The log prior density of the current parameters, up to a constant, that <see cref="Maximize"/> maximises
    /// together with the expected log-likelihood (0 without a prior); it is part of the Baum-Welch objective.
    /// </summary>
    double LogPrior();

    /// <summary>Draws one observation from state <paramref name="state"/>.</summary>
    void Sample(int state, Random random, Span<double> observation);

    /// <summary>Throws <see cref="ArgumentException"/> with the reason when the parameters are invalid.</summary>
    void Validate();
}
