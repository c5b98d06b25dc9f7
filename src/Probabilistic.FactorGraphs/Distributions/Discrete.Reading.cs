namespace Probabilistic.FactorGraphs.Distributions;

// Members Infer.NET users read results with.
public readonly partial struct Discrete
{
    /// <summary>All log probabilities.</summary>
    public double[] GetLogProbs()
    {
        var l = new double[Dimension];
        for (int k = 0; k < l.Length; k++) l[k] = GetLogProb(k);
        return l;
    }

    /// <summary>E[k] = Σ_k k·p_k.</summary>
    public double GetMean()
    {
        var p = GetProbs();
        double m = 0;
        for (int k = 0; k < p.Length; k++) m += k * p[k];
        return m;
    }

    /// <summary>Var[k].</summary>
    public double GetVariance()
    {
        var p = GetProbs();
        double m = 0, s = 0;
        for (int k = 0; k < p.Length; k++) { m += k * p[k]; s += (double)k * k * p[k]; }
        return Math.Max(0, s - m * m);
    }

    /// <summary>The smallest k with P(X ≤ k) ≥ 1/2.</summary>
    public int GetMedian()
    {
        var p = GetProbs();
        double c = 0;
        for (int k = 0; k < p.Length; k++) if ((c += p[k]) >= 0.5) return k;
        return p.Length - 1;
    }

    /// <summary>
    /// The largest absolute difference of the probabilities, as Infer.NET's <c>MaxDiff</c> (a point mass differs from
    /// anything but the same point mass by +∞; another type or dimension differs by +∞).
    /// </summary>
    public double MaxDiff(object that)
    {
        if (that is not Discrete d || d.Dimension != Dimension) return double.PositiveInfinity;
        if (IsPointMass) return d.IsPointMass && d.Point == Point ? 0 : double.PositiveInfinity;
        return Distance.MaxAbsDiff(GetProbs(), d.GetProbs());
    }
}
