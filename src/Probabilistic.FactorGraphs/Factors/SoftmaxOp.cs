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
    public static (double Bound, double[] A) Bound(ReadOnlySpan<double> m, ReadOnlySpan<double> v) => Bound(m, v, default);

    /// <summary>
    /// The bound and its minimiser a, Newton's method started from <paramref name="start"/> (a previous minimiser for nearby
    /// m and v; empty: the fixed-point guess softmax(m + v/2 − v/k)). The bound is convex, so the start changes only the
    /// number of steps, not the minimiser.
    /// </summary>
    public static (double Bound, double[] A) Bound(ReadOnlySpan<double> m, ReadOnlySpan<double> v, ReadOnlySpan<double> start)
    {
        int k = m.Length;
        // scratch: the exponent, the softmax, gradient, Hessian, step and trial point (k is a handful of classes)
        Span<double> buffer = k <= 16 ? stackalloc double[k * (k + 5)] : new double[k * (k + 5)];
        Span<double> e = buffer[..k], sm = buffer.Slice(k, k), g = buffer.Slice(2 * k, k), step = buffer.Slice(3 * k, k),
            next = buffer.Slice(4 * k, k), h = buffer.Slice(5 * k, k * k);
        var a = new double[k];
        if (start.Length == k) start.CopyTo(a);
        else
        {
            for (int i = 0; i < k; i++) e[i] = m[i] + (1 - 2.0 / k) * v[i] / 2;
            Softmax(e, a);
        }
        double f = Value(m, v, a, e);
        for (int iter = 0; iter < 100; iter++)
        {
            // gradient v∘(a − s); Hessian diag(v) + diag(v)(diag(s) − s sᵀ)diag(v)
            for (int i = 0; i < k; i++) e[i] = m[i] + (1 - 2 * a[i]) * v[i] / 2;
            Softmax(e, sm);
            double gmax = 0;
            for (int i = 0; i < k; i++) { g[i] = v[i] * (a[i] - sm[i]); gmax = Math.Max(gmax, Math.Abs(a[i] - sm[i])); }
            if (gmax <= 1e-15) break;
            for (int i = 0; i < k; i++)
                for (int j = 0; j < k; j++)
                    h[i * k + j] = v[i] * v[j] * ((i == j ? sm[i] : 0) - sm[i] * sm[j]) + (i == j ? v[i] + 1e-300 : 0);
            SolveInPlace(h, g, step, k);
            double t = 1;
            while (true)
            {
                for (int i = 0; i < k; i++) next[i] = a[i] - t * step[i];
                double fn = Value(m, v, next, e);
                if (fn <= f || t < 1e-10) { next.CopyTo(a); f = fn; break; }
                t /= 2;
            }
        }
        return (f, a);
    }

    /// <summary>½ Σ a_k² v_k + log Σ e^(m_k + (1 − 2a_k) v_k / 2), with <paramref name="e"/> as scratch.</summary>
    private static double Value(ReadOnlySpan<double> m, ReadOnlySpan<double> v, ReadOnlySpan<double> a, Span<double> e)
    {
        double s = 0;
        for (int i = 0; i < m.Length; i++) { s += 0.5 * a[i] * a[i] * v[i]; e[i] = m[i] + (1 - 2 * a[i]) * v[i] / 2; }
        return s + Core.Numerics.LogSpace.LogSumExp(e);
    }

    private static void Softmax(ReadOnlySpan<double> e, Span<double> result)
    {
        double z = Core.Numerics.LogSpace.LogSumExp(e);
        for (int i = 0; i < e.Length; i++) result[i] = Math.Exp(e[i] - z);
    }

    /// <summary>Solves H x = g by Gaussian elimination with partial pivoting, overwriting H and g (H small and positive definite).</summary>
    private static void SolveInPlace(Span<double> a, Span<double> b, Span<double> x, int k)
    {
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
        for (int r = k - 1; r >= 0; r--)
        {
            double s = b[r];
            for (int j = r + 1; j < k; j++) s -= a[r * k + j] * x[j];
            x[r] = s / a[r * k + r];
        }
    }

    /// <summary>VMP push-forward of p: the Dirichlet with E[log p_k] = m_k − bound.</summary>
    public static Dirichlet SoftmaxAverageLogarithm(ReadOnlySpan<Gaussian> x)
    {
        foreach (var g in x) if (!g.IsPointMass && !g.IsProper()) return Dirichlet.Uniform(x.Length); // an argument not yet initialised
        var (m, v) = Moments(x);
        return SoftmaxAverageLogarithm(m, Bound(m, v).Bound);
    }

    /// <summary>The push-forward given x's means and the bound at them (computed once by the caller, see <see cref="Bound(ReadOnlySpan{double}, ReadOnlySpan{double}, ReadOnlySpan{double})"/>).</summary>
    public static Dirichlet SoftmaxAverageLogarithm(ReadOnlySpan<double> m, double bound) => SoftmaxAverageLogarithm(m, bound, default);

    /// <summary>The push-forward, the Dirichlet's moment match started from <paramref name="previous"/>'s pseudo-counts.</summary>
    public static Dirichlet SoftmaxAverageLogarithm(ReadOnlySpan<double> m, double bound, ReadOnlySpan<double> previous)
    {
        Span<double> meanLog = m.Length <= 64 ? stackalloc double[m.Length] : new double[m.Length];
        for (int i = 0; i < m.Length; i++) meanLog[i] = m[i] - bound;
        return Dirichlet.FromMeanLog(meanLog, previous);
    }

    /// <summary>VMP messages to every x_k from p's backward message (see the class summary).</summary>
    public static void XAverageLogarithm(Dirichlet softmax, ReadOnlySpan<Gaussian> x, Span<Gaussian> result)
    {
        var (m, v) = Moments(x);
        XAverageLogarithm(softmax, m, Bound(m, v).A, result);
    }

    /// <summary>The messages given x's means and the bound's minimiser a at x's moments.</summary>
    public static void XAverageLogarithm(Dirichlet softmax, ReadOnlySpan<double> m, ReadOnlySpan<double> a, Span<Gaussian> result)
    {
        var counts = softmax.PseudoCount;
        double total = 0;
        for (int i = 0; i < counts.Length; i++) { counts[i] -= 1; total += counts[i]; }
        for (int i = 0; i < m.Length; i++)
        {
            double precision = total * a[i] * (1 - a[i]);
            result[i] = Gaussian.FromNatural(m[i] * precision + counts[i] - total * a[i], precision);
        }
    }

    /// <summary>The means and variances of x.</summary>
    public static (double[] M, double[] V) Moments(ReadOnlySpan<Gaussian> x)
    {
        var m = new double[x.Length];
        var v = new double[x.Length];
        for (int i = 0; i < x.Length; i++) { m[i] = x[i].GetMean(); v[i] = x[i].GetVariance(); }
        return (m, v);
    }
}
