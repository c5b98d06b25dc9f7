namespace Probabilistic.FactorGraphs.LinearAlgebra;

/// <summary>
/// Infer.NET's static random-number generator (<c>Microsoft.ML.Probabilistic.Math.Rand</c>): <c>Rand.Restart(seed)</c>
/// makes every later draw repeatable, and the distributions' parameterless <c>Sample()</c> draws from it.
/// </summary>
/// <remarks>
/// One generator per thread, seeded 0 until <see cref="Restart"/> is called, so a program's draws are repeatable and
/// code running on other threads (parallel tests) never shifts this thread's sequence. Library code takes a
/// <see cref="Random"/> instead (each distribution's <c>Sample(Random)</c>); this class is for tutorial-style code.
/// </remarks>
public static class Rand
{
    [ThreadStatic]
    private static Random? _generator;

    /// <summary>This thread's generator.</summary>
    internal static Random Generator => _generator ??= new Random(0);

    /// <summary>Restarts this thread's generator from <paramref name="seed"/>.</summary>
    public static void Restart(int seed) => _generator = new Random(seed);

    /// <summary>A uniform integer in [0, <paramref name="maxPlusOne"/>).</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="maxPlusOne"/> is not &gt; 0.</exception>
    public static int Int(int maxPlusOne)
    {
        if (maxPlusOne <= 0) throw new ArgumentOutOfRangeException(nameof(maxPlusOne), maxPlusOne, "Rand.Int(maxPlusOne) needs maxPlusOne > 0.");
        return Generator.Next(maxPlusOne);
    }

    /// <summary>A uniform integer in [<paramref name="min"/>, <paramref name="maxPlusOne"/>).</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="maxPlusOne"/> is not &gt; <paramref name="min"/>.</exception>
    public static int Int(int min, int maxPlusOne)
    {
        if (maxPlusOne <= min) throw new ArgumentOutOfRangeException(nameof(maxPlusOne), maxPlusOne, $"Rand.Int(min, maxPlusOne) needs maxPlusOne > min = {min}.");
        return Generator.Next(min, maxPlusOne);
    }

    /// <summary>A uniform double in [0, 1).</summary>
    public static double Double() => Generator.NextDouble();

    /// <summary>A standard normal draw.</summary>
    public static double Normal() => MathNet.Numerics.Distributions.Normal.Sample(Generator, 0, 1);

    /// <summary>A normal draw with the given mean and standard deviation.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The mean is not finite or the standard deviation is negative.</exception>
    public static double Normal(double mean, double standardDeviation)
    {
        if (!double.IsFinite(mean)) throw new ArgumentOutOfRangeException(nameof(mean), mean, "Rand.Normal's mean must be finite.");
        if (!(standardDeviation >= 0) || double.IsInfinity(standardDeviation))
            throw new ArgumentOutOfRangeException(nameof(standardDeviation), standardDeviation, "Rand.Normal's standard deviation must be finite and >= 0.");
        return mean + standardDeviation * Normal();
    }

    /// <summary>A Gamma(shape, scale 1) draw.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The shape is not finite and &gt; 0.</exception>
    public static double Gamma(double shape)
    {
        if (!(shape > 0) || double.IsInfinity(shape)) throw new ArgumentOutOfRangeException(nameof(shape), shape, "Rand.Gamma's shape must be finite and > 0.");
        return MathNet.Numerics.Distributions.Gamma.Sample(Generator, shape, 1);
    }
}
