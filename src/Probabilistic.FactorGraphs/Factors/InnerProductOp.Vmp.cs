using Probabilistic.FactorGraphs.Distributions;

namespace Probabilistic.FactorGraphs.Factors;

// VMP for deterministic factors (Winn & Bishop 2005, "Variational Message Passing", JMLR 6, deterministic nodes;
// the *AverageLogarithm operators of Infer.NET's DoublePlusOp, ProductOp, InnerProductOp, BooleanAndOp, IsPositiveOp).
// A variable c = f(a, b) is collapsed: its q is the push-forward of q(a) q(b) (the ...AverageLogarithm message to c),
// and a parent's message is exp E_{q(other)}[log m_c(f(a, b))] with m_c the product of the messages c receives.

/// <summary>VMP operators of c = wᵀx.</summary>
public static partial class InnerProductOp
{
    /// <summary>VMP push-forward of q(w) through c = wᵀx: N(E[w]ᵀx, xᵀ Var(w) x).</summary>
    public static Gaussian InnerProductAverageLogarithm(VectorGaussian w, ReadOnlySpan<double> x)
    {
        if (!w.IsProper()) throw new InvalidOperationException("InnerProduct under VMP needs a proper distribution on the weight vector; give it a proper VectorGaussian prior.");
        return InnerProductAverageConditional(w, x);
    }

    /// <summary>VMP message to w from c = wᵀx with backward message m_c: m_c(wᵀx), natural parameters (x h, p x xᵀ).</summary>
    public static VectorGaussian AAverageLogarithm(Gaussian innerProduct, ReadOnlySpan<double> x) => AAverageConditional(innerProduct, x);
}
