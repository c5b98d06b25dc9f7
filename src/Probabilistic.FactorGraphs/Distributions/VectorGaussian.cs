using Probabilistic.Core.Numerics;
using Probabilistic.FactorGraphs.LinearAlgebra;

namespace Probabilistic.FactorGraphs.Distributions;

/// <summary>A multivariate Gaussian in natural parameters (h = Pμ, P = Σ⁻¹).</summary>
/// <remarks>Density ∝ exp(hᵀx − xᵀPx/2); P = 0 is uniform; a product adds h and P. Point masses are not represented.</remarks>
public readonly struct VectorGaussian : IDistribution<VectorGaussian>
{
    private readonly double[] _h;
    private readonly double[] _p;

    private VectorGaussian(double[] h, double[] p) { _h = h; _p = p; }

    /// <summary>N(mean, variance), as Infer.NET's <c>new VectorGaussian(mean, variance)</c>.</summary>
    /// <exception cref="ArgumentException">The mean's length differs from the variance's dimension.</exception>
    public VectorGaussian(Vector mean, PositiveDefiniteMatrix variance) { this = FromMeanAndVariance(mean, variance); }

    /// <summary>The dimension d.</summary>
    public int Dimension => _h?.Length ?? 0;

    /// <summary>N(mean, precision⁻¹).</summary>
    public static VectorGaussian FromMeanAndPrecision(Vector mean, PositiveDefiniteMatrix precision)
    {
        ArgumentNullException.ThrowIfNull(mean);
        ArgumentNullException.ThrowIfNull(precision);
        int d = mean.Count;
        if (precision.Dimension != d) throw new ArgumentException($"Mean has {d} entries but precision is {precision.Dimension}×{precision.Dimension}.");
        var p = precision.Span.ToArray();
        var h = new double[d];
        for (int i = 0; i < d; i++) for (int j = 0; j < d; j++) h[i] += p[i * d + j] * mean[j];
        return new(h, p);
    }

    /// <summary>N(mean, variance).</summary>
    public static VectorGaussian FromMeanAndVariance(Vector mean, PositiveDefiniteMatrix variance)
    {
        ArgumentNullException.ThrowIfNull(variance);
        return FromMeanAndPrecision(mean, PositiveDefiniteMatrix.Wrap(variance.Dimension, Inverse(variance.Span.ToArray(), variance.Dimension)));
    }

    /// <summary>The flat distribution in d dimensions.</summary>
    public static VectorGaussian Uniform(int dimension) => new(new double[dimension], new double[dimension * dimension]);

    internal static VectorGaussian FromNatural(double[] h, double[] p) => new(h, p);

    internal ReadOnlySpan<double> MeanTimesPrecision => _h;

    internal ReadOnlySpan<double> PrecisionValues => _p;

    /// <summary>The precision array itself: with the immutable mean-times-precision array it identifies the value (for caches).</summary>
    internal (object, object) Identity => (_h, _p);

    /// <summary>The mean P⁻¹h.</summary>
    public Vector GetMean()
    {
        var l = Factor();
        var m = (double[])_h.Clone();
        Cholesky.SolveLower(l, Dimension, m);
        Cholesky.SolveUpper(l, Dimension, m);
        return Vector.FromArray(m);
    }

    /// <summary>The covariance P⁻¹.</summary>
    public PositiveDefiniteMatrix GetVariance() => PositiveDefiniteMatrix.Wrap(Dimension, Inverse(_p, Dimension));

    private double[] Factor()
    {
        var l = (double[])_p.Clone();
        if (!Cholesky.TryFactor(l, Dimension)) throw new InvalidOperationException("The VectorGaussian is improper (its precision is not positive definite).");
        return l;
    }

    internal static double[] Inverse(double[] a, int d)
    {
        var l = (double[])a.Clone();
        if (!Cholesky.TryFactor(l, d)) throw new InvalidOperationException("The matrix is not positive definite.");
        var inv = new double[d * d];
        for (int c = 0; c < d; c++)
        {
            var col = new double[d];
            col[c] = 1;
            Cholesky.SolveLower(l, d, col);
            Cholesky.SolveUpper(l, d, col);
            for (int r = 0; r < d; r++) inv[r * d + c] = col[r];
        }
        return inv;
    }

    /// <summary>A draw from Infer.NET's static generator <see cref="LinearAlgebra.Rand"/> (repeatable after <c>Rand.Restart(seed)</c>).</summary>
    public Vector Sample() => Sample(LinearAlgebra.Rand.Generator);

    /// <summary>A draw: mean + L z with L the Cholesky factor of the covariance.</summary>
    public Vector Sample(Random random)
    {
        ArgumentNullException.ThrowIfNull(random);
        int d = Dimension;
        var mean = GetMean();
        var l = Inverse(_p, d);
        if (!Cholesky.TryFactor(l, d)) throw new InvalidOperationException("Cannot sample an improper VectorGaussian.");
        var z = new double[d];
        for (int i = 0; i < d; i++) z[i] = MathNet.Numerics.Distributions.Normal.Sample(random, 0, 1);
        var x = new double[d];
        for (int i = 0; i < d; i++)
        {
            x[i] = mean[i];
            for (int k = 0; k <= i; k++) x[i] += l[i * d + k] * z[k];
        }
        return Vector.FromArray(x);
    }

    /// <inheritdoc/>
    public bool IsPointMass => false;

    /// <inheritdoc/>
    public bool IsUniform() => _p.All(x => x == 0) && _h.All(x => x == 0);

    /// <inheritdoc/>
    public bool IsProper()
    {
        var l = (double[])_p.Clone();
        return Cholesky.TryFactor(l, Dimension);
    }

    /// <inheritdoc/>
    public VectorGaussian CreateUniform() => Uniform(Dimension);

    /// <inheritdoc/>
    public double GetLogNormalizer()
    {
        var l = (double[])_p.Clone();
        if (!Cholesky.TryFactor(l, Dimension)) return double.PositiveInfinity;
        var y = (double[])_h.Clone();
        Cholesky.SolveLower(l, Dimension, y);
        double q = 0;
        foreach (var v in y) q += v * v;
        return 0.5 * q + Dimension * 0.91893853320467274178 - 0.5 * Cholesky.LogDeterminant(l, Dimension);
    }

    /// <inheritdoc/>
    public double GetAverageLogSelf()
    {
        var l = Factor();
        return 0.5 * Cholesky.LogDeterminant(l, Dimension) - Dimension * (0.91893853320467274178 + 0.5);
    }

    /// <inheritdoc/>
    public VectorGaussian Pow(double exponent) => exponent == 1 ? this : new(NaturalArrays.Scale(_h, exponent), NaturalArrays.Scale(_p, exponent));

    /// <inheritdoc/>
    public static VectorGaussian operator *(VectorGaussian a, VectorGaussian b) =>
        new(NaturalArrays.Add(a._h, b._h), NaturalArrays.Add(a._p, b._p));

    /// <inheritdoc/>
    public static VectorGaussian operator /(VectorGaussian a, VectorGaussian b) =>
        new(NaturalArrays.Subtract(a._h, b._h), NaturalArrays.Subtract(a._p, b._p));

    /// <summary>"VectorGaussian(mean, variance)".</summary>
    public override string ToString() => IsProper()
        ? "VectorGaussian(" + GetMean() + ", " + GetVariance().ToString().Replace(Environment.NewLine, "; ") + ")"
        : "VectorGaussian(improper)";
}
