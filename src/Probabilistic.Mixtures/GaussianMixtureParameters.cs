using System.Globalization;
using MathNet.Numerics.LinearAlgebra;
using Probabilistic.Core.Gaussians;

namespace Probabilistic.Mixtures;

/// <summary>
/// The parameters of a Gaussian mixture: K weights, K means of dimension D, and covariances stored flat in the
/// layout of <see cref="CovarianceLayout.Length"/> (Full: K row-major D×D blocks; Diagonal: K rows of D variances;
/// Spherical: K variances; Tied: one D×D). Immutable once built; validated on construction.
/// </summary>
public sealed class GaussianMixtureParameters
{
    /// <summary>Validates and wraps the arrays (they are copied).</summary>
    /// <exception cref="ArgumentException">Shapes disagree, weights are not a distribution, or a value is not finite.</exception>
    public GaussianMixtureParameters(CovarianceType covarianceType, int components, int dimension,
        ReadOnlySpan<double> weights, ReadOnlySpan<double> means, ReadOnlySpan<double> covariances)
    {
        if (components < 1) throw new ArgumentOutOfRangeException(nameof(components), components, "A mixture needs at least one component.");
        if (dimension < 1) throw new ArgumentOutOfRangeException(nameof(dimension), dimension, "The dimension must be at least 1.");
        if (weights.Length != components) throw new ArgumentException($"{weights.Length} weights given for {components} components.", nameof(weights));
        if (means.Length != (long)components * dimension) throw new ArgumentException($"{means.Length} mean values given; {components}x{dimension} needed.", nameof(means));
        int covLength = CovarianceLayout.Length(covarianceType, components, dimension);
        if (covariances.Length != covLength)
            throw new ArgumentException($"{covariances.Length} covariance values given; a {covarianceType} covariance of {components} components in {dimension} dimensions needs {covLength}.", nameof(covariances));
        double sum = 0;
        for (int k = 0; k < components; k++)
        {
            if (!(weights[k] >= 0) || !double.IsFinite(weights[k])) throw new ArgumentException($"Weight {k} is {weights[k].ToString(CultureInfo.InvariantCulture)}; weights must be finite and >= 0.", nameof(weights));
            sum += weights[k];
        }
        if (Math.Abs(sum - 1) > 1e-6) throw new ArgumentException($"The weights sum to {sum.ToString("R", CultureInfo.InvariantCulture)}, not 1.", nameof(weights));
        for (int i = 0; i < means.Length; i++)
            if (!double.IsFinite(means[i])) throw new ArgumentException($"Mean value {i} (component {i / dimension}, dimension {i % dimension}) is not finite.", nameof(means));
        for (int i = 0; i < covariances.Length; i++)
            if (!double.IsFinite(covariances[i])) throw new ArgumentException($"Covariance value {i} is not finite.", nameof(covariances));
        CovarianceType = covarianceType;
        Components = components;
        Dimension = dimension;
        Weights = weights.ToArray();
        Means = means.ToArray();
        Covariances = covariances.ToArray();
    }

    /// <summary>How the covariances are parameterised.</summary>
    public CovarianceType CovarianceType { get; }

    /// <summary>K.</summary>
    public int Components { get; }

    /// <summary>D.</summary>
    public int Dimension { get; }

    /// <summary>Throws naming the first component whose full (or tied) covariance is not symmetric (see <see cref="CovarianceLayout.RequireSymmetric"/>).</summary>
    public void RequireSymmetric()
    {
        if (CovarianceType is not (CovarianceType.Full or CovarianceType.Tied)) return;
        for (int k = 0; k < (CovarianceType == CovarianceType.Full ? Components : 1); k++)
            CovarianceLayout.RequireSymmetric(CovariancesArray, k * Dimension * Dimension, Dimension,
                CovarianceType == CovarianceType.Tied ? "The tied covariance" : $"The covariance of component {k}");
    }

    /// <summary>Mixing weights [K] (a copy is not made on read; do not modify).</summary>
    public IReadOnlyList<double> Weights { get; }

    /// <summary>Means, row-major [K×D].</summary>
    public IReadOnlyList<double> Means { get; }

    /// <summary>Covariances, flat, in the layout of <see cref="CovarianceLayout.Length"/>.</summary>
    public IReadOnlyList<double> Covariances { get; }

    internal double[] WeightsArray => (double[])Weights;
    internal double[] MeansArray => (double[])Means;
    internal double[] CovariancesArray => (double[])Covariances;

    /// <summary>The mixing weights as a Math.NET vector.</summary>
    public Vector<double> WeightVector() => Vector<double>.Build.DenseOfArray(WeightsArray.ToArray());

    /// <summary>Mean of component <paramref name="k"/> as a Math.NET vector.</summary>
    public Vector<double> MeanVector(int k) => Vector<double>.Build.DenseOfArray(Mean(k));

    /// <summary>The full D×D covariance of component <paramref name="k"/>, whatever the type, as a Math.NET matrix.</summary>
    public Matrix<double> CovarianceMatrix(int k) => Matrix<double>.Build.DenseOfRowMajor(Dimension, Dimension, FullCovariance(k));

    /// <summary>Mean of component <paramref name="k"/>.</summary>
    public double[] Mean(int k) => MeansArray.AsSpan(k * Dimension, Dimension).ToArray();

    /// <summary>The full D×D covariance of component <paramref name="k"/>, whatever the type, row-major.</summary>
    public double[] FullCovariance(int k)
    {
        int d = Dimension;
        var c = new double[d * d];
        var cov = CovariancesArray;
        switch (CovarianceType)
        {
            case CovarianceType.Full: cov.AsSpan(k * d * d, d * d).CopyTo(c); break;
            case CovarianceType.Tied: cov.AsSpan(0, d * d).CopyTo(c); break;
            case CovarianceType.Diagonal: for (int i = 0; i < d; i++) c[i * d + i] = cov[k * d + i]; break;
            case CovarianceType.Spherical: for (int i = 0; i < d; i++) c[i * d + i] = cov[k]; break;
        }
        return c;
    }

    /// <summary>Builds parameters from nested arrays as the peer scripts and JSON files write them.</summary>
    /// <param name="covarianceType">The type to build; full D×D input matrices are reduced to diagonals or averaged variances, and averaged over components for Tied.</param>
    /// <param name="weights">[K].</param>
    /// <param name="means">[K][D].</param>
    /// <param name="covariances">[K][D][D] full matrices.</param>
    public static GaussianMixtureParameters FromFullCovariances(CovarianceType covarianceType, double[] weights, double[][] means, double[][][] covariances)
    {
        if (weights is null || means is null || covariances is null) throw new ArgumentException("Weights, means and covariances are all needed.");
        int k = means.Length;
        if (k == 0) throw new ArgumentException("No means given.", nameof(means));
        if (means.Any(m => m is null)) throw new ArgumentException("A mean is null.", nameof(means));
        int d = means[0].Length;
        if (d == 0) throw new ArgumentException("The means are empty (dimension 0).", nameof(means));
        if (means.Any(m => m.Length != d)) throw new ArgumentException("The means have different lengths.", nameof(means));
        if (covariances.Length != k) throw new ArgumentException($"{covariances.Length} covariances given for {k} means.", nameof(covariances));
        for (int c = 0; c < k; c++)
        {
            if (covariances[c] is null || covariances[c].Length != d || covariances[c].Any(r => r is null || r.Length != d))
                throw new ArgumentException($"Covariance {c} is not {d}x{d}.", nameof(covariances));
            CovarianceLayout.RequireSymmetric(covariances[c].SelectMany(r => r).ToArray(), 0, d, $"Covariance {c}");
        }
        var flatMeans = means.SelectMany(m => m).ToArray();
        double[] cov = new double[CovarianceLayout.Length(covarianceType, k, d)];
        for (int c = 0; c < k; c++)
            for (int i = 0; i < d; i++)
                for (int j = 0; j < d; j++)
                {
                    double v = covariances[c][i][j];
                    switch (covarianceType)
                    {
                        case CovarianceType.Full: cov[(c * d + i) * d + j] = v; break;
                        case CovarianceType.Tied: cov[i * d + j] += v / k; break;
                        case CovarianceType.Diagonal: if (i == j) cov[c * d + i] = v; break;
                        case CovarianceType.Spherical: if (i == j) cov[c] += v / d; break;
                    }
                }
        return new GaussianMixtureParameters(covarianceType, k, d, weights, flatMeans, cov);
    }
}
