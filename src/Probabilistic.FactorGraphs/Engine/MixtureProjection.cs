using Probabilistic.FactorGraphs.Distributions;

namespace Probabilistic.FactorGraphs.Engine;

/// <summary>
/// Moment matching of a mixture Σ_c w_c q_c (weights summing to 1) onto one member of the family: the projection EP's
/// gate exit takes (Minka &amp; Winn, "Gates", NIPS 2008, the EP equations).
/// </summary>
internal static class MixtureProjection
{
    /// <summary>True when distributions of type <paramref name="t"/> have a projection here.</summary>
    internal static bool Supports(Type t) =>
        t == typeof(Gaussian) || t == typeof(Gamma) || t == typeof(Beta) || t == typeof(Bernoulli) || t == typeof(Discrete) || t == typeof(Dirichlet) || t == typeof(VectorGaussian);

    /// <summary>proj[Σ_c w_c q_c]; components with weight 0 are ignored, and a single weighted component is returned as is.</summary>
    internal static T Project<T>(ReadOnlySpan<double> w, ReadOnlySpan<T> q) where T : struct, IDistribution<T>
    {
        int only = -1, count = 0;
        for (int c = 0; c < w.Length; c++) if (w[c] > 0) { only = c; count++; }
        if (count == 1) return q[only];
        if (typeof(T) == typeof(Gaussian))
        {
            var (m, v) = MeanAndVariance(w, q, d => ((Gaussian)(object)d).GetMean(), d => ((Gaussian)(object)d).GetVariance());
            return (T)(object)(v > 0 ? Gaussian.FromMeanAndVariance(m, v) : Gaussian.PointMass(m));
        }
        if (typeof(T) == typeof(Gamma))
        {
            var (m, v) = MeanAndVariance(w, q, d => ((Gamma)(object)d).GetMean(), d => ((Gamma)(object)d).GetVariance());
            return (T)(object)Gamma.FromMeanAndVariance(m, v);
        }
        if (typeof(T) == typeof(Beta))
        {
            var (m, v) = MeanAndVariance(w, q, d => ((Beta)(object)d).GetMean(), d => ((Beta)(object)d).GetVariance());
            return (T)(object)Beta.FromMeanAndVariance(m, v);
        }
        if (typeof(T) == typeof(Bernoulli))
        {
            double p = 0;
            for (int c = 0; c < w.Length; c++) if (w[c] > 0) p += w[c] * ((Bernoulli)(object)q[c]).GetProbTrue();
            return (T)(object)Bernoulli.FromProbTrue(p);
        }
        if (typeof(T) == typeof(Discrete))
        {
            double[]? p = null;
            for (int c = 0; c < w.Length; c++)
            {
                if (w[c] == 0) continue;
                var pc = ((Discrete)(object)q[c]).GetProbs();
                p ??= new double[pc.Length];
                for (int k = 0; k < pc.Length; k++) p[k] += w[c] * pc[k];
            }
            return (T)(object)Discrete.FromProbs(p!);
        }
        if (typeof(T) == typeof(Dirichlet))
        {
            // match E[p_k] and Σ_k E[p_k²] = (α0 Σ m_k² + 1)/(α0 + 1) (Minka, "Estimating a Dirichlet distribution", 2000)
            double[]? m = null;
            double s = 0;
            for (int c = 0; c < w.Length; c++)
            {
                if (w[c] == 0) continue;
                var d = (Dirichlet)(object)q[c];
                var mc = d.GetMean();
                var vc = d.GetVariance();
                m ??= new double[mc.Count];
                for (int k = 0; k < mc.Count; k++) { m[k] += w[c] * mc[k]; s += w[c] * (vc[k] + mc[k] * mc[k]); }
            }
            double mm = 0;
            foreach (var mk in m!) mm += mk * mk;
            double a0 = (1 - s) / (s - mm);
            return (T)(object)Dirichlet.FromPseudoCounts(m.Select(mk => mk * a0).ToArray());
        }
        if (typeof(T) == typeof(VectorGaussian)) return (T)(object)ProjectVector(w, q);
        throw new NotSupportedException($"No mixture projection for {typeof(T).Name}.");
    }

    // mean m̄ = Σ w m_c and covariance Σ w (Σ_c + (m_c − m̄)(m_c − m̄)ᵀ), the multivariate form of MeanAndVariance below
    private static VectorGaussian ProjectVector<T>(ReadOnlySpan<double> w, ReadOnlySpan<T> q)
    {
        int d = 0;
        var means = new double[w.Length][];
        var covs = new LinearAlgebra.PositiveDefiniteMatrix[w.Length];
        for (int c = 0; c < w.Length; c++)
        {
            if (w[c] == 0) continue;
            var g = (VectorGaussian)(object)q[c]!;
            d = g.Dimension;
            means[c] = g.GetMean().ToArray();
            covs[c] = g.GetVariance();
        }
        var m = new double[d];
        for (int c = 0; c < w.Length; c++)
            if (w[c] > 0) for (int k = 0; k < d; k++) m[k] += w[c] * means[c][k];
        var cov = new double[d * d];
        for (int c = 0; c < w.Length; c++)
        {
            if (w[c] == 0) continue;
            for (int r = 0; r < d; r++)
                for (int k = 0; k < d; k++)
                    cov[r * d + k] += w[c] * (covs[c][r, k] + (means[c][r] - m[r]) * (means[c][k] - m[k]));
        }
        for (int r = 0; r < d; r++)
            for (int k = 0; k < r; k++) cov[r * d + k] = cov[k * d + r] = 0.5 * (cov[r * d + k] + cov[k * d + r]);
        return VectorGaussian.FromMeanAndVariance(LinearAlgebra.Vector.FromArray(m), LinearAlgebra.PositiveDefiniteMatrix.Wrap(d, cov));
    }

    private static (double Mean, double Variance) MeanAndVariance<T>(ReadOnlySpan<double> w, ReadOnlySpan<T> q, Func<T, double> mean, Func<T, double> variance)
    {
        // E[x] = Σ w m_c; Var[x] = Σ w (v_c + (m_c − E[x])²), which does not cancel as E[x²] − E[x]² does
        double m = 0;
        for (int c = 0; c < w.Length; c++) if (w[c] > 0) m += w[c] * mean(q[c]);
        double v = 0;
        for (int c = 0; c < w.Length; c++)
        {
            if (w[c] == 0) continue;
            double d = mean(q[c]) - m;
            v += w[c] * (variance(q[c]) + d * d);
        }
        return (m, v);
    }
}
