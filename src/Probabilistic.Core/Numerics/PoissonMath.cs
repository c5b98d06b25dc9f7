using MathNet.Numerics;

namespace Probabilistic.Core.Numerics;

/// <summary>
/// The Poisson log-probability log p(x; λ) = x log λ − λ − log Γ(x + 1), computed without cancellation for large
/// counts: the textbook form subtracts terms near x log x (3.9e18 at x = 1e17) and keeps no correct digit of a
/// result near −20, so above <see cref="DirectFormLimit"/> Loader's saddle-point form is used,
/// log p = −stirlerr(x) − bd0(x, λ) − ½ log(2πx), with stirlerr(x) = log Γ(x+1) − (x+½) log x + x − ½ log 2π and
/// bd0(x, λ) = x log(x/λ) + λ − x evaluated by its series near x = λ (C. Loader, "Fast and accurate computation of
/// binomial probabilities", 2000; the algorithm of R's dpois_raw).
/// </summary>
public static class PoissonMath
{
    /// <summary>Counts below this use the direct form (its rounding error stays under about 1e-9 nats there).</summary>
    public const double DirectFormLimit = 1e5;


    /// <summary>log p(x; λ) for a count x ≥ 0 (an integer) and rate λ ≥ 0; −∞ when λ = 0 &lt; x.</summary>
    public static double LogProbability(double x, double rate) => LogProbability(x, rate, Math.Log(rate));

    /// <summary>As <see cref="LogProbability(double, double)"/> with log λ given (hot loops keep it).</summary>
    public static double LogProbability(double x, double rate, double logRate)
    {
        if (x == 0) return -rate;
        if (rate == 0) return double.NegativeInfinity;
        if (x < DirectFormLimit) return x * logRate - rate - SpecialFunctions.GammaLn(x + 1);
        return -StirlingError(x) - DevianceTerm(x, rate) - 0.5 * Math.Log(2 * Math.PI * x);
    }

    /// <summary>stirlerr(n) = log Γ(n+1) − (n+½) log n + n − ½ log 2π, the error of Stirling's formula (n &gt; 0).</summary>
    public static double StirlingError(double n)
    {
        const double s0 = 1.0 / 12, s1 = 1.0 / 360, s2 = 1.0 / 1260, s3 = 1.0 / 1680, s4 = 1.0 / 1188;
        if (n <= 15) return SpecialFunctions.GammaLn(n + 1) - (n + 0.5) * Math.Log(n) + n - GaussianMath.HalfLog2Pi;
        double nn = n * n;
        if (n > 500) return (s0 - s1 / nn) / n;
        if (n > 80) return (s0 - (s1 - s2 / nn) / nn) / n;
        if (n > 35) return (s0 - (s1 - (s2 - s3 / nn) / nn) / nn) / n;
        return (s0 - (s1 - (s2 - (s3 - s4 / nn) / nn) / nn) / nn) / n;
    }

    /// <summary>bd0(x, λ) = x log(x/λ) + λ − x ≥ 0, by its series in v = (x−λ)/(x+λ) when x is near λ.</summary>
    public static double DevianceTerm(double x, double rate)
    {
        if (Math.Abs(x - rate) < 0.1 * (x + rate))
        {
            double v = (x - rate) / (x + rate);
            double s = (x - rate) * v;
            if (Math.Abs(s) < double.Epsilon * 4) return s;
            double ej = 2 * x * v;
            v *= v;
            for (int j = 1; j < 1000; j++)
            {
                ej *= v;
                double next = s + ej / (2 * j + 1);
                if (next == s) return next;
                s = next;
            }
            return s;
        }
        return x * Math.Log(x / rate) + rate - x;
    }
}
