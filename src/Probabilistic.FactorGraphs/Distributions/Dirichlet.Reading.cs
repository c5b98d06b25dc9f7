using Probabilistic.FactorGraphs.LinearAlgebra;

namespace Probabilistic.FactorGraphs.Distributions;

// Members Infer.NET users read results with.
public readonly partial struct Dirichlet
{
    /// <summary>The mean vector α/Σα and the per-component variances.</summary>
    public void GetMeanAndVariance(out Vector mean, out Vector variance)
    {
        mean = GetMean();
        variance = Vector.FromArray(GetVariance());
    }

    /// <summary>E[p_k²] per component.</summary>
    public Vector GetMeanSquare()
    {
        var m = GetMean();
        var v = GetVariance();
        return Vector.FromArray(v.Select((x, k) => x + m[k] * m[k]).ToArray());
    }

    /// <summary>The largest absolute difference of the pseudo-counts, as Infer.NET's <c>MaxDiff</c>; another type or dimension differs by +∞.</summary>
    public double MaxDiff(object that) => that is Dirichlet d && d.IsPointMass == IsPointMass
        ? Distance.MaxAbsDiff(_alpha, d._alpha)
        : double.PositiveInfinity;
}
