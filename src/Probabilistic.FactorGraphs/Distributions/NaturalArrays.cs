using System.Numerics.Tensors;

namespace Probabilistic.FactorGraphs.Distributions;

/// <summary>Element-wise arithmetic on natural-parameter arrays (new arrays: the distributions are immutable).</summary>
internal static class NaturalArrays
{
    internal static double[] Add(double[] a, double[] b)
    {
        var r = new double[a.Length];
        TensorPrimitives.Add(a, b, r);
        return r;
    }

    internal static double[] Subtract(double[] a, double[] b)
    {
        var r = new double[a.Length];
        TensorPrimitives.Subtract(a, b, r);
        return r;
    }

    internal static double[] Scale(double[] a, double k)
    {
        var r = new double[a.Length];
        TensorPrimitives.Multiply(a, k, r);
        return r;
    }
}
