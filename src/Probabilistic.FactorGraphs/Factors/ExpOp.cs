using Probabilistic.FactorGraphs.Distributions;

namespace Probabilistic.FactorGraphs.Factors;

/// <summary>
/// Message operators for y = e^d, d Gaussian and y a Gamma. A Gamma(a, b) context of y is the function e^((a−1)d − b e^d)
/// of d (a Poisson count k with y its mean sends Gamma(k + 1, 1)).
/// </summary>
/// <remarks>
/// EP: both messages are exact moment matches of the tilted density e^((a−1)d − b e^d) N(d; m, v) (by
/// <see cref="TiltedQuadrature"/>): in d's (mean, variance), and in y's Gamma statistics (E[e^d], E[d]), each divided by its
/// context and kept proper (Infer.NET's ExpOp, which uses 21-point Gauss–Hermite quadrature where this integrates to
/// 1e-12). VMP: y collapses onto d as the Gamma with E[y] = e^(m + v/2) and E[log y] = m (Infer.NET's), and d's message is
/// the gradient of E[log f] = (a − 1)m − b e^(m + v/2) (non-conjugate VMP, Knowles and Minka 2011).
/// </remarks>
public static class ExpOp
{
    private static TiltedQuadrature Tilted(Gamma exp, double m, double v)
    {
        double a1 = exp.Shape - 1, b = exp.Rate;
        double L(double d) => a1 * d - b * Math.Exp(d) - 0.5 * (d - m) * (d - m) / v - 0.5 * Math.Log(v) - MessageMath.HalfLog2Pi;
        double Dl(double d) => a1 - b * Math.Exp(d) - (d - m) / v;
        double D2l(double d) => -b * Math.Exp(d) - 1 / v;
        return TiltedQuadrature.Integrate(L, Dl, D2l, m);
    }

    /// <summary>EP message to d.</summary>
    public static Gaussian DAverageConditional(Gamma exp, Gaussian d)
    {
        if (exp.IsPointMass) return Gaussian.PointMass(Math.Log(exp.Point));
        if (exp.IsUniform() || d.IsPointMass || !d.IsProper()) return Gaussian.Uniform();
        var t = Tilted(exp, d.GetMean(), d.GetVariance());
        return Gaussian.ProperRatio(Gaussian.FromMeanAndVariance(t.Mean, t.Variance), d);
    }

    /// <summary>EP message to y = e^d.</summary>
    public static Gamma ExpAverageConditional(Gamma exp, Gaussian d)
    {
        if (d.IsPointMass) return Gamma.PointMass(Math.Exp(d.Point));
        if (!d.IsProper() || exp.IsPointMass) return Gamma.Uniform();
        double m = d.GetMean(), v = d.GetVariance();
        if (exp.IsUniform()) return ExpAverageLogarithm(d);
        var t = Tilted(exp, m, v);
        var proj = Gamma.FromMeanAndMeanLog(Math.Exp(t.LogExpectExp(u => u)), t.Mean);
        return Gamma.ProperRatio(proj, exp);
    }

    /// <summary>log ∫ ctx_y(e^d) ctx_d(d) dd with unnormalised contexts y^(a−1) e^(−b y) and exp(h d − τd²/2).</summary>
    public static double LogAverageFactor(Gamma exp, Gaussian d)
    {
        if (d.IsPointMass) return exp.IsPointMass ? 0 : (exp.Shape - 1) * d.Point - exp.Rate * Math.Exp(d.Point);
        if (!d.IsProper()) return 0;
        if (exp.IsPointMass)
        {
            // the density of e^d at the point y: N(log y; m, v)/y
            double y = exp.Point;
            return d.GetLogProb(Math.Log(y)) - Math.Log(y) + d.GetLogNormalizer();
        }
        return Tilted(exp, d.GetMean(), d.GetVariance()).LogZ + d.GetLogNormalizer();
    }

    /// <summary>VMP push-forward of y: the Gamma with E[y] = e^(m + v/2) and E[log y] = m.</summary>
    public static Gamma ExpAverageLogarithm(Gaussian d)
    {
        if (d.IsPointMass) return Gamma.PointMass(Math.Exp(d.Point));
        if (!d.IsProper()) return Gamma.Uniform(); // an argument not yet initialised
        double m = d.GetMean(), v = d.GetVariance();
        return Gamma.FromMeanAndMeanLog(Math.Exp(m + v / 2), m);
    }

    /// <summary>
    /// VMP message to d from y's backward message Gamma(a, b): precision b e^(m + v/2) (= −2 ∂E/∂v) and mean-times-precision
    /// (m − 1)·precision + a − 1 (= m·precision + ∂E/∂m).
    /// </summary>
    public static Gaussian DAverageLogarithm(Gamma exp, Gaussian d)
    {
        if (exp.IsPointMass) return Gaussian.PointMass(Math.Log(exp.Point));
        double m = d.GetMean(), v = d.GetVariance();
        double precision = exp.Rate * Math.Exp(m + v / 2);
        return Gaussian.FromNatural((m - 1) * precision + exp.Shape - 1, precision);
    }
}
