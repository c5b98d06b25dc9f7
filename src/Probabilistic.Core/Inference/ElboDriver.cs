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
        var seed = options.Seed ?? 0;
        long n = optimizer.ObservationCount;
        if (n <= 0)
            throw new ArgumentException($"The optimiser covers {n} observations; a fit needs at least one.", nameof(optimizer));

        var steps = new List<ElboStep>();
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
            steps.Add(step);
            options.Progress?.Report(step);

            if (!double.IsFinite(elbo))
                throw new NonFiniteElboException(
                    Invariant($"The ELBO became {elbo} at iteration {iteration} ({optimizer.GetType().Name}); the model or data is degenerate (check for NaN/Inf in the data, empty components or zero variances)."),
                    Done(StopReason.NonFinite));

            if (steps.Count >= 2)
            {
                double previous = steps[^2].ElboPerObservation;
                double change = perObs - previous;
                double scale = Math.Max(1.0, Math.Abs(perObs));
                if (optimizer.IsMonotone && change < -options.MonotoneSlack * scale)
                    throw new ElboDecreasedException(
                        Invariant($"The ELBO of {optimizer.GetType().Name} decreased at iteration {iteration}: {steps[^2].Elbo:R} -> {elbo:R} nats ({change:E3} per observation). An exact EM/VMP step cannot lower its bound; this is a bug."),
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

        ElboTrace Done(StopReason reason) => new(steps, reason, optimizer.IsBound, n, seed);
    }

    private static string Invariant(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);
}
