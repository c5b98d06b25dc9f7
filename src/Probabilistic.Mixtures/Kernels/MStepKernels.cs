using Probabilistic.Core.Gaussians;

namespace Probabilistic.Mixtures.Kernels;

/// <summary>
/// The mixture M-step (scikit-learn's <c>_estimate_gaussian_parameters</c>): Core's <see cref="GaussianMStep"/> under
/// scikit-learn's regularisation (<see cref="CovarianceRegularization.AddToCovariance"/>: reg_covar added to every
/// covariance diagonal, 10·ε added to every N_k), from centred sufficient statistics instead of the responsibility matrix,
/// so one pass over the data serves the E-step and the M-step, and the same start gives scikit-learn's answer.
/// </summary>
internal static class MStepKernels
{
    /// <summary>Weights n_k / Σn_k, means, and covariances of type <paramref name="type"/> from the statistics.</summary>
    public static GaussianMixtureParameters EstimateGaussianParameters(GaussianStatistics s, double regCovar, CovarianceType type)
    {
        ArgumentNullException.ThrowIfNull(s);
        int k = s.Components, d = s.Dimension;
        var means = new double[k * d];
        var cov = new double[CovarianceLayout.Length(type, k, d)];
        var nk = GaussianMStep.Estimate(type is CovarianceType.Diagonal or CovarianceType.Spherical ? s.Diagonal() : s, type, regCovar,
            CovarianceRegularization.AddToCovariance, means, cov);
        double total = nk.Sum();
        var weights = new double[k];
        for (int c = 0; c < k; c++) weights[c] = nk[c] / total;
        return new GaussianMixtureParameters(type, k, d, weights, means, cov);
    }
}
