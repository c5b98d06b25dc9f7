namespace Probabilistic.Core.Inference;

/// <summary>One model being fitted by maximising (or, for EP, estimating) a bound on log evidence.</summary>
/// <remarks>
/// EM and Baum-Welch are coordinate ascent on the ELBO with exact posteriors over the latent
/// assignments, so after each E-step the ELBO equals the log-likelihood and never decreases; VMP
/// maximises the mean-field ELBO; EP reports a log-evidence estimate (<see cref="IsBound"/> false);
/// the VAE reports a Monte-Carlo ELBO, one step per epoch. <see cref="ElboDriver"/> runs them all.
/// </remarks>
public interface IElboOptimizer
{
    /// <summary>Runs one iteration (EM step, sweep, epoch) and returns the total ELBO in nats over all observations.</summary>
    double Step(CancellationToken cancellationToken);

    /// <summary>True when each step can only raise the ELBO (EM, Baum-Welch, VMP); the driver then checks it.</summary>
    bool IsMonotone { get; }

    /// <summary>True when the value is a lower bound on log evidence; false for EP's estimate.</summary>
    bool IsBound => true;

    /// <summary>How many observations the total ELBO covers, for per-observation reporting.</summary>
    long ObservationCount { get; }

    /// <summary>ELBO per observation on held-out data after the last step, when the optimiser has such data.</summary>
    double? HeldOutElboPerObservation => null;
}
