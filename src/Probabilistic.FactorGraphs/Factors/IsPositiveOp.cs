using MathNet.Numerics;
using Probabilistic.FactorGraphs.Distributions;

namespace Probabilistic.FactorGraphs.Factors;

/// <summary>Message operators for c = (x &gt; 0): truncation of a Gaussian (Bayes point machines, TrueSkill).</summary>
public static partial class IsPositiveOp
{
    private const double HalfLog2Pi = Core.Numerics.GaussianMath.HalfLog2Pi;

    /// <summary>log Φ(z), the standard normal CDF, accurate in the lower tail.</summary>
    public static double LogNormalCdf(double z) => Math.Log(0.5 * SpecialFunctions.Erfc(-z / Math.Sqrt(2)));

    /// <summary>EP message to c: log-odds log Φ(μ/σ) − log Φ(−μ/σ).</summary>
    public static Bernoulli IsPositiveAverageConditional(Gaussian x)
    {
        if (x.IsPointMass) return Bernoulli.FromLogOdds(x.Point > 0 ? BooleanOps.Certain : -BooleanOps.Certain);
        if (!x.IsProper()) return Bernoulli.Uniform();
        double z = x.GetMean() / Math.Sqrt(x.GetVariance());
        return Bernoulli.FromLogOdds(BooleanOps.Clamp(LogNormalCdf(z) - LogNormalCdf(-z)));
    }

    /// <summary>EP message to x: the Gaussian matching the mixture of the two truncations weighted by c's context, divided by x's context.</summary>
    public static Gaussian XAverageConditional(Bernoulli isPositive, Gaussian x)
    {
        if (x.IsPointMass || !x.IsProper()) return Gaussian.Uniform();
        double mu = x.GetMean(), v = x.GetVariance(), sd = Math.Sqrt(v), z = mu / sd;
        var (lt, lf) = MessageMath.LogWeights(isPositive);
        double lpz = LogNormalCdf(z), lnz = LogNormalCdf(-z);
        double logPhi = -HalfLog2Pi - 0.5 * z * z;
        double a1 = lt + lpz, a0 = lf + lnz, lz = Core.Numerics.LogSpace.LogAddExp(a1, a0);
        double w1 = Math.Exp(a1 - lz), w0 = Math.Exp(a0 - lz);
        double mean = 0, second = 0;
        if (w1 > 0)
        {
            double r = Math.Exp(logPhi - lpz);
            double m1 = mu + sd * r, v1 = v * (1 - r * (r + z));
            mean += w1 * m1; second += w1 * (v1 + m1 * m1);
        }
        if (w0 > 0)
        {
            double r = Math.Exp(logPhi - lnz);
            double m0 = mu - sd * r, v0 = v * (1 - r * (r - z));
            mean += w0 * m0; second += w0 * (v0 + m0 * m0);
        }
        double variance = second - mean * mean;
        if (!(variance > 0)) return Gaussian.Uniform();
        return Gaussian.FromMeanAndVariance(mean, variance) / x;
    }

    /// <summary>log Σ_c ∫ δ(c = (x &gt; 0)) ctxC(c) ctxX(x) dx, unnormalised contexts.</summary>
    public static double LogAverageFactor(Bernoulli isPositive, Gaussian x)
    {
        var (lt, lf) = MessageMath.LogWeights(isPositive);
        if (x.IsPointMass) return x.Point > 0 ? lt : lf;
        double z = x.GetMean() / Math.Sqrt(x.GetVariance());
        return x.GetLogNormalizer() + Core.Numerics.LogSpace.LogAddExp(lt + LogNormalCdf(z), lf + LogNormalCdf(-z));
    }
}

/// <summary>Message operators for Boolean and, or, not, by enumeration of the truth table.</summary>
public static partial class BooleanOps
{
    /// <summary>Log-odds standing for certainty in a message (keeps the ratio of marginal and message finite).</summary>
    public const double Certain = 200;

    /// <summary>Clamps a message's log-odds to ±<see cref="Certain"/>.</summary>
    public static double Clamp(double logOdds) => double.IsNaN(logOdds) ? 0 : Math.Clamp(logOdds, -Certain, Certain);

    /// <summary>
    /// EP messages of c = f(a, b) to c, a and b, and log Σ f·contexts, with unnormalised contexts given as log weights
    /// (true, false) per variable.
    /// </summary>
    public static (Bernoulli ToC, Bernoulli ToA, Bernoulli ToB, double LogZ) Messages(Func<bool, bool, bool> f, Bernoulli c, Bernoulli a, Bernoulli b)
    {
        var (ct, cf) = MessageMath.LogWeights(c);
        var (at, af) = MessageMath.LogWeights(a);
        var (bt, bf) = MessageMath.LogWeights(b);
        double W(bool v, double t, double fl) => v ? t : fl;
        double cT = double.NegativeInfinity, cF = double.NegativeInfinity, aT = cT, aF = cT, bT = cT, bF = cT, z = cT;
        foreach (bool av in (ReadOnlySpan<bool>)[true, false])
            foreach (bool bv in (ReadOnlySpan<bool>)[true, false])
            {
                bool cv = f(av, bv);
                double wa = W(av, at, af), wb = W(bv, bt, bf), wc = W(cv, ct, cf);
                if (cv) cT = Lae(cT, wa + wb); else cF = Lae(cF, wa + wb);
                if (av) aT = Lae(aT, wb + wc); else aF = Lae(aF, wb + wc);
                if (bv) bT = Lae(bT, wa + wc); else bF = Lae(bF, wa + wc);
                z = Lae(z, wa + wb + wc);
            }
        return (Bernoulli.FromLogOdds(Clamp(cT - cF)), Bernoulli.FromLogOdds(Clamp(aT - aF)), Bernoulli.FromLogOdds(Clamp(bT - bF)), z);
    }

    private static double Lae(double x, double y) => Core.Numerics.LogSpace.LogAddExp(x, y);

    /// <summary>c = a ∧ b.</summary>
    public static bool And(bool a, bool b) => a && b;

    /// <summary>c = a ∨ b.</summary>
    public static bool Or(bool a, bool b) => a || b;

    /// <summary>c = ¬a (b ignored).</summary>
    public static bool Not(bool a, bool b) => !a;
}
