using Probabilistic.Core;
using Probabilistic.Core.Inference;

namespace Probabilistic.Mixtures;

/// <summary>Settings of <see cref="GaussianMixture"/> (scikit-learn's <c>GaussianMixture</c> arguments).</summary>
/// <param name="Components">K.</param>
/// <param name="CovarianceType">Full (default), Diagonal, Spherical or Tied.</param>
/// <param name="RegCovar">Added to every covariance diagonal in each M-step (scikit-learn's reg_covar, 1e-6).</param>
/// <param name="MaxIterations">EM iterations at most.</param>
/// <param name="Tolerance">Relative change of the mean log-likelihood below which EM stops (0: run all iterations).</param>
/// <param name="Restarts">Fits from different starts; the best final log-likelihood is kept (scikit-learn's n_init).</param>
/// <param name="Init">How to start.</param>
/// <param name="Seed">Seed of every random choice (null: drawn once and recorded in the trace).</param>
/// <param name="InitialMeans">[K×D] row-major, for <see cref="MixtureInit.Means"/>.</param>
/// <param name="InitialParameters">The start point for <see cref="MixtureInit.Parameters"/>.</param>
/// <param name="Backend">Where E-steps run (null: <see cref="CpuMixtureBackend"/> on all cores).</param>
/// <param name="Progress">Told after each EM iteration.</param>
/// <param name="Budget">The memory limit the fit's estimate is checked against before allocating (null: the memory available now).</param>
public sealed record GaussianMixtureOptions(
    int Components,
    CovarianceType CovarianceType = CovarianceType.Full,
    double RegCovar = 1e-6,
    int MaxIterations = 100,
    double Tolerance = 1e-3,
    int Restarts = 1,
    MixtureInit Init = MixtureInit.KMeansPlusPlus,
    int? Seed = null,
    double[]? InitialMeans = null,
    GaussianMixtureParameters? InitialParameters = null,
    IMixtureBackend? Backend = null,
    IProgress<ElboStep>? Progress = null,
    MemoryBudget? Budget = null)
{
    /// <summary>Throws naming the first option out of range.</summary>
    public void Validate(int dimension)
    {
        if (Components < 1) throw new ArgumentOutOfRangeException(nameof(Components), Components, "At least one component.");
        if (!(RegCovar >= 0) || !double.IsFinite(RegCovar)) throw new ArgumentOutOfRangeException(nameof(RegCovar), RegCovar, "RegCovar must be finite and >= 0.");
        if (MaxIterations < 1) throw new ArgumentOutOfRangeException(nameof(MaxIterations), MaxIterations, "At least one iteration.");
        if (Restarts < 1) throw new ArgumentOutOfRangeException(nameof(Restarts), Restarts, "At least one restart.");
        if (Init == MixtureInit.Means && (InitialMeans is null || InitialMeans.Length != Components * dimension))
            throw new ArgumentException($"Init = Means needs InitialMeans of {Components}x{dimension} values; got {InitialMeans?.Length ?? 0}.", nameof(InitialMeans));
        if (Init == MixtureInit.Parameters)
        {
            if (InitialParameters is null) throw new ArgumentException("Init = Parameters needs InitialParameters.", nameof(InitialParameters));
            if (InitialParameters.Components != Components || InitialParameters.Dimension != dimension || InitialParameters.CovarianceType != CovarianceType)
                throw new ArgumentException($"InitialParameters are {InitialParameters.CovarianceType} with {InitialParameters.Components} components in {InitialParameters.Dimension} dimensions; the fit wants {CovarianceType} with {Components} in {dimension}.", nameof(InitialParameters));
        }
    }
}
