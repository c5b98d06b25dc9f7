namespace Probabilistic.Distributed.Tests;

/// <summary>Synthetic rows from a known mixture, written as .npy shards of unequal sizes into a temporary folder.</summary>
public sealed class Shards : IDisposable
{
    public Shards(int rows, int[] cuts, int seed, int d = 2, int k = 3)
    {
        Dir = Directory.CreateTempSubdirectory("prob-dist-").FullName;
        var random = new Random(seed);
        X = new double[rows * d];
        for (int i = 0; i < rows; i++)
        {
            int c = random.Next(k);
            for (int j = 0; j < d; j++)
                X[i * d + j] = 4.0 * c * (j + 1) - 3 + (0.6 + 0.3 * c) * Gaussian(random) + (j > 0 ? 0.4 * X[i * d] : 0);
        }
        int start = 0;
        var paths = new List<string>();
        foreach (int end in cuts.Append(rows))
        {
            string path = System.IO.Path.Combine(Dir, $"part-{paths.Count:D3}.npy");
            NpyFiles.Write(path, X.AsSpan(start * d, (end - start) * d), end - start, d);
            paths.Add(path);
            start = end;
        }
        Paths = paths;
        Rows = rows;
        Columns = d;
    }

    public string Dir { get; }
    public IReadOnlyList<string> Paths { get; }
    public double[] X { get; }
    public int Rows { get; }
    public int Columns { get; }

    public NpyRowSource Source() => NpyRowSource.Open(Dir);

    public void Dispose() => Directory.Delete(Dir, recursive: true);

    private static double Gaussian(Random r) => Math.Sqrt(-2 * Math.Log(1 - r.NextDouble())) * Math.Cos(2 * Math.PI * r.NextDouble());
}
