using Probabilistic.FactorGraphs.Distributions;

namespace Probabilistic.FactorGraphs.Factors;

/// <summary>
/// x ~ Gamma(s, r): f(x, r) = r^s x^(s−1) e^(−r x) / Γ(s), with a known shape s and a random (Gamma) rate r.
/// VMP is conjugate in both x and r. EP has no closed form when both are random: with contexts Ga(x; α, c) and Ga(r; a, b),
/// x integrates out analytically (given r it is Gamma(s + α − 1, r + c)), leaving one integral over u = log r, done by
/// <see cref="TiltedQuadrature"/>; each message is the moment match in the Gamma's sufficient statistics (E[·], E[log ·]).
/// </summary>
public static class GammaFromShapeAndRateOp
{
    /// <summary>VMP message to the sample: exp E_q(r)[log f] = Gamma(s, E[r]).</summary>
    public static Gamma SampleAverageLogarithm(double shape, Gamma rate) => Gamma.FromShapeAndRate(shape, rate.GetMean());

    /// <summary>VMP message to the rate: exp E_q(x)[log f] ∝ r^s e^(−r E[x]).</summary>
    public static Gamma RateAverageLogarithm(Gamma sample, double shape) => Gamma.FromNatural(shape, sample.GetMean());

    /// <summary>E_q[log f] = s E[log r] − log Γ(s) + (s − 1) E[log x] − E[r] E[x].</summary>
    public static double AverageLogFactor(Gamma sample, double shape, Gamma rate) =>
        shape * rate.GetMeanLog() - MessageMath.GammaLn(shape) + (shape - 1) * sample.GetMeanLog() - rate.GetMean() * sample.GetMean();

    /// <summary>
    /// The EP messages to the sample and the rate, and log ∫∫ f · sample · rate with unnormalised contexts exp(η·T)
    /// (a point-mass context is its point). Messages are kept proper (<see cref="Gamma.ProperRatio"/>).
    /// </summary>
    /// <exception cref="ArithmeticException">The contexts make the integral diverge (an improper rate context, say).</exception>
    public static (Gamma ToSample, Gamma ToRate, double LogZ) Messages(Gamma sample, double shape, Gamma rate)
    {
        double s = shape;
        if (rate.IsPointMass)
        {
            double r0 = rate.Point;
            var toSample = Gamma.FromShapeAndRate(s, r0);
            if (sample.IsPointMass) return (toSample, Gamma.Uniform(), toSample.GetLogProb(sample.Point));
            double k0 = s + sample.Shape - 1;
            double logZ0 = s * Math.Log(r0) - MessageMath.GammaLn(s) + MessageMath.GammaLn(k0) - k0 * Math.Log(r0 + sample.Rate);
            return (toSample, Gamma.Uniform(), logZ0);
        }
        if (sample.IsPointMass)
        {
            double x0 = sample.Point;
            // ∫ r^s e^(−x0 r) r^(a−1) e^(−b r) dr · x0^(s−1)/Γ(s)
            double logZ1 = (s - 1) * Math.Log(x0) - MessageMath.GammaLn(s) + MessageMath.GammaLn(s + rate.Shape) - (s + rate.Shape) * Math.Log(rate.Rate + x0);
            return (Gamma.Uniform(), Gamma.FromNatural(s, x0), logZ1);
        }
        var (sampleProj, rateProj, logZ) = Projections(sample, shape, rate);
        return (sampleProj / sample, rateProj / rate, logZ);
    }

    /// <summary>
    /// The Gamma projections (matching E[·] and E[log ·]) of the sample's and the rate's tilted distributions
    /// f · Ga(x; α, c) · Ga(r; a, b), both contexts random, and log ∫∫ f · x^(α−1) e^(−c x) · r^(a−1) e^(−b r).
    /// </summary>
    /// <exception cref="ArithmeticException">The tilted distribution is improper.</exception>
    public static (Gamma Sample, Gamma Rate, double LogZ) Projections(Gamma sample, double shape, Gamma rate)
    {
        double s = shape, a = rate.Shape, b = rate.Rate, alpha = sample.Shape, c = sample.Rate;
        double k = s + alpha - 1;
        if (!(k > 0))
            throw new ArithmeticException($"GammaFromShapeAndRate: the sample's context {sample} with shape {s} leaves x^{k - 1} near 0, which does not integrate.");
        double constant = MessageMath.GammaLn(k) - MessageMath.GammaLn(s);
        // x integrates out: given r it is Gamma(k, r + c). In u = log r: r^(a−1) e^(−b r) dr · r^s (r + c)^(−k) · Γ(k)/Γ(s)
        double L(double u) => (a + s) * u - b * Math.Exp(u) - k * LogExpPlus(u, c) + constant;
        double Dl(double u) { double e = Math.Exp(u); return (a + s) - b * e - k * e / (e + c); }
        double D2l(double u) { double e = Math.Exp(u); return -b * e - k * c * e / ((e + c) * (e + c)); }
        double start = b > 0 && a > 0 ? Math.Log((a + s) / (b + (c > 0 ? k / c : 0)) + 1e-300) : 0;
        var q = TiltedQuadrature.Integrate(L, Dl, D2l, start);
        var rateProj = Gamma.FromMeanAndMeanLog(Math.Exp(q.LogExpectExp(u => u)), q.Mean);
        double meanX = Math.Exp(Math.Log(k) + q.LogExpectExp(u => -LogExpPlus(u, c)));
        double meanLogX = Digamma(k) - q.Expect(u => LogExpPlus(u, c));
        return (Gamma.FromMeanAndMeanLog(meanX, meanLogX), rateProj, q.LogZ);
    }

    /// <summary>log(e^u + c) for c ≥ 0, without overflow.</summary>
    private static double LogExpPlus(double u, double c)
    {
        if (c == 0) return u;
        double lc = Math.Log(c);
        return u > lc ? u + double.LogP1(c * Math.Exp(-u)) : lc + double.LogP1(Math.Exp(u - lc));
    }

    private static double Digamma(double x) => MathNet.Numerics.SpecialFunctions.DiGamma(x);
}
