using Probabilistic.FactorGraphs.LinearAlgebra;

namespace Probabilistic.FactorGraphs.Distributions;

// Members Infer.NET users read results with.
public readonly partial struct VectorGaussian
{
    /// <summary>The mean vector and covariance matrix.</summary>
    public void GetMeanAndVariance(out Vector mean, out PositiveDefiniteMatrix variance)
    {
        mean = GetMean();
        variance = GetVariance();
    }

    /// <summary>The mean vector and precision matrix.</summary>
    public void GetMeanAndPrecision(out Vector mean, out PositiveDefiniteMatrix precision)
    {
        mean = GetMean();
        precision = Precision;
    }

    /// <summary>The precision matrix, as stored (for a point mass, +∞ on the diagonal).</summary>
    public PositiveDefiniteMatrix Precision => PositiveDefiniteMatrix.Wrap(Dimension, (double[])_p.Clone());

    /// <summary>The marginal of component <paramref name="dimension"/>: N(mean_i, Σ_ii).</summary>
    public Gaussian GetMarginal(int dimension)
    {
        if ((uint)dimension >= (uint)Dimension)
            throw new ArgumentOutOfRangeException(nameof(dimension), dimension, $"The VectorGaussian has {Dimension} components.");
        if (IsPointMass) return Gaussian.PointMass(_h[dimension]);
        return Gaussian.FromMeanAndVariance(GetMean()[dimension], GetVariance()[dimension, dimension]);
    }

    /// <summary>The largest absolute difference of the natural parameters (mean·precision, precision); another type or dimension differs by +∞.</summary>
    public double MaxDiff(object that) => that is VectorGaussian g && g.IsPointMass == IsPointMass
        ? Math.Max(Distance.MaxAbsDiff(_h, g._h), Distance.MaxAbsDiff(_p, g._p))
        : double.PositiveInfinity;
}
