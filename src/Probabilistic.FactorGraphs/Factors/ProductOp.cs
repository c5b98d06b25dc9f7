using Probabilistic.FactorGraphs.Distributions;

namespace Probabilistic.FactorGraphs.Factors;

/// <summary>
/// VMP operators of c = a·b for two independent random Gaussians (Infer.NET's <c>GaussianProductVmpOp</c>; Winn &amp; Bishop
/// 2005, "Variational Message Passing", deterministic nodes). Under mean field c's push-forward has E[c] = E[a] E[b] and
/// E[c²] = E[a²] E[b²]: only these two moments enter the factors that read c when they are Gaussian in c (quadratic in
/// log), so representing q(c) by the Gaussian with those moments is exact there. EP's operators moment-match the tilted
/// distribution ctx_a(a) ctx_b(b) ctx_c(a b) (the job of Infer.NET's <c>GaussianProductOp</c>): b and c are integrated out in
/// closed form given a, and a by quadrature (<see cref="EpMoments"/>).
/// </summary>
public static class ProductOp
{
    /// <summary>The projections of the tilted distribution of c = a b on c, a and b, and log ∫∫ ctx_c(ab) ctx_a ctx_b (unnormalised contexts).</summary>
    public readonly record struct Tilted(Gaussian Product, Gaussian A, Gaussian B, double LogZ);

    /// <summary>
    /// EP message to the product: the tilted projection over the context, kept proper by default as Infer.NET's
    /// <c>GaussianProductOp</c> keeps it (<paramref name="forceProper"/> false: the plain ratio, possibly improper).
    /// </summary>
    public static Gaussian ProductAverageConditional(Gaussian product, Gaussian a, Gaussian b, bool forceProper = true) =>
        a.IsUniform() || b.IsUniform() ? Gaussian.Uniform() : Ratio(EpMoments(product, a, b).Product, product, forceProper);

    /// <summary>EP message to the first argument (kept proper by default, as <see cref="ProductAverageConditional"/>).</summary>
    public static Gaussian AAverageConditional(Gaussian product, Gaussian a, Gaussian b, bool forceProper = true) =>
        product.IsUniform() || b.IsUniform() ? Gaussian.Uniform() : Ratio(EpMoments(product, a, b).A, a, forceProper);

    /// <summary>EP message to the second argument.</summary>
    public static Gaussian BAverageConditional(Gaussian product, Gaussian a, Gaussian b, bool forceProper = true) =>
        AAverageConditional(product, b, a, forceProper);

    private static Gaussian Ratio(Gaussian tilted, Gaussian context, bool forceProper) =>
        forceProper ? Gaussian.ProperRatio(tilted, context) : tilted / context;

    /// <summary>log ∫∫ ctx_c(a b) ctx_a(a) ctx_b(b) da db with unnormalised contexts exp(η·T).</summary>
    public static double LogAverageFactor(Gaussian product, Gaussian a, Gaussian b) => EpMoments(product, a, b).LogZ;

    /// <summary>
    /// The tilted moments. Given a, b's tilted density ctx_b(b) ctx_c(ab) is Gaussian (precision 1/v_b + a²/v_c, mean
    /// (m_b/v_b + a m_c/v_c)/precision), c = ab follows it, and ∫ ctx_b(b) ctx_c(ab) db = N(m_c; a m_b, v_c + a² v_b); what is
    /// left is a one-dimensional integral over a of ctx_a(a) N(m_c; a m_b, v_c + a² v_b) times polynomials, done by the
    /// trapezoid rule on a grid fine enough for both factors (a bounded, smooth integrand: the error falls exponentially with
    /// the step). With a uniform product context the tilted product is the product of two Gaussians: mean m_a m_b, variance
    /// v_a v_b + v_a m_b² + v_b m_a².
    /// </summary>
    /// <exception cref="ArgumentException">A context of a or b is improper (not a point mass), or the product's is improper.</exception>
    public static Tilted EpMoments(Gaussian product, Gaussian a, Gaussian b)
    {
        if (!a.IsPointMass && !a.IsProper()) throw new ArgumentException($"Product needs a proper context for its first argument, not {a}.", nameof(a));
        if (!b.IsPointMass && !b.IsProper()) throw new ArgumentException($"Product needs a proper context for its second argument, not {b}.", nameof(b));
        if (!product.IsPointMass && product.Precision < 0) throw new ArgumentException($"Product needs a proper or uniform context for its output, not {product}.", nameof(product));
        double ma = a.GetMean(), va = a.IsPointMass ? 0 : a.GetVariance(), mb = b.GetMean(), vb = b.IsPointMass ? 0 : b.GetVariance();
        double logNorm = Normalizer(a) + Normalizer(b) + Normalizer(product);
        if (product.IsUniform())
            return new Tilted(Gaussian.FromMeanAndVariance(ma * mb, va * vb + va * mb * mb + vb * ma * ma), a, b, logNorm);
        if (a.IsPointMass || b.IsPointMass)
            throw new ArgumentException("Product with a known side is a scale; use the scale's operators.");
        bool observed = product.IsPointMass;
        double mc = product.GetMean(), vc = observed ? 0 : product.GetVariance();
        double sa = Math.Sqrt(va);
        // the likelihood in a, N(m_c; a m_b, v_c + a² v_b), varies on the scale √(v_c + a² v_b)/|m_b| (and √v_c/√v_b around
        // a = 0 when m_b is small); the grid resolves both and the prior's width, over ±12 prior standard deviations
        double width = sa;
        if (Math.Abs(mb) > 0) width = Math.Min(width, Math.Sqrt(vc + (Math.Abs(ma) + 12 * sa) * (Math.Abs(ma) + 12 * sa) * vb) / Math.Abs(mb));
        if (vb > 0 && vc > 0) width = Math.Min(width, Math.Sqrt(vc / vb));
        width = Math.Max(width, 1e-6 * sa);
        double h = width / 16;
        int half = (int)Math.Min(200_000, Math.Ceiling(12 * sa / h));
        h = 12 * sa / half;
        // first pass: log integrand values, for a stable sum
        var logf = new double[2 * half + 1];
        double max = double.NegativeInfinity;
        for (int k = -half; k <= half; k++)
        {
            double x = ma + k * h;
            double v = vc + x * x * vb;
            double l = v > 0 ? -0.5 * (x - ma) * (x - ma) / va - 0.5 * (mc - x * mb) * (mc - x * mb) / v - 0.5 * Math.Log(v) : double.NegativeInfinity;
            logf[k + half] = l;
            if (l > max) max = l;
        }
        double z = 0, sa1 = 0, sa2 = 0, sb1 = 0, sb2 = 0, sc1 = 0, sc2 = 0;
        for (int k = -half; k <= half; k++)
        {
            double w = Math.Exp(logf[k + half] - max);
            if (w == 0) continue;
            double x = ma + k * h;
            // b | a: precision 1/v_b + a²/v_c, mean (m_b/v_b + a m_c/v_c)/precision (v_c = 0: b = m_c/a exactly)
            double meanB, varB;
            if (observed) { meanB = mc / x; varB = 0; }
            else
            {
                double pb = 1 / vb + x * x / vc;
                meanB = (mb / vb + x * mc / vc) / pb;
                varB = 1 / pb;
            }
            z += w;
            sa1 += w * x; sa2 += w * x * x;
            sb1 += w * meanB; sb2 += w * (meanB * meanB + varB);
            sc1 += w * x * meanB; sc2 += w * x * x * (meanB * meanB + varB);
        }
        double meanA = sa1 / z, meanBt = sb1 / z, meanC = sc1 / z;
        var ta = Gaussian.FromMeanAndVariance(meanA, Math.Max(sa2 / z - meanA * meanA, 0));
        var tb = Gaussian.FromMeanAndVariance(meanBt, Math.Max(sb2 / z - meanBt * meanBt, 0));
        var tc = observed ? product : Gaussian.FromMeanAndVariance(meanC, Math.Max(sc2 / z - meanC * meanC, 0));
        // log Z with normalised contexts: log ∫ N(a; m_a, v_a) N(m_c; a m_b, v_c + a² v_b) da, the integrand's constants
        // −log(2π v_a)/2 − log(2π)/2 restored; then the unnormalised contexts' normalisers
        double logZ = max + Math.Log(z * h) - 0.5 * Math.Log(2 * Math.PI * va) - 0.5 * Math.Log(2 * Math.PI);
        return new Tilted(tc, ta, tb, logZ + logNorm);
    }

    private static double Normalizer(Gaussian g) => g.IsPointMass || g.Precision == 0 ? 0 : g.GetLogNormalizer();

    /// <summary>
    /// VMP push-forward of q(a) q(b) through c = a b: mean E a E b and variance E[a²]E[b²] − (E a E b)², written as
    /// var a · var b + var a · (E b)² + var b · (E a)² so that it is never negative in floating point.
    /// </summary>
    public static Gaussian ProductAverageLogarithm(Gaussian a, Gaussian b)
    {
        double ma = a.GetMean(), mb = b.GetMean(), va = a.GetVariance(), vb = b.GetVariance();
        return Gaussian.FromMeanAndVariance(ma * mb, va * vb + va * mb * mb + vb * ma * ma);
    }

    /// <summary>
    /// VMP message to a from c = a b given c's backward message m_c = exp(h c − p c²/2):
    /// exp E_b[h a b − p a² b²/2] = exp(h E[b] a − p E[b²] a²/2), natural parameters (h E b, p E b²).
    /// </summary>
    public static Gaussian AAverageLogarithm(Gaussian product, Gaussian b)
    {
        double mb = b.GetMean();
        return Gaussian.FromNatural(product.MeanTimesPrecision * mb, product.Precision * (b.GetVariance() + mb * mb));
    }

    /// <summary>VMP message to b: symmetric to <see cref="AAverageLogarithm"/>.</summary>
    public static Gaussian BAverageLogarithm(Gaussian product, Gaussian a) => AAverageLogarithm(product, a);
}
