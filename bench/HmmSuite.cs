using System.Diagnostics;
using System.Text.Json.Nodes;
using Probabilistic.Core.Data;
using Probabilistic.Core.Inference;
using Probabilistic.Hmm;
using Probabilistic.Hmm.Emissions;
using Probabilistic.Core.Gaussians;

namespace Probabilistic.Bench;

/// <summary>
/// <c>hmm</c>: Gaussian HMMs G1/G4 (8 states, 100 × 1000 steps) — 20 Baum-Welch iterations from the peer's
/// G?.init.json, no pseudocounts, against pomegranate 0.14 with the same thread count and hmmlearn 0.3.2 (Debian 13,
/// through ../shared/peers/current.sh, at its better of 1 and 2 threads) in the same run; Viterbi, forward-backward and
/// forward throughput with the true parameters; the FLOPs of one iteration by formula and the rate achieved. Then a
/// 45-state categorical HMM over the 20,000 most frequent Brown words (Baum-Welch iteration time, forward-backward
/// and Viterbi tokens/s).
/// </summary>
public static class HmmSuite
{
    public static int Run(BenchContext context)
    {
        int threads = 2, iters = 20, repeats = context.Quick ? 1 : 3;
        var peers = context.PeersAvailable();
        foreach (int dim in new[] { 1, 4 })
            Gaussian(context, dim, threads, iters, repeats, peers);
        Brown(context, threads, context.Quick ? 1 : 3, peers);
        return 0;
    }

    private static void Gaussian(BenchContext context, int dim, int threads, int iters, int repeats, bool peers)
    {
        var dir = Path.Combine(context.PeersData, "hmm");
        string npy = Path.Combine(dir, $"G{dim}.npy");
        JsonObject? peer = null, hmmlearn = null;
        if (peers)
        {
            // The peer's first run writes the data; it runs first so both sides read the same bytes.
            peer = context.RunPeer("hmm_pomegranate.py", "gauss", "--dim", $"{dim}", "--iters", $"{iters}", "--repeats", $"{repeats}", "--threads", $"{threads}");
            hmmlearn = Hmmlearn(context, dim, iters, repeats);
        }
        if (Workload(context, dim) is not { } workload) { Console.WriteLine($"G{dim}: {npy} missing (run the peer once); skipped"); return; }
        var (data, init, truth, type) = workload;
        int nseq = data.Count, steps = data.Length(0);
        double bestPerIter = SecondsPerIteration(init, data, threads, iters, repeats, out double initLl, out double finalLl);
        long obs = data.TotalLength;
        double viterbi = BenchContext.MinSeconds(repeats, () => truth.DecodeAll(data, DecodeAlgorithm.Viterbi, threads));
        var bw = new BaumWelch<GaussianEmission, GaussianStatistics>(truth, data, maxThreads: threads);
        double fb = BenchContext.MinSeconds(repeats, () => bw.ExpectedCounts(truth));
        double fwd = BenchContext.MinSeconds(repeats, () => truth.Score(data, threads));
        double trueLl = truth.Score(data, threads);
        var paths = truth.DecodeAll(data, DecodeAlgorithm.Viterbi, threads);
        var states = File.ReadAllBytes(Path.Combine(dir, $"G{dim}.states.i32"));
        var labels = System.Runtime.InteropServices.MemoryMarshal.Cast<byte, int>(states);
        long hits = 0;
        for (int n = 0; n < nseq; n++) for (int t = 0; t < steps; t++) if (paths[n].States[t] == labels[n * steps + t]) hits++;

        double? peerIter = peer?["baum_welch"]?["s_per_iter"]?["min"]?.GetValue<double>();
        double? learnIter = hmmlearn?["min"]?.GetValue<double>();
        double? learnLl = hmmlearn?["final_loglik"]?.GetValue<double>();
        double flops = FlopsPerIteration(obs, truth.StateCount, dim, type);
        double? peerLl = peer?["baum_welch"]?["loglik_final"]?.GetValue<double>();
        double? peerVit = Max(peer?["viterbi_obs_per_s"]?["all"]);
        double? peerFb = Max(peer?["forward_backward_obs_per_s"]?["all"]);
        double? peerFwd = Max(peer?["forward_logprob_obs_per_s"]?["all"]);
        Console.WriteLine();
        Console.WriteLine($"### G{dim}: {nseq} sequences x {steps} steps, D={dim} ({type}), 8 states, {iters} Baum-Welch iterations, tol 0, {threads} threads, best of {repeats}");
        BenchContext.PrintTable(["measure", "ours", "pomegranate 0.14", "speed-up", $"hmmlearn 0.3.2 ({hmmlearn?["threads"]} thr)", "speed-up"],
        [
            ["Baum-Welch s/iter (min)", BenchContext.F(bestPerIter), Opt(peerIter), Ratio(peerIter, bestPerIter), Opt(learnIter), Ratio(learnIter, bestPerIter)],
            ["log-lik at start", BenchContext.F(initLl, "F1"), Opt(peer?["baum_welch"]?["loglik_init"]?.GetValue<double>(), "F1"), "", "", ""],
            [$"log-lik after {iters} iterations", BenchContext.F(finalLl, "F1"), Opt(peerLl, "F1"), Relative(finalLl, peerLl), Opt(learnLl, "F1"), Relative(finalLl, learnLl)],
            ["Viterbi obs/s (true params)", BenchContext.F(obs / viterbi, "N0"), Opt(peerVit, "N0"), Ratio(obs / viterbi, peerVit),
                Opt(hmmlearn?["viterbi_obs_per_s"]?.GetValue<double>(), "N0"), Ratio(obs / viterbi, hmmlearn?["viterbi_obs_per_s"]?.GetValue<double>())],
            ["forward-backward obs/s", BenchContext.F(obs / fb, "N0"), Opt(peerFb, "N0"), Ratio(obs / fb, peerFb),
                Opt(hmmlearn?["fb_obs_per_s"]?.GetValue<double>(), "N0"), Ratio(obs / fb, hmmlearn?["fb_obs_per_s"]?.GetValue<double>())],
            ["forward (log p) obs/s", BenchContext.F(obs / fwd, "N0"), Opt(peerFwd, "N0"), Ratio(obs / fwd, peerFwd), "", ""],
            ["true-param log-lik", BenchContext.F(trueLl, "F1"), Opt(peer?["true_params"]?["loglik"]?.GetValue<double>(), "F1"), "", "", ""],
            ["Viterbi accuracy (true params)", BenchContext.F((double)hits / obs, "F5"), Opt(peer?["true_params"]?["viterbi_acc"]?.GetValue<double>(), "F5"), "", "", ""],
            ["FLOPs per iteration (formula)", BenchContext.F(flops, "G4"), "", "", "", ""],
            ["achieved GFLOPS", BenchContext.F(flops / bestPerIter / 1e9, "F2"), "", "", "", ""],
        ]);
        Console.WriteLine($"(log-lik columns after the peers: our value minus theirs, relative to ours; load average {LoadAverage()})");
    }

    /// <summary>
    /// Floating-point operations of one Baum-Welch iteration on lanes, counted from the kernels (multiply-add = 2, exp = 1;
    /// the M-step, O(K·D³), is left out): per observation and state, the emission log-density (diagonal: 4D + 1, full:
    /// D² + 4D + 2 — the difference, the triangular solve D(D+1), the squared norm 2D, scale and normaliser 2), the row
    /// maximum, shift and exp (3), the forward step 2K + 3 (matrix-vector 2K, times b, sum, scale), the backward step
    /// 2K + 2 (w = b·β/c, matrix-vector), the ξ outer product 2K, γ 1, and the statistics (diagonal: 1 + 6D — weight,
    /// difference, first moment, squared — full: D² + 5D + 1 with the lower triangle of the second moment).
    /// G1 (K = 8, D = 1, diagonal): 552 per observation; G4 (K = 8, D = 4, full): 1,024.
    /// </summary>
    public static double FlopsPerIteration(long observations, int states, int dim, CovarianceType type)
    {
        bool full = type is CovarianceType.Full or CovarianceType.Tied;
        double emission = full ? dim * dim + 4 * dim + 2 : 4 * dim + 1;
        double statistics = full ? dim * dim + 5 * dim + 1 : 1 + 6 * dim;
        double perState = emission + 3 + (2 * states + 3) + (2 * states + 2) + 2 * states + 1 + statistics;
        return observations * states * perState;
    }

    /// <summary>
    /// The HMM rows of <c>bench -- roofline</c>: G1 and G4 Baum-Welch (2 threads, best of 3 runs of 20 iterations from
    /// G?.init.json), with FLOPs per iteration by <see cref="FlopsPerIteration"/>; none when the peer data are missing.
    /// </summary>
    public static IEnumerable<RooflineSuite.Row> RooflineRows(BenchContext context)
    {
        foreach (int dim in new[] { 1, 4 })
        {
            if (Workload(context, dim) is not { } w) continue;
            double seconds = SecondsPerIteration(w.Init, w.Data, threads: 2, iters: 20, repeats: 3, out _, out _);
            yield return new RooflineSuite.Row($"HMM G{dim} Baum-Welch", FlopsPerIteration(w.Data.TotalLength, w.Init.StateCount, dim, w.Type),
                seconds, double.NaN, "T·K·(emission + exp + forward 2K + backward 2K + pairwise 2K + posteriors + statistics); HmmSuite.FlopsPerIteration");
        }
    }

    /// <summary>G{dim}'s data (100 sequences of 1,000 steps), start and true parameters from the peer's files; null when missing.</summary>
    private static (SequenceSet Data, HiddenMarkovModel<GaussianEmission, GaussianStatistics> Init,
        HiddenMarkovModel<GaussianEmission, GaussianStatistics> Truth, CovarianceType Type)? Workload(BenchContext context, int dim)
    {
        var dir = Path.Combine(context.PeersData, "hmm");
        string npy = Path.Combine(dir, $"G{dim}.npy");
        if (!File.Exists(npy)) return null;
        var array = NpyReader.Read(npy);
        int nseq = array.Shape[0], steps = array.Shape[1];
        var data = SequenceSet.FromLengths(array.Data, dim, Enumerable.Repeat(steps, nseq).ToArray());
        var type = dim == 1 ? CovarianceType.Diagonal : CovarianceType.Full;
        return (data, GaussianStartPoint.Read(Path.Combine(dir, $"G{dim}.init.json")).ToModel(type),
            GaussianStartPoint.Read(Path.Combine(dir, $"G{dim}.truth.json")).ToModel(type), type);
    }

    /// <summary>Best seconds per Baum-Welch iteration over <paramref name="repeats"/> fits of <paramref name="iters"/> iterations, after one warm-up fit.</summary>
    private static double SecondsPerIteration(HiddenMarkovModel<GaussianEmission, GaussianStatistics> init, SequenceSet data, int threads, int iters,
        int repeats, out double initLl, out double finalLl)
    {
        double best = double.PositiveInfinity;
        initLl = finalLl = double.NaN;
        for (int r = 0; r < repeats + 1; r++) // the first run warms up the JIT and is not counted
        {
            var em = new BaumWelch<GaussianEmission, GaussianStatistics>(init, data, maxThreads: threads);
            initLl = em.LogLikelihood; // the constructor's E-step on the start
            var trace = ElboDriver.Fit(em, new FitOptions(iters, 0, Seed: 1));
            if (r > 0) best = Math.Min(best, trace.SecondsPerStep);
            finalLl = em.LogLikelihood;
        }
        return best;
    }

    /// <summary>
    /// hmmlearn 0.3.2 in Debian 13's chroot (current.sh) at its better thread count: 1 thread for the full run (its
    /// log-likelihood is the one compared), then 2 threads for 2 iterations, which on this 2-core machine has been
    /// ~10× slower (OpenBLAS threading in its per-sequence solves); the faster s/iter is kept. Null when the current
    /// peers are not selected (--peers debian12) or not set up.
    /// </summary>
    private static JsonObject? Hmmlearn(BenchContext context, int dim, int iters, int repeats)
    {
        if (!context.SelectedPeers().Contains(PeerEnvironment.Current))
        {
            Console.WriteLine("hmmlearn: the current peers (Debian 13's chroot, scripts/setup.sh --current-peers) are not selected or not present; hmmlearn figures skipped");
            return null;
        }
        JsonObject? Run(params string[] args)
        {
            var (code, stdout) = context.Run("bash", [Path.Combine(context.PeersDirectory, "current.sh"), "run", "hmm_hmmlearn.py", "--dim", $"{dim}", .. args],
                context.PeersDirectory, TimeSpan.FromMinutes(30));
            if (code == 0) return JsonNode.Parse(stdout.Split('\n').Last(l => l.TrimStart().StartsWith('{')))!.AsObject();
            Console.WriteLine($"hmmlearn G{dim} {string.Join(' ', args)}: exited with {code}; skipped");
            return null;
        }
        var one = Run("--iters", $"{iters}", "--repeats", $"{repeats}", "--threads", "1");
        var two = context.Quick ? null : Run("--iters", "2", "--repeats", "1", "--threads", "2");
        Console.WriteLine($"hmmlearn G{dim}: s/iter with 1 thread {Opt(one?["min"]?.GetValue<double>())}, with 2 threads {Opt(two?["min"]?.GetValue<double>())}");
        if (one is null || two is null || one["min"]!.GetValue<double>() <= two["min"]!.GetValue<double>()) return one ?? two;
        two["final_loglik"] = one["final_loglik"]!.GetValue<double>();
        return two;
    }

    private static string LoadAverage() =>
        File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "n/a";

    private static void Brown(BenchContext context, int threads, int repeats, bool peers)
    {
        var root = Path.Combine(context.SharedDirectory, "datasets", "brown");
        if (!Directory.Exists(root)) { Console.WriteLine($"brown: {root} missing; skipped"); return; }
        var files = Directory.GetFiles(root).Where(f => System.Text.RegularExpressions.Regex.IsMatch(Path.GetFileName(f), "^c[a-r][0-9][0-9]$")).Order(StringComparer.Ordinal).ToList();
        var sentences = files.SelectMany(f => TaggedCorpusReader.ReadWordTag(f)).Select(s => s.Words).ToList();
        if (context.Quick) sentences = sentences.Take(5000).ToList();
        const int vocabulary = 20_000, states = 45;
        var ranked = sentences.SelectMany(w => w).GroupBy(w => w).OrderByDescending(g => g.Count()).ThenBy(g => g.Key, StringComparer.Ordinal)
            .Take(vocabulary - 1).Select((g, i) => (g.Key, i)).ToDictionary(p => p.Key, p => p.i);
        var data = SequenceSet.FromSymbols(sentences.Select(s => s.Select(w => ranked.TryGetValue(w, out var i) ? i : vocabulary - 1).ToArray()).ToList());
        long tokens = data.TotalLength;
        var uniform = Enumerable.Repeat(1.0 / states, states).ToArray();
        var init = new HiddenMarkovModel<CategoricalEmission, CategoricalStatistics>(uniform,
            Enumerable.Repeat(uniform, states).SelectMany(r => r).ToArray(), CategoricalEmission.Random(states, vocabulary, seed: 1, pseudocount: 1e-3));
        int iters = context.Quick ? 2 : 5;
        var sw = Stopwatch.StartNew();
        var fit = new CategoricalHmm(new HmmOptions(states, MaxThreads: threads)).Fit(data, init, new FitOptions(iters, 0, Seed: 1));
        var model = fit.Model;
        double vit = BenchContext.MinSeconds(repeats, () => model.DecodeAll(data, DecodeAlgorithm.Viterbi, threads));
        var bw = new BaumWelch<CategoricalEmission, CategoricalStatistics>(model, data, maxThreads: threads);
        double fb = BenchContext.MinSeconds(repeats, () => bw.ExpectedCounts(model));
        JsonObject? peer = peers && !context.Quick ? context.RunPeer("hmm_pomegranate.py", "brown", "--split", "every10", "--repeats", $"{repeats}") : null;
        Console.WriteLine();
        Console.WriteLine($"### Brown: {data.Count} sentences, {tokens} tokens, {states} states, vocabulary {vocabulary} (rest -> one UNK symbol), {threads} threads");
        Console.WriteLine("(pomegranate's figures are for its own 104-tag supervised tagger on the 105,454-token test split, vocabulary 50,872: a reference scale, not the same model)");
        BenchContext.PrintTable(["measure", "ours", "pomegranate brown peer"],
        [
            [$"Baum-Welch s/iter ({iters} iterations)", BenchContext.F(fit.Trace.SecondsPerStep), ""],
            ["Baum-Welch tokens/s", BenchContext.F(tokens / fit.Trace.SecondsPerStep, "N0"), ""],
            ["forward-backward (E-step) tok/s", BenchContext.F(tokens / fb, "N0"), Opt(Max(peer?["forward_backward_tok_per_s"]?["all"]), "N0")],
            ["Viterbi tok/s", BenchContext.F(tokens / vit, "N0"), Opt(Max(peer?["viterbi_tok_per_s"]?["all"]), "N0")],
            ["log-lik per token after fit", BenchContext.F(model.Score(data, threads) / tokens, "F4"), ""],
        ]);
    }

    private static double? Max(JsonNode? all) => all is JsonArray a ? a.Max(v => v!.GetValue<double>()) : null;
    private static string Opt(double? v, string format = "G4") => v is double x ? BenchContext.F(x, format) : "n/a";
    private static string Relative(double ours, double? theirs) => theirs is double t ? $"{BenchContext.F((ours - t) / Math.Abs(ours), "G3")}" : "";
    private static string Ratio(double? fast, double? slow) => fast is double f && slow is double s && s > 0 ? $"{BenchContext.F(f / s, "F2")}x" : "";
}
