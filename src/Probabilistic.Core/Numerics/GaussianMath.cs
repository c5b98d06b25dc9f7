namespace Probabilistic.Core.Numerics;

/// <summary>Constants and small closed forms for Gaussian densities.</summary>
public static class GaussianMath
{
    /// <summary>log(2π).</summary>
    public const double Log2Pi = 1.8378770664093454835606594728112;

    /// <summary>½ log(2π), the normaliser of a standard normal density (and of Stirling's series).</summary>
    public const double HalfLog2Pi = 0.918938533204672741780329736406;

    /// <summary>log N(x; μ, σ²).</summary>
    public static double LogDensity(double x, double mean, double variance)
    {
        double d = x - mean;
        return -0.5 * (Log2Pi + Math.Log(variance) + d * d / variance);
    }
}
