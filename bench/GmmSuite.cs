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
    private sealed record StartPoint(double[] Weights, double[][] Means, double[][][] Covariances);

    private sealed record Workload(string Name, CovarianceType Type, string PeerCov);

    public static int Run(BenchContext context)
    {
        var dir = Path.Combine(context.PeersData, "gmm");
        bool peers = !Environment.GetCommandLineArgs().Contains("--no-peers") && context.SelectedPeers().Count > 0;
        if (!File.Exists(Path.Combine(dir, "W3.init.json")))
        {
            if (!peers) { Console.WriteLine($"gmm: {dir} has no workloads and the peers cannot write them; run /usr/bin/python3 gmm_data.py in ../shared/peers"); return 1; }
            context.Run("/usr/bin/python3", ["gmm_data.py"], context.PeersDirectory, TimeSpan.FromMinutes(5));
        }
        int iterations = context.Quick ? 10 : 50, repeats = context.Quick ? 1 : 3, threads = 2;
        Workload[] workloads = [new("W1", CovarianceType.Full, "full"), new("W2", CovarianceType.Full, "full"), new("W3", CovarianceType.Diagonal, "diag")];
        Console.WriteLine($"{iterations} EM iterations, tol 0, {threads} threads, start NAME.init.json; s/iter = min over {repeats} repeats (ours: M-step + E-step per iteration, init excluded)");
        var rows = new List<string[]>();
        int rc = 0;
        var only = Environment.GetEnvironmentVariable("GMM_WORKLOADS");
        foreach (var w in workloads.Where(w => string.IsNullOrEmpty(only) || only.Split(',').Contains(w.Name)))
        {
            var data = NpyReader.Read(Path.Combine(dir, w.Name + ".npy")).ToTable(w.Name);
            var start = ModelFile.ReadJson<StartPoint>(Path.Combine(dir, w.Name + ".init.json"));
            var init = GaussianMixtureParameters.FromFullCovariances(w.Type, start.Weights, start.Means, start.Covariances);
            var options = new GaussianMixtureOptions(init.Components, w.Type,
                Init: MixtureInit.Parameters, InitialParameters: init, Backend: new CpuMixtureBackend(threads));
            new GaussianMixture(options).Fit(data, new FitOptions(MaxIterations: 2, Tolerance: 0)); // warm-up (JIT), not timed
            double best = double.PositiveInfinity, ll = double.NaN;
            for (int r = 0; r < repeats; r++)
            {
                var gmm = new GaussianMixture(options);
                var (_, trace) = gmm.Fit(data, new FitOptions(MaxIterations: iterations, Tolerance: 0));
                best = Math.Min(best, trace.SecondsPerStep);
                ll = trace.FinalElboPerObservation;
            }
            string[] ours = [$"{w.Name} {data.Rows}x{data.Columns} K={init.Components}", w.PeerCov, BenchContext.F(best), ll.ToString("F6")];
            if (!peers) rows.Add([.. ours, "-", "-", "-", "-", "-"]);
            foreach (var run in peers ? context.RunPeers("gmm_sklearn.py", "--workload", w.Name, "--cov", w.PeerCov, "--init", "file",
                         "--max-iter", iterations.ToString(), "--repeats", repeats.ToString(), "--threads", threads.ToString()) : [])
            {
                JsonObject peer = run.Json;
                string peerS, peerLl, ratio, agree;
                double ps = peer["s_per_iter"]!["min"]!.GetValue<double>();
                double pl = peer["mean_loglik_final"]!.GetValue<double>();
                var blas = peer["threadpools"]?.AsArray().Select(t => t?["lib"]?.GetValue<string>()).FirstOrDefault(l => l?.Contains("blas") == true);
                double rel = Math.Abs(ll - pl) / Math.Abs(pl);
                peerS = BenchContext.F(ps); peerLl = pl.ToString("F6");
                ratio = BenchContext.F(ps / best, "F1") + "x";
                agree = $"{BenchContext.F(rel, "E1")} {(rel <= 1e-6 ? "ok" : "MISMATCH")} ({blas})";
                if (rel > 1e-6) rc = 1;
                rows.Add([.. ours, run.Label, peerS, peerLl, ratio, agree]);
            }
        }
        BenchContext.PrintTable(["workload", "cov", "ours s/iter", "ours mean LL", "peer", "peer s/iter", "peer mean LL", "speed-up", "LL rel. diff (peer BLAS)"], rows);
        return rc;
    }
}
