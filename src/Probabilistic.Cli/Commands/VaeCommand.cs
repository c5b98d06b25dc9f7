using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Probabilistic.Core.Inference;
using Probabilistic.Vae;

namespace Probabilistic.Cli.Commands;

/// <summary><c>prob vae train | eval | sample | reconstruct | latent</c>: the TorchSharp VAE on MNIST-style IDX folders.</summary>
public static class VaeCommand
{
    public static Command Create()
    {
        var command = new Command("vae", "Variational autoencoder (TorchSharp) on MNIST-style IDX image folders: train, eval, sample, reconstruct, latent")
        {
            Train(), Eval(), SampleCmd(), ReconstructCmd(), LatentCmd(),
        };
        return command;
    }

    private static Option<string> DataOption() => new("--data") { Description = "Folder with the four MNIST IDX files (train/t10k images and labels, optionally .gz)", Required = true };
    private static Option<string> ModelOption() => new("--model", "-m") { Description = "Model file from 'prob vae train'", Required = true };
    private static Option<int> SeedOption() => new("--seed") { Description = "Seed for every random choice", DefaultValueFactory = _ => 1 };
    private static Option<int?> ThreadsOption() => new("--threads") { Description = "CPU threads for TorchSharp (torch.set_num_threads); default: libtorch's choice" };
    private static Option<string> DeviceOption() => new("--device") { Description = "cpu, or cuda (needs the build with -p:UseCuda=true and a GPU)", DefaultValueFactory = _ => "cpu" };

    private static Command Train()
    {
        var data = DataOption();
        var epochs = new Option<int>("--epochs") { Description = "Epochs (one ELBO step each)", DefaultValueFactory = _ => 10 };
        var latent = new Option<int>("--latent") { Description = "Latent dimension", DefaultValueFactory = _ => 20 };
        var hidden = new Option<string>("--hidden") { Description = "Hidden layer sizes, comma-separated (encoder order)", DefaultValueFactory = _ => "400" };
        var arch = new Option<NetworkKind>("--arch") { Description = "mlp or convolutional", DefaultValueFactory = _ => NetworkKind.Mlp };
        var likelihood = new Option<DecoderLikelihood>("--likelihood") { Description = "bernoulli (pixels in [0,1]) or gaussian", DefaultValueFactory = _ => DecoderLikelihood.Bernoulli };
        var batch = new Option<int>("--batch") { Description = "Minibatch size", DefaultValueFactory = _ => 128 };
        var lr = new Option<double>("--lr") { Description = "Adam learning rate", DefaultValueFactory = _ => 1e-3 };
        var seed = SeedOption();
        var device = DeviceOption();
        var threads = ThreadsOption();
        var binarize = new Option<bool>("--binarize") { Description = "Static binarisation (pixel = 1 with probability = intensity, fixed by --seed)" };
        var holdout = new Option<int>("--holdout") { Description = "Hold out the last N training images as a validation set (held-out ELBO per epoch; the saved model is the best held-out epoch)", DefaultValueFactory = _ => 0 };
        var patience = new Option<int?>("--patience") { Description = "Stop after this many epochs without a better held-out ELBO (needs --holdout)" };
        var maxTrain = new Option<int?>("--max-train") { Description = "Use only the first N training images" };
        var output = new Option<string>("--output", "-o") { Description = "Model file to write (written atomically)", Required = true };
        var json = new Option<bool>("--json") { Description = "Print one JSON object instead of the table" };
        var command = new Command("train", "Train a VAE (Adam over shuffled minibatches, one epoch per ELBO step) and save it")
            { data, epochs, latent, hidden, arch, likelihood, batch, lr, seed, device, threads, binarize, holdout, patience, maxTrain, output, json };
        command.SetAction((parse, ct) =>
        {
            var outw = parse.InvocationConfiguration.Output;
            var dev = Setup(parse.GetValue(device)!, parse.GetValue(threads));
            int s = parse.GetValue(seed);
            int? bin = parse.GetValue(binarize) ? s : null;
            var dir = parse.GetValue(data)!;
            var all = MnistData.Load(dir, MnistSplit.Train, parse.GetValue(maxTrain), bin);
            int h = parse.GetValue(holdout);
            if (h < 0 || h >= all.Count) throw new UsageException($"--holdout {h} must be between 0 and {all.Count - 1}.");
            if (parse.GetValue(patience) is not null && h == 0) throw new UsageException("--patience needs a validation set: add --holdout N.");
            var train = h == 0 ? all : Slice(all, 0, all.Count - h);
            VaeDataset? validation = h == 0 ? null : Slice(all, all.Count - h, h);
            var architecture = Usage(() =>
            {
                var sizes = parse.GetValue(hidden)!.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
                    .Select(t => int.Parse(t, CultureInfo.InvariantCulture)).ToArray();
                var a = new VaeArchitecture(parse.GetValue(arch), all.Height, all.Width, sizes, parse.GetValue(latent), parse.GetValue(likelihood),
                    parse.GetValue(arch) == NetworkKind.Convolutional ? [32, 64] : null);
                a.Validate();
                return a;
            });
            bool asJson = parse.GetValue(json);
            using var model = VariationalAutoencoder.Create(architecture, s, dev);
            if (!asJson)
                outw.WriteLine($"VAE {architecture}, {model.ParameterCount:N0} parameters, {train.Count} training images{(validation is null ? "" : $", {validation.Count} held out")}, device {dev}, seed {s}");
            var epochProgress = new SyncProgress<ElboStep>(st =>
            {
                if (asJson) return;
                var held = st.HeldOutElboPerObservation is double v ? v.ToString("F3", CultureInfo.InvariantCulture) : "-";
                outw.WriteLine(string.Create(CultureInfo.InvariantCulture, $"epoch {st.Iteration,3}: train ELBO {st.ElboPerObservation,10:F3} nats/image, held-out {held,10}, {st.Elapsed.TotalSeconds,7:F2} s"));
            });
            var options = Usage(() => new VaeTrainingOptions(parse.GetValue(batch), parse.GetValue(lr), s));
            var trace = VaeTrainer.Fit(model, train, validation, options,
                new FitOptions(MaxIterations: Math.Max(1, parse.GetValue(epochs)), Tolerance: 0, Seed: s, Progress: epochProgress, Patience: parse.GetValue(patience)), ct);
            var outPath = parse.GetValue(output)!;
            VaeFile.Save(model, outPath);
            double? testElbo = null;
            if (HasTest(dir))
                testElbo = model.MeanElbo(MnistData.Load(dir, MnistSplit.Test, null, bin), s + 1);
            if (asJson)
            {
                outw.WriteLine(JsonSerializer.Serialize(new
                {
                    architecture = architecture.ToString(), parameters = model.ParameterCount, train = train.Count, heldOut = validation?.Count,
                    epochs = trace.Count, stop = trace.StopReason.ToString(), secondsPerEpoch = trace.SecondsPerStep,
                    trace = trace.Select(t => new { epoch = t.Iteration, elbo = t.Elbo, elboPerImage = t.ElboPerObservation, heldOut = t.HeldOutElboPerObservation, seconds = t.Elapsed.TotalSeconds }),
                    testElboPerImage = testElbo, testLoss = -testElbo, model = outPath,
                }));
            }
            else
            {
                outw.WriteLine(trace.ToTable());
                if (testElbo is double te) outw.WriteLine(string.Create(CultureInfo.InvariantCulture, $"test ELBO {te:F3} nats/image (test loss {-te:F3}, one sample per image)"));
                outw.WriteLine($"saved {outPath}");
            }
            return Task.FromResult(CliHost.Ok);
        });
        return command;
    }

    private static Command Eval()
    {
        var model = ModelOption();
        var data = DataOption();
        var k = new Option<int>("--iwae-k") { Description = "Importance samples for the IWAE bound (0: skip)", DefaultValueFactory = _ => 5000 };
        var n = new Option<int?>("--iwae-n") { Description = "IWAE on the first N test images only (default: all; K=5000 on 10,000 images takes long on a CPU)" };
        var seed = SeedOption();
        var device = DeviceOption();
        var threads = ThreadsOption();
        var binarize = new Option<bool>("--binarize") { Description = "Binarise the test images as in training (seed --binarize-seed)" };
        var binSeed = new Option<int>("--binarize-seed") { Description = "The training seed used with --binarize", DefaultValueFactory = _ => 1 };
        var json = new Option<bool>("--json") { Description = "Print one JSON object" };
        var command = new Command("eval", "Test-set ELBO (one sample per image, the PyTorch example's test loss) and the K-sample IWAE bound on log p(x)")
            { model, data, k, n, seed, device, threads, binarize, binSeed, json };
        command.SetAction((parse, ct) =>
        {
            var outw = parse.InvocationConfiguration.Output;
            var dev = Setup(parse.GetValue(device)!, parse.GetValue(threads));
            using var m = VaeFile.Load(parse.GetValue(model)!, dev);
            var test = MnistData.Load(parse.GetValue(data)!, MnistSplit.Test, null, parse.GetValue(binarize) ? parse.GetValue(binSeed) : null);
            CheckShape(m, test);
            int s = parse.GetValue(seed);
            var clock = System.Diagnostics.Stopwatch.StartNew();
            double elbo = m.MeanElbo(test, s);
            double elboSeconds = clock.Elapsed.TotalSeconds;
            int kk = parse.GetValue(k);
            double? iwae = null;
            int iwaeCount = 0;
            double iwaeSeconds = 0;
            if (kk > 0)
            {
                var subset = parse.GetValue(n) is int limit ? test.Take(limit) : test;
                iwaeCount = subset.Count;
                clock.Restart();
                iwae = m.MeanIwae(subset, kk, s + 1, cancellationToken: ct);
                iwaeSeconds = clock.Elapsed.TotalSeconds;
            }
            if (parse.GetValue(json))
                outw.WriteLine(JsonSerializer.Serialize(new { architecture = m.Architecture.ToString(), testImages = test.Count, elboPerImage = elbo, testLoss = -elbo, elboSeconds, iwaeK = kk, iwaeImages = iwaeCount, iwaeLogLikelihood = iwae, iwaeSeconds }));
            else
            {
                outw.WriteLine($"model {m.Architecture}, {test.Count} test images");
                outw.WriteLine(string.Create(CultureInfo.InvariantCulture, $"test ELBO      {elbo,10:F3} nats/image (test loss {-elbo:F3}; {elboSeconds:F1} s)"));
                if (iwae is double v)
                    outw.WriteLine(string.Create(CultureInfo.InvariantCulture, $"IWAE K={kk,-5}   {v,10:F3} nats/image on {iwaeCount} images (a lower bound on log p(x); {iwaeSeconds:F1} s)"));
            }
            return Task.FromResult(CliHost.Ok);
        });
        return command;
    }

    private static Command SampleCmd()
    {
        var model = ModelOption();
        var count = new Option<int>("-n") { Description = "Number of samples", DefaultValueFactory = _ => 64 };
        var columns = new Option<int>("--columns") { Description = "Grid columns", DefaultValueFactory = _ => 8 };
        var seed = SeedOption();
        var output = new Option<string>("--output", "-o") { Description = "PNG file for the grid", Required = true };
        var command = new Command("sample", "Draw z ~ N(0, I), decode, and write the decoder means as a PNG grid") { model, count, columns, seed, output };
        command.SetAction((parse, ct) =>
        {
            using var m = VaeFile.Load(parse.GetValue(model)!);
            int nn = parse.GetValue(count);
            if (nn < 1) throw new UsageException($"-n {nn}: draw at least one sample.");
            var samples = m.Sample(nn, parse.GetValue(seed));
            WriteGrid(parse.GetValue(output)!, samples, parse.GetValue(columns));
            parse.InvocationConfiguration.Output.WriteLine($"wrote {nn} samples to {parse.GetValue(output)}");
            return Task.FromResult(CliHost.Ok);
        });
        return command;
    }

    private static Command ReconstructCmd()
    {
        var model = ModelOption();
        var data = DataOption();
        var count = new Option<int>("-n") { Description = "Number of test images", DefaultValueFactory = _ => 32 };
        var columns = new Option<int>("--columns") { Description = "Grid columns", DefaultValueFactory = _ => 8 };
        var output = new Option<string>("--output", "-o") { Description = "PNG file: rows of originals above their reconstructions", Required = true };
        var command = new Command("reconstruct", "Encode and decode test images; write originals and reconstructions as a PNG grid") { model, data, count, columns, output };
        command.SetAction((parse, ct) =>
        {
            using var m = VaeFile.Load(parse.GetValue(model)!);
            var test = MnistData.Load(parse.GetValue(data)!, MnistSplit.Test, Math.Max(1, parse.GetValue(count)));
            CheckShape(m, test);
            int cols = Math.Max(1, parse.GetValue(columns));
            WriteGrid(parse.GetValue(output)!, ImageRendering.Interleave(test, m.Reconstruct(test), cols), cols);
            parse.InvocationConfiguration.Output.WriteLine($"wrote {test.Count} originals and reconstructions to {parse.GetValue(output)}");
            return Task.FromResult(CliHost.Ok);
        });
        return command;
    }

    private static Command LatentCmd()
    {
        var model = ModelOption();
        var data = DataOption();
        var count = new Option<int>("-n") { Description = "Number of test images", DefaultValueFactory = _ => 5000 };
        var output = new Option<string>("--output", "-o") { Description = "PNG file: latent means coloured by label", Required = true };
        var command = new Command("latent", "Scatter of the encoder means of test images coloured by digit (2-D latent only)") { model, data, count, output };
        command.SetAction((parse, ct) =>
        {
            using var m = VaeFile.Load(parse.GetValue(model)!);
            if (m.Architecture.LatentSize != 2)
                throw new UsageException($"the model's latent size is {m.Architecture.LatentSize}; a latent scatter needs 2 (train with --latent 2).");
            var test = MnistData.Load(parse.GetValue(data)!, MnistSplit.Test, Math.Max(1, parse.GetValue(count)));
            CheckShape(m, test);
            var code = m.Encode(test);
            const int size = 512;
            PngWriter.WriteRgb(parse.GetValue(output)!, size, size, ImageRendering.Scatter(code.Mean, test.Labels, size));
            parse.InvocationConfiguration.Output.WriteLine($"wrote the latent means of {test.Count} test images to {parse.GetValue(output)}");
            return Task.FromResult(CliHost.Ok);
        });
        return command;
    }

    /// <summary>For <c>prob demo</c>: two epochs on the shipped MNIST sample, printing the trace.</summary>
    public static void Demo(DemoCommand.DemoContext context)
    {
        var dir = Path.Combine(context.DatasetsDirectory, "mnist-sample");
        TorchRuntime.SetThreads(Math.Min(2, Environment.ProcessorCount));
        var train = MnistData.Load(dir, MnistSplit.Train);
        var test = MnistData.Load(dir, MnistSplit.Test);
        using var model = VariationalAutoencoder.Create(VaeArchitecture.Mlp(train.Height, train.Width, 400, 20), context.Seed);
        context.Out.WriteLine($"VAE {model.Architecture} on {train.Count} MNIST training images ({test.Count} held out), Adam 1e-3, batch 128, 2 epochs");
        var trace = VaeTrainer.Fit(model, train, test, new VaeTrainingOptions(128, 1e-3, context.Seed),
            new FitOptions(MaxIterations: 2, Tolerance: 0), context.CancellationToken);
        context.Out.WriteLine(trace.ToTable());
        context.Out.WriteLine(string.Create(CultureInfo.InvariantCulture, $"held-out ELBO {trace[^1].HeldOutElboPerObservation:F3} nats/image"));
    }

    private static ComputeDevice Setup(string device, int? threads)
    {
        var dev = Usage(() => TorchRuntime.Parse(device));
        if (threads is int t) Usage(() => { TorchRuntime.SetThreads(t); return 0; });
        try { TorchRuntime.Resolve(dev); }
        catch (InvalidOperationException e) { throw new UsageException(e.Message); }
        return dev;
    }

    private static void CheckShape(VariationalAutoencoder m, VaeDataset data)
    {
        if (data.Height != m.Architecture.Height || data.Width != m.Architecture.Width)
            throw new UsageException($"the images are {data.Height}×{data.Width} but the model was trained on {m.Architecture.Height}×{m.Architecture.Width}.");
    }

    private static T Usage<T>(Func<T> f)
    {
        try { return f(); }
        catch (Exception e) when (e is ArgumentException or FormatException or OverflowException) { throw new UsageException(e.Message); }
    }

    private static bool HasTest(string dir) =>
        File.Exists(Path.Combine(dir, "t10k-images-idx3-ubyte")) || File.Exists(Path.Combine(dir, "t10k-images-idx3-ubyte.gz"));

    private static VaeDataset Slice(VaeDataset d, int start, int count) =>
        new(d.Values[(start * d.Dimension)..((start + count) * d.Dimension)], count, d.Height, d.Width, d.Labels?[start..(start + count)]);

    private static void WriteGrid(string path, VaeDataset images, int columns)
    {
        var (pixels, w, h) = ImageRendering.Grid(images, Math.Max(1, columns));
        PngWriter.WriteGray(path, w, h, pixels);
    }

    private sealed class SyncProgress<T>(Action<T> action) : IProgress<T>
    {
        public void Report(T value) => action(value);
    }
}
