using System.Globalization;
using MathNet.Numerics.Distributions;

namespace Probabilistic.FactorGraphs.Distributions;

/// <summary>A univariate Gaussian in natural parameters.</summary>
/// <remarks>
/// Density ∝ exp(MeanTimesPrecision·x − Precision·x²/2). Precision 0 is the uniform (improper) distribution;
/// Precision +∞ is a point mass at <see cref="MeanTimesPrecision"/>; a negative precision is an improper message,
/// which EP may send but never holds as a marginal.
/// </remarks>
public readonly partial struct Gaussian : IExponentialFamily<Gaussian>, IDistribution<double>, ICanGetMeanAndVariance, IEquatable<Gaussian>
{
    private const double HalfLog2Pi = Core.Numerics.GaussianMath.HalfLog2Pi;

    /// <summary>Mean times precision (for a point mass: the point).</summary>
    public double MeanTimesPrecision { get; }

    /// <summary>Precision, 1/variance.</summary>
    public double Precision { get; }

    private Gaussian(Stored _, double meanTimesPrecision, double precision)
    {
        MeanTimesPrecision = meanTimesPrecision;
        Precision = precision;
    }

    /// <summary>N(mean, variance), as Infer.NET's <c>new Gaussian(mean, variance)</c>; variance 0 gives a point mass, +∞ the uniform.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The mean is not finite or the variance is negative or NaN.</exception>
    public Gaussian(double mean, double variance) { this = FromMeanAndVariance(mean, variance); }

    /// <summary>N(mean, variance); variance 0 gives a point mass, +∞ the uniform.</summary>
    public static Gaussian FromMeanAndVariance(double mean, double variance)
    {
        if (!(variance >= 0)) throw new ArgumentOutOfRangeException(nameof(variance), variance, "A Gaussian's variance must be >= 0.");
        if (!double.IsFinite(mean)) throw new ArgumentOutOfRangeException(nameof(mean), mean, "A Gaussian's mean must be finite.");
        if (variance == 0) return PointMass(mean);
        if (double.IsPositiveInfinity(variance)) return Uniform();
        return new Gaussian(Stored.Fields, mean / variance, 1 / variance);
    }

    /// <summary>N(mean, 1/precision).</summary>
    public static Gaussian FromMeanAndPrecision(double mean, double precision)
    {
        if (!(precision >= 0)) throw new ArgumentOutOfRangeException(nameof(precision), precision, "A Gaussian's precision must be >= 0.");
        if (!double.IsFinite(mean)) throw new ArgumentOutOfRangeException(nameof(mean), mean, "A Gaussian's mean must be finite.");
        if (double.IsPositiveInfinity(precision)) return PointMass(mean);
        return new Gaussian(Stored.Fields, mean * precision, precision);
    }

    /// <summary>From natural parameters (precision may be negative for an improper message).</summary>
    public static Gaussian FromNatural(double meanTimesPrecision, double precision) => new(Stored.Fields, meanTimesPrecision, precision);

    /// <summary>All mass at <paramref name="value"/>.</summary>
    public static Gaussian PointMass(double value) => new(Stored.Fields, value, double.PositiveInfinity);

    /// <summary>The flat distribution.</summary>
    public static Gaussian Uniform() => new(Stored.Fields, 0, 0);

    /// <inheritdoc/>
    public bool IsPointMass => double.IsPositiveInfinity(Precision);

    /// <summary>The point of a point mass.</summary>
    public double Point => IsPointMass ? MeanTimesPrecision : throw new InvalidOperationException("Not a point mass.");

    /// <inheritdoc/>
    public bool IsUniform() => Precision == 0 && MeanTimesPrecision == 0;

    /// <inheritdoc/>
    public bool IsProper() => Precision > 0;

    /// <inheritdoc/>
    public Gaussian CreateUniform() => Uniform();

    /// <summary>The mean (the point for a point mass).</summary>
    public double GetMean() => IsPointMass ? MeanTimesPrecision : Precision == 0 ? 0 : MeanTimesPrecision / Precision;

    /// <summary>The variance (0 for a point mass).</summary>
    public double GetVariance() => IsPointMass ? 0 : 1 / Precision;

    /// <summary>E[x²].</summary>
    public double GetMeanSquare() { double m = GetMean(); return m * m + GetVariance(); }

    /// <summary>log density at <paramref name="x"/>.</summary>
    public double GetLogProb(double x)
    {
        if (IsPointMass) return x == MeanTimesPrecision ? 0 : double.NegativeInfinity;
        if (Precision == 0) return 0;
        double m = MeanTimesPrecision / Precision;
        return -HalfLog2Pi + 0.5 * Math.Log(Precision) - 0.5 * Precision * (x - m) * (x - m);
    }

    /// <inheritdoc/>
    public double GetLogNormalizer()
    {
        if (IsPointMass) return 0;
        if (!(Precision > 0)) return double.PositiveInfinity;
        // ∫ exp(h x − p x²/2) dx = sqrt(2π/p) exp(h²/(2p))
        return MeanTimesPrecision * MeanTimesPrecision / (2 * Precision) + HalfLog2Pi - 0.5 * Math.Log(Precision);
    }

    /// <inheritdoc/>
    public double GetAverageLogSelf() => IsPointMass ? 0 : -HalfLog2Pi + 0.5 * Math.Log(Precision) - 0.5;

    /// <summary>log ∫ this(x) that(x) dx for normalised densities.</summary>
    public double GetLogAverageOf(Gaussian that)
    {
        if (IsPointMass) return that.GetLogProb(Point);
        if (that.IsPointMass) return GetLogProb(that.Point);
        return (this * that).GetLogNormalizer() - GetLogNormalizer() - that.GetLogNormalizer();
    }

    /// <summary>A draw from Infer.NET's static generator <see cref="LinearAlgebra.Rand"/> (repeatable after <c>Rand.Restart(seed)</c>).</summary>
    public double Sample() => Sample(LinearAlgebra.Rand.Generator);

    /// <summary>A draw.</summary>
    public double Sample(Random random)
    {
        ArgumentNullException.ThrowIfNull(random);
        if (IsPointMass) return Point;
        if (!IsProper()) throw new InvalidOperationException($"Cannot sample from the improper {this}.");
        return Normal.Sample(random, GetMean(), Math.Sqrt(GetVariance()));
    }

    /// <inheritdoc/>
    public Gaussian Pow(double exponent) => IsPointMass ? this : new(Stored.Fields, MeanTimesPrecision * exponent, Precision * exponent);

    /// <inheritdoc/>
    public static Gaussian operator *(Gaussian a, Gaussian b)
    {
        if (a.IsPointMass) return a;
        if (b.IsPointMass) return b;
        return new(Stored.Fields, a.MeanTimesPrecision + b.MeanTimesPrecision, a.Precision + b.Precision);
    }

    /// <inheritdoc/>
    public static Gaussian operator /(Gaussian a, Gaussian b)
    {
        if (a.IsPointMass) return a;
        return new(Stored.Fields, a.MeanTimesPrecision - b.MeanTimesPrecision, a.Precision - b.Precision);
    }

    /// <inheritdoc/>
    public double GetAverageLog(Gaussian p)
    {
        if (p.IsPointMass) return IsPointMass && Point == p.Point ? 0 : double.NegativeInfinity;
        double d = GetMean() - p.GetMean();
        return -HalfLog2Pi + 0.5 * Math.Log(p.Precision) - 0.5 * p.Precision * (GetVariance() + d * d);
    }

    /// <inheritdoc/>
    public double GetLogProbAtPointOf(Gaussian point) => GetLogProb(point.Point);

    /// <inheritdoc/>
    public static Gaussian ProjectMixture(ReadOnlySpan<double> weights, ReadOnlySpan<Gaussian> components)
    {
        if (MixtureMoments.Single(weights) is int only) return components[only];
        var (m, v) = MixtureMoments.MeanAndVariance(weights, components, static g => g.GetMean(), static g => g.GetVariance());
        return v > 0 ? FromMeanAndVariance(m, v) : PointMass(m);
    }

    /// <inheritdoc/>
    public static Gaussian PointMassAt(Array values, int index, Gaussian like) =>
        values is double[] d ? PointMass(d[index]) : throw MixtureMoments.WrongValues(values, "double");

    /// <summary>
    /// numerator / denominator, kept proper: when the ratio's precision would be negative (a posterior wider than its
    /// context), the message is flat with the linear term that moves the context's mean to the posterior's, as Infer.NET's
    /// <c>SetToRatio(numerator, denominator, forceProper: true)</c> does for EP messages from non-conjugate factors.
    /// </summary>
    public static Gaussian ProperRatio(Gaussian numerator, Gaussian denominator)
    {
        if (numerator.IsPointMass || denominator.IsPointMass || numerator.Precision >= denominator.Precision) return numerator / denominator;
        double h = numerator.IsUniform() ? -denominator.MeanTimesPrecision : numerator.GetMean() * denominator.Precision - denominator.MeanTimesPrecision;
        return FromNatural(h, 0);
    }

    /// <inheritdoc/>
    public Gaussian ClampCertainty(double certain) => this;

    /// <inheritdoc/>
    public bool Equals(Gaussian other) => MeanTimesPrecision.Equals(other.MeanTimesPrecision) && Precision.Equals(other.Precision);

    /// <inheritdoc/>
    public override bool Equals(object? obj) => obj is Gaussian g && Equals(g);

    /// <inheritdoc/>
    public override int GetHashCode() => HashCode.Combine(MeanTimesPrecision, Precision);

    /// <summary>"Gaussian(mean, variance)" as Infer.NET prints it.</summary>
    public override string ToString()
    {
        if (IsPointMass) return "Gaussian.PointMass(" + F(Point) + ")";
        if (IsUniform()) return "Gaussian.Uniform";
        return "Gaussian(" + F(GetMean()) + ", " + F(GetVariance()) + ")";
    }

    internal static string F(double x) => x.ToString("g4", CultureInfo.InvariantCulture);
}
