namespace Probabilistic.Core.Numerics;

/// <summary>k-means with greedy k-means++ seeding (Arthur and Vassilvitskii 2007; scikit-learn's local trials), used to start EM for mixtures and HMMs.</summary>
public static class KMeans
{
    /// <summary>Centres [k×d] and labels [n] after k-means++ seeding and up to <paramref name="maxIterations"/> Lloyd steps.</summary>
    public static (double[] Centers, int[] Labels) Fit(double[] x, int n, int d, int k, int seed, int maxIterations = 20, CancellationToken cancellationToken = default)
    {
        var random = Rng.Create(seed);
        var centers = new double[k * d];
        var dist = new double[n];
        int first = random.Next(n);
        x.AsSpan(first * d, d).CopyTo(centers.AsSpan(0, d));
        for (int i = 0; i < n; i++) dist[i] = SquaredDistance(x.AsSpan(i * d, d), centers.AsSpan(0, d));
        // Greedy k-means++ (as scikit-learn): 2 + ln k candidates per centre, keep the one with the lowest potential.
        int trials = 2 + (int)Math.Log(k);
        var candidate = new double[n];
        var bestDist = new double[n];
        for (int c = 1; c < k; c++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            double bestPotential = double.PositiveInfinity;
            int bestPick = -1;
            for (int t = 0; t < trials; t++)
            {
                int pick = random.NextCategoricalOrUniform(dist);
                double potential = 0;
                for (int i = 0; i < n; i++)
                {
                    candidate[i] = Math.Min(dist[i], SquaredDistance(x.AsSpan(i * d, d), x.AsSpan(pick * d, d)));
                    potential += candidate[i];
                }
                if (potential < bestPotential) { bestPotential = potential; bestPick = pick; (bestDist, candidate) = (candidate, bestDist); }
            }
            x.AsSpan(bestPick * d, d).CopyTo(centers.AsSpan(c * d, d));
            (dist, bestDist) = (bestDist, dist);
        }
        var labels = new int[n];
        var counts = new int[k];
        for (int iteration = 0; iteration < maxIterations; iteration++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            int changed = 0;
            Parallel.For(0, n, () => 0, (i, state, local) =>
            {
                int l = Nearest(x.AsSpan(i * d, d), centers, k, out _);
                if (l != labels[i] || iteration == 0) { labels[i] = l; local++; }
                return local;
            }, local => Interlocked.Add(ref changed, local));
            if (changed == 0 && iteration > 0) break;
            var sums = new double[k * d];
            Array.Clear(counts);
            for (int i = 0; i < n; i++)
            {
                counts[labels[i]]++;
                for (int j = 0; j < d; j++) sums[labels[i] * d + j] += x[i * d + j];
            }
            for (int c = 0; c < k; c++)
                if (counts[c] > 0)
                    for (int j = 0; j < d; j++) centers[c * d + j] = sums[c * d + j] / counts[c];
        }
        return (centers, labels);
    }

    /// <summary>The index of the centre nearest to <paramref name="point"/>.</summary>
    public static int Nearest(ReadOnlySpan<double> point, ReadOnlySpan<double> centers, int k, out double distance)
    {
        int d = point.Length, best = 0;
        distance = double.PositiveInfinity;
        for (int c = 0; c < k; c++)
        {
            double s = SquaredDistance(point, centers.Slice(c * d, d));
            if (s < distance) { distance = s; best = c; }
        }
        return best;
    }

    internal static double SquaredDistance(ReadOnlySpan<double> a, ReadOnlySpan<double> b)
    {
        double s = 0;
        for (int i = 0; i < a.Length; i++) { double t = a[i] - b[i]; s += t * t; }
        return s;
    }

    internal static int NextCategoricalOrUniform(this Random random, double[] weights)
    {
        double total = 0;
        foreach (var w in weights) total += w;
        return total > 0 ? random.NextCategorical(weights) : random.Next(weights.Length);
    }
}
