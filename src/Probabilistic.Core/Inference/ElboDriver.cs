using System.Diagnostics;
using System.Globalization;

namespace Probabilistic.Core.Inference;

/// <summary>
/// The one fit loop every model family uses: steps, timing, progress, the tolerance test, cancellation,
/// early stopping on held-out data, and the checks that a monotone ELBO does not fall and no ELBO is non-finite.
/// </summary>
public static class ElboDriver
{
    /// <summary>Runs <paramref name="optimizer"/> until it converges, runs out of steps, is cancelled or stops early.</summary>
    /// <exception cref="ElboDecreasedException">A monotone optimiser's ELBO fell by more than <see cref="FitOptions.MonotoneSlack"/>.</exception>
    /// <exception cref="NonFiniteElboException">A step returned NaN or ±∞.</exception>
    public static ElboTrace Fit(IElboOptimizer optimizer, FitOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(optimizer);
        options ??= new FitOptions();
        options.Validate();
        // The seed the trace records: the one given, or one drawn now (the optimiser was built with the same when the
        // family resolved it first and passed it on, as every family's Fit does).
        var seed = options.ResolveSeed();
        long n = optimizer.ObservationCount;
        if (n <= 0)
            throw new ArgumentException($"The optimiser covers {n} observations; a fit needs at least one.", nameof(optimizer));

        // The steps so far are the first `count` of `steps`, grown by doubling (an array rather than a List<ElboStep>, whose
        // code over this struct ReadyToRun cannot precompile, so a fresh process would JIT it before its first answer).
        var steps = new ElboStep[16];
        int count = 0;
        double bestHeldOut = double.NegativeInfinity;
        int sinceBest = 0;
        var clock = new Stopwatch();

        for (int iteration = 1; iteration <= options.MaxIterations; iteration++)
        {
            if (cancellationToken.IsCancellationRequested)
                return Done(StopReason.Cancelled);

            clock.Restart();
            double elbo;
            try
            {
                elbo = optimizer.Step(cancellationToken);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return Done(StopReason.Cancelled);
            }
            clock.Stop();

            double perObs = elbo / n;
            var heldOut = optimizer.HeldOutElboPerObservation;
            var step = new ElboStep(iteration, elbo, perObs, clock.Elapsed, heldOut);
            if (count == steps.Length)
            {
                var grown = new ElboStep[2 * count];
                Array.Copy(steps, grown, count);
                steps = grown;
            }
            steps[count++] = step;
            options.Progress?.Report(step);

            if (!double.IsFinite(elbo))
                throw new NonFiniteElboException(
                    Invariant($"The ELBO became {elbo} at iteration {iteration} ({optimizer.GetType().Name}); the model or data is degenerate (check for NaN/Inf in the data, empty components or zero variances)."),
                    Done(StopReason.NonFinite));

            if (count >= 2)
            {
                double previous = steps[count - 2].ElboPerObservation;
                double change = perObs - previous;
                double scale = Math.Max(1.0, Math.Abs(perObs));
                if (optimizer.IsMonotone && change < -options.MonotoneSlack * scale)
                    throw new ElboDecreasedException(
                        Invariant($"The ELBO of {optimizer.GetType().Name} decreased at iteration {iteration}: {steps[count - 2].Elbo:R} -> {elbo:R} nats ({change:E3} per observation). An exact EM/VMP step cannot lower its bound; this is a bug."),
                        Done(StopReason.Decreased));
                if (Math.Abs(change) < options.Tolerance * scale)
                    return Done(StopReason.Converged);
            }

            if (options.Patience is int patience && heldOut is double h)
            {
                if (h > bestHeldOut) { bestHeldOut = h; sinceBest = 0; }
                else if (++sinceBest >= patience) return Done(StopReason.EarlyStopped);
            }
        }
        return Done(StopReason.MaxIterations);

        ElboTrace Done(StopReason reason) => new(steps, count, reason, optimizer.IsBound, n, seed);
    }

    /// <summary>
    /// Restarts for any family (scikit-learn's n_init): builds an optimiser for each of <paramref name="restarts"/> seeds,
    /// fits each with <see cref="Fit"/>, and keeps the one whose final ELBO is highest (ties within
    /// <see cref="RestartTieTolerance"/> keep the earliest). Restart r uses the seed of
    /// <paramref name="options"/> itself when there is one restart, and <see cref="Numerics.Rng.Derive"/>(seed, r) otherwise,
    /// so one restart reproduces a plain fit with the same seed. The losers are disposed when they are
    /// <see cref="IDisposable"/>. Cancelled, the restarts stop and the best completed one so far is returned (a restart
    /// cancelled before its first step counts only when no other completed a step).
    /// </summary>
    /// <param name="restarts">At least 1.</param>
    /// <param name="create">Builds the optimiser for a seed (its start point drawn from that seed); it may throw
    /// <see cref="OperationCanceledException"/> when the token fires while it prepares.</param>
    /// <param name="options">The fit settings shared by every restart; a null seed is drawn once.</param>
    /// <param name="cancellationToken">Stops the restarts at the next step.</param>
    public static BestFit<TOptimizer> FitBest<TOptimizer>(int restarts, Func<int, TOptimizer> create, FitOptions? options = null,
        CancellationToken cancellationToken = default) where TOptimizer : class, IElboOptimizer
    {
        ArgumentNullException.ThrowIfNull(create);
        if (restarts < 1) throw new ArgumentOutOfRangeException(nameof(restarts), restarts, "At least one restart.");
        options ??= new FitOptions();
        options.Validate();
        int seed = options.ResolveSeed();
        TOptimizer? best = null;
        ElboTrace? bestTrace = null;
        int bestRestart = -1;
        var traces = new List<ElboTrace>();
        for (int restart = 0; restart < restarts; restart++)
        {
            if (restart > 0 && cancellationToken.IsCancellationRequested) break;
            int restartSeed = restarts == 1 ? seed : Numerics.Rng.Derive(seed, restart);
            TOptimizer optimizer;
            try { optimizer = create(restartSeed); }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                if (bestTrace is null) bestTrace = ElboTrace.FromSteps([], StopReason.Cancelled, true, 0, restartSeed);
                break;
            }
            var trace = Fit(optimizer, options with { Seed = restartSeed }, cancellationToken);
            traces.Add(trace);
            bool better = best is null || (trace.Count > 0 && (bestTrace!.Count == 0 || Beats(trace.FinalElbo, bestTrace.FinalElbo)));
            if (better)
            {
                (best as IDisposable)?.Dispose();
                (best, bestTrace, bestRestart) = (optimizer, trace, restart);
            }
            else (optimizer as IDisposable)?.Dispose();
            if (trace.StopReason == StopReason.Cancelled) break;
        }
        return new BestFit<TOptimizer>(best, bestTrace!, bestRestart, traces);
    }

    /// <summary>
    /// How much a later restart's final ELBO must exceed the best so far, relative to its size, to replace it. Restarts
    /// that reach the same optimum with the components in another order end within rounding of each other, and which
    /// one then wins would hang on the last bits of a summation order (threads, block sizes, in memory or streamed from
    /// disk); within this margin they tie and the earliest restart is kept.
    /// </summary>
    public const double RestartTieTolerance = 1e-10;

    private static bool Beats(double elbo, double best) =>
        elbo - best > RestartTieTolerance * Math.Max(1, Math.Abs(best));

    private static string Invariant(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);
}
