namespace Probabilistic.Core.Numerics;

/// <summary>Seeded random sources. Every random choice in the library takes one of these; the same seed gives the same result.</summary>
public static class Rng
{
    /// <summary>A generator for <paramref name="seed"/>.</summary>
    public static Random Create(int seed) => new(seed);

    /// <summary>
    /// A seed for an independent stream <paramref name="stream"/> derived from <paramref name="seed"/> (SplitMix64 mixing),
    /// so that, e.g., restart r of a fit draws from its own stream whatever the other restarts did.
    /// </summary>
    public static int Derive(int seed, int stream)
    {
        ulong z = unchecked((ulong)(uint)seed * 0x9E3779B97F4A7C15UL + (ulong)(uint)stream + 0x632BE59BD9B4E019UL);
        z = unchecked((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL);
        z = unchecked((z ^ (z >> 27)) * 0x94D049BB133111EBUL);
        z ^= z >> 31;
        return (int)(z & 0x7FFFFFFF);
    }

    /// <summary>A standard normal draw (Box–Muller).</summary>
    public static double NextGaussian(this Random random)
    {
        double u1 = 1.0 - random.NextDouble();
        double u2 = random.NextDouble();
        return Math.Sqrt(-2.0 * Math.Log(u1)) * Math.Cos(2.0 * Math.PI * u2);
    }

    /// <summary>An index drawn with probabilities proportional to <paramref name="weights"/> (non-negative, not all zero).</summary>
    public static int NextCategorical(this Random random, ReadOnlySpan<double> weights)
    {
        double total = 0;
        foreach (var w in weights) total += w;
        if (!(total > 0) || !double.IsFinite(total))
            throw new ArgumentException($"Categorical weights must be non-negative with a positive finite sum; the sum is {total}.");
        double u = random.NextDouble() * total;
        for (int i = 0; i < weights.Length; i++)
        {
            u -= weights[i];
            if (u < 0) return i;
        }
        for (int i = weights.Length - 1; i >= 0; i--) if (weights[i] > 0) return i;
        return weights.Length - 1;
    }

    /// <summary>Fisher–Yates shuffle in place.</summary>
    public static void Shuffle<T>(this Random random, Span<T> items)
    {
        for (int i = items.Length - 1; i > 0; i--)
        {
            int j = random.Next(i + 1);
            (items[i], items[j]) = (items[j], items[i]);
        }
    }

    /// <summary>A Gamma(shape, 1) draw (Marsaglia–Tsang), shape &gt; 0.</summary>
    public static double NextGamma(this Random random, double shape)
    {
        if (!(shape > 0)) throw new ArgumentOutOfRangeException(nameof(shape), shape, "Gamma shape must be > 0.");
        if (shape < 1)
            return random.NextGamma(shape + 1) * Math.Pow(1.0 - random.NextDouble(), 1.0 / shape);
        double d = shape - 1.0 / 3.0, c = 1.0 / Math.Sqrt(9 * d);
        while (true)
        {
            double x, v;
            do { x = random.NextGaussian(); v = 1 + c * x; } while (v <= 0);
            v = v * v * v;
            double u = 1.0 - random.NextDouble();
            if (u < 1 - 0.0331 * x * x * x * x) return d * v;
            if (Math.Log(u) < 0.5 * x * x + d * (1 - v + Math.Log(v))) return d * v;
        }
    }
}
