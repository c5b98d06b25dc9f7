// Compiled into the library and, with INFERNET defined, into tools/InferNetOracle: it uses neither library's types.
namespace Probabilistic.FactorGraphs.Samples;

/// <summary>
/// The seeded generator the samples (and the Infer.NET idiom catalogue in the tests) draw their data with: SplitMix64 for
/// the bits, Box–Muller for normals. It is neither library's <c>Rand</c>, so the same seed gives the same data whichever
/// library runs the model, on any .NET version.
/// </summary>
public sealed class SampleRandom(ulong seed)
{
    private ulong _state = seed;

    /// <summary>Uniform on [0, 1), 53 bits.</summary>
    public double NextDouble()
    {
        ulong z = _state += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        z ^= z >> 31;
        return (z >> 11) * (1.0 / (1UL << 53));
    }

    /// <summary>A standard normal draw (the cosine half of Box–Muller).</summary>
    public double Normal() => Math.Sqrt(-2 * Math.Log(1 - NextDouble())) * Math.Cos(2 * Math.PI * NextDouble());

    /// <summary>A normal draw with the given mean and standard deviation.</summary>
    public double Normal(double mean, double sd) => mean + sd * Normal();

    /// <summary>True with probability <paramref name="p"/>.</summary>
    public bool Bernoulli(double p) => NextDouble() < p;

    /// <summary>Uniform on 0 … <paramref name="n"/> − 1.</summary>
    public int Int(int n) => Math.Min(n - 1, (int)(NextDouble() * n));

    /// <summary><paramref name="count"/> normal draws.</summary>
    public double[] Normals(int count, double mean, double sd)
    {
        var x = new double[count];
        for (int i = 0; i < count; i++) x[i] = Normal(mean, sd);
        return x;
    }
}
