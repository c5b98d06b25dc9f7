using System.Numerics.Tensors;

namespace Probabilistic.Core.Numerics;

/// <summary>Stable arithmetic on log-probabilities.</summary>
public static class LogSpace
{
    /// <summary>log(Σ exp(x_i)) without overflow or underflow; −∞ for an empty span or all −∞; NaN if any x_i is NaN or +∞ mixes with −∞ only.</summary>
    public static double LogSumExp(ReadOnlySpan<double> x)
    {
        if (x.IsEmpty) return double.NegativeInfinity;
        // a plain loop rather than TensorPrimitives.Max: the spans are a model's K terms, and this stays precompiled when
        // the library is published ReadyToRun (a generic vector kernel would be compiled at first use)
        double max = double.NegativeInfinity;
        foreach (double v in x)
        {
            if (double.IsNaN(v)) return double.NaN;
            if (v > max) max = v;
        }
        if (double.IsNegativeInfinity(max)) return double.NegativeInfinity;
        if (double.IsPositiveInfinity(max)) return double.PositiveInfinity;
        double sum = 0;
        for (int i = 0; i < x.Length; i++) sum += Math.Exp(x[i] - max);
        return max + Math.Log(sum);
    }

    /// <summary>log(exp(a) + exp(b)), stable.</summary>
    public static double LogAddExp(double a, double b)
    {
        if (double.IsNegativeInfinity(a)) return b;
        if (double.IsNegativeInfinity(b)) return a;
        double max = Math.Max(a, b);
        return max + Math.Log(1 + Math.Exp(-Math.Abs(a - b)));
    }

    /// <summary>log(1 + exp(x)) (softplus), stable for large |x|.</summary>
    public static double Log1pExp(double x) =>
        x > 35 ? x : x < -35 ? Math.Exp(x) : Math.Log(1 + Math.Exp(x));

    /// <summary>log(exp(a) − exp(b)) for a ≥ b; −∞ when equal.</summary>
    public static double LogDiffExp(double a, double b)
    {
        if (b > a) throw new ArgumentException($"LogDiffExp needs a >= b, got a={a}, b={b}.");
        if (a == b) return double.NegativeInfinity;
        return a + Math.Log(-double.ExpM1(b - a));
    }

    /// <summary>
    /// Replaces <paramref name="x"/> by exp(x − logsumexp(x)), a normalised probability vector, and returns
    /// logsumexp(x) (the log normaliser).
    /// </summary>
    public static double NormalizeInPlace(Span<double> x)
    {
        double lse = LogSumExp(x);
        if (!double.IsFinite(lse)) return lse;
        for (int i = 0; i < x.Length; i++) x[i] = Math.Exp(x[i] - lse);
        return lse;
    }

    /// <summary>Natural log of a sum of non-negative terms given in linear space, as log(Σ x_i); −∞ for a zero sum.</summary>
    public static double LogOfSum(ReadOnlySpan<double> x) => Math.Log(TensorPrimitives.Sum(x));
}
