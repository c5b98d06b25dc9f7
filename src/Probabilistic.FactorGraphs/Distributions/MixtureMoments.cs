namespace Probabilistic.FactorGraphs.Distributions;

/// <summary>Helpers the distributions share for moment matching a mixture and for reading observed values.</summary>
internal static class MixtureMoments
{
    /// <summary>The only component with positive weight, or null when there are several.</summary>
    internal static int? Single(ReadOnlySpan<double> w)
    {
        int only = -1, count = 0;
        for (int c = 0; c < w.Length; c++) if (w[c] > 0) { only = c; count++; }
        return count == 1 ? only : null;
    }

    /// <summary>E[x] = Σ w m_c; Var[x] = Σ w (v_c + (m_c − E[x])²), which does not cancel as E[x²] − E[x]² does.</summary>
    internal static (double Mean, double Variance) MeanAndVariance<T>(ReadOnlySpan<double> w, ReadOnlySpan<T> q, Func<T, double> mean, Func<T, double> variance)
    {
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

    /// <summary>0·(−∞) = 0, as in an expectation.</summary>
    internal static double Mul(double p, double logValue) => p == 0 ? 0 : p * logValue;

    internal static ArgumentException WrongValues(Array values, string expected) =>
        new($"holds {values.GetType().GetElementType()?.Name ?? values.GetType().Name} values, which cannot be read as {expected}");
}
