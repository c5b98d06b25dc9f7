using Probabilistic.FactorGraphs.Distributions;

namespace Probabilistic.FactorGraphs.Factors;

/// <summary>VMP operators for x ~ N(μ, Λ⁻¹) with VectorGaussian mean μ and Wishart precision Λ, x observed.</summary>
public static class VectorGaussianOp
{
    /// <summary>VMP message to the mean: natural parameters (E[Λ] x, E[Λ]).</summary>
    public static VectorGaussian MeanAverageLogarithm(ReadOnlySpan<double> sample, Wishart precision)
    {
        int d = sample.Length;
        var el = precision.MeanValues();
        var h = new double[d];
        for (int i = 0; i < d; i++) for (int j = 0; j < d; j++) h[i] += el[i * d + j] * sample[j];
        return VectorGaussian.FromNatural(h, el);
    }

    /// <summary>VMP message to the precision: shape − (d+1)/2 = 1/2, rate E[(x−μ)(x−μ)ᵀ]/2.</summary>
    public static Wishart PrecisionAverageLogarithm(ReadOnlySpan<double> sample, VectorGaussian mean)
    {
        int d = sample.Length;
        var s = SecondMoment(sample, mean);
        for (int i = 0; i < s.Length; i++) s[i] *= 0.5;
        return Wishart.FromNatural(d, 0.5 + (d + 1) / 2.0, s);
    }

    /// <summary>E[log N(x; μ, Λ⁻¹)] = E[log|Λ|]/2 − d/2 log 2π − tr(E[Λ] E[(x−μ)(x−μ)ᵀ])/2.</summary>
    public static double AverageLogFactor(ReadOnlySpan<double> sample, VectorGaussian mean, Wishart precision)
    {
        int d = sample.Length;
        var s = SecondMoment(sample, mean);
        var el = precision.MeanValues();
        double tr = 0;
        for (int i = 0; i < s.Length; i++) tr += el[i] * s[i];
        return 0.5 * precision.GetMeanLogDeterminant() - d * 0.91893853320467274178 - 0.5 * tr;
    }

    /// <summary>E[(x − μ)(x − μ)ᵀ] = (x − m)(x − m)ᵀ + Σ_μ.</summary>
    public static double[] SecondMoment(ReadOnlySpan<double> sample, VectorGaussian mean)
    {
        int d = sample.Length;
        var m = mean.GetMean();
        var v = mean.GetVariance();
        var s = new double[d * d];
        for (int i = 0; i < d; i++)
            for (int j = 0; j < d; j++)
                s[i * d + j] = (sample[i] - m[i]) * (sample[j] - m[j]) + v[i, j];
        return s;
    }
}
