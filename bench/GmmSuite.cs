using Probabilistic.Core.Inference;
using System.Text.Json.Nodes;
using Probabilistic.Core.Data;
using Probabilistic.Core.IO;
using Probabilistic.Mixtures;
using Probabilistic.Core.Gaussians;

namespace Probabilistic.Bench;

/// <summary>
/// GMM EM against scikit-learn on the peers' workloads (same .npy bytes, same start NAME.init.json, same iteration
/// count with tolerance 0, 2 threads, in one run): W1 100k×2 K=3 full, W2 200k×16 K=16 full, W3 1M×8 K=32 diag.
/// </summary>
public static class GmmSuite
{
    private const int Threads = 2;

    private sealed record StartPoint(double[] Weights, double[][] Means, double[][][] Covariances);

    private sealed record Workload(string Name, CovarianceType Type, string PeerCov);

    /// <summary>A workload's data and the options that fit it from its start point.</summary>
    private sealed record Loaded(Workload Workload, NumericTable Data, GaussianMixtureOptions Options)
    {
        public string Label => $"{Workload.Name} {Data.Rows}x{Data.Columns} K={Options.Components}";
    }

    private static readonly Workload[] Workloads =
        [new("W1", CovarianceType.Full, "full"), new("W2", CovarianceType.Full, "full"), new("W3", CovarianceType.Diagonal, "diag")];

    public static int Run(BenchContext context)
    {
        bool peers = !Environment.GetCommandLineArgs().Contains("--no-peers") && context.SelectedPeers().Count > 0;
        if (!EnsureData(context, peers)) return 1;
        int iterations = context.Quick ? 10 : 50, repeats = context.Quick ? 1 : 3;
        Console.WriteLine($"{iterations} EM iterations, tol 0, {Threads} threads, start NAME.init.json; s/iter = min over {repeats} repeats (ours: M-step + E-step per iteration, init excluded)");
        var rows = new List<string[]>();
        int rc = 0;
        foreach (var w in Selected())
        {
            var loaded = Load(context, w);
            var (best, cpu, ll) = TimeOurs(loaded, iterations, repeats);
            var (flops, _) = FlopsPerIteration(loaded);
            string[] ours = [loaded.Label, w.PeerCov, BenchContext.F(best), BenchContext.F(cpu), BenchContext.F(flops / best / 1e9, "F1"), ll.ToString("F6")];
            if (!peers) rows.Add([.. ours, "-", "-", "-", "-", "-"]);
            // One row per peer environment selected by --peers (scikit-learn 1.2.1 on the host, 1.4.2 in Debian 13's chroot).
            foreach (var run in peers ? context.RunPeers("gmm_sklearn.py", "--workload", w.Name, "--cov", w.PeerCov, "--init", "file",
                         "--max-iter", iterations.ToString(), "--repeats", repeats.ToString(), "--threads", Threads.ToString()) : [])
            {
                JsonObject peer = run.Json;
                double ps = peer["s_per_iter"]!["min"]!.GetValue<double>();
                double pl = peer["mean_loglik_final"]!.GetValue<double>();
                var blas = peer["threadpools"]?.AsArray().Select(t => t?["lib"]?.GetValue<string>()).FirstOrDefault(l => l?.Contains("blas") == true);
                double rel = Math.Abs(ll - pl) / Math.Abs(pl);
                if (rel > 1e-6) rc = 1;
                rows.Add([.. ours, run.Label, BenchContext.F(ps), pl.ToString("F6"), BenchContext.F(ps / best, "F1") + "x",
                    $"{BenchContext.F(rel, "E1")} {(rel <= 1e-6 ? "ok" : "MISMATCH")} ({blas})"]);
            }
        }
        BenchContext.PrintTable(["workload", "cov", "ours s/iter", "ours CPU s/iter", "ours GFLOPS", "ours mean LL", "peer", "peer s/iter", "peer mean LL", "speed-up", "LL rel. diff (peer BLAS)"], rows);
        Console.WriteLine("GFLOPS: FLOPs per iteration by the formula of bench -- roofline, over ours s/iter");
        return rc;
    }

    /// <summary>The roofline rows (<see cref="RooflineSuite"/>): each workload timed over 20 iterations (quick: 5), best of 3.</summary>
    public static IEnumerable<RooflineSuite.Row> RooflineRows(BenchContext context)
    {
        if (!EnsureData(context, context.PeersAvailable())) yield break;
        foreach (var w in Selected())
        {
            var loaded = Load(context, w);
            var (seconds, cpu, _) = TimeOurs(loaded, context.Quick ? 5 : 20, context.Quick ? 1 : 3);
            var (flops, formula) = FlopsPerIteration(loaded);
            yield return new RooflineSuite.Row($"GMM {loaded.Label} {w.PeerCov}", flops, seconds, cpu, formula);
        }
    }

    /// <summary>
    /// FLOPs of one EM iteration by formula, a multiply-add counted as 2, exp and log not counted (N·K of each):
    /// full, per point and component: E-step y = U(x − μ) with U = L⁻¹ lower triangular, D(D+1)/2 multiply-adds, and
    /// ‖y‖², D more; M-step r(x − μ): 2D (subtract, scale) plus D adds for Σ r(x − μ), and the lower triangle of
    /// Σ r (x − μ)(x − μ)ᵀ, D(D+1)/2 multiply-adds: N·K·(2·D(D+1) + 5D) in all.
    /// Diagonal: E-step (x − μ)/σ and its square, 2 multiply-adds per dimension; M-step Σ r x and Σ r x², 2 more: N·K·8D.
    /// The M-step's parameter update and the Cholesky factors are O(K·D³), negligible here.
    /// </summary>
    private static (double Flops, string Formula) FlopsPerIteration(Loaded loaded)
    {
        double n = loaded.Data.Rows, d = loaded.Data.Columns, k = loaded.Options.Components;
        return loaded.Workload.Type == CovarianceType.Full
            ? (n * k * (2 * d * (d + 1) + 5 * d), "N·K·(2·D(D+1) + 5D)")
            : (n * k * 8 * d, "N·K·8D");
    }

    private static IEnumerable<Workload> Selected()
    {
        var only = Environment.GetEnvironmentVariable("GMM_WORKLOADS");
        return Workloads.Where(w => string.IsNullOrEmpty(only) || only.Split(',').Contains(w.Name));
    }

    private static string DataDirectory(BenchContext context) => Path.Combine(context.PeersData, "gmm");

    private static bool EnsureData(BenchContext context, bool peers)
    {
        var dir = DataDirectory(context);
        if (File.Exists(Path.Combine(dir, "W3.init.json"))) return true;
        if (!peers) { Console.WriteLine($"gmm: {dir} has no workloads and the peers cannot write them; run /usr/bin/python3 gmm_data.py in ../shared/peers"); return false; }
        context.Run("/usr/bin/python3", ["gmm_data.py"], context.PeersDirectory, TimeSpan.FromMinutes(5));
        return true;
    }

    private static Loaded Load(BenchContext context, Workload w)
    {
        var dir = DataDirectory(context);
        var data = NpyReader.Read(Path.Combine(dir, w.Name + ".npy")).ToTable(w.Name);
        var start = ModelFile.ReadJson<StartPoint>(Path.Combine(dir, w.Name + ".init.json"));
        var init = GaussianMixtureParameters.FromFullCovariances(w.Type, start.Weights, start.Means, start.Covariances);
        var options = new GaussianMixtureOptions(init.Components, w.Type,
            Init: MixtureInit.Parameters, InitialParameters: init, Backend: new CpuMixtureBackend(Threads));
        return new Loaded(w, data, options);
    }

    /// <summary>
    /// Our seconds per EM iteration (best of <paramref name="repeats"/> fits, after a warm-up fit), the process CPU seconds
    /// per iteration of the same fit (all threads, init included: on a shared machine, wall time over CPU time shows the
    /// contention), and the final mean LL.
    /// </summary>
    private static (double Seconds, double CpuSeconds, double MeanLogLikelihood) TimeOurs(Loaded loaded, int iterations, int repeats)
    {
        new GaussianMixture(loaded.Options).Fit(loaded.Data, new FitOptions(MaxIterations: 2, Tolerance: 0)); // warm-up (JIT), not timed
        double best = double.PositiveInfinity, cpu = double.NaN, ll = double.NaN;
        using var process = System.Diagnostics.Process.GetCurrentProcess();
        for (int r = 0; r < repeats; r++)
        {
            process.Refresh();
            var cpu0 = process.TotalProcessorTime;
            var (_, trace) = new GaussianMixture(loaded.Options).Fit(loaded.Data, new FitOptions(MaxIterations: iterations, Tolerance: 0));
            process.Refresh();
            if (trace.SecondsPerStep < best) cpu = (process.TotalProcessorTime - cpu0).TotalSeconds / trace.Count;
            best = Math.Min(best, trace.SecondsPerStep);
            ll = trace.FinalElboPerObservation;
        }
        return (best, cpu, ll);
    }
}
