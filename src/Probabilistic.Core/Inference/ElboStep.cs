namespace Probabilistic.Core.Inference;

/// <summary>One step of a fit: its number (from 1), the total ELBO in nats, and the step's wall time.</summary>
/// <param name="Iteration">1 for the first step.</param>
/// <param name="Elbo">Total ELBO (or EP log-evidence estimate) in nats over all observations.</param>
/// <param name="ElboPerObservation">The same divided by the observation count.</param>
/// <param name="Elapsed">Wall time of this step alone.</param>
/// <param name="HeldOutElboPerObservation">ELBO per observation on held-out data, when there is any.</param>
public readonly record struct ElboStep(
    int Iteration,
    double Elbo,
    double ElboPerObservation,
    TimeSpan Elapsed,
    double? HeldOutElboPerObservation = null);

/// <summary>Why a fit stopped.</summary>
public enum StopReason
{
    /// <summary>The change in ELBO fell under the tolerance.</summary>
    Converged,
    /// <summary>The step budget ran out.</summary>
    MaxIterations,
    /// <summary>The cancellation token fired; the model holds the last completed step.</summary>
    Cancelled,
    /// <summary>The ELBO became NaN or infinite (the driver throws <see cref="NonFiniteElboException"/>).</summary>
    NonFinite,
    /// <summary>The held-out ELBO stopped improving for <see cref="FitOptions.Patience"/> steps.</summary>
    EarlyStopped,
    /// <summary>A monotone optimiser's ELBO went down (the driver throws <see cref="ElboDecreasedException"/>).</summary>
    Decreased,
}
