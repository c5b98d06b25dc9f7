using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;
using Probabilistic.Core.Inference;
using Probabilistic.Vae;

namespace Probabilistic.Bench;

/// <summary>
/// <c>vae</c>: the PyTorch examples VAE (784-400-20, Bernoulli decoder, Adam 1e-3, batch 128) on full MNIST, ours
/// (TorchSharp) and the peer (<c>vae_torch.py</c>) in one run, both with 2 threads: seconds per training epoch and
/// the test loss (−ELBO per test image, one sample) after each epoch, with ratios.
/// Options: <c>--epochs=N</c> (default 5; 1 with --quick), <c>--iwae=K</c> (also the K-sample IWAE bound on the first
/// <c>--iwae-n=N</c> test images, default 1000); <c>--paired=P</c> adds P alternating one-epoch timings (ours, then
/// the peer in a fresh process) for a ratio less exposed to load drift on a shared machine.
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

        JsonObject? peer = null;
        if (context.PeersAvailable())
        {
            peer = context.RunPeer("vae_torch.py", "--epochs", epochs.ToString(CultureInfo.InvariantCulture), "--repeats", "1", "--threads", threads.ToString(CultureInfo.InvariantCulture));
            Console.WriteLine($"peer: {peer["peer"]}, torch {peer["torch"]}, threads {peer["threads"]}, OMP_WAIT_POLICY {peer["OMP_WAIT_POLICY"]}, threadpools {peer["threadpools"]?.ToJsonString()}");
        }
        var peerSeconds = peer?["s_per_epoch_by_epoch_min"]?.AsArray().Select(v => v!.GetValue<double>()).ToList();
        var peerTest = peer?["test_loss_by_epoch"]?.AsArray().Select(v => v!.GetValue<double>()).ToList();

        Console.WriteLine();
        BenchContext.PrintTable(
            ["epoch", "ours s", "peer s", "ratio ours/peer", "ours test loss", "peer test loss", "diff (nats)"],
            Enumerable.Range(0, epochs).Select(e => (IReadOnlyList<string>)
            [
                (e + 1).ToString(CultureInfo.InvariantCulture),
                BenchContext.F(oursSeconds[e], "F3"),
                peerSeconds is null ? "-" : BenchContext.F(peerSeconds[e], "F3"),
                peerSeconds is null ? "-" : BenchContext.F(oursSeconds[e] / peerSeconds[e], "F3"),
                BenchContext.F(oursTest[e], "F3"),
                peerTest is null ? "-" : BenchContext.F(peerTest[e], "F3"),
                peerTest is null ? "-" : BenchContext.F(oursTest[e] - peerTest[e], "+0.000;-0.000"),
            ]));
        double oursMin = oursSeconds.Min(), oursMedian = Median(oursSeconds);
        Console.WriteLine($"ours s/epoch min {oursMin:F3} / median {oursMedian:F3}");
        if (peerSeconds is not null)
        {
            double peerMin = peerSeconds.Min(), peerMedian = Median(peerSeconds);
            Console.WriteLine($"peer s/epoch min {peerMin:F3} / median {peerMedian:F3}");
            Console.WriteLine($"ratio ours/peer: min {oursMin / peerMin:F3}, median {oursMedian / peerMedian:F3}; final test loss ours {oursTest[^1]:F3} vs peer {peerTest![^1]:F3} ({oursTest[^1] - peerTest[^1]:+0.000;-0.000} nats)");
        }

        if (IntArg(args, "--paired") is int pairs && peer is not null)
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
        Console.WriteLine(BenchContext.Json(new { suite = "vae", epochs, threads, ours_s_per_epoch = oursSeconds, ours_test_loss = oursTest, peer_s_per_epoch = peerSeconds, peer_test_loss = peerTest }));
        return 0;
    }

    /// <summary>
    /// On a loaded shared machine the load changes between our epochs and the peer's minutes later. Here one epoch of
    /// ours (continuing training) and one peer run of one epoch (<c>--epochs 1</c>, its training loop timed alone)
    /// alternate, <paramref name="pairs"/> times, and the ratio of each adjacent pair is reported.
    /// </summary>
    private static void PairedTiming(BenchContext context, VariationalAutoencoder model, VaeDataset train, int pairs, int threads, int seed)
    {
        Console.WriteLine();
        Console.WriteLine($"paired timing: {pairs} x (one epoch ours, then one epoch of the peer in a fresh process)");
        var ratios = new List<double>();
        var ours = new List<double>();
        var theirs = new List<double>();
        using var trainer = new VaeTrainer(model, train, null, new VaeTrainingOptions(128, 1e-3), seed + 1000);
        for (int i = 0; i < pairs; i++)
        {
            var sw = Stopwatch.StartNew();
            trainer.Step(CancellationToken.None);
            double o = sw.Elapsed.TotalSeconds;
            var p = context.RunPeer("vae_torch.py", "--epochs", "1", "--repeats", "1", "--threads", threads.ToString(CultureInfo.InvariantCulture));
            double t = p["s_per_epoch_by_epoch_min"]!.AsArray()[0]!.GetValue<double>();
            ours.Add(o); theirs.Add(t); ratios.Add(o / t);
            Console.WriteLine($"  pair {i + 1}: ours {o:F3} s, peer {t:F3} s, ratio {o / t:F3}");
        }
        Console.WriteLine($"paired: ours median {Median(ours):F3} s, peer median {Median(theirs):F3} s, median ratio {Median(ratios):F3}, ratio of sums {ours.Sum() / theirs.Sum():F3}");
    }

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
