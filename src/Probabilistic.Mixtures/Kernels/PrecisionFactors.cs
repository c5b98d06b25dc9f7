using Probabilistic.Core.Numerics;
using Probabilistic.Core.Gaussians;

namespace Probabilistic.Mixtures.Kernels;

/// <summary>
/// What the E-step needs, computed once per iteration from the parameters (scikit-learn's
/// <c>_compute_precision_cholesky</c>): for full and tied covariances the lower-triangular L⁻¹ of each
/// covariance's Cholesky factor L (so the Mahalanobis distance is ‖L⁻¹(x−μ)‖²), for diagonal and spherical
/// the per-dimension inverse standard deviations; and per component log w_k − D/2·log 2π + log det L⁻¹.
/// </summary>
public sealed class PrecisionFactors
{
    private PrecisionFactors(int k, int d, bool full)
    {
        Components = k;
        Dimension = d;
        IsFull = full;
        Means = new double[k * d];
        Factors = new double[full ? k * d * d : k * d];
        LogNormalizers = new double[k];
    }

    /// <summary>K.</summary>
    public int Components { get; }
    /// <summary>D.</summary>
    public int Dimension { get; }
    /// <summary>True: <see cref="Factors"/> holds K lower-triangular D×D matrices L⁻¹; false: K rows of D inverse standard deviations.</summary>
    public bool IsFull { get; }
    /// <summary>Component means [K×D].</summary>
    public double[] Means { get; }
    /// <summary>L⁻¹ per component (full, tied expanded to K copies) or 1/σ per component and dimension (diagonal, spherical).</summary>
    public double[] Factors { get; }
    /// <summary>log w_k − D/2 log 2π + log det L⁻¹ per component.</summary>
    public double[] LogNormalizers { get; }

    /// <summary>
    /// Factors computed elsewhere (another process's <see cref="Compute(GaussianMixtureParameters)"/>, sent as arrays), so
    /// every partition of a distributed fit runs its E-step on the very bits the coordinator computed. The arrays are
    /// copied; their lengths are checked against <paramref name="components"/>, <paramref name="dimension"/> and
    /// <paramref name="full"/>.
    /// </summary>
    public static PrecisionFactors FromArrays(int components, int dimension, bool full, ReadOnlySpan<double> means,
        ReadOnlySpan<double> factors, ReadOnlySpan<double> logNormalizers)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(components, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(dimension, 1);
        var f = new PrecisionFactors(components, dimension, full);
        Fill(means, f.Means, nameof(means));
        Fill(factors, f.Factors, nameof(factors));
        Fill(logNormalizers, f.LogNormalizers, nameof(logNormalizers));
        return f;

        static void Fill(ReadOnlySpan<double> from, double[] to, string name)
        {
            if (from.Length != to.Length) throw new ArgumentException($"{from.Length} values given; {to.Length} needed.", name);
            from.CopyTo(to);
        }
    }

    /// <summary>Computes the factors, or throws scikit-learn's explanation when a covariance is not positive definite.</summary>
    /// <exception cref="IllConditionedCovarianceException">A covariance is not positive definite.</exception>
    public static PrecisionFactors Compute(GaussianMixtureParameters p) => Compute(p, CancellationToken.None);

    /// <summary><see cref="Compute(GaussianMixtureParameters)"/>, cancellable between and within factorisations.</summary>
    public static PrecisionFactors Compute(GaussianMixtureParameters p, CancellationToken cancellationToken)
    {
        int k = p.Components, d = p.Dimension;
        bool full = p.CovarianceType is CovarianceType.Full or CovarianceType.Tied;
        var f = new PrecisionFactors(k, d, full);
        p.MeansArray.CopyTo(f.Means, 0);
        var cov = p.CovariancesArray;
        var w = p.WeightsArray;
        double constant = -0.5 * d * GaussianMath.Log2Pi;
        if (full)
        {
            var l = new double[d * d];
            double logDet = 0;
            for (int c = 0; c < k; c++)
            {
                if (c == 0 || p.CovarianceType == CovarianceType.Full)
                {
                    int offset = p.CovarianceType == CovarianceType.Full ? c * d * d : 0;
                    if (!PrecisionFactor.TryCompute(cov.AsSpan(offset, d * d), d, l, f.Factors.AsSpan(c * d * d, d * d), out logDet, cancellationToken))
                        throw IllConditionedCovarianceException.ForComponent(c);
                }
                else f.Factors.AsSpan(0, d * d).CopyTo(f.Factors.AsSpan(c * d * d, d * d));
                f.LogNormalizers[c] = Math.Log(w[c]) + constant + logDet;
            }
        }
        else
        {
            for (int c = 0; c < k; c++)
            {
                double logDet = 0;
                for (int i = 0; i < d; i++)
                {
                    double v = p.CovarianceType == CovarianceType.Diagonal ? cov[c * d + i] : cov[c];
                    if (!(v > 0)) throw IllConditionedCovarianceException.ForComponent(c);
                    double s = 1.0 / Math.Sqrt(v);
                    f.Factors[c * d + i] = s;
                    logDet += Math.Log(s);
                }
                f.LogNormalizers[c] = Math.Log(w[c]) + constant + logDet;
            }
        }
        return f;
    }
}

/// <summary>A covariance stopped being positive definite during fitting (scikit-learn's message, with the component).</summary>
/// <remarks>A refusal of the data (or a start point) as they stand, so a <see cref="Core.ProbabilisticException"/>.</remarks>
public sealed class IllConditionedCovarianceException(string message) : Core.ProbabilisticException(message)
{
    internal static IllConditionedCovarianceException ForComponent(int k) => new(
        $"Fitting the mixture model failed because component {k} has an ill-defined covariance (not positive definite; "
        + "for instance caused by singleton or collapsed samples). Try to decrease the number of components, "
        + "increase the covariance regularisation (RegCovar), or scale the input data.");
}
