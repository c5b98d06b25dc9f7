namespace Probabilistic.Core.Inference;

/// <summary>
/// What every family's <c>Fit(data, fitOptions, ct)</c> returns: the fitted model and its trace. Deconstructs, so
/// <c>var (model, trace) = estimator.Fit(data, new FitOptions(Seed: 0));</c> reads the same for every family.
/// </summary>
/// <param name="Model">The fitted model (for estimators fitted in place, as scikit-learn's, the estimator itself).</param>
/// <param name="Trace">The ELBO after each step of the kept fit and why it stopped.</param>
public readonly record struct FitResult<TModel>(TModel Model, ElboTrace Trace);

/// <summary>The outcome of <see cref="ElboDriver.FitBest"/>: the best optimiser, its trace, which restart it was, and every restart's trace.</summary>
/// <param name="Optimizer">The restart with the highest final ELBO; null only when the first restart was cancelled before it was built.</param>
/// <param name="Trace">Its trace.</param>
/// <param name="Restart">Its index, from 0 (−1 when none was built).</param>
/// <param name="Restarts">The trace of every restart run, in order.</param>
public sealed record BestFit<TOptimizer>(TOptimizer? Optimizer, ElboTrace Trace, int Restart, IReadOnlyList<ElboTrace> Restarts)
    where TOptimizer : class, IElboOptimizer;
