namespace Probabilistic.FactorGraphs.Factors;

/// <summary>
/// A one-dimensional "tilted" density p(u) ∝ exp(l(u)) on the real line, integrated by the trapezoid rule on a grid centred
/// at its mode: the normaliser log Z = log ∫ exp(l), the mean and variance, and any expectation E_p[g(u)]. This is what EP's
/// projections of non-conjugate scalar factors need (Logistic, Exp, a Gamma with a random rate), each in its own variable u.
/// </summary>
/// <remarks>
/// The trapezoid rule on an analytic, rapidly decaying integrand errs by about exp(−2π·s/h), s the half-width of its strip of
/// analyticity (Trefethen and Weideman, "The exponentially convergent trapezoidal rule", SIAM Review 56, 2014). The step is
/// h = σ/8, σ = 1/√(−l''(mode)) the width of the peak, which puts that error far below 1e-12 for the log-concave integrands
/// used here (s is at least of the order of σ near the mode and π/2 for the e^u and log(1 + e^u) tails). The grid is walked
/// outward from the mode until l falls 45 nats below its maximum (a relative contribution below 1e-19).
/// </remarks>
public sealed class TiltedQuadrature
{
    private const double Drop = 45;
    private const int MaxNodes = 200_000;

    private readonly double[] _u;
    private readonly double[] _w;

    private TiltedQuadrature(double[] u, double[] w, double logZ)
    {
        _u = u;
        _w = w;
        LogZ = logZ;
        double m = 0;
        for (int k = 0; k < u.Length; k++) m += w[k] * u[k];
        double v = 0;
        for (int k = 0; k < u.Length; k++) v += w[k] * (u[k] - m) * (u[k] - m);
        Mean = m;
        Variance = v;
    }

    /// <summary>log ∫ exp(l(u)) du.</summary>
    public double LogZ { get; }

    /// <summary>E_p[u].</summary>
    public double Mean { get; }

    /// <summary>Var_p[u].</summary>
    public double Variance { get; }

    /// <summary>E_p[g(u)].</summary>
    public double Expect(Func<double, double> g)
    {
        double s = 0;
        for (int k = 0; k < _u.Length; k++) s += _w[k] * g(_u[k]);
        return s;
    }

    /// <summary>log E_p[exp(g(u))], computed without overflow.</summary>
    public double LogExpectExp(Func<double, double> g)
    {
        double max = double.NegativeInfinity;
        var gs = new double[_u.Length];
        for (int k = 0; k < _u.Length; k++) { gs[k] = g(_u[k]); if (_w[k] > 0) max = Math.Max(max, gs[k]); }
        double s = 0;
        for (int k = 0; k < _u.Length; k++) s += _w[k] * Math.Exp(gs[k] - max);
        return Math.Log(s) + max;
    }

    /// <summary>
    /// Integrates exp(l) given l and its first two derivatives; <paramref name="start"/> is a guess of the mode (e.g. the mean of
    /// the Gaussian part). l must be unimodal with l'' &lt; 0 at the mode.
    /// </summary>
    /// <exception cref="ArithmeticException">The mode cannot be found or the integrand does not decay (an improper tilted density).</exception>
    public static TiltedQuadrature Integrate(Func<double, double> l, Func<double, double> dl, Func<double, double> d2l, double start)
    {
        double mode = Mode(l, dl, d2l, start);
        double curvature = -d2l(mode);
        if (!(curvature > 0) || double.IsInfinity(curvature))
            throw new ArithmeticException($"The tilted density has curvature {-curvature} at its mode {mode}; it is not a proper peak.");
        double h = 1 / Math.Sqrt(curvature) / 8;
        double lmax = l(mode);
        var us = new List<double> { mode };
        var ls = new List<double> { lmax };
        foreach (int dir in (int[])[-1, 1])
        {
            for (int k = 1; ; k++)
            {
                double u = mode + dir * k * h;
                double lu = l(u);
                if (double.IsNaN(lu)) throw new ArithmeticException($"The tilted log density is NaN at {u}.");
                if (lu > lmax) lmax = lu;
                us.Add(u);
                ls.Add(lu);
                if (lu < lmax - Drop) break;
                if (us.Count > MaxNodes) throw new ArithmeticException("The tilted density does not decay; it is improper.");
            }
        }
        var uArr = us.ToArray();
        var w = new double[uArr.Length];
        double sum = 0;
        for (int k = 0; k < w.Length; k++) { w[k] = Math.Exp(ls[k] - lmax); sum += w[k]; }
        for (int k = 0; k < w.Length; k++) w[k] /= sum;
        return new TiltedQuadrature(uArr, w, Math.Log(sum * h) + lmax);
    }

    /// <summary>Newton's method with step halving on the log density (concave near its mode).</summary>
    private static double Mode(Func<double, double> l, Func<double, double> dl, Func<double, double> d2l, double u)
    {
        double lu = l(u);
        if (!double.IsFinite(lu)) throw new ArithmeticException($"The tilted log density is {lu} at the starting point {u}.");
        for (int iter = 0; iter < 200; iter++)
        {
            double g = dl(u), c = d2l(u);
            double step = c < 0 ? -g / c : Math.Sign(g) * Math.Max(1, Math.Abs(u));
            if (!double.IsFinite(step)) throw new ArithmeticException($"Newton's step is {step} at {u}.");
            double next = u + step, lnext = l(next);
            int halvings = 0;
            while (!(lnext >= lu) && halvings++ < 60)
            {
                step /= 2;
                next = u + step;
                lnext = l(next);
            }
            if (!(lnext >= lu)) return u;
            u = next;
            lu = lnext;
            if (Math.Abs(step) <= 1e-12 * (1 + Math.Abs(u))) return u;
        }
        return u;
    }
}
