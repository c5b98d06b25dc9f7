namespace Probabilistic.FactorGraphs.Factors;

/// <summary>Small dense algebra on row-major d×d arrays (d a vector variable's dimension, small), for the vector factors.</summary>
internal static class DenseMath
{
    internal static double[] MatVec(double[] a, ReadOnlySpan<double> v, int d)
    {
        var r = new double[d];
        for (int i = 0; i < d; i++) { double s = 0; for (int j = 0; j < d; j++) s += a[i * d + j] * v[j]; r[i] = s; }
        return r;
    }

    internal static double[] MatMul(double[] a, double[] b, int d)
    {
        var r = new double[d * d];
        for (int i = 0; i < d; i++)
            for (int k = 0; k < d; k++)
            {
                double aik = a[i * d + k];
                for (int j = 0; j < d; j++) r[i * d + j] += aik * b[k * d + j];
            }
        return r;
    }

    /// <summary>Replaces both triangles by their mean.</summary>
    internal static void Symmetrise(double[] a, int d)
    {
        for (int i = 0; i < d; i++)
            for (int j = i + 1; j < d; j++) { double m = 0.5 * (a[i * d + j] + a[j * d + i]); a[i * d + j] = m; a[j * d + i] = m; }
    }

    internal static double Trace(double[] a, int d)
    {
        double s = 0;
        for (int i = 0; i < d; i++) s += a[i * d + i];
        return s;
    }

    /// <summary>tr(A·B) = Σ_ij A_ij B_ji.</summary>
    internal static double TraceOfProduct(double[] a, double[] b, int d)
    {
        double s = 0;
        for (int i = 0; i < d; i++)
            for (int j = 0; j < d; j++) s += a[i * d + j] * b[j * d + i];
        return s;
    }
}
