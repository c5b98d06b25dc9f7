using Probabilistic.FactorGraphs.Distributions;

namespace Probabilistic.FactorGraphs.Factors;

/// <summary>
/// Message operators for p = σ(x) = 1/(1 + e^−x), x Gaussian and p a Beta. A Beta(a, b) context of p is the function
/// σ(x)^(a−1) σ(−x)^(b−1) of x (a Bernoulli observation y sends Beta(1 + y, 2 − y)).
/// </summary>
/// <remarks>
/// EP: the message to x is the exact moment match of σ(x)^(a−1) σ(−x)^(b−1) N(x; m, v) (by <see cref="TiltedQuadrature"/>);
/// for the case a + b = 3 of one Bernoulli observation this is what Infer.NET's power-EP update converges to. The message to
/// p is Infer.NET's: the Beta with the mean E[σ(x)] under x's marginal and, when p's context is a Beta(a, b), the normaliser
/// ∫ Beta(p) p^(a−1) (1 − p)^(b−1) dp equal to the factor's (<see cref="BetaFromMeanAndIntegral"/>); with a flat context,
/// the Beta with that mean and variance.
/// VMP: Infer.NET's default (Saul and Jordan 1999), the bound E[log(1 + e^x)] ≤ a²v/2 + log(1 + e^(m + (1 − 2a)v/2)) at its
/// best a; the message to x matches the bound's gradient in (m, v) (non-conjugate VMP, Knowles and Minka 2011).
/// </remarks>
public static class LogisticOp
{
    /// <summary>log σ(x) without overflow.</summary>
    public static double LogSigma(double x) => x >= 0 ? -double.LogP1(Math.Exp(-x)) : x - double.LogP1(Math.Exp(x));

    private static double Sigma(double x) => x >= 0 ? 1 / (1 + Math.Exp(-x)) : Math.Exp(x) / (1 + Math.Exp(x));

    /// <summary>The tilted density σ(x)^(a−1) σ(−x)^(b−1) N(x; m, v) (normalised Gaussian), integrated.</summary>
    private static TiltedQuadrature Tilted(double a1, double b1, double m, double v)
    {
        double L(double x) => a1 * LogSigma(x) + b1 * LogSigma(-x) - 0.5 * (x - m) * (x - m) / v - 0.5 * Math.Log(v) - MessageMath.HalfLog2Pi;
        double Dl(double x) => a1 * Sigma(-x) - b1 * Sigma(x) - (x - m) / v;
        double D2l(double x) { double s = Sigma(x); return -(a1 + b1) * s * (1 - s) - 1 / v; }
        return TiltedQuadrature.Integrate(L, Dl, D2l, m + (a1 - b1) * v * 0.25);
    }

    /// <summary>EP message to x: the moment match of the tilted density divided by x's context (kept proper).</summary>
    public static Gaussian XAverageConditional(Beta logistic, Gaussian x)
    {
        if (logistic.IsPointMass) return Gaussian.PointMass(Logit(logistic.Point));
        double a1 = logistic.TrueCount - 1, b1 = logistic.FalseCount - 1;
        if (a1 == 0 && b1 == 0) return Gaussian.Uniform();
        if (x.IsPointMass || !x.IsProper()) return Gaussian.Uniform();
        var t = Tilted(a1, b1, x.GetMean(), x.GetVariance());
        return Gaussian.ProperRatio(Gaussian.FromMeanAndVariance(t.Mean, t.Variance), x);
    }

    /// <summary>
    /// EP message to p (Infer.NET's): given x's context and x's current marginal, a point mass at σ(x) for a known x; for a flat
    /// context of p the Beta with the mean and variance of σ(x) under x's marginal; otherwise
    /// <see cref="BetaFromMeanAndIntegral"/> with the mean of σ(x) under the marginal and the factor's normaliser.
    /// </summary>
    public static Beta LogisticAverageConditional(Beta logistic, Gaussian x, Gaussian xMarginal)
    {
        if (x.IsPointMass) return Beta.PointMass(Sigma(x.Point));
        if (logistic.IsPointMass || !x.IsProper()) return Beta.Uniform();
        double m = xMarginal.GetMean(), v = xMarginal.GetVariance();
        var post = Tilted(0, 0, m, v);
        double mean = post.Expect(Sigma);
        double a1 = logistic.TrueCount - 1, b1 = logistic.FalseCount - 1;
        if (a1 == 0 && b1 == 0)
        {
            double meanSquare = post.Expect(u => Sigma(u) * Sigma(u));
            return Beta.FromMeanAndVariance(mean, meanSquare - mean * mean);
        }
        double logZ = Tilted(a1, b1, x.GetMean(), x.GetVariance()).LogZ;
        return BetaFromMeanAndIntegral(mean, logZ, a1, b1);
    }

    /// <summary>
    /// The Beta(α, β) with ∫ Beta(p; α, β) p^a (1 − p)^b dp = exp(logZ) and mean <paramref name="mean"/> of the weighted Beta
    /// Beta(α + a, β + b) (Infer.NET's BetaFromMeanAndIntegral): the second condition gives β + b = (α + a)(1 − m)/m, the first
    /// is solved for α by bisection on log(α − α₀), α₀ the smallest α keeping α, β, α + a, β + b positive (each written as
    /// its offset at α₀ plus a multiple of α − α₀, so none cancels). A point mass at the mean when no finite α attains logZ.
    /// </summary>
    public static Beta BetaFromMeanAndIntegral(double mean, double logZ, double a, double b)
    {
        if (!(mean > 0 && mean < 1)) throw new ArgumentOutOfRangeException(nameof(mean), mean, "The mean must lie in (0, 1).");
        double r = (1 - mean) / mean;
        // α = α₀ + t; α + a = d + t; β + b = (d + t) r; β = (d + t) r − b
        double bound = b / r - a;
        double alpha0 = Math.Max(0, Math.Max(-a, bound));
        double d = alpha0 == -a ? 0 : alpha0 + a;
        double c = alpha0 == bound ? 0 : Math.Max(0, d * r - b);
        double G(double t)
        {
            double alpha = alpha0 + t, aa = d + t, beta = c + t * r, bb = aa * r;
            return MessageMath.GammaLn(alpha + beta) - MessageMath.GammaLn(aa + bb) + MessageMath.GammaLn(aa)
                - MessageMath.GammaLn(alpha) + MessageMath.GammaLn(bb) - MessageMath.GammaLn(beta) - logZ;
        }
        double g0 = G(Math.Exp(-40)), x1 = -39, g1 = G(Math.Exp(x1));
        if (double.IsNaN(g0)) throw new ArithmeticException($"BetaFromMeanAndIntegral: no solution for mean {mean}, logZ {logZ}, a {a}, b {b}.");
        while (Math.Sign(g1) == Math.Sign(g0))
        {
            if (x1 > 60) return Beta.PointMass(mean); // no finite α attains logZ
            x1 += 1;
            g1 = G(Math.Exp(x1));
        }
        double l = x1 - 1, h = x1;
        for (int it = 0; it < 200 && h - l > 1e-15; it++)
        {
            double mid = 0.5 * (l + h), gm = G(Math.Exp(mid));
            if (Math.Sign(gm) == Math.Sign(g0)) l = mid; else h = mid;
        }
        double tt = Math.Exp(0.5 * (l + h));
        return Beta.FromCounts(alpha0 + tt, c + tt * r);
    }

    /// <summary>log ∫ ctx_p(σ(x)) ctx_x(x) dx with unnormalised contexts p^(a−1)(1 − p)^(b−1) and exp(h x − τx²/2).</summary>
    public static double LogAverageFactor(Beta logistic, Gaussian x)
    {
        if (x.IsPointMass)
            return logistic.IsPointMass ? 0 : (logistic.TrueCount - 1) * LogSigma(x.Point) + (logistic.FalseCount - 1) * LogSigma(-x.Point);
        if (!x.IsProper()) return 0;
        if (logistic.IsPointMass)
        {
            // ∫ δ(p − σ(x)) N(x) dx over p with the point context: the density of σ(x) at p
            double p = logistic.Point, u = Logit(p);
            return x.GetLogProb(u) - Math.Log(p * (1 - p)) + x.GetLogNormalizer();
        }
        return Tilted(logistic.TrueCount - 1, logistic.FalseCount - 1, x.GetMean(), x.GetVariance()).LogZ + x.GetLogNormalizer();
    }

    /// <summary>log(p/(1 − p)).</summary>
    public static double Logit(double p) => Math.Log(p) - Math.Log(1 - p);

    // ---- VMP: the Saul–Jordan bound ----

    /// <summary>
    /// The Saul–Jordan bound at its best a: F(m, v) = min_a a²v/2 + log(1 + e^(m + (1 − 2a)v/2)) ≥ E[log(1 + e^x)], and the
    /// minimiser a*, the root of a = σ(m + (1 − 2a)v/2) (the bound is convex in a; Newton's method kept inside a bracket).
    /// </summary>
    public static (double Bound, double A) SaulJordan(double m, double v)
    {
        if (v == 0) return (-LogSigma(-m), Sigma(m));
        double lo = 0, hi = 1, a = Sigma(m);
        for (int it = 0; it < 100; it++)
        {
            double s = Sigma(m + (1 - 2 * a) * v / 2), h = a - s;
            if (h > 0) hi = a; else lo = a;
            double next = a - h / (1 + v * s * (1 - s));
            if (!(next > lo && next < hi)) next = 0.5 * (lo + hi);
            if (Math.Abs(next - a) <= 1e-16) { a = next; break; }
            a = next;
        }
        return (a * a * v / 2 - LogSigma(-(m + (1 - 2 * a) * v / 2)), a);
    }

    /// <summary>VMP push-forward of p: the Beta with E[log p] = m − F and E[log(1 − p)] = −F (F the Saul–Jordan bound).</summary>
    public static Beta LogisticAverageLogarithm(Gaussian x)
    {
        if (x.IsPointMass) return Beta.PointMass(Sigma(x.Point));
        if (!x.IsProper()) return Beta.Uniform(); // an argument not yet initialised
        double m = x.GetMean(), v = x.GetVariance();
        double f = SaulJordan(m, v).Bound;
        return Beta.FromMeanLogs(m - f, -f);
    }

    /// <summary>
    /// VMP message to x from p's backward message Beta(α, β): E[log f] = (α − 1)(m − F) − (β − 1)F has gradient
    /// ∂/∂m = (α − 1) − s·a*, ∂/∂v = −s·a*(1 − a*)/2 (s = α + β − 2, by the envelope theorem at a*); the Gaussian with
    /// precision −2 ∂/∂v and mean-times-precision m·precision + ∂/∂m.
    /// </summary>
    public static Gaussian XAverageLogarithm(Beta logistic, Gaussian x)
    {
        if (logistic.IsPointMass) return Gaussian.PointMass(Logit(logistic.Point));
        double a1 = logistic.TrueCount - 1, scale = logistic.TrueCount + logistic.FalseCount - 2;
        if (scale == 0 && a1 == 0) return Gaussian.Uniform();
        double m = x.GetMean(), v = x.GetVariance();
        double a = SaulJordan(m, v).A;
        double precision = scale * a * (1 - a);
        return Gaussian.FromNatural(m * precision + a1 - scale * a, precision);
    }
}
