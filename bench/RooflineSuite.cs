using System.Diagnostics;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Text.Json.Nodes;

namespace Probabilistic.Bench;

/// <summary>
/// <c>bench -- roofline</c>: for each workload a family contributes (<see cref="Sections"/>), the FLOPs of one iteration
/// counted by formula, the achieved rate, and its fraction of two machine rates measured in the same run: double-precision
/// GEMM (numpy's matmul on 2048² with 2 OpenBLAS threads, when /usr/bin/python3 has numpy) and the FMA peak (a
/// register-only multiply-add loop on 2 threads).
/// </summary>
public static class RooflineSuite
{
    /// <summary>Threads for the machine rates, as the suites use.</summary>
    public const int Threads = 2;

    /// <summary>
    /// One workload: FLOPs per iteration, measured wall seconds per iteration, the process CPU seconds per iteration (all
    /// threads; NaN when not measured), and the formula in words.
    /// </summary>
    public sealed record Row(string Workload, double FlopsPerIteration, double SecondsPerIteration, double CpuSecondsPerIteration, string Formula);

    /// <summary>A family's rows, measured when the suite runs.</summary>
    public sealed record Section(string Family, Func<BenchContext, IEnumerable<Row>> Rows);

    /// <summary>The families with a roofline section; each adds one line here.</summary>
    public static IReadOnlyList<Section> Sections { get; } =
    [
        new("gmm", GmmSuite.RooflineRows),
        new("hmm", HmmSuite.RooflineRows),
    ];

    public static int Run(BenchContext context)
    {
        var (gemm, gemmWhat) = NumpyGemmGflops(context);
        double fma = FmaPeakGflops(Threads), fmaOne = FmaPeakGflops(1);
        Console.WriteLine($"machine rates (this run): GEMM {(gemm is double g ? BenchContext.F(g, "F1") + " GFLOPS" : "-")} ({gemmWhat}); "
            + $"FMA peak {BenchContext.F(fma, "F1")} GFLOPS (register-only Vector<double> multiply-adds, {Threads} threads; "
            + $"{BenchContext.F(fmaOne, "F1")} on 1 thread: near the same means the two cores share their FMA units or one was busy)");
        var rows = new List<string[]>();
        foreach (var section in Sections)
            foreach (var r in section.Rows(context))
            {
                double rate = r.FlopsPerIteration / r.SecondsPerIteration / 1e9;
                rows.Add([r.Workload, BenchContext.F(r.FlopsPerIteration / 1e9, "F3"), BenchContext.F(r.SecondsPerIteration),
                    double.IsNaN(r.CpuSecondsPerIteration) ? "-" : BenchContext.F(r.CpuSecondsPerIteration), BenchContext.F(rate, "F1"), gemm is double gr ? BenchContext.F(rate / gr, "P0") : "-", BenchContext.F(rate / fma, "P0"), r.Formula]);
            }
        BenchContext.PrintTable(["workload", "GFLOP/iter", "s/iter", "CPU s/iter", "GFLOPS", "of GEMM", "of FMA peak", "FLOPs per iteration (multiply-add = 2)"], rows);
        return 0;
    }

    /// <summary>numpy's 2048² double matmul with 2 threads: best of 5, in GFLOPS (null when numpy is missing).</summary>
    private static (double? Gflops, string What) NumpyGemmGflops(BenchContext context)
    {
        const string script = """
            import os
            for v in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"): os.environ[v] = "2"
            import json, time, numpy as np
            n = 2048
            a = np.random.default_rng(0).random((n, n)); b = np.random.default_rng(1).random((n, n))
            a @ b
            best = 1e9
            for _ in range(5):
                t = time.perf_counter(); a @ b; best = min(best, time.perf_counter() - t)
            print(json.dumps({"gflops": 2 * n ** 3 / best / 1e9, "numpy": np.__version__}))
            """;
        if (!File.Exists("/usr/bin/python3")) return (null, "no /usr/bin/python3");
        var (code, stdout) = context.Run("/usr/bin/python3", ["-c", script], Directory.GetCurrentDirectory(), TimeSpan.FromMinutes(5), quiet: true);
        var last = stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).LastOrDefault(l => l.StartsWith('{'));
        if (code != 0 || last is null) return (null, "numpy unavailable");
        var json = JsonNode.Parse(last)!;
        return (json["gflops"]!.GetValue<double>(), $"numpy {json["numpy"]} matmul 2048², {Threads} threads");
    }

    /// <summary>Multiply-adds on 12 independent register accumulators per thread (enough to cover FMA latency), best of 3.</summary>
    private static double FmaPeakGflops(int threads)
    {
        const long iterations = 50_000_000;
        FmaLoop(1000);
        double best = double.PositiveInfinity;
        for (int r = 0; r < 3; r++)
        {
            var sw = Stopwatch.StartNew();
            var workers = Enumerable.Range(0, threads).Select(_ => new Thread(() => FmaLoop(iterations))).ToArray();
            foreach (var t in workers) t.Start();
            foreach (var t in workers) t.Join();
            best = Math.Min(best, sw.Elapsed.TotalSeconds);
        }
        return threads * iterations * 12.0 * 2 * Vector<double>.Count / best / 1e9;
    }

    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static double FmaLoop(long iterations)
    {
        var m = new Vector<double>(0.999999);
        var c = new Vector<double>(1e-7);
        Vector<double> a0 = new(1.0), a1 = new(1.1), a2 = new(1.2), a3 = new(1.3), a4 = new(1.4), a5 = new(1.5);
        Vector<double> a6 = new(1.6), a7 = new(1.7), a8 = new(1.8), a9 = new(1.9), a10 = new(2.0), a11 = new(2.1);
        for (long i = 0; i < iterations; i++)
        {
            a0 = Vector.MultiplyAddEstimate(a0, m, c); a1 = Vector.MultiplyAddEstimate(a1, m, c);
            a2 = Vector.MultiplyAddEstimate(a2, m, c); a3 = Vector.MultiplyAddEstimate(a3, m, c);
            a4 = Vector.MultiplyAddEstimate(a4, m, c); a5 = Vector.MultiplyAddEstimate(a5, m, c);
            a6 = Vector.MultiplyAddEstimate(a6, m, c); a7 = Vector.MultiplyAddEstimate(a7, m, c);
            a8 = Vector.MultiplyAddEstimate(a8, m, c); a9 = Vector.MultiplyAddEstimate(a9, m, c);
            a10 = Vector.MultiplyAddEstimate(a10, m, c); a11 = Vector.MultiplyAddEstimate(a11, m, c);
        }
        return Vector.Sum(a0 + a1 + a2 + a3 + a4 + a5 + a6 + a7 + a8 + a9 + a10 + a11);
    }
}
