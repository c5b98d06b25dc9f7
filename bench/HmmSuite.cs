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
/// G?.init.json, no pseudocounts, against pomegranate 0.14 with the same thread count in the same run; Viterbi,
/// forward-backward and forward throughput with the true parameters. Then a 45-state categorical HMM over the
/// 20,000 most frequent Brown words (Baum-Welch iteration time, forward-backward and Viterbi tokens/s).
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
        JsonObject? peer = null;
        if (peers)
        {
            // The peer's first run writes the data; it runs first so both sides read the same bytes.
            peer = context.RunPeer("hmm_pomegranate.py", "gauss", "--dim", $"{dim}", "--iters", $"{iters}", "--repeats", $"{repeats}", "--threads", $"{threads}");
        }
        if (!File.Exists(npy)) { Console.WriteLine($"G{dim}: {npy} missing (run the peer once); skipped"); return; }
        var array = NpyReader.Read(npy);
        int nseq = array.Shape[0], steps = array.Shape[1];
        var data = SequenceSet.FromLengths(array.Data, dim, Enumerable.Repeat(steps, nseq).ToArray());
        var type = dim == 1 ? CovarianceType.Diagonal : CovarianceType.Full;
        var init = GaussianStartPoint.Read(Path.Combine(dir, $"G{dim}.init.json")).ToModel(type);
        var truth = GaussianStartPoint.Read(Path.Combine(dir, $"G{dim}.truth.json")).ToModel(type);

        double bestPerIter = double.PositiveInfinity, finalLl = double.NaN, initLl = double.NaN;
        for (int r = 0; r < repeats + 1; r++) // the first run warms up the JIT and is not counted
        {
            var em = new BaumWelch<GaussianEmission, GaussianStatistics>(init, data, maxThreads: threads);
            initLl = em.LogLikelihood; // the constructor's E-step on the start
            var trace = ElboDriver.Fit(em, new FitOptions(iters, 0, Seed: 1));
            if (r > 0) bestPerIter = Math.Min(bestPerIter, trace.SecondsPerStep);
            finalLl = em.LogLikelihood;
        }
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
        double? peerLl = peer?["baum_welch"]?["loglik_final"]?.GetValue<double>();
        double? peerVit = Max(peer?["viterbi_obs_per_s"]?["all"]);
        double? peerFb = Max(peer?["forward_backward_obs_per_s"]?["all"]);
        double? peerFwd = Max(peer?["forward_logprob_obs_per_s"]?["all"]);
        Console.WriteLine();
        Console.WriteLine($"### G{dim}: {nseq} sequences x {steps} steps, D={dim} ({type}), 8 states, {iters} Baum-Welch iterations, tol 0, {threads} threads, best of {repeats}");
        BenchContext.PrintTable(["measure", "ours", "pomegranate 0.14", "speed-up"],
        [
            ["Baum-Welch s/iter (min)", BenchContext.F(bestPerIter), Opt(peerIter), Ratio(peerIter, bestPerIter)],
            ["log-lik at start", BenchContext.F(initLl, "F1"), Opt(peer?["baum_welch"]?["loglik_init"]?.GetValue<double>(), "F1"), ""],
            [$"log-lik after {iters} iterations", BenchContext.F(finalLl, "F1"), Opt(peerLl, "F1"), peerLl is double p ? $"Δ {BenchContext.F(finalLl - p, "G3")}" : ""],
            ["Viterbi obs/s (true params)", BenchContext.F(obs / viterbi, "N0"), Opt(peerVit, "N0"), Ratio(obs / viterbi, peerVit)],
            ["forward-backward obs/s", BenchContext.F(obs / fb, "N0"), Opt(peerFb, "N0"), Ratio(obs / fb, peerFb)],
            ["forward (log p) obs/s", BenchContext.F(obs / fwd, "N0"), Opt(peerFwd, "N0"), Ratio(obs / fwd, peerFwd)],
            ["true-param log-lik", BenchContext.F(trueLl, "F1"), Opt(peer?["true_params"]?["loglik"]?.GetValue<double>(), "F1"), ""],
            ["Viterbi accuracy (true params)", BenchContext.F((double)hits / obs, "F5"), Opt(peer?["true_params"]?["viterbi_acc"]?.GetValue<double>(), "F5"), ""],
        ]);
    }

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
    private static string Ratio(double? fast, double? slow) => fast is double f && slow is double s && s > 0 ? $"{BenchContext.F(f / s, "F2")}x" : "";
}
