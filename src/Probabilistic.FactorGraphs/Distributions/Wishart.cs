using MathNet.Numerics;
using Probabilistic.Core.Numerics;
using Probabilistic.FactorGraphs.LinearAlgebra;

namespace Probabilistic.FactorGraphs.Distributions;

/// <summary>A Wishart distribution over d×d positive-definite matrices in shape/rate form.</summary>
/// <remarks>
/// Density ∝ |X|^(Shape − (d+1)/2) exp(−tr(Rate·X)): natural parameters (Shape − (d+1)/2, Rate) add under a product;
/// Shape (d+1)/2 with Rate 0 is uniform. E[X] = Shape·Rate⁻¹. A point mass at X₀ is stored as Infer.NET stores it: Shape
/// = +∞ and the rate array holding X₀; a point mass times anything proper is the point mass, and a point mass divided by
/// anything is the point mass.
/// </remarks>
public readonly partial struct Wishart : IExponentialFamily<Wishart>, IDistribution<PositiveDefiniteMatrix>
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

    /// <summary>All mass at <paramref name="value"/>, as Infer.NET's <c>Wishart.PointMass(PositiveDefiniteMatrix)</c>.</summary>
    public static Wishart PointMass(PositiveDefiniteMatrix value)
    {
        ArgumentNullException.ThrowIfNull(value);
        if (value.Dimension == 0) throw new ArgumentException("A Wishart point mass needs at least one dimension.", nameof(value));
        return new(value.Dimension, double.PositiveInfinity, value.Span.ToArray());
    }

    /// <summary>The flat distribution.</summary>
    public static Wishart Uniform(int dimension) => new(dimension, (dimension + 1) / 2.0, new double[dimension * dimension]);

    internal ReadOnlySpan<double> RateValues => _rate;

    /// <summary>The rate array itself: the distribution is immutable, so its identity identifies its value (for caches).</summary>
    internal object Identity => _rate;

    /// <summary>The point of a point mass.</summary>
    /// <exception cref="InvalidOperationException">The distribution is not a point mass.</exception>
    public PositiveDefiniteMatrix Point => IsPointMass
        ? PositiveDefiniteMatrix.Wrap(Dimension, (double[])_rate.Clone())
        : throw new InvalidOperationException($"{this} is not a point mass.");

    /// <summary>E[X] = a·B⁻¹ (the point for a point mass).</summary>
    public PositiveDefiniteMatrix GetMean() => PositiveDefiniteMatrix.Wrap(Dimension, MeanValues());

    /// <summary>
    /// Var[X_ij] = a/2 (C_ij² + C_ii C_jj) with C = B⁻¹, element by element, as Infer.NET's <c>Wishart.GetVariance</c>
    /// (with ν = 2a degrees of freedom and scale Σ = C/2 this is ν(Σ_ij² + Σ_ii Σ_jj), the usual formula); zeros for a point mass.
    /// </summary>
    public PositiveDefiniteMatrix GetVariance()
    {
        int d = Dimension;
        var v = new double[d * d];
        if (IsPointMass) return PositiveDefiniteMatrix.Wrap(d, v);
        var c = VectorGaussian.Inverse(_rate, d);
        for (int i = 0; i < d; i++)
            for (int j = 0; j < d; j++) v[i * d + j] = 0.5 * Shape * (c[i * d + j] * c[i * d + j] + c[i * d + i] * c[j * d + j]);
        return PositiveDefiniteMatrix.Wrap(d, v);
    }

    /// <summary>
    /// The most probable matrix: (a − (d+1)/2)·B⁻¹ when a &gt; (d+1)/2, else the zero matrix (where the density is
    /// largest or unbounded), as Infer.NET's <c>GetMode</c>; the point for a point mass.
    /// </summary>
    public PositiveDefiniteMatrix GetMode()
    {
        int d = Dimension;
        if (IsPointMass) return Point;
        if (!(Shape > (d + 1) / 2.0)) return PositiveDefiniteMatrix.Wrap(d, new double[d * d]);
        var inv = VectorGaussian.Inverse(_rate, d);
        for (int i = 0; i < inv.Length; i++) inv[i] *= Shape - (d + 1) / 2.0;
        return PositiveDefiniteMatrix.Wrap(d, inv);
    }

    /// <summary>
    /// log density at <paramref name="x"/>: (a − (d+1)/2) log|X| − tr(BX) + a log|B| − log Γ_d(a); 0 or −∞ for a point
    /// mass, 0 for the uniform (an improper message gives its unnormalised log density, as Infer.NET defines it).
    /// </summary>
    /// <exception cref="ArgumentException"><paramref name="x"/> has the wrong dimension.</exception>
    public double GetLogProb(PositiveDefiniteMatrix x)
    {
        ArgumentNullException.ThrowIfNull(x);
        int d = Dimension;
        if (x.Dimension != d) throw new ArgumentException($"The matrix is {x.Dimension}×{x.Dimension} but the Wishart is {d}×{d}.", nameof(x));
        var xs = x.Span;
        if (IsPointMass) return xs.SequenceEqual(_rate) ? 0 : double.NegativeInfinity;
        double tr = 0;
        for (int i = 0; i < xs.Length; i++) tr += _rate[i] * xs[i];   // tr(BX) = Σ_ij B_ij X_ji, both symmetric
        double logNormalizer = GetLogNormalizer();
        return (Shape - (d + 1) / 2.0) * LogDet(xs.ToArray(), d) - tr - (double.IsPositiveInfinity(logNormalizer) ? 0 : logNormalizer);
    }

    internal double[] MeanValues()
    {
        if (IsPointMass) return (double[])_rate.Clone();
        var inv = VectorGaussian.Inverse(_rate, Dimension);
        for (int i = 0; i < inv.Length; i++) inv[i] *= Shape;
        return inv;
    }

    /// <summary>E[log |X|] = Σ_i ψ(a − i/2) − log |B| (log |X₀| for a point mass).</summary>
    public double GetMeanLogDeterminant()
    {
        if (IsPointMass) return LogDet(_rate, Dimension);
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
        if (IsPointMass) return Point;
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
    public bool IsPointMass => double.IsPositiveInfinity(Shape);

    /// <inheritdoc/>
    public bool IsUniform() => Shape == (Dimension + 1) / 2.0 && _rate.All(x => x == 0);

    /// <inheritdoc/>
    public bool IsProper()
    {
        if (IsPointMass) return true;
        var l = (double[])_rate.Clone();
        return Shape > (Dimension - 1) / 2.0 && Cholesky.TryFactor(l, Dimension);
    }

    /// <inheritdoc/>
    public Wishart CreateUniform() => Uniform(Dimension);

    /// <inheritdoc/>
    public double GetLogNormalizer() => IsPointMass ? 0 : IsProper() ? LogMultiGamma() - Shape * LogDet(_rate, Dimension) : double.PositiveInfinity;

    /// <inheritdoc/>
    public double GetAverageLogSelf() => IsPointMass ? 0 : (Shape - (Dimension + 1) / 2.0) * GetMeanLogDeterminant() - Shape * Dimension - GetLogNormalizer();

    /// <summary>E_this[log p(X)] for a normalised Wishart p (a point mass p: 0 if this is the same point mass, else −∞).</summary>
    public double GetAverageLog(Wishart p)
    {
        if (p.IsPointMass) return IsPointMass && _rate.AsSpan().SequenceEqual(p._rate) ? 0 : double.NegativeInfinity;
        if (IsPointMass) return p.GetLogProb(Point);
        var m = MeanValues();
        double tr = 0;
        for (int i = 0; i < m.Length; i++) tr += p._rate[i] * m[i];
        return (p.Shape - (Dimension + 1) / 2.0) * GetMeanLogDeterminant() - tr - p.GetLogNormalizer();
    }

    /// <inheritdoc/>
    public double GetLogProbAtPointOf(Wishart point) => GetLogProb(point.Point);

    /// <inheritdoc/>
    /// <remarks>
    /// The mean Σ w E[X_c] is matched; the element variances v = Σ w (Var[X_c] + (E[X_c] − mean)²) (element by element) are
    /// matched in their trace only, since a Wishart has one scalar for its spread: shape = Σ_i mean_ii² / Σ_i v_ii and rate =
    /// shape · mean⁻¹, as Infer.NET's <c>Wishart.SetMeanAndVariance</c>. For two components this is Infer.NET's
    /// <c>Wishart.SetToSum</c>, which its gates use. Components that are all the same distribution give that distribution.
    /// </remarks>
    public static Wishart ProjectMixture(ReadOnlySpan<double> weights, ReadOnlySpan<Wishart> components)
    {
        if (MixtureMoments.Single(weights) is int only) return components[only];
        int first = -1;
        bool same = true;
        double total = 0;
        for (int c = 0; c < weights.Length; c++)
        {
            if (weights[c] == 0) continue;
            total += weights[c];
            if (first < 0) first = c;
            else same &= components[c].Shape == components[first].Shape && components[c]._rate.AsSpan().SequenceEqual(components[first]._rate);
        }
        if (same) return components[first];
        int d = components[first].Dimension;
        var means = new double[weights.Length][];
        var mean = new double[d * d];
        for (int c = 0; c < weights.Length; c++)
        {
            if (weights[c] == 0) continue;
            if (!components[c].IsPointMass && !components[c].IsProper())
                throw new InvalidOperationException($"A mixture of Wisharts has an improper component {components[c]}: it has no moments to match.");
            means[c] = components[c].MeanValues();
            for (int k = 0; k < mean.Length; k++) mean[k] += weights[c] * means[c][k];
        }
        for (int k = 0; k < mean.Length; k++) mean[k] /= total;
        double traceVariance = 0;
        for (int c = 0; c < weights.Length; c++)
        {
            if (weights[c] == 0) continue;
            var v = components[c].GetVariance().Span;
            for (int i = 0; i < d; i++)
            {
                double diff = means[c][i * d + i] - mean[i * d + i];
                traceVariance += weights[c] * (v[i * d + i] + diff * diff);
            }
        }
        traceVariance /= total;
        if (traceVariance == 0) return new(d, double.PositiveInfinity, mean);
        double squares = 0;
        for (int i = 0; i < d; i++) squares += mean[i * d + i] * mean[i * d + i];
        double shape = squares / traceVariance;
        var rate = VectorGaussian.Inverse(mean, d);
        for (int k = 0; k < rate.Length; k++) rate[k] *= shape;
        return new(d, shape, rate);
    }

    /// <inheritdoc/>
    public static Wishart PointMassAt(Array values, int index, Wishart like)
    {
        if (values is not PositiveDefiniteMatrix[] ms) throw MixtureMoments.WrongValues(values, "PositiveDefiniteMatrix");
        var m = ms[index];
        if (m.Dimension != like.Dimension) throw new ArgumentException($"is {m.Dimension}×{m.Dimension}, but the Wishart is {like.Dimension}×{like.Dimension}");
        if (!Cholesky.TryFactor(m.Span.ToArray(), m.Dimension)) throw new ArgumentException("is not positive definite");
        return PointMass(m);
    }

    /// <inheritdoc/>
    /// <remarks>
    /// As Infer.NET's forced-proper <c>Wishart.SetToRatio</c>: the message's shape is kept ≥ (d+1)/2 and its rate
    /// non-negative definite while E[X] of message × denominator stays the numerator's mean. With λ the largest eigenvalue of
    /// the denominator's rate relative to the numerator's (at least 1), the rate is λ·B_n − B_d and the shape
    /// λ·a_n − a_d + (d+1)/2, or, when λ·a_n &lt; a_d, the shape (d+1)/2 and the rate (a_d/a_n)·B_n − B_d.
    /// </remarks>
    public static Wishart ProperRatio(Wishart numerator, Wishart denominator)
    {
        if (numerator.IsPointMass || denominator.IsPointMass) return numerator / denominator;
        int d = numerator.Dimension;
        double c = (d + 1) / 2.0;
        var ln = numerator._rate.ToArray();
        var ld = denominator._rate.ToArray();
        if (!Cholesky.TryFactor(ln, d) || !Cholesky.TryFactor(ld, d)) return numerator / denominator;
        // L_n⁻¹ L_d, whose outer product L_n⁻¹ B_d L_n⁻ᵀ has the relative eigenvalues
        var inv = new double[d * d];
        Cholesky.InvertLower(ln, d, inv);
        var a = new double[d * d];
        for (int i = 0; i < d; i++)
            for (int j = 0; j < d; j++)
            {
                double s = 0;
                for (int k = 0; k < d; k++) s += inv[i * d + k] * ld[k * d + j];
                a[i * d + j] = s;
            }
        var relative = new double[d * d];
        for (int i = 0; i < d; i++)
            for (int j = 0; j < d; j++)
            {
                double s = 0;
                for (int k = 0; k < d; k++) s += a[i * d + k] * a[j * d + k];
                relative[i * d + j] = s;
            }
        double max = Math.Max(1, LargestEigenvalue(relative, d));
        if (numerator.Shape * max < denominator.Shape)
            return new(d, c, NaturalArrays.Combine(denominator.Shape / numerator.Shape, numerator._rate, -1, denominator._rate));
        return new(d, numerator.Shape * max + (c - denominator.Shape), NaturalArrays.Combine(max, numerator._rate, -1, denominator._rate));
    }

    /// <summary>The largest eigenvalue of a symmetric d×d matrix (row-major).</summary>
    internal static double LargestEigenvalue(double[] symmetric, int d)
    {
        if (d == 1) return symmetric[0];
        var m = MathNet.Numerics.LinearAlgebra.Matrix<double>.Build.Dense(d, d, (i, j) => 0.5 * (symmetric[i * d + j] + symmetric[j * d + i]));
        return m.Evd(MathNet.Numerics.LinearAlgebra.Symmetricity.Symmetric).EigenValues.Max(e => e.Real);
    }

    /// <summary>
    /// The Wishart whose log density has, at the point X (Cholesky factor <paramref name="xCholesky"/>, inverse
    /// <paramref name="xInverse"/>), the gradient <paramref name="dlogp"/> and the second derivative along X
    /// tr(X d tr(X dlogp)/dX) = <paramref name="xxddlogp"/>: shape a + (d+1)/2 and rate a·X⁻¹ − dlogp with a = −xxddlogp / d.
    /// With <paramref name="forceProper"/>, a is raised to the largest eigenvalue of Lᵀ·dlogp·L (L the Cholesky factor) when
    /// it is below it, so the rate stays non-negative definite, as Infer.NET's <c>Wishart.SetDerivatives</c>.
    /// </summary>
    internal static Wishart FromDerivatives(double[] xCholesky, double[] xInverse, double[] dlogp, double xxddlogp, bool forceProper)
    {
        int d = (int)Math.Round(Math.Sqrt(dlogp.Length));
        double a = -xxddlogp / d;
        if (forceProper)
        {
            // Lᵀ D L
            var dl = new double[d * d];
            for (int i = 0; i < d; i++)
                for (int j = 0; j < d; j++)
                {
                    double s = 0;
                    for (int k = j; k < d; k++) s += dlogp[i * d + k] * xCholesky[k * d + j];
                    dl[i * d + j] = s;
                }
            var ldl = new double[d * d];
            for (int i = 0; i < d; i++)
                for (int j = 0; j < d; j++)
                {
                    double s = 0;
                    for (int k = i; k < d; k++) s += xCholesky[k * d + i] * dl[k * d + j];
                    ldl[i * d + j] = s;
                }
            double max = Math.Max(0, LargestEigenvalue(ldl, d));
            if (a < max) a = max;
        }
        return new(d, a + (d + 1) / 2.0, NaturalArrays.Combine(a, xInverse, -1, dlogp));
    }


    /// <inheritdoc/>
    public Wishart ClampCertainty(double certain) => this;

    /// <inheritdoc/>
    /// <remarks>A point mass raised to any power stays the point mass, as the scalar distributions do.</remarks>
    public Wishart Pow(double exponent) =>
        exponent == 1 || IsPointMass ? this : new(Dimension, (Shape - (Dimension + 1) / 2.0) * exponent + (Dimension + 1) / 2.0, NaturalArrays.Scale(_rate, exponent));

    /// <inheritdoc/>
    /// <remarks>A point mass times anything is the point mass.</remarks>
    /// <exception cref="InvalidOperationException">Both are point masses at different points (the product is zero everywhere).</exception>
    public static Wishart operator *(Wishart a, Wishart b)
    {
        if (a.IsPointMass)
        {
            if (b.IsPointMass && !a._rate.AsSpan().SequenceEqual(b._rate))
                throw new InvalidOperationException($"The product of {a} and {b} is zero everywhere: two different point masses.");
            return a;
        }
        return b.IsPointMass ? b : new(a.Dimension, a.Shape + b.Shape - (a.Dimension + 1) / 2.0, NaturalArrays.Add(a._rate, b._rate));
    }

    /// <inheritdoc/>
    /// <remarks>A point mass divided by anything is the point mass.</remarks>
    /// <exception cref="InvalidOperationException">The denominator is a point mass and the numerator is not.</exception>
    public static Wishart operator /(Wishart a, Wishart b)
    {
        if (a.IsPointMass) return a;
        if (b.IsPointMass) throw new InvalidOperationException($"Cannot divide {a} by the point mass {b}.");
        return new(a.Dimension, a.Shape - b.Shape + (a.Dimension + 1) / 2.0, NaturalArrays.Subtract(a._rate, b._rate));
    }

    /// <summary>The scale matrix S = rate⁻¹ (so the mean is Shape·S).</summary>
    /// <exception cref="InvalidOperationException">The distribution is a point mass, which has no scale.</exception>
    public PositiveDefiniteMatrix GetScale() => IsPointMass
        ? throw new InvalidOperationException($"{this} is a point mass and has no scale matrix; use Point.")
        : PositiveDefiniteMatrix.Wrap(Dimension, VectorGaussian.Inverse(_rate, Dimension));

    /// <summary>"Wishart(shape, scale)" as Infer.NET prints it, the scale's rows separated by "; "; "Wishart.PointMass(rows)" for a point mass.</summary>
    public override string ToString() =>
        IsPointMass ? "Wishart.PointMass(" + Point.ToString().Replace(Environment.NewLine, "; ") + ")"
        : IsProper()
        ? "Wishart(" + Gaussian.F(Shape) + ", " + GetScale().ToString().Replace(Environment.NewLine, "; ") + ")"
        : "Wishart(improper)";
}
