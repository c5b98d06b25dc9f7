using Probabilistic.FactorGraphs.Distributions;

namespace Probabilistic.FactorGraphs.Factors;

/// <summary>
/// VMP operators for p = softmax(x), x a vector of Gaussians and p a Dirichlet: Infer.NET's default (SoftmaxOp_KM11,
/// Knowles and Minka 2011), the bound E[log Σ_k e^(x_k)] ≤ ½ Σ a_k² v_k + log Σ_k e^(m_k + (1 − 2a_k) v_k/2) at its best a
/// (the bound is convex in a; its minimiser solves a = softmax(m + (1 − 2a)∘v/2)). p collapses onto x as the Dirichlet with
/// E[log p_k] = m_k − bound; x's message from p's backward message Dirichlet(α) (counts n_k = α_k − 1, N = Σ n_k) matches
/// the bound's gradient: precision N a_k (1 − a_k) and mean-times-precision m_k·precision + n_k − N a_k.
/// </summary>
public static class SoftmaxOp
{
    /// <summary>The bound and its minimiser a (Newton's method with step halving on the convex bound).</summary>
    public static (double Bound, double[] A) Bound(ReadOnlySpan<double> m, ReadOnlySpan<double> v)
    {
        int k = m.Length;
        var mm = m.ToArray();
        var vv = v.ToArray();
        double F(double[] a)
        {
            double s = 0;
            var e = new double[k];
            for (int i = 0; i < k; i++) { s += 0.5 * a[i] * a[i] * vv[i]; e[i] = mm[i] + (1 - 2 * a[i]) * vv[i] / 2; }
            return s + Core.Numerics.LogSpace.LogSumExp(e);
        }
        double[] Softmax(double[] a)
        {
            var e = new double[k];
            for (int i = 0; i < k; i++) e[i] = mm[i] + (1 - 2 * a[i]) * vv[i] / 2;
            double z = Core.Numerics.LogSpace.LogSumExp(e);
            for (int i = 0; i < k; i++) e[i] = Math.Exp(e[i] - z);
            return e;
        }
        var a = Softmax(new double[k].Select(_ => 1.0 / k).ToArray());
        double f = F(a);
        for (int iter = 0; iter < 100; iter++)
        {
            // gradient v∘(a − s); Hessian diag(v) + diag(v)(diag(s) − s sᵀ)diag(v)
            var s = Softmax(a);
            var g = new double[k];
            double gmax = 0;
            for (int i = 0; i < k; i++) { g[i] = vv[i] * (a[i] - s[i]); gmax = Math.Max(gmax, Math.Abs(a[i] - s[i])); }
            if (gmax <= 1e-15) break;
            var h = new double[k * k];
            for (int i = 0; i < k; i++)
                for (int j = 0; j < k; j++)
                    h[i * k + j] = vv[i] * vv[j] * ((i == j ? s[i] : 0) - s[i] * s[j]) + (i == j ? vv[i] + 1e-300 : 0);
            var step = Solve(h, g, k);
            double t = 1;
            while (true)
            {
                var next = a.Select((x, i) => x - t * step[i]).ToArray();
                double fn = F(next);
                if (fn <= f || t < 1e-10) { a = next; f = fn; break; }
                t /= 2;
            }
        }
        return (f, a);
    }

    /// <summary>Solves H x = g by Gaussian elimination with partial pivoting (H small and positive definite).</summary>
    private static double[] Solve(double[] h, double[] g, int k)
    {
        var a = (double[])h.Clone();
        var b = (double[])g.Clone();
        for (int c = 0; c < k; c++)
        {
            int p = c;
            for (int r = c + 1; r < k; r++) if (Math.Abs(a[r * k + c]) > Math.Abs(a[p * k + c])) p = r;
            if (p != c)
            {
                for (int j = 0; j < k; j++) (a[c * k + j], a[p * k + j]) = (a[p * k + j], a[c * k + j]);
                (b[c], b[p]) = (b[p], b[c]);
            }
            for (int r = c + 1; r < k; r++)
            {
                double f = a[r * k + c] / a[c * k + c];
                for (int j = c; j < k; j++) a[r * k + j] -= f * a[c * k + j];
                b[r] -= f * b[c];
            }
        }
        var x = new double[k];
        for (int r = k - 1; r >= 0; r--)
        {
            double s = b[r];
            for (int j = r + 1; j < k; j++) s -= a[r * k + j] * x[j];
            x[r] = s / a[r * k + r];
        }
        return x;
    }

    /// <summary>VMP push-forward of p: the Dirichlet with E[log p_k] = m_k − bound.</summary>
    public static Dirichlet SoftmaxAverageLogarithm(ReadOnlySpan<Gaussian> x)
    {
        foreach (var g in x) if (!g.IsPointMass && !g.IsProper()) return Dirichlet.Uniform(x.Length); // an argument not yet initialised
        var (m, v) = Moments(x);
        double bound = Bound(m, v).Bound;
        var meanLog = new double[m.Length];
        for (int i = 0; i < m.Length; i++) meanLog[i] = m[i] - bound;
        return Dirichlet.FromMeanLog(meanLog);
    }

    /// <summary>VMP messages to every x_k from p's backward message (see the class summary).</summary>
    public static void XAverageLogarithm(Dirichlet softmax, ReadOnlySpan<Gaussian> x, Span<Gaussian> result)
    {
        var (m, v) = Moments(x);
        var a = Bound(m, v).A;
        var counts = softmax.PseudoCount;
        double total = 0;
        for (int i = 0; i < counts.Length; i++) { counts[i] -= 1; total += counts[i]; }
        for (int i = 0; i < m.Length; i++)
        {
            double precision = total * a[i] * (1 - a[i]);
            result[i] = Gaussian.FromNatural(m[i] * precision + counts[i] - total * a[i], precision);
        }
    }

    private static (double[] M, double[] V) Moments(ReadOnlySpan<Gaussian> x)
    {
        var m = new double[x.Length];
        var v = new double[x.Length];
        for (int i = 0; i < x.Length; i++) { m[i] = x[i].GetMean(); v[i] = x[i].GetVariance(); }
        return (m, v);
    }
}
