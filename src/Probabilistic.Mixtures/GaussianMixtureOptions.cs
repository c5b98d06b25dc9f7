using Probabilistic.Core;
using Probabilistic.Core.Inference;
using Probabilistic.Core.Gaussians;

namespace Probabilistic.Mixtures;

/// <summary>
/// Settings of <see cref="GaussianMixture"/> (scikit-learn's <c>GaussianMixture</c> arguments); how long the fit runs, its
/// tolerance, seed and progress are the <see cref="FitOptions"/> given to <c>Fit</c>, as for every family.
/// </summary>
/// <param name="Components">K.</param>
/// <param name="CovarianceType">Full (default), Diagonal, Spherical or Tied.</param>
/// <param name="RegCovar">Added to every covariance diagonal in each M-step (scikit-learn's reg_covar, 1e-6).</param>
/// <param name="Restarts">Fits from different starts; the best final log-likelihood is kept (scikit-learn's n_init).</param>
/// <param name="Init">How to start.</param>
/// <param name="InitialMeans">[K×D] row-major, for <see cref="MixtureInit.Means"/>.</param>
/// <param name="InitialParameters">The start point for <see cref="MixtureInit.Parameters"/>.</param>
/// <param name="Backend">Where E-steps run (null: <see cref="CpuMixtureBackend"/> on all cores).</param>
/// <param name="Budget">The memory limit the fit's estimate is checked against before allocating (null: the memory available now).</param>
public sealed record GaussianMixtureOptions(
    int Components,
    CovarianceType CovarianceType = CovarianceType.Full,
    double RegCovar = 1e-6,
    int Restarts = 1,
    MixtureInit Init = MixtureInit.KMeansPlusPlus,
    double[]? InitialMeans = null,
    GaussianMixtureParameters? InitialParameters = null,
    IMixtureBackend? Backend = null,
    MemoryBudget? Budget = null)
{
    /// <summary>Throws naming the first option out of range.</summary>
    public void Validate(int dimension)
    {
        if (Components < 1) throw new ArgumentOutOfRangeException(nameof(Components), Components, "At least one component.");
        if (!(RegCovar >= 0) || !double.IsFinite(RegCovar)) throw new ArgumentOutOfRangeException(nameof(RegCovar), RegCovar, "RegCovar must be finite and >= 0.");
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
