namespace Probabilistic.FactorGraphs.Distributions;

// Members Infer.NET users read results with.
public readonly partial struct Bernoulli
{
    /// <summary>The most probable value (true on a tie, as Infer.NET).</summary>
    public bool GetMode() => LogOdds >= 0;

    /// <summary>p(1 − p).</summary>
    public double GetVariance() => GetProbTrue() * GetProbFalse();

    /// <summary>The absolute difference of the log-odds, as Infer.NET's <c>MaxDiff</c>; another type differs by +∞.</summary>
    public double MaxDiff(object that) => that is Bernoulli b ? Distance.AbsDiff(LogOdds, b.LogOdds) : double.PositiveInfinity;
}
