using Normal = MathNet.Numerics.Distributions.Normal;

namespace Probabilistic.FactorGraphs.Distributions;

// Members Infer.NET users read results with.
public readonly partial struct Gaussian
{
    /// <summary>The mean and variance (a point mass: its point and 0; the uniform: 0 and +∞).</summary>
    public void GetMeanAndVariance(out double mean, out double variance)
    {
        mean = GetMean();
        variance = IsPointMass ? 0 : Precision == 0 ? double.PositiveInfinity : 1 / Precision;
    }

    /// <summary>The mean and precision (a point mass: its point and +∞; the uniform: 0 and 0).</summary>
    public void GetMeanAndPrecision(out double mean, out double precision)
    {
        mean = GetMean();
        precision = Precision;
    }

    /// <summary>The most probable value, the mean.</summary>
    public double GetMode() => GetMean();

    /// <summary>P(X &lt; x): Φ((x − mean)/σ); for a point mass, 1 when its point is below x.</summary>
    /// <exception cref="InvalidOperationException">The distribution is improper.</exception>
    public double GetProbLessThan(double x)
    {
        if (IsPointMass) return Point < x ? 1 : 0;
        RequireProper(nameof(GetProbLessThan));
        return Normal.CDF(GetMean(), Math.Sqrt(GetVariance()), x);
    }

    /// <summary>P(lower ≤ X &lt; upper).</summary>
    public double GetProbBetween(double lower, double upper) => Math.Max(0, GetProbLessThan(upper) - GetProbLessThan(lower));

    /// <summary>The x with P(X &lt; x) = <paramref name="probability"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The probability is outside [0, 1].</exception>
    public double GetQuantile(double probability)
    {
        if (!(probability >= 0 && probability <= 1)) throw new ArgumentOutOfRangeException(nameof(probability), probability, "A probability must be in [0, 1].");
        if (IsPointMass) return Point;
        RequireProper(nameof(GetQuantile));
        return Normal.InvCDF(GetMean(), Math.Sqrt(GetVariance()), probability);
    }

    /// <summary>
    /// The largest absolute difference of the natural parameters (mean·precision, precision), as Infer.NET's <c>MaxDiff</c>
    /// (equal infinities differ by 0; another type differs by +∞): the usual convergence test between iterations.
    /// </summary>
    public double MaxDiff(object that) => that is Gaussian g
        ? Math.Max(Distance.AbsDiff(MeanTimesPrecision, g.MeanTimesPrecision), Distance.AbsDiff(Precision, g.Precision))
        : double.PositiveInfinity;

    private void RequireProper(string member)
    {
        if (!IsProper()) throw new InvalidOperationException($"{member} needs a proper distribution; {this} is improper.");
    }
}

/// <summary>Differences of stored parameters, as Infer.NET's <c>MaxDiff</c> measures them.</summary>
internal static class Distance
{
    /// <summary>|x − y|, 0 when they are equal (equal infinities included).</summary>
    internal static double AbsDiff(double x, double y) => x == y ? 0 : Math.Abs(x - y);

    /// <summary>|x − y| / (min(|x|, |y|) + rel), 0 when they are equal: a relative difference.</summary>
    internal static double RelDiff(double x, double y, double rel) => x == y ? 0 : Math.Abs(x - y) / (Math.Min(Math.Abs(x), Math.Abs(y)) + rel);

    /// <summary>The largest <see cref="AbsDiff"/> over two arrays of equal length (+∞ when the lengths differ).</summary>
    internal static double MaxAbsDiff(ReadOnlySpan<double> x, ReadOnlySpan<double> y)
    {
        if (x.Length != y.Length) return double.PositiveInfinity;
        double m = 0;
        for (int i = 0; i < x.Length; i++) m = Math.Max(m, AbsDiff(x[i], y[i]));
        return m;
    }
}
