using Probabilistic.Core.Numerics;
using Probabilistic.FactorGraphs.Distributions;

namespace Probabilistic.FactorGraphs.Factors;

/// <summary>Message operators for c = wᵀx with random vector w and known vector x (Bayes point machine, linear regression).</summary>
public static partial class InnerProductOp
{
    /// <summary>EP message to c: N(xᵀμ, xᵀΣx) from w's context (the point mass at xᵀv for w a point mass at v); uniform when the context is improper.</summary>
    public static Gaussian InnerProductAverageConditional(VectorGaussian w, ReadOnlySpan<double> x)
    {
        int d = w.Dimension;
        if (w.IsPointMass)
        {
            var v = w.Point;
            double c = 0;
            for (int i = 0; i < d; i++) c += v[i] * x[i];
            return Gaussian.PointMass(c);
        }
        var l = w.PrecisionValues.ToArray();
        if (!Cholesky.TryFactor(l, d)) return Gaussian.Uniform();
        var y = x.ToArray();
        var hh = w.MeanTimesPrecision.ToArray();
        Cholesky.SolveLower(l, d, y);
        Cholesky.SolveLower(l, d, hh);
        double mean = 0, variance = 0;
        for (int i = 0; i < d; i++) { mean += y[i] * hh[i]; variance += y[i] * y[i]; }
        return Gaussian.FromMeanAndVariance(mean, variance);
    }

    /// <summary>EP (exact) message to w: ctxC(xᵀw) = exp(h_c xᵀw − p_c (xᵀw)²/2), natural parameters (x h_c, p_c x xᵀ).</summary>
    public static VectorGaussian AAverageConditional(Gaussian innerProduct, ReadOnlySpan<double> x)
    {
        if (innerProduct.IsPointMass)
            throw new NotSupportedException("An observed inner product wᵀx constrains w to a hyperplane; add Gaussian noise (GaussianFromMeanAndVariance(InnerProduct(w, x), noise)) and observe that instead.");
        int d = x.Length;
        var h = new double[d];
        var p = new double[d * d];
        for (int i = 0; i < d; i++)
        {
            h[i] = x[i] * innerProduct.MeanTimesPrecision;
            for (int j = 0; j < d; j++) p[i * d + j] = innerProduct.Precision * x[i] * x[j];
        }
        return VectorGaussian.FromNatural(h, p);
    }

    /// <summary>log ∫ ctxW(w) ctxC(xᵀw) dw, unnormalised contexts.</summary>
    public static double LogAverageFactor(Gaussian innerProduct, VectorGaussian w, ReadOnlySpan<double> x) =>
        (w * AAverageConditional(innerProduct, x)).GetLogNormalizer();
}
