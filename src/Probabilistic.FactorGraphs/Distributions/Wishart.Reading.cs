using Probabilistic.FactorGraphs.LinearAlgebra;

namespace Probabilistic.FactorGraphs.Distributions;

// Members Infer.NET users read results with.
public readonly partial struct Wishart
{
    /// <summary>The rate matrix B (the inverse scale; density ∝ |X|^(a − (d+1)/2) exp(−tr(B X))). For a point mass, its point, as Infer.NET stores it.</summary>
    public PositiveDefiniteMatrix Rate => PositiveDefiniteMatrix.Wrap(Dimension, (double[])_rate.Clone());

    /// <summary>The mean a·B⁻¹ and the element-wise variances.</summary>
    public void GetMeanAndVariance(out PositiveDefiniteMatrix mean, out PositiveDefiniteMatrix variance)
    {
        mean = GetMean();
        variance = GetVariance();
    }

    /// <summary>The largest absolute difference of shape and rate entries; another type or dimension differs by +∞.</summary>
    public double MaxDiff(object that) => that is Wishart w && w.Dimension == Dimension
        ? Math.Max(Distance.AbsDiff(Shape, w.Shape), Distance.MaxAbsDiff(_rate, w._rate))
        : double.PositiveInfinity;
}
