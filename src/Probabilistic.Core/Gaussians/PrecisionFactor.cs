using Probabilistic.Core.Numerics;

namespace Probabilistic.Core.Gaussians;

/// <summary>
/// The precision factor of a full covariance, shared by mixtures and HMMs (scikit-learn's
/// <c>_compute_precision_cholesky</c>): with Σ = L Lᵀ, the lower-triangular L⁻¹, so that the Mahalanobis distance is
/// ‖L⁻¹(x − μ)‖², and log det L⁻¹ = −½ log det Σ for the normaliser −½ D log 2π + log det L⁻¹.
/// </summary>
public static class PrecisionFactor
{
    /// <summary>
    /// Writes L⁻¹ of the D×D <paramref name="covariance"/> into <paramref name="inverseFactor"/> (using <paramref name="work"/>,
    /// D×D, as scratch) and returns log det L⁻¹; false when the covariance is not positive definite (a Cholesky pivot ≤ 0).
    /// </summary>
    public static bool TryCompute(ReadOnlySpan<double> covariance, int d, Span<double> work, Span<double> inverseFactor, out double logDetInverse,
        CancellationToken cancellationToken = default)
    {
        covariance[..(d * d)].CopyTo(work);
        logDetInverse = double.NaN;
        if (!Cholesky.TryFactor(work, d, cancellationToken)) return false;
        Cholesky.InvertLower(work, d, inverseFactor);
        double s = 0;
        for (int i = 0; i < d; i++) s += Math.Log(inverseFactor[i * d + i]);
        logDetInverse = s;
        return true;
    }

    /// <summary>−½ D log 2π + log det L⁻¹: the log normaliser of a Gaussian whose precision factor has that log determinant.</summary>
    public static double LogNormalizer(int d, double logDetInverse) => -0.5 * d * GaussianMath.Log2Pi + logDetInverse;
}
