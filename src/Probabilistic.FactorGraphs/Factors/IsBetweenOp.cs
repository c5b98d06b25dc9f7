using Probabilistic.Core.Numerics;
using Probabilistic.FactorGraphs.Distributions;

namespace Probabilistic.FactorGraphs.Factors;

/// <summary>
/// Message operators for c = (l ≤ x &lt; u) with Gaussian x and constant or Gaussian bounds (Infer.NET's
/// <c>Factor.IsBetween</c>). EP matches the moments of the tilted distribution exactly: with constant bounds a truncated
/// Gaussian; with random bounds the region {x − l &gt; 0, u − x &gt; 0} of the jointly Gaussian differences, whose moments
/// follow from the truncated bivariate normal's (Rosenbaum 1961) by regression of x, l and u on the two differences.
/// </summary>
public static partial class IsBetweenOp
{
    /// <summary>The mass of a region and a variable's partial moments over it, E[y·1_R] and E[y²·1_R].</summary>
    private readonly record struct Partial(double Mean1, double Mean2);

    /// <summary>Mass of N(y) in [a, b) and the partial moments there (a point mass: its indicator).</summary>
    private static (double Mass, Partial Y) Interval(Gaussian y, double a, double b)
    {
        if (y.IsPointMass)
        {
            double p = y.Point >= a && y.Point < b ? 1 : 0;
            return (p, new Partial(p * y.Point, p * y.Point * y.Point));
        }
        double m = y.GetMean(), v = y.GetVariance(), sd = Math.Sqrt(v);
        double za = (a - m) / sd, zb = (b - m) / sd;
        // upper tails when the interval lies above the mean, for accuracy
        double mass = za > 0 ? Phi(-za) - Phi(-zb) : Phi(zb) - Phi(za);
        double pa = double.IsInfinity(za) ? 0 : SmallPhi(za), pb = double.IsInfinity(zb) ? 0 : SmallPhi(zb);
        double dphi = pa - pb, dzphi = (double.IsInfinity(za) ? 0 : za * pa) - (double.IsInfinity(zb) ? 0 : zb * pb);
        return (mass, new Partial(m * mass + sd * dphi, m * m * mass + 2 * m * sd * dphi + v * (mass + dzphi)));
    }

    private static Partial Scaled(Partial p, double k) => new(p.Mean1 * k, p.Mean2 * k);

    private static Partial Point(double value, double mass) => new(value * mass, value * value * mass);

    /// <summary>P(l ≤ x &lt; u) and the partial moments of x, l and u over that region.</summary>
    private static (double Mass, Partial X, Partial L, Partial U) Region(Gaussian x, Gaussian l, Gaussian u)
    {
        if (x.IsPointMass)
        {
            double x0 = x.Point;
            var (pl, lp) = Interval(l, double.NegativeInfinity, NextUp(x0)); // l ≤ x0
            var (pu, up) = Interval(u, NextUp(x0), double.PositiveInfinity); // u > x0
            double p = pl * pu;
            return (p, Point(x0, p), Scaled(lp, pu), Scaled(up, pl));
        }
        if (l.IsPointMass && u.IsPointMass)
        {
            var (p, xp) = Interval(x, l.Point, u.Point);
            return (p, xp, Point(l.Point, p), Point(u.Point, p));
        }
        return Bivariate(x, l, u);
    }

    private static double NextUp(double x) => double.IsInfinity(x) ? x : Math.BitIncrement(x);

    /// <summary>
    /// The region {d₁ = x − l &gt; 0, d₂ = u − x &gt; 0} with (d₁, d₂) bivariate normal: its mass Φ₂ and the partial moments of
    /// the standardised differences w (E[w·1], E[wwᵀ·1] by Stein's lemma), then of each variable y by its regression on d,
    /// y = m_y + B(d − μ) + ε with B = Cov(y, d) Σ⁻¹ and ε independent of d.
    /// </summary>
    private static (double Mass, Partial X, Partial L, Partial U) Bivariate(Gaussian x, Gaussian l, Gaussian u)
    {
        double mx = x.GetMean(), vx = x.GetVariance();
        double ml = l.GetMean(), vl = l.IsPointMass ? 0 : l.GetVariance();
        double mu = u.GetMean(), vu = u.IsPointMass ? 0 : u.GetVariance();
        double s1 = Math.Sqrt(vx + vl), s2 = Math.Sqrt(vx + vu);
        double rho = Math.Clamp(-vx / s1 / s2, -1, 1);
        double s = Math.Sqrt(((vl + vu) * vx + vl * vu) / (vx + vl) / (vx + vu));
        double h = -(mx - ml) / s1, k = -(mu - mx) / s2;
        double p = BivariateNormalUpper(h, k, rho);
        double a1 = SmallPhi(h) * Phi((rho * h - k) / s), a2 = SmallPhi(k) * Phi((rho * k - h) / s);
        double b = Math.Exp(-(h * h - 2 * rho * h * k + k * k) / (2 * s * s)) / TwoPi;
        double m1 = a1 + rho * a2, m2 = a2 + rho * a1;
        double w11 = p + h * a1 + rho * rho * k * a2 + rho * s * b;
        double w22 = p + k * a2 + rho * rho * h * a1 + rho * s * b;
        double w12 = rho * p + rho * h * a1 + rho * k * a2 + s * b;
        // partial moments of δ = d − μ
        double e1 = s1 * m1, e2 = s2 * m2;
        double e11 = s1 * s1 * w11, e22 = s2 * s2 * w22, e12 = s1 * s2 * w12;
        double c12 = rho * s1 * s2, det = s1 * s1 * s2 * s2 * s * s;
        Partial Regress(double m, double v, double cov1, double cov2)
        {
            // B = C Σ⁻¹ with Σ = [[s1², c12], [c12, s2²]]
            double b1 = (cov1 * s2 * s2 - cov2 * c12) / det, b2 = (cov2 * s1 * s1 - cov1 * c12) / det;
            double residual = Math.Max(0, v - (b1 * cov1 + b2 * cov2));
            double lin = b1 * e1 + b2 * e2;
            double quad = b1 * b1 * e11 + 2 * b1 * b2 * e12 + b2 * b2 * e22;
            return new Partial(m * p + lin, (residual + m * m) * p + 2 * m * lin + quad);
        }
        return (p, Regress(mx, vx, vx, -vx), Regress(ml, vl, -vl, 0), Regress(mu, vu, 0, vu));
    }

    private static bool Usable(Gaussian g) => g.IsPointMass || g.IsProper();

    /// <summary>log P(l ≤ x &lt; u) for the contexts of x, l and u (normalised).</summary>
    public static double LogProbBetween(Gaussian x, Gaussian lowerBound, Gaussian upperBound) =>
        Math.Log(Region(x, lowerBound, upperBound).Mass);

    /// <summary>EP message to c: log-odds log P − log(1 − P) (uniform while a context is improper).</summary>
    public static Bernoulli IsBetweenAverageConditional(Gaussian x, Gaussian lowerBound, Gaussian upperBound)
    {
        if (!Usable(x) || !Usable(lowerBound) || !Usable(upperBound)) return Bernoulli.Uniform();
        double p = Region(x, lowerBound, upperBound).Mass;
        return Bernoulli.FromLogOdds(BooleanOps.Clamp(Math.Log(p) - Math.Log(1 - p)));
    }

    /// <summary>
    /// EP messages to x, l and u: the Gaussians with the moments of the tilted distribution (c's context weighting the
    /// region and its complement), divided by each context and kept proper (Infer.NET's <c>ForceProper</c>); uniform while a
    /// context is improper, and for a point mass.
    /// </summary>
    public static (Gaussian ToX, Gaussian ToLower, Gaussian ToUpper) Messages(Bernoulli isBetween, Gaussian x, Gaussian lowerBound, Gaussian upperBound)
    {
        var uniform = (Gaussian.Uniform(), Gaussian.Uniform(), Gaussian.Uniform());
        if (!Usable(x) || !Usable(lowerBound) || !Usable(upperBound)) return uniform;
        var (p, px, pl, pu) = Region(x, lowerBound, upperBound);
        var (t, f) = MessageMath.LogWeights(isBetween);
        double lz = LogSpace.LogAddExp(t, f), wt = Math.Exp(t - lz), wf = Math.Exp(f - lz);
        double z = wt * p + wf * (1 - p);
        if (!(z > 0)) return uniform;
        Gaussian Message(Gaussian ctx, Partial part)
        {
            if (ctx.IsPointMass) return Gaussian.Uniform();
            double m = ctx.GetMean(), v = ctx.GetVariance();
            double mean = (wt * part.Mean1 + wf * (m - part.Mean1)) / z;
            double second = (wt * part.Mean2 + wf * (m * m + v - part.Mean2)) / z;
            double variance = second - mean * mean;
            if (!(variance > 0)) return Gaussian.Uniform();
            return Gaussian.ProperRatio(Gaussian.FromMeanAndVariance(mean, variance), ctx);
        }
        return (Message(x, px), Message(lowerBound, pl), Message(upperBound, pu));
    }

    /// <summary>log Σ_c ∫∫∫ ctx_c(c) ctx_x ctx_l ctx_u 1[c = (l ≤ x &lt; u)], unnormalised contexts.</summary>
    public static double LogAverageFactor(Bernoulli isBetween, Gaussian x, Gaussian lowerBound, Gaussian upperBound)
    {
        if (!Usable(x) || !Usable(lowerBound) || !Usable(upperBound)) return 0;
        double p = Region(x, lowerBound, upperBound).Mass;
        var (t, f) = MessageMath.LogWeights(isBetween);
        return x.GetLogNormalizer() + lowerBound.GetLogNormalizer() + upperBound.GetLogNormalizer()
            + LogSpace.LogAddExp(t + Math.Log(p), f + Math.Log(Math.Max(0, 1 - p)));
    }

    /// <summary>
    /// VMP: the optimal q(x) ∝ m(x)·1[lo ≤ x &lt; hi] as its Gaussian projection (the truncated Gaussian's mean and
    /// variance), with log Z = log ∫ m̂·1[..] for the normalised m̂.
    /// </summary>
    public static (Gaussian Projection, double LogZ) Truncate(Gaussian m, double lo, double hi)
    {
        if (!m.IsProper() || m.IsPointMass) throw new InvalidOperationException($"Truncating {m}: the distribution must be a proper, non-degenerate Gaussian.");
        var (mass, part) = Interval(m, lo, hi);
        double mean = part.Mean1 / mass, variance = part.Mean2 / mass - mean * mean;
        if (!(mass > 0) || !(variance > 0))
            throw new InvalidOperationException($"Truncating {m} to [{lo}, {hi}) leaves no representable mass.");
        return (Gaussian.FromMeanAndVariance(mean, variance), Math.Log(mass));
    }

    /// <summary>VMP push-forward of q(x) through c = (lo ≤ x &lt; hi): P(c) = the mass of q in the interval.</summary>
    public static Bernoulli IsBetweenAverageLogarithm(Gaussian x, double lo, double hi)
    {
        if (!Usable(x)) return Bernoulli.Uniform();
        double p = Interval(x, lo, hi).Mass;
        return p >= 1 ? Bernoulli.PointMass(true) : p <= 0 ? Bernoulli.PointMass(false) : Bernoulli.FromProbTrue(p);
    }
}
