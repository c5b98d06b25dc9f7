using Probabilistic.FactorGraphs.Distributions;

namespace Probabilistic.FactorGraphs.Factors;

/// <summary>
/// EP operators for m = max(a, b) of two doubles with Gaussian contexts. The tilted distribution splits into the case m = a
/// (then b &lt; a) and the case m = b (then a &lt; b); in each, the variables are Gaussians truncated by one linear
/// inequality, whose moments are closed-form. Each message is the moment match of that two-component mixture divided by the
/// context, kept proper as Infer.NET's <c>MaxGaussianOp</c> keeps it (<see cref="Gaussian.ProperRatio"/>).
/// </summary>
public static class MaxOp
{
    private const double HalfLog2Pi = Core.Numerics.GaussianMath.HalfLog2Pi;

    /// <summary>The projections of the tilted distributions of max, a and b, and log ∫∫ ctx_max(max(a, b)) ctx_a ctx_b.</summary>
    public readonly record struct Tilted(Gaussian Max, Gaussian A, Gaussian B, double LogZ);

    /// <summary>EP message to the output.</summary>
    public static Gaussian MaxAverageConditional(Gaussian max, Gaussian a, Gaussian b)
    {
        if (a.IsUniform() || b.IsUniform()) return Gaussian.Uniform();
        return Gaussian.ProperRatio(Moments(max, a, b).Max, max);
    }

    /// <summary>EP message to the first argument.</summary>
    public static Gaussian AAverageConditional(Gaussian max, Gaussian a, Gaussian b)
    {
        if (max.IsUniform() || b.IsUniform()) return Gaussian.Uniform();
        return Gaussian.ProperRatio(Moments(max, a, b).A, a);
    }

    /// <summary>EP message to the second argument.</summary>
    public static Gaussian BAverageConditional(Gaussian max, Gaussian a, Gaussian b) => AAverageConditional(max, b, a);

    /// <summary>log ∫∫ ctx_max(max(a, b)) ctx_a(a) ctx_b(b) da db with unnormalised contexts exp(η·T).</summary>
    public static double LogAverageFactor(Gaussian max, Gaussian a, Gaussian b) => Moments(max, a, b).LogZ;

    /// <summary>The three tilted projections and log Z (contexts must be proper or point masses; max may be uniform).</summary>
    /// <exception cref="ArgumentException">A context of a or b is improper, or the contexts exclude each other.</exception>
    public static Tilted Moments(Gaussian max, Gaussian a, Gaussian b)
    {
        if (!a.IsPointMass && !a.IsProper()) throw new ArgumentException($"Max needs a proper context for its first argument, not {a}.", nameof(a));
        if (!b.IsPointMass && !b.IsProper()) throw new ArgumentException($"Max needs a proper context for its second argument, not {b}.", nameof(b));
        if (!max.IsPointMass && max.Precision < 0) throw new ArgumentException($"Max needs a proper or uniform context for its output, not {max}.", nameof(max));
        double logNorm = Normalizer(max) + Normalizer(a) + Normalizer(b);
        if (a.IsPointMass && b.IsPointMass)
        {
            double m = Math.Max(a.Point, b.Point);
            double lz = max.IsPointMass ? (max.Point == m ? 0 : double.NegativeInfinity) : max.Precision == 0 ? 0 : max.GetLogProb(m) + max.GetLogNormalizer();
            return new Tilted(Gaussian.PointMass(m), a, b, lz);
        }
        var c1 = Case(max, a, b);
        var c2 = Case(max, b, a);
        double logZ = Core.Numerics.LogSpace.LogAddExp(c1.LogW, c2.LogW);
        if (double.IsNegativeInfinity(logZ)) throw new ArgumentException($"Max: the contexts {max}, {a}, {b} exclude each other (the factor has probability zero).");
        double w1 = Math.Exp(c1.LogW - logZ), w2 = Math.Exp(c2.LogW - logZ);
        return new Tilted(
            Mix(w1, c1.MeanMax, c1.VarMax, w2, c2.MeanMax, c2.VarMax),
            Mix(w1, c1.MeanMax, c1.VarMax, w2, c2.MeanOther, c2.VarOther),
            Mix(w1, c1.MeanOther, c1.VarOther, w2, c2.MeanMax, c2.VarMax),
            logZ + logNorm);
    }

    /// <summary>log normaliser of an unnormalised context (0 for a point mass or the uniform).</summary>
    private static double Normalizer(Gaussian g) => g.IsPointMass || g.Precision == 0 ? 0 : g.GetLogNormalizer();

    /// <summary>
    /// The case max = x (and y &lt; x): its log weight with normalised contexts, the moments of x (= max) and those of y.
    /// x ~ N(mx1, vx1), the product of the contexts of max and x, weighted by P(y &lt; x) = Φ((x − my)/√vy).
    /// </summary>
    private static (double LogW, double MeanMax, double VarMax, double MeanOther, double VarOther) Case(Gaussian max, Gaussian x, Gaussian y)
    {
        double mx = x.GetMean(), vx = x.GetVariance(), my = y.GetMean(), vy = y.GetVariance();
        double m1, v1, logN;
        if (max.IsPointMass)
        {
            (m1, v1) = (max.Point, 0);
            logN = x.IsPointMass ? (x.Point == max.Point ? 0 : double.NegativeInfinity) : x.GetLogProb(max.Point);
        }
        else if (max.Precision == 0)
        {
            (m1, v1, logN) = (mx, vx, 0);
        }
        else
        {
            double mm = max.GetMean(), vm = max.GetVariance();
            v1 = vm * vx / (vm + vx);
            m1 = (mm * vx + mx * vm) / (vm + vx);
            logN = -HalfLog2Pi - 0.5 * Math.Log(vm + vx) - 0.5 * (mm - mx) * (mm - mx) / (vm + vx);
        }
        if (double.IsNegativeInfinity(logN)) return (logN, m1, 0, my, vy);
        double s2 = v1 + vy;
        if (s2 == 0) return m1 > my ? (logN, m1, 0, my, 0) : (double.NegativeInfinity, m1, 0, my, 0);
        double s = Math.Sqrt(s2), z = (m1 - my) / s;
        double logPhi = IsPositiveOp.LogNormalCdf(z);
        double lambda = Math.Exp(-HalfLog2Pi - 0.5 * z * z - logPhi); // φ(z)/Φ(z)
        double shrink = lambda * (lambda + z);                          // 1 − Var(d | d > 0)/Var(d), d = x − y
        // d = x − y ~ N(m1 − my, s²) truncated to d > 0; Cov(x, d) = v1, Cov(y, d) = −vy
        double meanMax = m1 + v1 * lambda / s, varMax = v1 - v1 * v1 * shrink / s2;
        double meanOther = my - vy * lambda / s, varOther = vy - vy * vy * shrink / s2;
        return (logN + logPhi, meanMax, Math.Max(varMax, 0), meanOther, Math.Max(varOther, 0));
    }

    private static Gaussian Mix(double w1, double m1, double v1, double w2, double m2, double v2)
    {
        if (w2 == 0) (w1, w2, m2, v2) = (1, 0, m1, v1);
        if (w1 == 0) (w1, m1, v1) = (0, m2, v2);
        double mean = w1 * m1 + w2 * m2;
        double d = m1 - m2;
        double variance = w1 * v1 + w2 * v2 + w1 * w2 * d * d;
        return variance > 0 ? Gaussian.FromMeanAndVariance(mean, variance) : Gaussian.PointMass(mean);
    }
}
