using System.Globalization;
using Probabilistic.Core.Data;

namespace Probabilistic.Core.Numerics;

/// <summary>
/// <see cref="KMeans.Fit"/> over rows read from disk a block at a time (<see cref="NpyRowSource"/>), with the same
/// random draws and the same sums in the same order, so the same seed gives the same centres and labels as the
/// in-memory fit. It keeps 12 bytes a row (a distance and a label) instead of the data; each k-means++ centre costs
/// two passes (the candidates' potentials, then the distances to the chosen one) and each Lloyd step one.
/// </summary>
public static class StreamingKMeans
{
    /// <summary>The bytes kept per row: the distance to the nearest centre and the label.</summary>
    public const int BytesPerRow = sizeof(double) + sizeof(int);

    /// <summary>Centres [k×d] and labels [n], as <see cref="KMeans.Fit"/> would give on the same rows in memory.</summary>
    public static (double[] Centers, int[] Labels) Fit(NpyRowSource source, int k, int seed, int blockRows, int maxIterations = 20,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(source);
        if (source.Rows > Array.MaxLength)
            throw new DataFormatException(source.Name, null, string.Create(CultureInfo.InvariantCulture,
                $"{source.Rows:N0} rows are more than k-means++ can keep a distance for ({Array.MaxLength:N0}); start from given means instead"));
        int n = (int)source.Rows, d = source.Columns;
        var random = Rng.Create(seed);
        var centers = new double[k * d];
        var dist = new double[n];
        int first = random.Next(n);
        source.ReadRows(first, 1, centers.AsSpan(0, d));
        source.ForEachBlock(blockRows, (at, count, x) =>
        {
            for (int i = 0; i < count; i++) dist[at + i] = KMeans.SquaredDistance(x.AsSpan(i * d, d), centers.AsSpan(0, d));
        }, cancellationToken);
        // Greedy k-means++ as KMeans.Fit: the trials' picks depend only on the distances, so all are drawn before the
        // pass that sums their potentials (each over the rows in order, as the in-memory loop does).
        int trials = 2 + (int)Math.Log(k);
        var picks = new double[trials * d];
        var potentials = new double[trials];
        for (int c = 1; c < k; c++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            for (int t = 0; t < trials; t++) source.ReadRows(random.NextCategoricalOrUniform(dist), 1, picks.AsSpan(t * d, d));
            Array.Clear(potentials);
            source.ForEachBlock(blockRows, (at, count, x) =>
            {
                for (int i = 0; i < count; i++)
                {
                    var row = x.AsSpan(i * d, d);
                    for (int t = 0; t < trials; t++)
                        potentials[t] += Math.Min(dist[at + i], KMeans.SquaredDistance(row, picks.AsSpan(t * d, d)));
                }
            }, cancellationToken);
            int best = 0;
            for (int t = 1; t < trials; t++) if (potentials[t] < potentials[best]) best = t;
            picks.AsSpan(best * d, d).CopyTo(centers.AsSpan(c * d, d));
            source.ForEachBlock(blockRows, (at, count, x) =>
            {
                for (int i = 0; i < count; i++)
                    dist[at + i] = Math.Min(dist[at + i], KMeans.SquaredDistance(x.AsSpan(i * d, d), centers.AsSpan(c * d, d)));
            }, cancellationToken);
        }
        dist = [];
        var labels = new int[n];
        var counts = new int[k];
        var sums = new double[k * d];
        for (int iteration = 0; iteration < maxIterations; iteration++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            int changed = 0;
            Array.Clear(counts);
            Array.Clear(sums);
            // One pass: the labels (in parallel within a block) and the sums of the next centres (in row order, as
            // KMeans.Fit sums them); the sums go unused when nothing changed.
            source.ForEachBlock(blockRows, (at, count, x) =>
            {
                Parallel.For(0, count, () => 0, (i, state, local) =>
                {
                    int l = KMeans.Nearest(x.AsSpan(i * d, d), centers, k, out _);
                    if (l != labels[at + i] || iteration == 0) { labels[at + i] = l; local++; }
                    return local;
                }, local => Interlocked.Add(ref changed, local));
                for (int i = 0; i < count; i++)
                {
                    int l = labels[at + i];
                    counts[l]++;
                    for (int j = 0; j < d; j++) sums[l * d + j] += x[i * d + j];
                }
            }, cancellationToken);
            if (changed == 0 && iteration > 0) break;
            for (int c = 0; c < k; c++)
                if (counts[c] > 0)
                    for (int j = 0; j < d; j++) centers[c * d + j] = sums[c * d + j] / counts[c];
        }
        return (centers, labels);
    }
}
