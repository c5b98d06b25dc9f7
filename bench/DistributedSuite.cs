using System.Diagnostics;
using System.Globalization;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Orleans;
using Probabilistic.Core.Data;
using Probabilistic.Core.Gaussians;
using Probabilistic.Core.Inference;
using Probabilistic.Core.Numerics;
using Probabilistic.Distributed;
using Probabilistic.Mixtures;
using Probabilistic.Mixtures.Kernels;

namespace Probabilistic.Bench;

/// <summary>
/// Partitioned GMM EM on loopback: three silos (Orleans hosts in this process, localhost clustering) and a client that
/// reaches them over TCP; the same DIST_ROWS rows (default 120,000; 24,000 with --quick) × 16 columns, 4 full
/// components, cut into 1, 3 and 8 shards, each E-step on one thread per shard. Per iteration: the coordination
/// overhead (wall time of a round less its slowest shard's own compute), payload bytes sent and received, and the fit's
/// log-likelihood against the single-machine out-of-core fit. Then the single-core E-step rate, measured here, and a
/// cost model for N = 1e9 and 1e10 rows on 10-100 machines at a stated bandwidth.
/// </summary>
public static class DistributedSuite
{
    private const int D = 16, K = 4;

    public static int Run(BenchContext context)
    {
        int rows = (int)Env("DIST_ROWS", context.Quick ? 24_000 : 120_000);
        int iterations = (int)Env("DIST_ITERATIONS", context.Quick ? 5 : 10);
        var dir = Directory.CreateTempSubdirectory("prob-dist-bench-").FullName;
        try
        {
            var x = Data(rows);
            var means = x.AsSpan(0, K * D).ToArray();
            var options = new GaussianMixtureOptions(K, CovarianceType.Full, Init: MixtureInit.Means, InitialMeans: means,
                Backend: new CpuMixtureBackend(1));
            var fit = new FitOptions(MaxIterations: iterations, Tolerance: 0);

            var silos = StartSilos(3);
            using var client = ClusterHosts.Client(ClusterAddress.Parse($"localhost:{silos.Primary}"), silos.Gateways);
            client.StartAsync().GetAwaiter().GetResult();
            var grains = client.Services.GetRequiredService<IClusterClient>();

            var table = new List<IReadOnlyList<string>>();
            foreach (int shards in new[] { 1, 3, 8 })
            {
                var folder = Write(dir, x, rows, shards);
                var source = NpyRowSource.Open(folder);
                var single = new GaussianMixture(options).Fit(source, fit).Trace;
                new GaussianMixture(options).Fit(grains, source, new FitOptions(MaxIterations: 2, Tolerance: 0),
                    new DistributedFitOptions(ThreadsPerShard: 1));   // warm-up: JIT, connections, activations
                var clock = Stopwatch.StartNew();
                var (result, stats) = new GaussianMixture(options).Fit(grains, source, fit, new DistributedFitOptions(ThreadsPerShard: 1));
                clock.Stop();
                double diff = Math.Abs(result.Trace.FinalElbo - single.FinalElbo) / Math.Abs(single.FinalElbo);
                table.Add([
                    shards.ToString(CultureInfo.InvariantCulture),
                    F(stats.WallSeconds / stats.Rounds * 1e3, "F1"),
                    F(stats.ComputeSeconds / stats.Rounds * 1e3, "F1"),
                    F(stats.OverheadSecondsPerRound * 1e3, "F2"),
                    F(stats.BytesSent / (double)stats.Rounds, "N0"),
                    F(stats.BytesReceived / (double)stats.Rounds, "N0"),
                    F(single.SecondsPerStep * 1e3, "F1"),
                    F(diff, "E1"),
                ]);
            }
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{rows:N0} rows × {D}, K = {K} full, {iterations} iterations, 3 silos on loopback, 1 thread per shard; overhead = round wall time − slowest shard's compute (with more shards than cores it includes the shards queueing for a core)"));
            BenchContext.PrintTable(["shards", "round ms", "slowest shard ms", "overhead ms", "bytes sent/round", "bytes received/round",
                "single machine ms/iter (2 threads)", "LL rel. diff vs single"], table);
            var coordination = new List<IReadOnlyList<string>>();
            var medians = new Dictionary<int, double>();
            foreach (int shards in new[] { 1, 3, 8 })
            {
                var (median, p90, bytes) = EmptyRounds(grains, dir, x, shards, context.Quick ? 50 : 200);
                medians[shards] = median;
                coordination.Add([shards.ToString(CultureInfo.InvariantCulture), F(median * 1e3, "F2"), F(p90 * 1e3, "F2"), F(bytes, "N0"),
                    median * 1e3 < 5 ? "met" : "not met"]);
            }
            Console.WriteLine("coordination alone: rounds on shards of 64 rows (compute of microseconds), after 10 warm-up rounds; round wall time − slowest shard's compute");
            BenchContext.PrintTable(["shards", "median ms/round", "p90 ms/round", "payload bytes/round (both ways)", "target < 5 ms"], coordination);
            client.StopAsync().GetAwaiter().GetResult();
            foreach (var silo in silos.Hosts) { silo.StopAsync().GetAwaiter().GetResult(); silo.Dispose(); }

            double rate = SingleCoreRate(x, rows, means);
            CostModel(rate, medians[8]);
            return 0;
        }
        finally { Directory.Delete(dir, recursive: true); }
    }

    /// <summary>Rows per second of one core's E-step (D = 16, K = 4 full), timed on the bench rows after a warm-up pass.</summary>
    private static double SingleCoreRate(double[] x, int rows, double[] means)
    {
        var start = new GaussianMixture(new GaussianMixtureOptions(K, CovarianceType.Full, Init: MixtureInit.Means, InitialMeans: means,
            Backend: new CpuMixtureBackend(1))).Fit(new NumericTable(x, rows, D), new FitOptions(MaxIterations: 1, Tolerance: 0)).Model.Parameters!;
        using var data = new CpuMixtureBackend(1).Bind(x, rows, D, K);
        var factors = PrecisionFactors.Compute(start);
        var stats = new GaussianStatistics(K, D, true);
        data.EStep(factors, stats);
        var clock = Stopwatch.StartNew();
        int passes = 0;
        while (clock.Elapsed.TotalSeconds < 2 || passes < 3) { data.EStep(factors, stats); passes++; }
        double rate = rows * (double)passes / clock.Elapsed.TotalSeconds;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"single-core E-step rate (D = {D}, K = {K} full): {rate / 1e6:F2} million rows/s ({passes} passes over {rows:N0} rows)"));
        return rate;
    }

    /// <summary>
    /// Seconds per iteration on M machines of C cores at bandwidth B: compute N/(M·C·rate); network: the coordinator sends
    /// the factors to and receives the statistics from every machine through its one link, M·(sent + received)/B; plus
    /// the coordination overhead measured on loopback with 8 shards, taken as growing linearly with the shards.
    /// </summary>
    private static void CostModel(double rate, double overhead8)
    {
        const int cores = 16;
        const double bandwidth = 10e9 / 8;   // 10 Gbit/s Ethernet, the coordinator's link
        double perShardBytes = 8.0 * (2 * (K + K * D + K * D * D) + 1);   // factors out + statistics back, one shard
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"cost model: {cores} cores a machine at the single-core rate above, {bandwidth * 8 / 1e9:F0} Gbit/s at the coordinator, one shard a machine, {perShardBytes:N0} payload bytes a shard and round, coordination {overhead8 * 1e3:F2} ms per 8 shards (linear)"));
        var rowsOut = new List<IReadOnlyList<string>>();
        foreach (double n in new[] { 1e9, 1e10 })
            foreach (int m in new[] { 10, 30, 100 })
            {
                double compute = n / (m * cores * rate);
                double network = m * perShardBytes / bandwidth;
                double coordination = overhead8 * m / 8;
                double total = compute + network + coordination;
                double memoryGb = n * D * 8 / m / 1e9;
                rowsOut.Add([F(n, "E0"), m.ToString(CultureInfo.InvariantCulture), F(compute, "F2"), F(network * 1e3, "F3"), F(coordination * 1e3, "F2"),
                    F(total, "F2"), F(compute / total * 100, "F1"), F(memoryGb, "F0")]);
            }
        BenchContext.PrintTable(["N", "machines", "compute s/iter", "network ms/iter", "coordination ms/iter", "total s/iter", "compute %", "GB of rows a machine"], rowsOut);
    }

    /// <summary>Median and 90th percentile of a round's wall time beyond its slowest shard's compute, on tiny shards.</summary>
    private static (double Median, double P90, double Bytes) EmptyRounds(IGrainFactory grains, string dir, double[] x, int shards, int rounds)
    {
        var folder = Write(Path.Combine(dir, "tiny"), x, 64 * shards, shards);
        var source = NpyRowSource.Open(folder);
        var start = new GaussianMixture(new GaussianMixtureOptions(K, CovarianceType.Full, Init: MixtureInit.Means, InitialMeans: x.AsSpan(0, K * D).ToArray()))
            .Fit(source, new FitOptions(MaxIterations: 1, Tolerance: 0)).Model.Parameters!;
        var factors = PrecisionFactors.Compute(start);
        var stats = new GaussianStatistics(K, D, true);
        using var data = PartitionedMixtureData.Open(grains, source, K, new DistributedFitOptions(ThreadsPerShard: 1));
        for (int r = 0; r < 10; r++) data.EStep(factors, stats);
        var overheads = new double[rounds];
        for (int r = 0; r < rounds; r++)
        {
            double wall = data.Stats.WallSeconds, compute = data.Stats.ComputeSeconds;
            data.EStep(factors, stats);
            overheads[r] = data.Stats.WallSeconds - wall - (data.Stats.ComputeSeconds - compute);
        }
        Array.Sort(overheads);
        Directory.Delete(folder, recursive: true);
        return (overheads[rounds / 2], overheads[(int)(rounds * 0.9)], (data.Stats.BytesSent + data.Stats.BytesReceived) / (double)data.Stats.Rounds);
    }

    private sealed record Silos(List<IHost> Hosts, int Primary, int[] Gateways);

    private static Silos StartSilos(int count)
    {
        int primary = ClusterHosts.FreePort();
        var hosts = new List<IHost>();
        var gateways = new int[count];
        var cluster = ClusterAddress.Parse($"localhost:{primary}");
        for (int s = 0; s < count; s++)
        {
            gateways[s] = ClusterHosts.FreePort();
            var host = ClusterHosts.Worker(cluster, new WorkerOptions(s == 0 ? primary : ClusterHosts.FreePort(), gateways[s]));
            host.StartAsync().GetAwaiter().GetResult();
            hosts.Add(host);
        }
        return new Silos(hosts, primary, gateways);
    }

    private static string Write(string dir, double[] x, int rows, int shards)
    {
        var folder = Directory.CreateDirectory(Path.Combine(dir, $"s{shards}")).FullName;
        for (int s = 0; s < shards; s++)
        {
            int from = (int)((long)rows * s / shards), to = (int)((long)rows * (s + 1) / shards);
            WriteNpy(Path.Combine(folder, $"part-{s:D3}.npy"), x.AsSpan(from * D, (to - from) * D), to - from);
        }
        return folder;
    }

    private static void WriteNpy(string path, ReadOnlySpan<double> values, int rows)
    {
        var header = $"{{'descr': '<f8', 'fortran_order': False, 'shape': ({rows}, {D}), }}";
        header += new string(' ', (64 - (10 + header.Length + 1) % 64) % 64) + "\n";
        using var file = File.Create(path);
        file.Write([0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y', 1, 0]);
        file.Write(BitConverter.GetBytes((ushort)header.Length));
        file.Write(Encoding.ASCII.GetBytes(header));
        file.Write(System.Runtime.InteropServices.MemoryMarshal.AsBytes(values));
    }

    private static double[] Data(int rows)
    {
        var random = Rng.Create(3);
        var x = new double[rows * D];
        for (int i = 0; i < rows; i++)
        {
            int c = random.Next(K);
            double shared = random.NextGaussian();
            for (int j = 0; j < D; j++) x[i * D + j] = 3.0 * ((c + j) % K) - 4.5 + (0.5 + 0.1 * c) * random.NextGaussian() + 0.3 * shared;
        }
        return x;
    }

    private static double Env(string name, double fallback) =>
        double.TryParse(Environment.GetEnvironmentVariable(name), NumberStyles.Float, CultureInfo.InvariantCulture, out var v) ? v : fallback;

    private static string F(double v, string format) => v.ToString(format, CultureInfo.InvariantCulture);
}
