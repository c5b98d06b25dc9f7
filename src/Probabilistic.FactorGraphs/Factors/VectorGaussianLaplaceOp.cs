using Probabilistic.Core.Numerics;
using Probabilistic.FactorGraphs.Distributions;
using static Probabilistic.FactorGraphs.Factors.DenseMath;

namespace Probabilistic.FactorGraphs.Factors;

/// <summary>
/// EP for x ~ N(μ, Λ⁻¹) with a Wishart-distributed precision Λ, by a Laplace-style approximation at the precision's
/// current posterior mean R = E[Λ] (the posterior being the precision's context times this factor's last message to it):
/// Infer.NET's <c>VectorGaussianOp_Laplace2</c>, the operator its EP compiles for this factor. The messages to x and μ are
/// the exact ones for the known precision R. The message to Λ is the Wishart whose log density has, at R, the gradient and
/// the curvature along R of log f(Λ) = log N(m_x; m_μ, V + Λ⁻¹), with V = V_x + V_μ the contexts' summed covariances.
/// </summary>
/// <remarks>
/// With C = R⁻¹, W = (V + C)⁻¹, Q = C·W, d = m_x − m_μ, u = Q·d, S = u·uᵀ and P = sym(Q·C):
/// ∇ log f = ½P − ½S, and tr(R·d tr(R ∇ log f)/dR) = −tr Q + ½ tr(P·W) + tr(S·R) − tr(S·W). The evidence is
/// log N(m_x; m_μ, V + C) + log p(R) − log q(R), p the precision's context and q its posterior (the Laplace correction).
/// </remarks>
public static class VectorGaussianLaplaceOp
{
    /// <summary>The message to the precision (a Wishart), from the moments of the sample and mean contexts and R.</summary>
    /// <param name="d">The dimension.</param>
    /// <param name="diff">m_x − m_μ.</param>
    /// <param name="variance">V_x + V_μ (row-major d×d).</param>
    /// <param name="r">R, the precision's posterior mean (row-major d×d, positive definite).</param>
    /// <param name="forceProper">Keep the message's rate non-negative definite (Infer.NET's GaussianOp.ForceProper).</param>
    public static Wishart PrecisionMessage(int d, ReadOnlySpan<double> diff, ReadOnlySpan<double> variance, double[] r, bool forceProper)
    {
        var (c, w, q) = Parts(d, variance, r);
        var u = MatVec(q, diff, d);
        var s = new double[d * d];
        for (int i = 0; i < d; i++)
            for (int j = 0; j < d; j++) s[i * d + j] = u[i] * u[j];
        var p = MatMul(q, c, d);
        for (int i = 0; i < d; i++)
            for (int j = i + 1; j < d; j++) p[i * d + j] = p[j * d + i] = 0.5 * (p[i * d + j] + p[j * d + i]);
        double curvature = -Trace(q, d) + 0.5 * TraceOfProduct(p, w, d) + TraceOfProduct(s, r, d) - TraceOfProduct(s, w, d);
        var gradient = new double[d * d];
        for (int k = 0; k < gradient.Length; k++) gradient[k] = 0.5 * p[k] - 0.5 * s[k];
        var rChol = (double[])r.Clone();
        if (!Cholesky.TryFactor(rChol, d))
            throw new InvalidOperationException("The Wishart precision's posterior mean is not positive definite; the model's messages have become improper.");
        return Wishart.FromDerivatives(rChol, c, gradient, curvature, forceProper);
    }

    /// <summary>
    /// log ∫ f p(x) p(μ) dx dμ at Λ = R plus the Laplace correction log p(R) − log q(R), contexts normalised.
    /// </summary>
    public static double LogAverageFactor(int d, ReadOnlySpan<double> diff, ReadOnlySpan<double> variance, double[] r, Wishart precisionContext, Wishart precisionPosterior)
    {
        var (_, w, _) = Parts(d, variance, r);
        var wv = MatVec(w, diff, d);
        double quad = 0;
        for (int k = 0; k < d; k++) quad += diff[k] * wv[k];
        var wl = (double[])w.Clone();
        if (!Cholesky.TryFactor(wl, d))
            throw new InvalidOperationException("The VectorGaussian factor's predictive covariance is not positive definite; the model's messages have become improper.");
        var rMatrix = LinearAlgebra.PositiveDefiniteMatrix.Wrap(d, r);
        return -d * MessageMath.HalfLog2Pi + 0.5 * Cholesky.LogDeterminant(wl, d) - 0.5 * quad
            + precisionContext.GetLogProb(rMatrix) - precisionPosterior.GetLogProb(rMatrix);
    }

    /// <summary>C = R⁻¹, W = (V + C)⁻¹ and Q = C·W.</summary>
    private static (double[] C, double[] W, double[] Q) Parts(int d, ReadOnlySpan<double> variance, double[] r)
    {
        var c = VectorGaussian.Inverse(r, d);
        var v = new double[d * d];
        for (int k = 0; k < v.Length; k++) v[k] = variance[k] + c[k];
        var w = VectorGaussian.Inverse(v, d);
        return (c, w, MatMul(c, w, d));
    }
}
