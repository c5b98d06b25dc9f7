using Probabilistic.Core.Gaussians;
namespace Probabilistic.Mixtures.Kernels;

/// <summary>
/// M-step kernels (scikit-learn's <c>_estimate_gaussian_parameters</c> and <c>_estimate_gaussian_covariances_*</c>),
/// from centred sufficient statistics instead of the responsibility matrix, so one pass over the data serves the
/// E-step and the M-step. Every covariance gets <c>regCovar</c> added to its diagonal, and every N_k gets 10·ε as in
/// scikit-learn, so the same start gives the same answer.
/// </summary>
public static class MStepKernels
{
    /// <summary>numpy.finfo(float64).eps.</summary>
    public const double MachineEpsilon = 2.220446049250313e-16;

    /// <summary>N_k + 10·ε (scikit-learn's guard against empty components).</summary>
    public static void EstimateNk(ReadOnlySpan<double> rawNk, Span<double> nk)
    {
        for (int k = 0; k < rawNk.Length; k++) nk[k] = rawNk[k] + 10 * MachineEpsilon;
    }

    /// <summary>New means m_k + S1_k / n_k; writes δ_k = S1_k / n_k into <paramref name="delta"/>.</summary>
    public static void EstimateMeans(SufficientStatistics s, ReadOnlySpan<double> nk, Span<double> means, Span<double> delta)
    {
        int d = s.Dimension;
        for (int k = 0; k < s.Components; k++)
            for (int i = 0; i < d; i++)
            {
                double dl = s.Sum[k * d + i] / nk[k];
                delta[k * d + i] = dl;
                means[k * d + i] = s.Shift[k * d + i] + dl;
            }
    }

    /// <summary>
    /// Σ_k = Σₙ r_nk (x_n − μ_k)(x_n − μ_k)ᵀ / n_k + reg·I, from moments centred at m_k with δ_k = μ_k − m_k:
    /// Σₙ r (d − δ)(d − δ)ᵀ = S2 − (2 n_k − N_k) δδᵀ (because S1 = n_k δ).
    /// </summary>
    public static void EstimateCovariancesFull(SufficientStatistics s, ReadOnlySpan<double> nk, ReadOnlySpan<double> delta, double regCovar, Span<double> covariances)
    {
        int d = s.Dimension;
        for (int k = 0; k < s.Components; k++)
        {
            double c = 2 * nk[k] - s.Nk[k];
            for (int i = 0; i < d; i++)
                for (int j = 0; j < d; j++)
                {
                    double v = (s.SumSquares[(k * d + i) * d + j] - c * delta[k * d + i] * delta[k * d + j]) / nk[k];
                    covariances[(k * d + i) * d + j] = i == j ? v + regCovar : v;
                }
        }
    }

    /// <summary>One covariance shared by all components: Σ_k Σₙ r_nk (x_n − μ_k)(x_n − μ_k)ᵀ / Σ_k n_k + reg·I.</summary>
    public static void EstimateCovariancesTied(SufficientStatistics s, ReadOnlySpan<double> nk, ReadOnlySpan<double> delta, double regCovar, Span<double> covariance)
    {
        int d = s.Dimension;
        covariance[..(d * d)].Clear();
        double total = 0;
        for (int k = 0; k < s.Components; k++)
        {
            total += nk[k];
            double c = 2 * nk[k] - s.Nk[k];
            for (int i = 0; i < d; i++)
                for (int j = 0; j < d; j++)
                    covariance[i * d + j] += s.SumSquares[(k * d + i) * d + j] - c * delta[k * d + i] * delta[k * d + j];
        }
        for (int i = 0; i < d; i++)
            for (int j = 0; j < d; j++)
                covariance[i * d + j] = covariance[i * d + j] / total + (i == j ? regCovar : 0);
    }

    /// <summary>Per-dimension variances Σₙ r_nk (x_n − μ_k)² / n_k + reg.</summary>
    public static void EstimateCovariancesDiag(SufficientStatistics s, ReadOnlySpan<double> nk, ReadOnlySpan<double> delta, double regCovar, Span<double> covariances)
    {
        int d = s.Dimension;
        for (int k = 0; k < s.Components; k++)
        {
            double c = 2 * nk[k] - s.Nk[k];
            for (int i = 0; i < d; i++)
            {
                double dl = delta[k * d + i];
                covariances[k * d + i] = (s.SumSquares[k * d + i] - c * dl * dl) / nk[k] + regCovar;
            }
        }
    }

    /// <summary>One variance per component: the mean over dimensions of the diagonal estimate (with reg).</summary>
    public static void EstimateCovariancesSpherical(SufficientStatistics s, ReadOnlySpan<double> nk, ReadOnlySpan<double> delta, double regCovar, Span<double> variances)
    {
        int d = s.Dimension;
        Span<double> diag = new double[s.Components * d];
        EstimateCovariancesDiag(s, nk, delta, regCovar, diag);
        for (int k = 0; k < s.Components; k++)
        {
            double sum = 0;
            for (int i = 0; i < d; i++) sum += diag[k * d + i];
            variances[k] = sum / d;
        }
    }

    /// <summary>Weights n_k / Σn_k, means, and covariances of type <paramref name="type"/> from the statistics.</summary>
    public static GaussianMixtureParameters EstimateGaussianParameters(SufficientStatistics s, double regCovar, CovarianceType type)
    {
        int k = s.Components, d = s.Dimension;
        if (!s.IsFull && type is CovarianceType.Full or CovarianceType.Tied)
            throw new ArgumentException($"{type} covariances need full second moments.", nameof(s));
        var nk = new double[k];
        EstimateNk(s.Nk, nk);
        var means = new double[k * d];
        var delta = new double[k * d];
        EstimateMeans(s, nk, means, delta);
        var cov = new double[CovarianceLayout.Length(type, k, d)];
        if (s.IsFull && type is CovarianceType.Diagonal or CovarianceType.Spherical)
        {
            var diagStats = ToDiagonal(s);
            if (type == CovarianceType.Diagonal) EstimateCovariancesDiag(diagStats, nk, delta, regCovar, cov);
            else EstimateCovariancesSpherical(diagStats, nk, delta, regCovar, cov);
        }
        else
        {
            switch (type)
            {
                case CovarianceType.Full: EstimateCovariancesFull(s, nk, delta, regCovar, cov); break;
                case CovarianceType.Tied: EstimateCovariancesTied(s, nk, delta, regCovar, cov); break;
                case CovarianceType.Diagonal: EstimateCovariancesDiag(s, nk, delta, regCovar, cov); break;
                case CovarianceType.Spherical: EstimateCovariancesSpherical(s, nk, delta, regCovar, cov); break;
            }
        }
        double total = 0;
        foreach (var v in nk) total += v;
        var weights = new double[k];
        for (int c = 0; c < k; c++) weights[c] = nk[c] / total;
        return new GaussianMixtureParameters(type, k, d, weights, means, cov);
    }

    private static SufficientStatistics ToDiagonal(SufficientStatistics s)
    {
        int k = s.Components, d = s.Dimension;
        var r = new SufficientStatistics(k, d, false);
        s.Nk.CopyTo(r.Nk, 0);
        s.Shift.CopyTo(r.Shift, 0);
        s.Sum.CopyTo(r.Sum, 0);
        for (int c = 0; c < k; c++)
            for (int i = 0; i < d; i++) r.SumSquares[c * d + i] = s.SumSquares[(c * d + i) * d + i];
        r.LogLikelihood = s.LogLikelihood;
        return r;
    }
}
