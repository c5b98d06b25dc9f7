using Probabilistic.FactorGraphs.Distributions;

namespace Probabilistic.FactorGraphs.Factors;

/// <summary>
/// Message operators for x ~ N(mean, 1/precision), Infer.NET's naming: <c>*AverageConditional</c> are EP messages,
/// <c>*AverageLogarithm</c> VMP messages, <c>LogAverageFactor</c> log ∫ f · Π contexts with unnormalised contexts.
/// </summary>
public static class GaussianOp
{
    private const double HalfLog2Pi = Core.Numerics.GaussianMath.HalfLog2Pi;

    /// <summary>EP message to the sample (or, by symmetry, the mean) given the other's context and a known precision.</summary>
    /// <remarks>∫ N(x; m, 1/τ) N(m; μ, 1/p) dm = N(x; μ, 1/p + 1/τ): natural parameters τ·(h, p)/(τ + p), uniform when p = 0.</remarks>
    public static Gaussian SampleAverageConditional(Gaussian mean, double precision)
    {
        if (mean.IsPointMass) return Gaussian.FromMeanAndPrecision(mean.Point, precision);
        if (mean.Precision <= 0) return Gaussian.Uniform();
        double s = precision + mean.Precision;
        return Gaussian.FromNatural(precision * mean.MeanTimesPrecision / s, precision * mean.Precision / s);
    }

    /// <summary>EP message to the mean: the same as to the sample, by symmetry of N(x; m, 1/τ).</summary>
    public static Gaussian MeanAverageConditional(Gaussian sample, double precision) => SampleAverageConditional(sample, precision);

    /// <summary>log ∫∫ N(x; m, 1/τ) ctxX(x) ctxM(m) for unnormalised (possibly improper) Gaussian contexts.</summary>
    public static double LogAverageFactor(Gaussian sample, Gaussian mean, double precision)
    {
        if (sample.IsPointMass && mean.IsPointMass)
            return Gaussian.FromMeanAndPrecision(mean.Point, precision).GetLogProb(sample.Point);
        if (sample.IsPointMass) (sample, mean) = (mean, sample);
        if (mean.IsPointMass)
        {
            // ∫ exp(h x − p x²/2) N(x; m0, 1/τ) dx
            double m0 = mean.Point;
            return NaturalLogNormalizer(sample.MeanTimesPrecision + precision * m0, sample.Precision + precision)
                   + 0.5 * Math.Log(precision) - HalfLog2Pi - 0.5 * precision * m0 * m0;
        }
        double a = sample.MeanTimesPrecision, b = sample.Precision, c = mean.MeanTimesPrecision, d = mean.Precision;
        double s = b + precision;
        return 0.5 * Math.Log(precision / s) + a * a / (2 * s) + NaturalLogNormalizer(c + a * precision / s, d + precision * b / s);
    }

    /// <summary>log ∫ exp(h x − p x²/2) dx (p &gt; 0).</summary>
    public static double NaturalLogNormalizer(double h, double p) => p > 0 ? h * h / (2 * p) + HalfLog2Pi - 0.5 * Math.Log(p) : double.PositiveInfinity;

    /// <summary>VMP message to the sample: N(E[m], 1/E[τ]) in natural parameters.</summary>
    public static Gaussian SampleAverageLogarithm(Gaussian mean, Gamma precision)
    {
        double t = precision.GetMean();
        return Gaussian.FromNatural(t * mean.GetMean(), t);
    }

    /// <summary>VMP message to the mean (symmetric to the sample).</summary>
    public static Gaussian MeanAverageLogarithm(Gaussian sample, Gamma precision) => SampleAverageLogarithm(sample, precision);

    /// <summary>VMP message to the precision: Gamma with shape − 1 = 1/2 and rate E[(x − m)²]/2.</summary>
    public static Gamma PrecisionAverageLogarithm(Gaussian sample, Gaussian mean) =>
        Gamma.FromNatural(0.5, 0.5 * ExpectedSquaredDifference(sample, mean));

    /// <summary>E_q[log N(x; m, 1/τ)] = E[log τ]/2 − log(2π)/2 − E[τ] E[(x − m)²]/2.</summary>
    public static double AverageLogFactor(Gaussian sample, Gaussian mean, Gamma precision) =>
        0.5 * precision.GetMeanLog() - HalfLog2Pi - 0.5 * precision.GetMean() * ExpectedSquaredDifference(sample, mean);

    /// <summary>E[(x − m)²] under independent x, m.</summary>
    public static double ExpectedSquaredDifference(Gaussian sample, Gaussian mean)
    {
        double d = sample.GetMean() - mean.GetMean();
        return d * d + sample.GetVariance() + mean.GetVariance();
    }
}
