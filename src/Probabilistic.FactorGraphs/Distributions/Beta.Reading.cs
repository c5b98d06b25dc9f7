using MathNet.Numerics;

namespace Probabilistic.FactorGraphs.Distributions;

// Members Infer.NET users read results with.
public readonly partial struct Beta
{
    /// <summary>α + β (a point mass: +∞).</summary>
    public double TotalCount => TrueCount + FalseCount;

    /// <summary>The mean α/(α + β) and its variance.</summary>
    public void GetMeanAndVariance(out double mean, out double variance)
    {
        mean = GetMean();
        variance = GetVariance();
    }

    /// <summary>E[p²].</summary>
    public double GetMeanSquare() { double m = GetMean(); return GetVariance() + m * m; }

    /// <summary>E[log p].</summary>
    public double GetMeanLog() => GetMeanLogs().MeanLog;

    /// <summary>E[log p] and E[log(1 − p)], as Infer.NET's out-parameter form.</summary>
    public void GetMeanLogs(out double eLogP, out double eLogOneMinusP) => (eLogP, eLogOneMinusP) = GetMeanLogs();

    /// <summary>
    /// The most probable value, (α − 1)/(α + β − 2) when both counts are at least 1; with a count below 1 the density is
    /// unbounded at 0 or 1, and that end is returned; the uniform gives 0.5 (as Infer.NET).
    /// </summary>
    public double GetMode()
    {
        if (IsPointMass) return Point;
        if (IsUniform()) return 0.5;
        if (TrueCount < 1) return TrueCount < FalseCount ? 0 : 1;
        if (FalseCount < 1) return 1;
        return Math.Min(1, (TrueCount - 1) / (TotalCount - 2));
    }

    /// <summary>P(X &lt; x): the regularised incomplete beta function I_x(α, β).</summary>
    public double GetProbLessThan(double x)
    {
        if (IsPointMass) return Point < x ? 1 : 0;
        if (!IsProper()) throw new InvalidOperationException($"GetProbLessThan needs a proper distribution; {this} is improper.");
        return x <= 0 ? 0 : x >= 1 ? 1 : SpecialFunctions.BetaRegularized(TrueCount, FalseCount, x);
    }

    /// <summary>P(lower ≤ X &lt; upper).</summary>
    public double GetProbBetween(double lower, double upper) => Math.Max(0, GetProbLessThan(upper) - GetProbLessThan(lower));

    /// <summary>The largest absolute difference of the counts, as Infer.NET's <c>MaxDiff</c>; another type differs by +∞.</summary>
    public double MaxDiff(object that) => that is Beta b
        ? Math.Max(Distance.AbsDiff(TrueCount, b.TrueCount), Distance.AbsDiff(FalseCount, b.FalseCount))
        : double.PositiveInfinity;
}
