namespace Probabilistic.FactorGraphs.Distributions;

/// <summary>Element-wise arithmetic on natural-parameter arrays (new arrays: the distributions are immutable).</summary>
/// <remarks>
/// Plain loops: the arrays are a distribution's few parameters, and a loop in this assembly is precompiled when the library
/// is published ReadyToRun, where a generic vector kernel from another assembly is compiled at first use (milliseconds of a
/// fresh process's first answer).
/// </remarks>
internal static class NaturalArrays
{
    internal static double[] Add(double[] a, double[] b)
    {
        var r = new double[a.Length];
        for (int i = 0; i < r.Length; i++) r[i] = a[i] + b[i];
        return r;
    }

    internal static double[] Subtract(double[] a, double[] b)
    {
        var r = new double[a.Length];
        for (int i = 0; i < r.Length; i++) r[i] = a[i] - b[i];
        return r;
    }

    internal static double[] Scale(double[] a, double k)
    {
        var r = new double[a.Length];
        for (int i = 0; i < r.Length; i++) r[i] = a[i] * k;
        return r;
    }

    /// <summary>α·a + β·b.</summary>
    internal static double[] Combine(double alpha, double[] a, double beta, double[] b)
    {
        var r = new double[a.Length];
        for (int i = 0; i < r.Length; i++) r[i] = alpha * a[i] + beta * b[i];
        return r;
    }
}
