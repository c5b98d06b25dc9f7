using Probabilistic.FactorGraphs.Distributions;

namespace Probabilistic.FactorGraphs.Factors;

// VMP for deterministic factors (Winn & Bishop 2005, "Variational Message Passing", JMLR 6, deterministic nodes;
// the *AverageLogarithm operators of Infer.NET's DoublePlusOp, ProductOp, InnerProductOp, BooleanAndOp, IsPositiveOp).
// A variable c = f(a, b) is collapsed: its q is the push-forward of q(a) q(b) (the ...AverageLogarithm message to c),
// and a parent's message is exp E_{q(other)}[log m_c(f(a, b))] with m_c the product of the messages c receives.

/// <summary>VMP operators of c = a + s·b and c = k·a.</summary>
public static partial class LinearOp
{
    /// <summary>VMP push-forward of q(a) q(b) through c = a + s b: N(E a + s E b, var a + var b).</summary>
    public static Gaussian SumAverageLogarithm(Gaussian a, Gaussian b, double sign) =>
        Gaussian.FromMeanAndVariance(a.GetMean() + sign * b.GetMean(), a.GetVariance() + b.GetVariance());

    /// <summary>
    /// VMP message to a from c = a + s b, given c's backward message m_c = N(h, p) in natural parameters:
    /// exp E_b[h(a + s b) − p(a + s b)²/2] ∝ exp((h − p s E b) a − p a²/2) (precision unchanged, mean shifted by −s E b).
    /// </summary>
    public static Gaussian AAverageLogarithm(Gaussian sum, Gaussian b, double sign) =>
        Gaussian.FromNatural(sum.MeanTimesPrecision - sum.Precision * sign * b.GetMean(), sum.Precision);

    /// <summary>VMP message to b from c = a + s b: natural parameters (s(h − p E a), p).</summary>
    public static Gaussian BAverageLogarithm(Gaussian sum, Gaussian a, double sign) =>
        Gaussian.FromNatural(sign * (sum.MeanTimesPrecision - sum.Precision * a.GetMean()), sum.Precision);

    /// <summary>VMP push-forward of q(a) through c = k a (the same as EP's: no other argument to average over).</summary>
    public static Gaussian ProductAverageLogarithm(Gaussian a, double k) => ProductAverageConditional(a, k);

    /// <summary>VMP message to a from c = k a: m_c(k a), natural parameters (k h, k² p).</summary>
    public static Gaussian AAverageLogarithm(Gaussian product, double k) => AAverageConditional(product, k);
}
