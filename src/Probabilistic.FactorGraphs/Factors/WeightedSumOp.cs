using Probabilistic.FactorGraphs.Distributions;

namespace Probabilistic.FactorGraphs.Factors;

/// <summary>
/// Message operators for s = Σ_i c_i x_i with known coefficients c_i and Gaussian x_i: Variable.Sum (all c_i = 1) and one
/// entry of a matrix product with one side observed. Under EP every message is exact (a linear-Gaussian factor); under VMP
/// s is collapsed (its q is N(Σ c_i E[x_i], Σ c_i² Var[x_i])) and the messages to the x_i use s's backward message.
/// </summary>
public static class WeightedSumOp
{
    /// <summary>EP message to s: N(Σ c_i m_i, Σ c_i² v_i) (uniform when a context with c_i ≠ 0 is not proper).</summary>
    public static Gaussian SumAverageConditional(ReadOnlySpan<Gaussian> array, ReadOnlySpan<double> coefficients)
    {
        double m = 0, v = 0;
        for (int i = 0; i < array.Length; i++)
        {
            double c = coefficients[i];
            if (c == 0) continue;
            var x = array[i];
            if (!x.IsPointMass && !x.IsProper()) return Gaussian.Uniform();
            m += c * x.GetMean();
            v += c * c * x.GetVariance();
        }
        return v > 0 ? Gaussian.FromMeanAndVariance(m, v) : Gaussian.PointMass(m);
    }

    /// <summary>
    /// EP messages to every x_i: from s's context N(ms, vs), x_i = (s − Σ_{l≠i} c_l x_l)/c_i, so
    /// N((ms − Σ_{l≠i} c_l m_l)/c_i, (vs + Σ_{l≠i} c_l² v_l)/c_i²); uniform for c_i = 0, for a flat s, or when another
    /// context is flat. The sums over l ≠ i come from prefix and suffix sums (no cancellation of a dominant term).
    /// </summary>
    public static void ArrayAverageConditional(Gaussian sum, ReadOnlySpan<Gaussian> array, ReadOnlySpan<double> coefficients, Span<Gaussian> result)
    {
        int n = array.Length;
        if (!sum.IsPointMass && !sum.IsProper())
        {
            result.Fill(Gaussian.Uniform());
            return;
        }
        double ms = sum.GetMean(), vs = sum.GetVariance();
        // improper contexts count as infinite variance: a message is informative only if every other term is proper
        var pm = new double[n + 1];
        var pv = new double[n + 1];
        var pBad = new int[n + 1];
        for (int i = 0; i < n; i++)
        {
            var (m, v, bad) = Term(array[i], coefficients[i]);
            pm[i + 1] = pm[i] + m; pv[i + 1] = pv[i] + v; pBad[i + 1] = pBad[i] + bad;
        }
        double sm = 0, sv = 0;
        int sBad = 0;
        for (int i = n - 1; i >= 0; i--)
        {
            double c = coefficients[i];
            double otherM = pm[i] + sm, otherV = pv[i] + sv;
            int otherBad = pBad[i] + sBad;
            if (c == 0 || otherBad > 0) result[i] = Gaussian.Uniform();
            else
            {
                double v = (vs + otherV) / (c * c), m = (ms - otherM) / c;
                result[i] = v > 0 ? Gaussian.FromMeanAndVariance(m, v) : Gaussian.PointMass(m);
            }
            var (tm, tv, tb) = Term(array[i], c);
            sm += tm; sv += tv; sBad += tb;
        }
    }

    private static (double M, double V, int Bad) Term(Gaussian x, double c)
    {
        if (c == 0) return (0, 0, 0);
        if (!x.IsPointMass && !x.IsProper()) return (0, 0, 1);
        return (c * x.GetMean(), c * c * x.GetVariance(), 0);
    }

    /// <summary>log ∫ ctx_s(Σ c_i x_i) Π ctx_i(x_i) dx with unnormalised contexts exp(h x − p x²/2) (a point mass: its point).</summary>
    public static double LogAverageFactor(Gaussian sum, ReadOnlySpan<Gaussian> array, ReadOnlySpan<double> coefficients)
    {
        double logNorm = 0, m = 0, v = 0;
        for (int i = 0; i < array.Length; i++)
        {
            var x = array[i];
            if (!x.IsPointMass && !x.IsProper()) return double.PositiveInfinity;
            if (!x.IsPointMass) logNorm += x.GetLogNormalizer();
            m += coefficients[i] * x.GetMean();
            v += coefficients[i] * coefficients[i] * x.GetVariance();
        }
        if (sum.IsPointMass)
            return logNorm + (v > 0 ? Gaussian.FromMeanAndVariance(m, v).GetLogProb(sum.Point) : sum.Point == m ? 0 : double.NegativeInfinity);
        if (v == 0) return logNorm + sum.MeanTimesPrecision * m - 0.5 * sum.Precision * m * m;
        var s = Gaussian.FromMeanAndVariance(m, v);
        return logNorm + (s * sum).GetLogNormalizer() - s.GetLogNormalizer();
    }

    /// <summary>VMP push-forward of s: N(Σ c_i E[x_i], Σ c_i² Var[x_i]).</summary>
    public static Gaussian SumAverageLogarithm(ReadOnlySpan<Gaussian> array, ReadOnlySpan<double> coefficients) =>
        SumAverageConditional(array, coefficients);

    /// <summary>
    /// VMP message to x_i from s's backward message (natural h, τ), the other terms at their means: exp E[log m_s(c_i x_i + r)]
    /// with r = Σ_{l≠i} c_l x_l has precision c_i² τ and mean-times-precision c_i (h − τ E[r]).
    /// </summary>
    public static Gaussian ArrayAverageLogarithm(Gaussian sumBackward, double coefficient, double otherMean)
    {
        if (sumBackward.IsPointMass)
            throw new InvalidOperationException("A deterministic sum observed exactly has no VMP message to its terms.");
        double t = sumBackward.Precision, c = coefficient;
        return Gaussian.FromNatural(c * (sumBackward.MeanTimesPrecision - t * otherMean), c * c * t);
    }
}

