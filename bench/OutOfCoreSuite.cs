using System.Diagnostics;
using System.Globalization;
using System.Text;
using Probabilistic.Core.Data;
using Probabilistic.Core.Gaussians;
using Probabilistic.Core.Inference;
using Probabilistic.Core.Numerics;
using Probabilistic.Mixtures;

namespace Probabilistic.Bench;

/// <summary>
/// Out-of-core EM: writes a synthetic float64 .npy (16 columns, 4 full-covariance components; not committed) of
/// OOC_GB gigabytes (default 20; 0.5 with --quick) at OOC_DATA (default /tmp/prob-ooc/big.npy, reused when its size
/// matches), fits it with <see cref="GaussianMixture.Fit(NpyRowSource, FitOptions?, CancellationToken, int?)"/> and
/// reports s/iteration and the process's peak resident set (VmHWM) after that fit; then loads its first OOC_SLICE_GB
/// (default 2; 0.1 with --quick) into memory and reports the in-memory fit's s/iteration on that slice, both per
/// million rows. Same start (given means), 2 threads, tolerance 0.
/// </summary>
public static class OutOfCoreSuite
{
    private const int D = 16, K = 4;

    public static int Run(BenchContext context)
    {
        double gb = Env("OOC_GB", context.Quick ? 0.5 : 20), sliceGb = Env("OOC_SLICE_GB", context.Quick ? 0.1 : 2);
        int iterations = (int)Env("OOC_ITERATIONS", context.Quick ? 3 : 5);
        var path = Environment.GetEnvironmentVariable("OOC_DATA") is { Length: > 0 } p ? p : "/tmp/prob-ooc/big.npy";
        long rows = (long)(gb * 1e9 / (8 * D));
        var clock = Stopwatch.StartNew();
        bool made = Make(path, rows);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"data: {path}, {rows:N0} rows × {D} float64 = {new FileInfo(path).Length / 1e9:F2} GB ({(made ? $"written in {clock.Elapsed.TotalSeconds:F0} s" : "reused")})"));
        var means = TrueMeans();
        var options = new GaussianMixtureOptions(K, CovarianceType.Full, Init: MixtureInit.Means, InitialMeans: means,
            Backend: new CpuMixtureBackend(2));
        var source = NpyRowSource.Open(path);
        var (_, trace) = new GaussianMixture(options).Fit(source, new FitOptions(MaxIterations: iterations, Tolerance: 0));
        long peak = PeakResidentBytes();
        double streamed = trace.SecondsPerStep;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"out of core: {streamed:F2} s/iteration over {trace.Count} iterations ({streamed / (rows / 1e6):F4} s per million rows), peak RSS {peak / 1e6:F0} MB, mean LL {trace.FinalElboPerObservation:F6}"));

        long sliceRows = Math.Min(rows, (long)(sliceGb * 1e9 / (8 * D)));
        var values = new double[sliceRows * D];
        source.ReadRows(0, (int)sliceRows, values);
        var table = new NumericTable(values, (int)sliceRows, D) { Source = path };
        var (_, memory) = new GaussianMixture(options).Fit(table, new FitOptions(MaxIterations: iterations, Tolerance: 0));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"in memory, first {sliceRows:N0} rows ({sliceRows * 8.0 * D / 1e9:F2} GB): {memory.SecondsPerStep:F2} s/iteration ({memory.SecondsPerStep / (sliceRows / 1e6):F4} s per million rows)"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"out of core / in memory, per row: {streamed / rows / (memory.SecondsPerStep / sliceRows):F2}"));
        return 0;
    }

    private static double Env(string name, double fallback) =>
        double.TryParse(Environment.GetEnvironmentVariable(name), NumberStyles.Float, CultureInfo.InvariantCulture, out var v) ? v : fallback;

    private static double[] TrueMeans()
    {
        var means = new double[K * D];
        for (int c = 0; c < K; c++) for (int j = 0; j < D; j++) means[c * D + j] = 3.0 * ((c + j) % K) - 4.5;
        return means;
    }

    /// <summary>Writes <paramref name="rows"/> rows of a seeded 4-component mixture in blocks (bounded memory); false when a file of that size is there.</summary>
    private static bool Make(string path, long rows)
    {
        var header = $"{{'descr': '<f8', 'fortran_order': False, 'shape': ({rows}, {D}), }}";
        header += new string(' ', (64 - (10 + header.Length + 1) % 64) % 64) + "\n";
        long length = 10 + header.Length + rows * D * 8;
        if (File.Exists(path) && new FileInfo(path).Length == length) return false;
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        var partial = path + ".partial";
        using (var file = new FileStream(partial, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 20))
        {
            file.Write([0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y', 1, 0]);
            file.Write(BitConverter.GetBytes((ushort)header.Length));
            file.Write(Encoding.ASCII.GetBytes(header));
            var means = TrueMeans();
            const int block = 1 << 16;
            var buffer = new double[block * D];
            var bytes = System.Runtime.InteropServices.MemoryMarshal.AsBytes(buffer.AsSpan());
            for (long at = 0; at < rows; at += block)
            {
                int n = (int)Math.Min(block, rows - at);
                // Each block draws from its own seed, so blocks could be made in any order.
                var random = Rng.Create(Rng.Derive(7, (int)(at / block)));
                for (int i = 0; i < n; i++)
                {
                    int c = random.Next(K);
                    double shared = random.NextGaussian();
                    for (int j = 0; j < D; j++) buffer[i * D + j] = means[c * D + j] + (0.5 + 0.1 * c) * random.NextGaussian() + 0.3 * shared;
                }
                file.Write(bytes[..(n * D * 8)]);
            }
        }
        File.Move(partial, path, overwrite: true);
        return true;
    }

    /// <summary>VmHWM of /proc/self/status: the most resident memory this process has held.</summary>
    private static long PeakResidentBytes()
    {
        foreach (var line in File.ReadLines("/proc/self/status"))
            if (line.StartsWith("VmHWM:", StringComparison.Ordinal))
                return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) * 1024;
        return -1;
    }
}
