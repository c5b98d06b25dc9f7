using Probabilistic.FactorGraphs.Distributions;

namespace Probabilistic.FactorGraphs.Factors;

// VMP for deterministic factors (Winn & Bishop 2005, "Variational Message Passing", JMLR 6, deterministic nodes;
// the *AverageLogarithm operators of Infer.NET's DoublePlusOp, ProductOp, InnerProductOp, BooleanAndOp, IsPositiveOp).
// A variable c = f(a, b) is collapsed: its q is the push-forward of q(a) q(b) (the ...AverageLogarithm message to c),
// and a parent's message is exp E_{q(other)}[log m_c(f(a, b))] with m_c the product of the messages c receives.

/// <summary>VMP operators of c = (x &gt; 0).</summary>
public static partial class IsPositiveOp
{
    /// <summary>VMP push-forward of q(x) through c = (x &gt; 0): P(c) = Φ(μ/σ), log-odds log Φ(μ/σ) − log Φ(−μ/σ) (uniform while q(x) is improper).</summary>
    public static Bernoulli IsPositiveAverageLogarithm(Gaussian x)
    {
        if (x.IsPointMass) return Bernoulli.PointMass(x.Point > 0);
        if (!x.IsProper()) return Bernoulli.Uniform(); // only before the argument's first update
        double z = x.GetMean() / Math.Sqrt(x.GetVariance());
        return Bernoulli.FromLogOdds(LogNormalCdf(z) - LogNormalCdf(-z));
    }

    /// <summary>
    /// The optimal VMP q(x) ∝ m(x)·1[x &gt; 0] (isPositive true) or m(x)·1[x &lt; 0] (false), m the product of x's other
    /// messages, as its Gaussian projection (mean and variance of the truncated Gaussian), with log Z = log ∫ m̂·1[..]
    /// for the normalised m̂.
    /// </summary>
    public static (Gaussian Projection, double LogZ) XAverageLogarithm(bool isPositive, Gaussian x) => Truncate(x, 0, isPositive);

    /// <summary>
    /// Moments of N(μ, v) truncated to x &gt; t (<paramref name="above"/>) or x &lt; t, as a Gaussian, and log of the kept mass
    /// log Φ(u), u = ±(μ − t)/σ. Mean μ ± σr, variance v(1 − r(r + u)), r = φ(u)/Φ(u); for u &lt; −4 r and 1 − r(r + u) come
    /// from the continued fraction of Mills' ratio, K_n = n/(t + K_{n+1}) (t = −u): r = t + K₁, 1 − r(r + u) = K₁²(1 + K₂(K₂ − K₃)),
    /// which avoids the cancellation of the direct formula in the far tail.
    /// </summary>
    public static (Gaussian Projection, double LogZ) Truncate(Gaussian m, double threshold, bool above)
    {
        if (!m.IsProper() || m.IsPointMass) throw new InvalidOperationException($"Truncating {m}: the distribution must be a proper, non-degenerate Gaussian.");
        double mu = m.GetMean(), v = m.GetVariance(), sd = Math.Sqrt(v);
        double s = above ? 1 : -1;
        double u = s * (mu - threshold) / sd;
        double logZ = LogNormalCdf(u);
        double r, factor;
        if (u < -4)
        {
            double t = -u, k1 = 0, k2 = 0, k3 = 0, k = 0;
            for (int n = 200; n >= 1; n--)
            {
                k = n / (t + k);
                if (n == 3) k3 = k; else if (n == 2) k2 = k; else if (n == 1) k1 = k;
            }
            r = t + k1;
            factor = k1 * k1 * (1 + k2 * (k2 - k3));
        }
        else
        {
            r = Math.Exp(-HalfLog2Pi - 0.5 * u * u - logZ);
            factor = 1 - r * (r + u);
        }
        if (!(factor > 0) || !double.IsFinite(logZ))
            throw new InvalidOperationException($"Truncating N({mu}, {v}) at {threshold} leaves no representable mass (u = {u}).");
        return (Gaussian.FromMeanAndVariance(mu + s * sd * r, v * factor), logZ);
    }
}

/// <summary>VMP operators of Boolean c = f(a, b), by enumeration of the truth table.</summary>
public static partial class BooleanOps
{
    /// <summary>VMP push-forward of q(a) q(b) through c = f(a, b): P(c) = Σ q(a) q(b) 1[f(a, b)].</summary>
    public static Bernoulli CAverageLogarithm(Func<bool, bool, bool> f, Bernoulli a, Bernoulli b)
    {
        double pa = a.GetProbTrue(), pb = b.GetProbTrue(), p = 0;
        foreach (bool av in (ReadOnlySpan<bool>)[true, false])
            foreach (bool bv in (ReadOnlySpan<bool>)[true, false])
                if (f(av, bv)) p += (av ? pa : 1 - pa) * (bv ? pb : 1 - pb);
        if (p >= 1) return Bernoulli.PointMass(true);
        if (p <= 0) return Bernoulli.PointMass(false);
        return Bernoulli.FromProbTrue(p);
    }

    /// <summary>
    /// VMP message to a from c = f(a, b) with backward message m_c: for each value of a, Σ_b q(b) log m_c(f(a, b)), with
    /// 0·log 0 = 0 (a hard constraint from an observed c gives a point mass when only one value of a is possible).
    /// </summary>
    public static Bernoulli AAverageLogarithm(Func<bool, bool, bool> f, Bernoulli c, Bernoulli b)
    {
        var (ct, cf) = MessageMath.LogWeights(c);
        double pb = b.GetProbTrue();
        double L(bool av) => MessageMath.Mul(pb, f(av, true) ? ct : cf) + MessageMath.Mul(1 - pb, f(av, false) ? ct : cf);
        double lt = L(true), lf = L(false);
        if (double.IsNegativeInfinity(lt) && double.IsNegativeInfinity(lf))
            throw new InvalidOperationException("no value of the argument is consistent with the output given the other argument's distribution (the factorised q has zero probability)");
        if (double.IsNegativeInfinity(lt)) return Bernoulli.PointMass(false);
        if (double.IsNegativeInfinity(lf)) return Bernoulli.PointMass(true);
        return Bernoulli.FromLogOdds(lt - lf);
    }

    /// <summary>E_{q(a) q(b)}[log 1[f(a, b) = c]] for an observed c: 0, or −∞ when q puts mass on a violating pair.</summary>
    public static double AverageLogFactor(Func<bool, bool, bool> f, bool c, Bernoulli a, Bernoulli b)
    {
        double pa = a.GetProbTrue(), pb = b.GetProbTrue();
        foreach (bool av in (ReadOnlySpan<bool>)[true, false])
            foreach (bool bv in (ReadOnlySpan<bool>)[true, false])
                if (f(av, bv) != c && (av ? pa : 1 - pa) * (bv ? pb : 1 - pb) > 0) return double.NegativeInfinity;
        return 0;
    }
}
