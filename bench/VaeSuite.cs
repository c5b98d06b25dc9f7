using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text.Json.Nodes;
using Probabilistic.Core.Inference;
using Probabilistic.Vae;

namespace Probabilistic.Bench;

/// <summary>
/// <c>vae</c>: the PyTorch examples VAE (784-400-20, Bernoulli decoder, Adam 1e-3, batch 128) on full MNIST, ours
/// (TorchSharp) and the peer (<c>vae_torch.py</c>, PyTorch 1.13 and/or 2.6 by <c>--peers</c>) in one run, all with 2
/// threads: seconds per training epoch and the test loss (−ELBO per test image, one sample) after each epoch, with
/// ratios, and the issue-14 figure: our mean seconds per epoch over all epochs, the first included, over the faster peer's.
/// Options: <c>--epochs=N</c> (default 5; 1 with --quick), <c>--iwae=K</c> (also the K-sample IWAE bound on the first
/// <c>--iwae-n=N</c> test images, default 1000); <c>--paired=P</c> adds P alternating one-epoch timings (ours, then
/// each peer in a fresh process) for a ratio less exposed to load drift on a shared machine.
/// </summary>
public static class VaeSuite
{
    public static int Run(BenchContext context)
    {
        var args = Environment.GetCommandLineArgs();
        int epochs = IntArg(args, "--epochs") ?? (context.Quick ? 1 : 5);
        int? iwaeK = IntArg(args, "--iwae");
        int iwaeN = IntArg(args, "--iwae-n") ?? 1000;
        const int threads = 2, seed = 1;
        var mnist = Path.Combine(context.SharedDirectory, "datasets", "mnist");
        if (!Directory.Exists(mnist)) { Console.WriteLine($"vae: {mnist} not found; suite skipped"); return 0; }

        TorchRuntime.SetThreads(threads);
        var train = MnistData.Load(mnist, MnistSplit.Train);
        var test = MnistData.Load(mnist, MnistSplit.Test);
        Console.WriteLine($"data: MNIST {train.Count} train / {test.Count} test, pixels byte/255; {epochs} epochs; {threads} threads each; seed {seed}");

        using var model = VariationalAutoencoder.Create(VaeArchitecture.Mlp(28, 28, 400, 20), seed);
        Console.WriteLine($"ours: {model.Architecture}, {model.ParameterCount} parameters, TorchSharp {typeof(TorchSharp.torch).Assembly.GetName().Version}");
        var oursSeconds = new List<double>();
        var oursTest = new List<double>();
        var oursTrain = new List<double>();
        using (var trainer = new VaeTrainer(model, train, null, new VaeTrainingOptions(128, 1e-3), seed))
        {
            for (int e = 0; e < epochs; e++)
            {
                var sw = Stopwatch.StartNew();
                double elbo = trainer.Step(CancellationToken.None);
                oursSeconds.Add(sw.Elapsed.TotalSeconds);
                oursTrain.Add(-elbo / train.Count);
                oursTest.Add(-model.MeanElbo(test, seed + 100 + e, batchSize: 128));
                Console.WriteLine($"  ours epoch {e + 1}: {oursSeconds[^1]:F3} s, train loss {oursTrain[^1]:F3}, test loss {oursTest[^1]:F3}");
            }
        }

        var peers = context.RunPeers("vae_torch.py", "--epochs", epochs.ToString(CultureInfo.InvariantCulture), "--repeats", "1",
            "--threads", threads.ToString(CultureInfo.InvariantCulture));
        foreach (var p in peers)
            Console.WriteLine($"peer: {p.Label} ({p.Environment}), threads {p.Json["threads"]}, OMP_WAIT_POLICY {p.Json["OMP_WAIT_POLICY"]}, threadpools {p.Json["threadpools"]?.ToJsonString()}");
        var peerSeconds = peers.Select(p => Doubles(p.Json["s_per_epoch_by_epoch_min"])).ToList();
        var peerTest = peers.Select(p => Doubles(p.Json["test_loss_by_epoch"])).ToList();

        Console.WriteLine();
        BenchContext.PrintTable(
            ["epoch", "ours s", .. peers.SelectMany(p => new[] { $"{p.Label} s", "ours/peer" }), "ours test loss",
             .. peers.SelectMany(p => new[] { $"{p.Label} test loss", "diff (nats)" })],
            Enumerable.Range(0, epochs).Select(e => (IReadOnlyList<string>)
            [
                (e + 1).ToString(CultureInfo.InvariantCulture),
                BenchContext.F(oursSeconds[e], "F3"),
                .. peerSeconds.SelectMany(ps => new[] { BenchContext.F(ps[e], "F3"), BenchContext.F(oursSeconds[e] / ps[e], "F3") }),
                BenchContext.F(oursTest[e], "F3"),
                .. peerTest.SelectMany(pt => new[] { BenchContext.F(pt[e], "F3"), BenchContext.F(oursTest[e] - pt[e], "+0.000;-0.000") }),
            ]));
        Console.WriteLine($"ours s/epoch: mean of all {epochs} epochs (first included) {oursSeconds.Average():F3}, min {oursSeconds.Min():F3}, median {Median(oursSeconds):F3}");
        for (int i = 0; i < peers.Count; i++)
            Console.WriteLine($"{peers[i].Label} s/epoch: mean {peerSeconds[i].Average():F3}, min {peerSeconds[i].Min():F3}, median {Median(peerSeconds[i]):F3}; " +
                              $"ours/peer: mean {oursSeconds.Average() / peerSeconds[i].Average():F3}, first epoch {oursSeconds[0] / peerSeconds[i][0]:F3}; " +
                              $"final test loss ours {oursTest[^1]:F3} vs {peerTest[i][^1]:F3} ({oursTest[^1] - peerTest[i][^1]:+0.000;-0.000} nats)");
        if (peers.Count > 0)
        {
            int fastest = Enumerable.Range(0, peers.Count).MinBy(i => peerSeconds[i].Average());
            Console.WriteLine($"target (issue 14): ours mean s/epoch / the faster peer's ({peers[fastest].Label}) = " +
                              $"{oursSeconds.Average() / peerSeconds[fastest].Average():F3} (goal <= 1.0); load average {BenchContext.LoadAverage()}");
        }

        if (IntArg(args, "--paired") is int pairs && peers.Count > 0)
            PairedTiming(context, model, train, pairs, threads, seed);

        if (iwaeK is int k)
        {
            var subset = test.Take(iwaeN);
            var sw = Stopwatch.StartNew();
            double iwae = model.MeanIwae(subset, k, seed + 7);
            double elbo = model.ElboPerExample(subset, seed + 8).Average();
            Console.WriteLine($"IWAE K={k} on the first {subset.Count} test images: log p(x) >= {iwae:F3} nats (one-sample ELBO {elbo:F3}); {sw.Elapsed.TotalSeconds:F1} s");
            Console.WriteLine("  (grey-level pixels with a Bernoulli likelihood, as the PyTorch example; Burda et al. 2015, Table 1 report -86.76 (VAE, k=1 training, 1 stochastic layer, IWAE k=5000 evaluation) on binarised MNIST)");
        }
        var peerJson = peers.Select((p, i) => new { peer = p.Label, environment = p.Environment.ToString(), s_per_epoch = peerSeconds[i], test_loss = peerTest[i] });
        Console.WriteLine(BenchContext.Json(new { suite = "vae", epochs, threads, ours_s_per_epoch = oursSeconds, ours_test_loss = oursTest, peers = peerJson }));
        return 0;
    }

    /// <summary>
    /// On a loaded shared machine the load changes between our epochs and the peer's minutes later. Here one epoch of
    /// ours (continuing training) and one run of one epoch (<c>--epochs 1</c>, its training loop timed alone) of each
    /// selected peer alternate, <paramref name="pairs"/> times, and the ratio of each adjacent pair is reported.
    /// </summary>
    private static void PairedTiming(BenchContext context, VariationalAutoencoder model, VaeDataset train, int pairs, int threads, int seed)
    {
        Console.WriteLine();
        Console.WriteLine($"paired timing: {pairs} x (one epoch ours, then one epoch of each peer in a fresh process)");
        var ours = new List<double>();
        var theirs = new Dictionary<string, List<double>>();
        var ratios = new Dictionary<string, List<double>>();
        using var trainer = new VaeTrainer(model, train, null, new VaeTrainingOptions(128, 1e-3), seed + 1000);
        for (int i = 0; i < pairs; i++)
        {
            var sw = Stopwatch.StartNew();
            trainer.Step(CancellationToken.None);
            double o = sw.Elapsed.TotalSeconds;
            ours.Add(o);
            var line = $"  pair {i + 1}: ours {o:F3} s";
            foreach (var p in context.RunPeers("vae_torch.py", "--epochs", "1", "--repeats", "1", "--threads", threads.ToString(CultureInfo.InvariantCulture)))
            {
                double t = Doubles(p.Json["s_per_epoch_by_epoch_min"])[0];
                (CollectionsMarshal.GetValueRefOrAddDefault(theirs, p.Label, out _) ??= []).Add(t);
                (CollectionsMarshal.GetValueRefOrAddDefault(ratios, p.Label, out _) ??= []).Add(o / t);
                line += $", {p.Label} {t:F3} s (ratio {o / t:F3})";
            }
            Console.WriteLine(line);
        }
        foreach (var (label, t) in theirs)
            Console.WriteLine($"paired vs {label}: ours median {Median(ours):F3} s, peer median {Median(t):F3} s, median ratio {Median(ratios[label]):F3}, " +
                              $"ratio of sums {ours.Sum() / t.Sum():F3}");
    }

    private static List<double> Doubles(JsonNode? array) => array!.AsArray().Select(v => v!.GetValue<double>()).ToList();

    private static double Median(List<double> xs)
    {
        var s = xs.OrderBy(x => x).ToList();
        return s.Count % 2 == 1 ? s[s.Count / 2] : 0.5 * (s[s.Count / 2 - 1] + s[s.Count / 2]);
    }

    private static int? IntArg(string[] args, string name)
    {
        // --name=value (the runner takes every argument without a leading "--" as a suite name)
        var a = args.LastOrDefault(x => x.StartsWith(name + "=", StringComparison.Ordinal));
        return a is not null && int.TryParse(a[(name.Length + 1)..], CultureInfo.InvariantCulture, out var v) ? v : null;
    }
}
