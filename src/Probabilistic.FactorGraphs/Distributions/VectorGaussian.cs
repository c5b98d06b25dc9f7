using Probabilistic.Core.Numerics;
using Probabilistic.FactorGraphs.LinearAlgebra;

namespace Probabilistic.FactorGraphs.Distributions;

/// <summary>A multivariate Gaussian in natural parameters (h = Pμ, P = Σ⁻¹).</summary>
/// <remarks>
/// Density ∝ exp(hᵀx − xᵀPx/2); P = 0 is uniform; a product adds h and P. A point mass at v is stored as Infer.NET stores
/// it: h = v and P with +∞ on the diagonal (0 elsewhere); a point mass times anything proper is the point mass, and a point
/// mass divided by anything is the point mass (so an EP context of a point-mass marginal is that point mass).
/// </remarks>
public readonly partial struct VectorGaussian : IExponentialFamily<VectorGaussian>, IDistribution<Vector>
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

    /// <summary>All mass at <paramref name="value"/>, as Infer.NET's <c>VectorGaussian.PointMass(Vector)</c>.</summary>
    /// <exception cref="ArgumentException">The vector is empty.</exception>
    public static VectorGaussian PointMass(Vector value)
    {
        ArgumentNullException.ThrowIfNull(value);
        int d = value.Count;
        if (d == 0) throw new ArgumentException("A VectorGaussian point mass needs at least one dimension.", nameof(value));
        var p = new double[d * d];
        for (int i = 0; i < d; i++) p[i * d + i] = double.PositiveInfinity;
        return new(value.ToArray(), p);
    }

    /// <summary>The flat distribution in d dimensions.</summary>
    public static VectorGaussian Uniform(int dimension) => new(new double[dimension], new double[dimension * dimension]);

    internal static VectorGaussian FromNatural(double[] h, double[] p) => new(h, p);

    internal ReadOnlySpan<double> MeanTimesPrecision => _h;

    internal ReadOnlySpan<double> PrecisionValues => _p;

    /// <summary>The precision array itself: with the immutable mean-times-precision array it identifies the value (for caches).</summary>
    internal (object, object) Identity => (_h, _p);

    /// <summary>The mean P⁻¹h (the point of a point mass).</summary>
    public Vector GetMean()
    {
        if (IsPointMass) return Vector.FromArray(_h);
        var l = Factor();
        var m = (double[])_h.Clone();
        Cholesky.SolveLower(l, Dimension, m);
        Cholesky.SolveUpper(l, Dimension, m);
        return Vector.FromArray(m);
    }

    /// <summary>The most probable value: the mean, as in Infer.NET.</summary>
    public Vector GetMode() => GetMean();

    /// <summary>The covariance P⁻¹ (all zeros for a point mass).</summary>
    public PositiveDefiniteMatrix GetVariance() =>
        PositiveDefiniteMatrix.Wrap(Dimension, IsPointMass ? new double[Dimension * Dimension] : Inverse(_p, Dimension));

    /// <summary>The point of a point mass.</summary>
    /// <exception cref="InvalidOperationException">The distribution is not a point mass.</exception>
    public Vector Point => IsPointMass ? Vector.FromArray(_h) : throw new InvalidOperationException($"{this} is not a point mass.");

    /// <summary>
    /// log density at <paramref name="x"/>: −d/2 log 2π + ½ log|P| − ½ (x − μ)ᵀP(x − μ); 0 or −∞ for a point mass, 0 for the
    /// uniform. An improper message (P singular) gives its unnormalised log hᵀx − xᵀPx/2, as Infer.NET defines it.
    /// </summary>
    /// <exception cref="ArgumentException"><paramref name="x"/> has the wrong length.</exception>
    public double GetLogProb(Vector x)
    {
        ArgumentNullException.ThrowIfNull(x);
        int d = Dimension;
        if (x.Count != d) throw new ArgumentException($"The point has {x.Count} entries but the VectorGaussian has dimension {d}.", nameof(x));
        if (IsPointMass) return x.Span.SequenceEqual(_h) ? 0 : double.NegativeInfinity;
        double quad = 0, lin = 0;
        for (int i = 0; i < d; i++)
        {
            lin += _h[i] * x[i];
            for (int j = 0; j < d; j++) quad += x[i] * _p[i * d + j] * x[j];
        }
        double logNormalizer = GetLogNormalizer();
        return lin - 0.5 * quad - (double.IsPositiveInfinity(logNormalizer) ? 0 : logNormalizer);
    }

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
        // column-by-column solves leave the two triangles differing in their last bits; a precision built from this inverse
        // and multiplied into marginals over many sweeps would carry that asymmetry into every mean it gives (P·m ≠ h), so
        // the result is made exactly symmetric, as Infer.NET symmetrises its inverses
        for (int r = 0; r < d; r++)
            for (int c = r + 1; c < d; c++)
            {
                double m = 0.5 * (inv[r * d + c] + inv[c * d + r]);
                inv[r * d + c] = m;
                inv[c * d + r] = m;
            }
        return inv;
    }

    /// <summary>A draw from Infer.NET's static generator <see cref="LinearAlgebra.Rand"/> (repeatable after <c>Rand.Restart(seed)</c>).</summary>
    public Vector Sample() => Sample(LinearAlgebra.Rand.Generator);

    /// <summary>A draw: mean + L z with L the Cholesky factor of the covariance.</summary>
    public Vector Sample(Random random)
    {
        ArgumentNullException.ThrowIfNull(random);
        if (IsPointMass) return Vector.FromArray(_h);
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
    public bool IsPointMass
    {
        get
        {
            int d = Dimension;
            if (d == 0) return false;
            for (int i = 0; i < d; i++)
                if (!double.IsPositiveInfinity(_p[i * d + i])) return false;
            return true;
        }
    }

    /// <inheritdoc/>
    public bool IsUniform() => _p.All(x => x == 0) && _h.All(x => x == 0);

    /// <inheritdoc/>
    public bool IsProper()
    {
        if (IsPointMass) return true;
        var l = (double[])_p.Clone();
        return Cholesky.TryFactor(l, Dimension);
    }

    /// <inheritdoc/>
    public VectorGaussian CreateUniform() => Uniform(Dimension);

    /// <inheritdoc/>
    public double GetLogNormalizer()
    {
        if (IsPointMass) return 0;
        var l = (double[])_p.Clone();
        if (!Cholesky.TryFactor(l, Dimension)) return double.PositiveInfinity;
        var y = (double[])_h.Clone();
        Cholesky.SolveLower(l, Dimension, y);
        double q = 0;
        foreach (var v in y) q += v * v;
        return 0.5 * q + Dimension * HalfLog2Pi - 0.5 * Cholesky.LogDeterminant(l, Dimension);
    }

    /// <inheritdoc/>
    public double GetAverageLogSelf()
    {
        if (IsPointMass) return 0;
        var l = Factor();
        return 0.5 * Cholesky.LogDeterminant(l, Dimension) - Dimension * (HalfLog2Pi + 0.5);
    }

    /// <inheritdoc/>
    /// <remarks>A point mass raised to any power stays the point mass, as the scalar distributions do.</remarks>
    public VectorGaussian Pow(double exponent) =>
        exponent == 1 || IsPointMass ? this : new(NaturalArrays.Scale(_h, exponent), NaturalArrays.Scale(_p, exponent));

    /// <inheritdoc/>
    /// <remarks>A point mass times anything is the point mass.</remarks>
    /// <exception cref="InvalidOperationException">Both are point masses at different points (the product is zero everywhere).</exception>
    public static VectorGaussian operator *(VectorGaussian a, VectorGaussian b)
    {
        if (a.IsPointMass)
        {
            if (b.IsPointMass && !a._h.AsSpan().SequenceEqual(b._h))
                throw new InvalidOperationException($"The product of {a} and {b} is zero everywhere: two different point masses.");
            return a;
        }
        return b.IsPointMass ? b : new(NaturalArrays.Add(a._h, b._h), NaturalArrays.Add(a._p, b._p));
    }

    /// <inheritdoc/>
    /// <remarks>A point mass divided by anything is the point mass.</remarks>
    /// <exception cref="InvalidOperationException">The denominator is a point mass and the numerator is not.</exception>
    public static VectorGaussian operator /(VectorGaussian a, VectorGaussian b)
    {
        if (a.IsPointMass) return a;
        if (b.IsPointMass) throw new InvalidOperationException($"Cannot divide {a} by the point mass {b}.");
        return new(NaturalArrays.Subtract(a._h, b._h), NaturalArrays.Subtract(a._p, b._p));
    }

    private const double HalfLog2Pi = Core.Numerics.GaussianMath.HalfLog2Pi;

    /// <inheritdoc/>
    public double GetAverageLog(VectorGaussian p)
    {
        if (p.IsPointMass) return IsPointMass && Point.SequenceEqual(p.Point) ? 0 : double.NegativeInfinity;
        int d = Dimension;
        var mq = GetMean();
        var vq = GetVariance();
        var mp = p.GetMean();
        var pp = p._p;
        double tr = 0, quad = 0;
        for (int i = 0; i < d; i++)
            for (int j = 0; j < d; j++)
            {
                tr += pp[i * d + j] * vq[i, j];
                quad += (mq[i] - mp[i]) * pp[i * d + j] * (mq[j] - mp[j]);
            }
        var l = (double[])pp.Clone();
        Cholesky.TryFactor(l, d);
        return -d * HalfLog2Pi + 0.5 * Cholesky.LogDeterminant(l, d) - 0.5 * (tr + quad);
    }

    /// <inheritdoc/>
    public double GetLogProbAtPointOf(VectorGaussian point) => GetLogProb(point.Point);

    /// <inheritdoc/>
    /// <remarks>Mean m̄ = Σ w m_c and covariance Σ w (Σ_c + (m_c − m̄)(m_c − m̄)ᵀ).</remarks>
    public static VectorGaussian ProjectMixture(ReadOnlySpan<double> weights, ReadOnlySpan<VectorGaussian> components)
    {
        if (MixtureMoments.Single(weights) is int only) return components[only];
        int d = 0;
        var means = new double[weights.Length][];
        var covs = new PositiveDefiniteMatrix[weights.Length];
        for (int c = 0; c < weights.Length; c++)
        {
            if (weights[c] == 0) continue;
            d = components[c].Dimension;
            means[c] = components[c].GetMean().ToArray();
            covs[c] = components[c].GetVariance();
        }
        var m = new double[d];
        for (int c = 0; c < weights.Length; c++)
            if (weights[c] > 0) for (int k = 0; k < d; k++) m[k] += weights[c] * means[c][k];
        var cov = new double[d * d];
        for (int c = 0; c < weights.Length; c++)
        {
            if (weights[c] == 0) continue;
            for (int r = 0; r < d; r++)
                for (int k = 0; k < d; k++)
                    cov[r * d + k] += weights[c] * (covs[c][r, k] + (means[c][r] - m[r]) * (means[c][k] - m[k]));
        }
        for (int r = 0; r < d; r++)
            for (int k = 0; k < r; k++) cov[r * d + k] = cov[k * d + r] = 0.5 * (cov[r * d + k] + cov[k * d + r]);
        return FromMeanAndVariance(Vector.FromArray(m), PositiveDefiniteMatrix.Wrap(d, cov));
    }

    /// <inheritdoc/>
    public static VectorGaussian PointMassAt(Array values, int index, VectorGaussian like)
    {
        var v = values switch
        {
            Vector[] vs => vs[index],
            double[][] ds => Vector.FromArray(ds[index]),
            _ => throw MixtureMoments.WrongValues(values, "Vector"),
        };
        if (v.Count != like.Dimension) throw new ArgumentException($"has {v.Count} entries, but the VectorGaussian has dimension {like.Dimension}");
        return PointMass(v);
    }

    /// <inheritdoc/>
    /// <remarks>
    /// When the precision difference is not positive definite, the message has precision 0 and the linear term that moves the
    /// denominator's mean to the numerator's (h = P_d·μ_n − h_d), as Infer.NET's forced-proper ratio.
    /// </remarks>
    public static VectorGaussian ProperRatio(VectorGaussian numerator, VectorGaussian denominator)
    {
        if (numerator.IsPointMass || denominator.IsPointMass) return numerator / denominator;
        var ratio = numerator / denominator;
        int d = numerator.Dimension;
        var l = ratio._p.ToArray();
        bool zero = true;
        foreach (var x in l) zero &= x == 0;
        if (zero || Cholesky.TryFactor(l, d)) return ratio;
        var mean = numerator.GetMean();
        var h = new double[d];
        for (int i = 0; i < d; i++)
        {
            double s = 0;
            for (int j = 0; j < d; j++) s += denominator._p[i * d + j] * mean[j];
            h[i] = s - denominator._h[i];
        }
        return new(h, new double[d * d]);
    }

    /// <inheritdoc/>
    public VectorGaussian ClampCertainty(double certain) => this;

    /// <summary>"VectorGaussian(mean, variance)", or "VectorGaussian.PointMass(v)" as the scalar types print theirs.</summary>
    public override string ToString() =>
        IsPointMass ? "VectorGaussian.PointMass(" + Vector.Wrap(_h) + ")"
        : IsProper() ? "VectorGaussian(" + GetMean() + ", " + GetVariance().ToString().Replace(Environment.NewLine, "; ") + ")"
        : "VectorGaussian(improper)";
}
