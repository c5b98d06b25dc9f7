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
        t == typeof(Gaussian) || t == typeof(Gamma) || t == typeof(Beta) || t == typeof(Bernoulli) || t == typeof(Discrete) || t == typeof(Dirichlet);

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
        throw new NotSupportedException($"No mixture projection for {typeof(T).Name}.");
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
