using MathNet.Numerics;
using Probabilistic.Core.Numerics;
using Probabilistic.FactorGraphs.LinearAlgebra;

namespace Probabilistic.FactorGraphs.Distributions;

/// <summary>A Wishart distribution over d×d positive-definite matrices in shape/rate form.</summary>
/// <remarks>
/// Density ∝ |X|^(Shape − (d+1)/2) exp(−tr(Rate·X)): natural parameters (Shape − (d+1)/2, Rate) add under a product;
/// Shape (d+1)/2 with Rate 0 is uniform. E[X] = Shape·Rate⁻¹.
/// </remarks>
public readonly struct Wishart : IDistribution<Wishart>
{
    private readonly double[] _rate;

    private Wishart(int d, double shape, double[] rate) { Dimension = d; Shape = shape; _rate = rate; }

    /// <summary>Wishart with shape a and scale S (mean a·S), as Infer.NET's <c>new Wishart(shape, scale)</c>.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The shape is not &gt; (d − 1)/2.</exception>
    public Wishart(double shape, PositiveDefiniteMatrix scale) { this = FromShapeAndScale(shape, scale); }

    /// <summary>d.</summary>
    public int Dimension { get; }

    /// <summary>The shape a (> (d−1)/2 when proper).</summary>
    public double Shape { get; }

    /// <summary>Wishart with shape a and scale S (rate S⁻¹), mean a·S.</summary>
    public static Wishart FromShapeAndScale(double shape, PositiveDefiniteMatrix scale)
    {
        ArgumentNullException.ThrowIfNull(scale);
        int d = scale.Dimension;
        if (!(shape > (d - 1) / 2.0)) throw new ArgumentOutOfRangeException(nameof(shape), shape, $"A {d}×{d} Wishart needs shape > {(d - 1) / 2.0}.");
        return new(d, shape, VectorGaussian.Inverse(scale.Span.ToArray(), d));
    }

    /// <summary>Wishart with shape a and rate matrix B.</summary>
    public static Wishart FromShapeAndRate(double shape, PositiveDefiniteMatrix rate)
    {
        ArgumentNullException.ThrowIfNull(rate);
        return new(rate.Dimension, shape, rate.Span.ToArray());
    }

    internal static Wishart FromNatural(int d, double shape, double[] rate) => new(d, shape, rate);

    /// <summary>The flat distribution.</summary>
    public static Wishart Uniform(int dimension) => new(dimension, (dimension + 1) / 2.0, new double[dimension * dimension]);

    internal ReadOnlySpan<double> RateValues => _rate;

    /// <summary>The rate array itself: the distribution is immutable, so its identity identifies its value (for caches).</summary>
    internal object Identity => _rate;

    /// <summary>E[X] = a·B⁻¹.</summary>
    public PositiveDefiniteMatrix GetMean() => PositiveDefiniteMatrix.Wrap(Dimension, MeanValues());

    internal double[] MeanValues()
    {
        var inv = VectorGaussian.Inverse(_rate, Dimension);
        for (int i = 0; i < inv.Length; i++) inv[i] *= Shape;
        return inv;
    }

    /// <summary>E[log |X|] = Σ_i ψ(a − i/2) − log |B|.</summary>
    public double GetMeanLogDeterminant()
    {
        double s = 0;
        for (int i = 0; i < Dimension; i++) s += SpecialFunctions.DiGamma(Shape - i / 2.0);
        return s - LogDet(_rate, Dimension);
    }

    private static double LogDet(double[] a, int d)
    {
        var l = (double[])a.Clone();
        if (!Cholesky.TryFactor(l, d)) return double.NaN;
        return Cholesky.LogDeterminant(l, d);
    }

    private double LogMultiGamma()
    {
        double s = Dimension * (Dimension - 1) / 4.0 * Math.Log(Math.PI);
        for (int i = 0; i < Dimension; i++) s += SpecialFunctions.GammaLn(Shape - i / 2.0);
        return s;
    }

    /// <summary>A draw by Bartlett's decomposition (Smith &amp; Hocking 1972, "Wishart variate generator", AS 53).</summary>
    /// <remarks>
    /// With ν = 2a degrees of freedom and covariance S/2 (S = rate⁻¹), X = L B Bᵀ Lᵀ where S = L Lᵀ, B is lower
    /// triangular, B_ii² ~ Gamma(a − i/2, rate 1) (half a χ²(ν − i)) and B_ij ~ N(0, 1/2) below the diagonal.
    /// </remarks>
    /// <exception cref="InvalidOperationException">The distribution is improper.</exception>
    public PositiveDefiniteMatrix Sample(Random random)
    {
        ArgumentNullException.ThrowIfNull(random);
        if (!IsProper()) throw new InvalidOperationException($"Cannot sample the improper {this}.");
        int d = Dimension;
        var l = VectorGaussian.Inverse(_rate, d);
        if (!Cholesky.TryFactor(l, d)) throw new InvalidOperationException($"Cannot sample {this}: its scale matrix is not positive definite.");
        var b = new double[d * d];
        for (int i = 0; i < d; i++)
        {
            b[i * d + i] = Math.Sqrt(MathNet.Numerics.Distributions.Gamma.Sample(random, Shape - i / 2.0, 1));
            for (int j = 0; j < i; j++) b[i * d + j] = MathNet.Numerics.Distributions.Normal.Sample(random, 0, Math.Sqrt(0.5));
        }
        var lb = new double[d * d];   // L·B, lower triangular
        for (int i = 0; i < d; i++)
            for (int j = 0; j <= i; j++)
            {
                double s = 0;
                for (int k = j; k <= i; k++) s += l[i * d + k] * b[k * d + j];
                lb[i * d + j] = s;
            }
        var x = new double[d * d];
        for (int i = 0; i < d; i++)
            for (int j = 0; j <= i; j++)
            {
                double s = 0;
                for (int k = 0; k <= j; k++) s += lb[i * d + k] * lb[j * d + k];
                x[i * d + j] = s;
                x[j * d + i] = s;
            }
        return PositiveDefiniteMatrix.Wrap(d, x);
    }

    /// <summary>A draw from Infer.NET's static generator <see cref="Rand"/> (repeatable after <c>Rand.Restart(seed)</c>).</summary>
    public PositiveDefiniteMatrix Sample() => Sample(Rand.Generator);

    /// <inheritdoc/>
    public bool IsPointMass => false;

    /// <inheritdoc/>
    public bool IsUniform() => Shape == (Dimension + 1) / 2.0 && _rate.All(x => x == 0);

    /// <inheritdoc/>
    public bool IsProper()
    {
        var l = (double[])_rate.Clone();
        return Shape > (Dimension - 1) / 2.0 && Cholesky.TryFactor(l, Dimension);
    }

    /// <inheritdoc/>
    public Wishart CreateUniform() => Uniform(Dimension);

    /// <inheritdoc/>
    public double GetLogNormalizer() => IsProper() ? LogMultiGamma() - Shape * LogDet(_rate, Dimension) : double.PositiveInfinity;

    /// <inheritdoc/>
    public double GetAverageLogSelf() => (Shape - (Dimension + 1) / 2.0) * GetMeanLogDeterminant() - Shape * Dimension - GetLogNormalizer();

    /// <summary>E_this[log p(X)] for a normalised Wishart p.</summary>
    public double GetAverageLog(Wishart p)
    {
        var m = MeanValues();
        double tr = 0;
        for (int i = 0; i < m.Length; i++) tr += p._rate[i] * m[i];
        return (p.Shape - (Dimension + 1) / 2.0) * GetMeanLogDeterminant() - tr - p.GetLogNormalizer();
    }

    /// <inheritdoc/>
    public Wishart Pow(double exponent) =>
        exponent == 1 ? this : new(Dimension, (Shape - (Dimension + 1) / 2.0) * exponent + (Dimension + 1) / 2.0, NaturalArrays.Scale(_rate, exponent));

    /// <inheritdoc/>
    public static Wishart operator *(Wishart a, Wishart b) =>
        new(a.Dimension, a.Shape + b.Shape - (a.Dimension + 1) / 2.0, NaturalArrays.Add(a._rate, b._rate));

    /// <inheritdoc/>
    public static Wishart operator /(Wishart a, Wishart b) =>
        new(a.Dimension, a.Shape - b.Shape + (a.Dimension + 1) / 2.0, NaturalArrays.Subtract(a._rate, b._rate));

    /// <summary>The scale matrix S = rate⁻¹ (so the mean is Shape·S).</summary>
    public PositiveDefiniteMatrix GetScale() => PositiveDefiniteMatrix.Wrap(Dimension, VectorGaussian.Inverse(_rate, Dimension));

    /// <summary>"Wishart(shape, scale)" as Infer.NET prints it, the scale's rows separated by "; ".</summary>
    public override string ToString() => IsProper()
        ? "Wishart(" + Gaussian.F(Shape) + ", " + GetScale().ToString().Replace(Environment.NewLine, "; ") + ")"
        : "Wishart(improper)";
}
