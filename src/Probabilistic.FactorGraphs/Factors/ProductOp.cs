using Probabilistic.FactorGraphs.Distributions;

namespace Probabilistic.FactorGraphs.Factors;

/// <summary>
/// VMP operators of c = a·b for two independent random Gaussians (Infer.NET's <c>GaussianProductVmpOp</c>; Winn &amp; Bishop
/// 2005, "Variational Message Passing", deterministic nodes). Under mean field c's push-forward has E[c] = E[a] E[b] and
/// E[c²] = E[a²] E[b²]: only these two moments enter the factors that read c when they are Gaussian in c (quadratic in
/// log), so representing q(c) by the Gaussian with those moments is exact there. There is no EP operator here: the EP
/// product of two random Gaussians is itself an approximation (Infer.NET's <c>GaussianProductOp</c> projects a non-Gaussian
/// product), so the engine refuses it and runs c = a·b under EP only when one side is known (<see cref="LinearOp"/>'s scale).
/// </summary>
public static class ProductOp
{
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
