using MathNet.Numerics;
using MathNet.Numerics.Distributions;

namespace Probabilistic.FactorGraphs.Distributions;

/// <summary>A Gamma distribution over positive reals in shape/rate form.</summary>
/// <remarks>
/// Density ∝ x^(Shape−1) exp(−Rate·x): the natural parameters are (Shape − 1, −Rate), so a product adds
/// Shape − 1 and Rate. Shape 1, Rate 0 is uniform; a point mass has Shape = +∞ and keeps its point in
/// <see cref="Rate"/> (as Infer.NET does).
/// </remarks>
public readonly partial struct Gamma : IExponentialFamily<Gamma>, IDistribution<double>, ICanGetMeanAndVariance, IEquatable<Gamma>
{
    /// <summary>The shape a.</summary>
    public double Shape { get; }

    /// <summary>The rate b = 1/scale (for a point mass: the point).</summary>
    public double Rate { get; }

    private Gamma(Stored _, double shape, double rate) { Shape = shape; Rate = rate; }

    /// <summary>Gamma with shape a and scale θ (mean aθ), as Infer.NET's <c>new Gamma(shape, scale)</c>.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The shape or the scale is not &gt; 0.</exception>
    public Gamma(double shape, double scale) { this = FromShapeAndScale(shape, scale); }

    /// <summary>Gamma with shape a and scale θ (mean aθ).</summary>
    public static Gamma FromShapeAndScale(double shape, double scale)
    {
        if (!(shape > 0)) throw new ArgumentOutOfRangeException(nameof(shape), shape, "A Gamma's shape must be > 0.");
        if (!(scale > 0)) throw new ArgumentOutOfRangeException(nameof(scale), scale, "A Gamma's scale must be > 0.");
        return new(Stored.Fields, shape, 1 / scale);
    }

    /// <summary>Gamma with shape a and rate b (mean a/b).</summary>
    public static Gamma FromShapeAndRate(double shape, double rate)
    {
        if (!(shape > 0)) throw new ArgumentOutOfRangeException(nameof(shape), shape, "A Gamma's shape must be > 0.");
        if (!(rate >= 0) || double.IsInfinity(rate)) throw new ArgumentOutOfRangeException(nameof(rate), rate, "A Gamma's rate must be finite and >= 0.");
        return new(Stored.Fields, shape, rate);
    }

    /// <summary>The Gamma with this mean and variance.</summary>
    public static Gamma FromMeanAndVariance(double mean, double variance)
    {
        if (variance == 0) return PointMass(mean);
        return new(Stored.Fields, mean * mean / variance, mean / variance);
    }

    /// <summary>
    /// The Gamma with this mean and mean logarithm E[log x] (the moment match in the Gamma's own sufficient statistics, as
    /// Infer.NET's <c>Gamma.FromMeanAndMeanLog</c>): the shape solves log a − ψ(a) = log(mean) − E[log x] by Minka's
    /// generalised Newton iteration ("Estimating a Gamma distribution", 2002); a point mass when that gap is not positive.
    /// </summary>
    public static Gamma FromMeanAndMeanLog(double mean, double meanLog)
    {
        if (!(mean > 0) || double.IsInfinity(mean)) throw new ArgumentOutOfRangeException(nameof(mean), mean, "A Gamma's mean must be finite and > 0.");
        double gap = Math.Log(mean) - meanLog;
        if (!(gap > 0)) return PointMass(mean);
        double shape = 0.5 / gap;
        for (int iter = 0; iter < 100; iter++)
        {
            double g = Polygamma.LogMinusDigamma(shape) - gap;
            double next = shape / (1 + g / (1 - shape * Polygamma.Trigamma(shape)));
            bool done = Math.Abs(next - shape) <= 1e-15 * shape;
            shape = next;
            if (done) break;
        }
        if (!double.IsFinite(shape)) return PointMass(mean);
        return new(Stored.Fields, shape, shape / mean);
    }

    /// <summary>From natural parameters (shape − 1, rate), allowing improper messages.</summary>
    public static Gamma FromNatural(double shapeMinus1, double rate) => new(Stored.Fields, shapeMinus1 + 1, rate);

    /// <summary>All mass at <paramref name="value"/> (> 0).</summary>
    public static Gamma PointMass(double value)
    {
        if (!(value > 0) || double.IsInfinity(value)) throw new ArgumentOutOfRangeException(nameof(value), value, "A Gamma point mass must be positive and finite.");
        return new(Stored.Fields, double.PositiveInfinity, value);
    }

    /// <summary>The flat distribution on (0, ∞).</summary>
    public static Gamma Uniform() => new(Stored.Fields, 1, 0);

    /// <inheritdoc/>
    public bool IsPointMass => double.IsPositiveInfinity(Shape);

    /// <summary>The point of a point mass.</summary>
    public double Point => IsPointMass ? Rate : throw new InvalidOperationException("Not a point mass.");

    /// <inheritdoc/>
    public bool IsUniform() => Shape == 1 && Rate == 0;

    /// <inheritdoc/>
    public bool IsProper() => Shape > 0 && Rate > 0;

    /// <inheritdoc/>
    public Gamma CreateUniform() => Uniform();

    /// <summary>E[x] = a/b.</summary>
    public double GetMean() => IsPointMass ? Rate : Shape / Rate;

    /// <summary>Var[x] = a/b².</summary>
    public double GetVariance() => IsPointMass ? 0 : Shape / (Rate * Rate);

    /// <summary>E[log x] = ψ(a) − log b.</summary>
    public double GetMeanLog() => IsPointMass ? Math.Log(Rate) : SpecialFunctions.DiGamma(Shape) - Math.Log(Rate);

    /// <summary>log density at <paramref name="x"/>.</summary>
    public double GetLogProb(double x)
    {
        if (IsPointMass) return x == Rate ? 0 : double.NegativeInfinity;
        if (x < 0) return double.NegativeInfinity;
        if (IsUniform()) return 0;
        return Shape * Math.Log(Rate) - SpecialFunctions.GammaLn(Shape) + (Shape - 1) * Math.Log(x) - Rate * x;
    }

    /// <inheritdoc/>
    public double GetLogNormalizer()
    {
        if (IsPointMass) return 0;
        if (!IsProper()) return double.PositiveInfinity;
        return SpecialFunctions.GammaLn(Shape) - Shape * Math.Log(Rate);
    }

    /// <inheritdoc/>
    public double GetAverageLogSelf()
    {
        if (IsPointMass) return 0;
        // E[(a−1) log x − b x] − A
        return (Shape - 1) * GetMeanLog() - Shape - GetLogNormalizer();
    }

    /// <summary>A draw from Infer.NET's static generator <see cref="LinearAlgebra.Rand"/> (repeatable after <c>Rand.Restart(seed)</c>).</summary>
    public double Sample() => Sample(LinearAlgebra.Rand.Generator);

    /// <summary>A draw.</summary>
    public double Sample(Random random)
    {
        ArgumentNullException.ThrowIfNull(random);
        if (IsPointMass) return Rate;
        return MathNet.Numerics.Distributions.Gamma.Sample(random, Shape, Rate);
    }

    /// <inheritdoc/>
    public Gamma Pow(double exponent) => IsPointMass ? this : new(Stored.Fields, (Shape - 1) * exponent + 1, Rate * exponent);

    /// <inheritdoc/>
    public static Gamma operator *(Gamma a, Gamma b)
    {
        if (a.IsPointMass) return a;
        if (b.IsPointMass) return b;
        return new(Stored.Fields, a.Shape + b.Shape - 1, a.Rate + b.Rate);
    }

    /// <inheritdoc/>
    public static Gamma operator /(Gamma a, Gamma b)
    {
        if (a.IsPointMass) return a;
        return new(Stored.Fields, a.Shape - b.Shape + 1, a.Rate - b.Rate);
    }

    /// <inheritdoc/>
    public double GetAverageLog(Gamma p)
    {
        if (p.IsPointMass) return IsPointMass && Point == p.Point ? 0 : double.NegativeInfinity;
        return (p.Shape - 1) * GetMeanLog() - p.Rate * GetMean() - p.GetLogNormalizer();
    }

    /// <inheritdoc/>
    public double GetLogProbAtPointOf(Gamma point) => GetLogProb(point.Point);

    /// <inheritdoc/>
    public static Gamma ProjectMixture(ReadOnlySpan<double> weights, ReadOnlySpan<Gamma> components)
    {
        if (MixtureMoments.Single(weights) is int only) return components[only];
        var (m, v) = MixtureMoments.MeanAndVariance(weights, components, static g => g.GetMean(), static g => g.GetVariance());
        return FromMeanAndVariance(m, v);
    }

    /// <inheritdoc/>
    public static Gamma PointMassAt(Array values, int index, Gamma like)
    {
        if (values is not double[] d) throw MixtureMoments.WrongValues(values, "double");
        if (!(d[index] >= 0) || double.IsPositiveInfinity(d[index])) throw new ArgumentOutOfRangeException(null, $"is {d[index]}, outside a Gamma's support [0, ∞)");
        return PointMass(d[index]);
    }

    /// <summary>
    /// numerator / denominator, kept proper: when the ratio would have a negative shape − 1 or rate, the message keeps the
    /// posterior's mean with as little information as it can, as Infer.NET's <c>SetToRatio(numerator, denominator,
    /// forceProper: true)</c> does for EP messages from non-conjugate factors.
    /// </summary>
    public static Gamma ProperRatio(Gamma numerator, Gamma denominator)
    {
        if (numerator.IsPointMass || denominator.IsPointMass) return numerator / denominator;
        if (numerator.Rate == 0) return new(Stored.Fields, 1 + Math.Max(0, numerator.Shape - denominator.Shape), 0);
        if (numerator.Shape >= denominator.Shape && numerator.Rate >= denominator.Rate) return numerator / denominator;
        double mean = numerator.Shape > 0 ? numerator.GetMean() : double.Epsilon;
        double shape = mean * denominator.Rate + (1 - denominator.Shape);
        return shape < 1 ? new(Stored.Fields, 1, denominator.Shape / mean - denominator.Rate) : new(Stored.Fields, shape, 0);
    }

    /// <inheritdoc/>
    public Gamma ClampCertainty(double certain) => this;

    /// <inheritdoc/>
    public bool Equals(Gamma other) => Shape.Equals(other.Shape) && Rate.Equals(other.Rate);

    /// <inheritdoc/>
    public override bool Equals(object? obj) => obj is Gamma g && Equals(g);

    /// <inheritdoc/>
    public override int GetHashCode() => HashCode.Combine(Shape, Rate);

    /// <summary>"Gamma(shape, scale)[mean=m]" as Infer.NET prints it.</summary>
    public override string ToString()
    {
        if (IsPointMass) return "Gamma.PointMass(" + Gaussian.F(Rate) + ")";
        if (IsUniform()) return "Gamma.Uniform";
        return "Gamma(" + Gaussian.F(Shape) + ", " + Gaussian.F(1 / Rate) + ")[mean=" + Gaussian.F(GetMean()) + "]";
    }
}
