namespace Probabilistic.FactorGraphs.Distributions;

/// <summary>
/// The digamma-family functions the Gamma and Beta projections need beyond MathNet's: trigamma ψ'(x) and log x − ψ(x),
/// both by the recurrence ψ(x) = ψ(x + 1) − 1/x up to x ≥ 10 and the asymptotic (Bernoulli-number) series there, whose
/// truncation error is below 1e-15 relative (Abramowitz and Stegun 6.3.18, 6.4.12).
/// </summary>
internal static class Polygamma
{
    /// <summary>ψ'(x) for x &gt; 0.</summary>
    internal static double Trigamma(double x)
    {
        if (!(x > 0)) throw new ArgumentOutOfRangeException(nameof(x), x, "Trigamma needs x > 0.");
        double s = 0;
        while (x < 10) { s += 1 / (x * x); x += 1; }
        double r = 1 / x, r2 = r * r;
        // 1/x + 1/(2x²) + Σ B_2k / x^(2k+1)
        double series = r * (1 + r * (0.5 + r * (1.0 / 6 + r2 * (-1.0 / 30 + r2 * (1.0 / 42 + r2 * (-1.0 / 30 + r2 * (5.0 / 66 + r2 * (-691.0 / 2730 + r2 * 7.0 / 6))))))));
        return s + series;
    }

    /// <summary>log x − ψ(x) for x &gt; 0, without the cancellation of the difference for large x.</summary>
    internal static double LogMinusDigamma(double x)
    {
        if (!(x > 0)) throw new ArgumentOutOfRangeException(nameof(x), x, "LogMinusDigamma needs x > 0.");
        if (x >= 10) return Asymptotic(x);
        // log x − ψ(x) = [log(x + n) − ψ(x + n)] − log((x + n)/x) + Σ_{k<n} 1/(x + k)
        double s = 0, y = x;
        while (y < 10) { s += 1 / y; y += 1; }
        return Asymptotic(y) - Math.Log(y / x) + s;
    }

    // log x − ψ(x) = 1/(2x) + Σ B_2k / (2k x^(2k))
    private static double Asymptotic(double x)
    {
        double r = 1 / x, r2 = r * r;
        return r * 0.5 + r2 * (1.0 / 12 + r2 * (-1.0 / 120 + r2 * (1.0 / 252 + r2 * (-1.0 / 240 + r2 * (1.0 / 132 + r2 * (-691.0 / 32760 + r2 / 12))))));
    }
}
