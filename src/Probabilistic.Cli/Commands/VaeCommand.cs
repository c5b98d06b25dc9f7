using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Probabilistic.Core.Data;
using Probabilistic.Core.Inference;
using Probabilistic.Core.IO;
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
    private static Option<int> SeedOption() => Conventions.Seed();
    private static Option<int?> ThreadsOption() => new("--threads") { Description = "CPU threads for TorchSharp (torch.set_num_threads); default: libtorch's choice" };
    private static Option<string> DeviceOption() => new("--device") { Description = "cpu, or cuda (needs the build with -p:UseCuda=true and a GPU)", DefaultValueFactory = _ => "cpu" };

    private static Command Train()
    {
        var data = DataOption();
        var epochs = Conventions.MaxIterations("Epochs at most (one ELBO step each)", 10, "--epochs");
        var tol = Conventions.Tolerance(0, "default 0 (run every epoch): the training ELBO is a noisy Monte-Carlo estimate, so a small change between epochs does not mean convergence; stop on held-out data with --patience instead");
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
        var output = Conventions.Output("Model file to write (written atomically); on Ctrl-C the last completed epoch is saved");
        var json = Conventions.Json();
        var command = new Command("train", "Train a VAE (Adam over shuffled minibatches, one epoch per ELBO step) and save it")
            { data, epochs, tol, latent, hidden, arch, likelihood, batch, lr, seed, device, threads, binarize, holdout, patience, maxTrain, output, json };
        command.SetAction((parse, ct) =>
        {
            var outw = parse.InvocationConfiguration.Output;
            var error = parse.InvocationConfiguration.Error;
            int epochCount = Checks.AtLeast(parse.GetValue(epochs), 1, "--max-iter (--epochs)");
            double tolerance = Checks.Finite(parse.GetValue(tol), 0, "--tol");
            int latentSize = Checks.AtLeast(parse.GetValue(latent), 1, "--latent");
            var sizes = Checks.PositiveList(parse.GetValue(hidden)!, "--hidden");
            int batchSize = Checks.AtLeast(parse.GetValue(batch), 1, "--batch");
            double rate = Checks.Finite(parse.GetValue(lr), 0, "--lr", exclusive: true);
            int h = Checks.AtLeast(parse.GetValue(holdout), 0, "--holdout");
            if (parse.GetValue(patience) is int pt) Checks.AtLeast(pt, 1, "--patience");
            if (parse.GetValue(patience) is not null && h == 0) throw new UsageException("--patience needs a validation set: add --holdout N.");
            if (parse.GetValue(maxTrain) is int mt) Checks.AtLeast(mt, 1, "--max-train");
            var dev = Setup(parse.GetValue(device)!, Checks.Threads(parse.GetValue(threads)));
            int s = parse.GetValue(seed);
            int? bin = parse.GetValue(binarize) ? s : null;
            var dir = parse.GetValue(data)!;
            var budget = CliHost.Budget(parse);
            var outPath = Checks.Output(parse.GetValue(output), "-o", MnistData.ExistingFiles(dir).Select(f => new InputFile(f, "--data file")));
            // Headers first: sizes and consistency are checked before any pixel is read or any epoch runs.
            var (trainPath, trainHeader) = MnistData.ImageHeader(dir, MnistSplit.Train);
            long count = Math.Min(parse.GetValue(maxTrain) ?? trainHeader.Count, trainHeader.Count);
            if (h >= count)
                throw new UsageException($"--holdout {h} leaves no training images: {trainPath} provides {count} (hold out fewer than that).");
            bool hasTest = HasTest(dir);
            if (hasTest)
            {
                var (testPath, testHeader) = MnistData.ImageHeader(dir, MnistSplit.Test);
                if (testHeader.Shape[1] != trainHeader.Shape[1] || testHeader.Shape[2] != trainHeader.Shape[2])
                    throw new DataFormatException(testPath, null, $"its images are {testHeader.Shape[1]}×{testHeader.Shape[2]} but the training images ({trainPath}) are {trainHeader.Shape[1]}×{trainHeader.Shape[2]}; both splits need one image size");
            }
            var architecture = Usage(() =>
            {
                var a = new VaeArchitecture(parse.GetValue(arch), trainHeader.Shape[1], trainHeader.Shape[2], sizes, latentSize, parse.GetValue(likelihood),
                    parse.GetValue(arch) == NetworkKind.Convolutional ? [32, 64] : null);
                a.Validate();
                return a;
            });
            long pixels = trainHeader.ItemSize;
            double widest = Math.Max(pixels, sizes.Max());
            budget.Require(MnistData.LoadBytes(count, pixels) + 4.0 * count * pixels + 16 * architecture.ParameterCount() + 4.0 * 8 * batchSize * widest,
                $"training a {architecture} VAE on {count:N0} images of {trainHeader.Shape[1]}×{trainHeader.Shape[2]}", "--max-train (or --hidden)");
            bool asJson = parse.GetValue(json);
            var all = CliProgress.Loading(error, asJson, dir, () => MnistData.Load(dir, MnistSplit.Train, (int)count, bin, budget, ct));
            var train = h == 0 ? all : Slice(all, 0, all.Count - h);
            VaeDataset? validation = h == 0 ? null : Slice(all, all.Count - h, h);
            var options = Usage(() => new VaeTrainingOptions(batchSize, rate));
            using var model = VariationalAutoencoder.Create(architecture, s, dev, options);
            if (!asJson)
                outw.WriteLine($"VAE {architecture}, {model.ParameterCount:N0} parameters, {train.Count} training images{(validation is null ? "" : $", {validation.Count} held out")}, device {dev}, seed {s}");
            var epochProgress = new SyncProgress<ElboStep>(st =>
            {
                if (st.Iteration == 1) error.WriteLine("prob vae train: epoch 1 done (Ctrl-C stops after the current epoch and saves the last completed one)");
                if (asJson) return;
                var held = st.HeldOutElboPerObservation is double v ? v.ToString("F3", CultureInfo.InvariantCulture) : "-";
                outw.WriteLine(string.Create(CultureInfo.InvariantCulture, $"epoch {st.Iteration,3}: train ELBO {st.ElboPerObservation,10:F3} nats/image, held-out {held,10}, {st.Elapsed.TotalSeconds,7:F2} s"));
            });
            var (_, trace) = model.Fit(train,
                new FitOptions(MaxIterations: epochCount, Tolerance: tolerance, Seed: s, Progress: epochProgress, Patience: parse.GetValue(patience)), ct, validation);
            FitProgress.ThrowIfNothingCompleted(trace, ct);
            RequireFinite(model, train, s, outPath, "training images");
            model.Save(outPath);
            bool interrupted = trace.StopReason == StopReason.Cancelled;
            double? testElbo = null;
            if (hasTest && !interrupted)
                testElbo = model.MeanElbo(MnistData.Load(dir, MnistSplit.Test, null, bin, budget, ct), s + 1, cancellationToken: ct);
            if (asJson)
            {
                var doc = Conventions.FitJson("vae train", outPath, trace);
                doc["architecture"] = architecture.ToString();
                doc["parameters"] = model.ParameterCount;
                doc["train"] = train.Count;
                doc["heldOut"] = validation?.Count;
                doc["epochs"] = trace.Count;
                doc["testElboPerImage"] = testElbo;
                doc["testLoss"] = -testElbo;
                outw.WriteLine(doc.ToJsonString());
            }
            else
            {
                outw.WriteLine(trace.ToTable());
                if (testElbo is double te) outw.WriteLine(string.Create(CultureInfo.InvariantCulture, $"test ELBO {te:F3} nats/image (test loss {-te:F3}, one sample per image)"));
                outw.WriteLine($"saved {outPath}");
            }
            return Task.FromResult(interrupted ? FitProgress.Interrupted(error, "prob vae train", trace, "epoch", outPath) : CliHost.Ok);
        });
        return command;
    }

    private static Command Eval()
    {
        var model = ModelOption();
        var data = DataOption();
        var k = new Option<int>("--iwae-k") { Description = "Importance samples for the IWAE bound (0: skip)", DefaultValueFactory = _ => 5000 };
        var n = new Option<int?>("--iwae-n") { Description = "IWAE on the first N test images only (default: all; K=5000 on 10,000 images takes long on a CPU)" };
        var maxTest = new Option<int?>("--max-test") { Description = "Use only the first N test images" };
        var seed = SeedOption();
        var device = DeviceOption();
        var threads = ThreadsOption();
        var binarize = new Option<bool>("--binarize") { Description = "Binarise the test images as in training (seed --binarize-seed)" };
        var binSeed = new Option<int>("--binarize-seed") { Description = "The training seed used with --binarize", DefaultValueFactory = _ => Conventions.DefaultSeed };
        var json = Conventions.Json();
        var command = new Command("eval", "Test-set ELBO (one sample per image, the PyTorch example's test loss) and the K-sample IWAE bound on log p(x)")
            { model, data, k, n, maxTest, seed, device, threads, binarize, binSeed, json };
        command.SetAction((parse, ct) =>
        {
            var outw = parse.InvocationConfiguration.Output;
            var error = parse.InvocationConfiguration.Error;
            int kk = Checks.AtLeast(parse.GetValue(k), 0, "--iwae-k");
            if (parse.GetValue(n) is int iwaeN) Checks.AtLeast(iwaeN, 1, "--iwae-n");
            if (parse.GetValue(maxTest) is int mt) Checks.AtLeast(mt, 1, "--max-test");
            var dev = Setup(parse.GetValue(device)!, Checks.Threads(parse.GetValue(threads)));
            var budget = CliHost.Budget(parse);
            var modelPath = parse.GetValue(model)!;
            bool asJson = parse.GetValue(json);
            using var m = VariationalAutoencoder.Load(modelPath, dev, budget);
            var test = CliProgress.Loading(error, asJson, parse.GetValue(data)!, () =>
                MnistData.Load(parse.GetValue(data)!, MnistSplit.Test, parse.GetValue(maxTest), parse.GetValue(binarize) ? parse.GetValue(binSeed) : null, budget, ct));
            CheckShape(m, test, parse.GetValue(data)!);
            int s = parse.GetValue(seed);
            var clock = System.Diagnostics.Stopwatch.StartNew();
            double elbo = m.MeanElbo(test, s, cancellationToken: ct);
            if (!double.IsFinite(elbo))
                throw new Core.IO.ModelFormatException(modelPath, $"gives a non-finite test ELBO ({elbo}); its weights cannot be those of a trained model");
            double elboSeconds = clock.Elapsed.TotalSeconds;
            double? iwae = null;
            int iwaeCount = 0;
            double iwaeSeconds = 0;
            if (kk > 0)
            {
                var subset = parse.GetValue(n) is int limit ? test.Take(limit) : test;
                iwaeCount = subset.Count;
                error.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"prob vae eval: IWAE with K={kk} on {iwaeCount} images ({(double)kk * iwaeCount:G3} decoder passes; Ctrl-C stops it)"));
                clock.Restart();
                iwae = CliProgress.Status(error, asJson, $"IWAE with K={kk} on {iwaeCount} images", () => m.MeanIwae(subset, kk, s + 1, cancellationToken: ct));
                iwaeSeconds = clock.Elapsed.TotalSeconds;
            }
            if (parse.GetValue(json))
                outw.WriteLine(JsonSerializer.Serialize(new { command = "vae eval", model = modelPath, architecture = m.Architecture.ToString(), testImages = test.Count, elboPerImage = elbo, testLoss = -elbo, elboSeconds, iwaeK = kk, iwaeImages = iwaeCount, iwaeLogLikelihood = iwae, iwaeSeconds }));
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
        var output = Conventions.Output("PNG file for the grid");
        var json = Conventions.Json();
        var command = new Command("sample", "Draw z ~ N(0, I), decode, and write the decoder means as a PNG grid") { model, count, columns, seed, output, json };
        command.SetAction((parse, ct) =>
        {
            int nn = Checks.AtLeast(parse.GetValue(count), 1, "-n");
            int cols = Checks.AtLeast(parse.GetValue(columns), 1, "--columns");
            var modelPath = parse.GetValue(model)!;
            var outPath = Checks.Output(parse.GetValue(output), "-o", new InputFile(modelPath, "--model"));
            var budget = CliHost.Budget(parse);
            using var m = VariationalAutoencoder.Load(modelPath, budget: budget);
            var a = m.Architecture;
            budget.Require(m.SampleBytes(nn) + GridBytes(nn, cols, a.Height, a.Width), $"{nn:N0} samples of {a.Height}×{a.Width} and their grid", "-n");
            var samples = m.Sample(nn, parse.GetValue(seed), budget);
            RequireFiniteImages(samples, modelPath);
            ct.ThrowIfCancellationRequested();
            WriteGrid(outPath, samples, cols);
            WriteDone(parse, json, "vae sample", modelPath, outPath, nn, $"wrote {nn} samples to {parse.GetValue(output)}");
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
        var output = Conventions.Output("PNG file: rows of originals above their reconstructions");
        var json = Conventions.Json();
        var command = new Command("reconstruct", "Encode and decode test images; write originals and reconstructions as a PNG grid") { model, data, count, columns, output, json };
        command.SetAction((parse, ct) =>
        {
            int nn = Checks.AtLeast(parse.GetValue(count), 1, "-n");
            int cols = Checks.AtLeast(parse.GetValue(columns), 1, "--columns");
            var modelPath = parse.GetValue(model)!;
            var dir = parse.GetValue(data)!;
            var outPath = Checks.Output(parse.GetValue(output), "-o",
                MnistData.ExistingFiles(dir).Select(f => new InputFile(f, "--data file")).Append(new InputFile(modelPath, "--model")));
            var budget = CliHost.Budget(parse);
            using var m = VariationalAutoencoder.Load(modelPath, budget: budget);
            var test = MnistData.Load(dir, MnistSplit.Test, nn, null, budget, ct);
            CheckShape(m, test, dir);
            budget.Require(2 * GridBytes(2L * test.Count, cols, test.Height, test.Width), $"a grid of {test.Count:N0} originals and reconstructions", "-n");
            var reconstructed = m.Reconstruct(test);
            RequireFiniteImages(reconstructed, modelPath);
            ct.ThrowIfCancellationRequested();
            WriteGrid(outPath, ImageRendering.Interleave(test, reconstructed, cols), cols);
            WriteDone(parse, json, "vae reconstruct", modelPath, outPath, test.Count, $"wrote {test.Count} originals and reconstructions to {parse.GetValue(output)}");
            return Task.FromResult(CliHost.Ok);
        });
        return command;
    }

    private static Command LatentCmd()
    {
        var model = ModelOption();
        var data = DataOption();
        var count = new Option<int>("-n") { Description = "Number of test images", DefaultValueFactory = _ => 5000 };
        var output = Conventions.Output("PNG file: latent means coloured by label");
        var json = Conventions.Json();
        var command = new Command("latent", "Scatter of the encoder means of test images coloured by digit (2-D latent only)") { model, data, count, output, json };
        command.SetAction((parse, ct) =>
        {
            int nn = Checks.AtLeast(parse.GetValue(count), 1, "-n");
            var modelPath = parse.GetValue(model)!;
            var dir = parse.GetValue(data)!;
            var outPath = Checks.Output(parse.GetValue(output), "-o",
                MnistData.ExistingFiles(dir).Select(f => new InputFile(f, "--data file")).Append(new InputFile(modelPath, "--model")));
            var budget = CliHost.Budget(parse);
            using var m = VariationalAutoencoder.Load(modelPath, budget: budget);
            if (m.Architecture.LatentSize != 2)
                throw new UsageException($"the model's latent size is {m.Architecture.LatentSize}; a latent scatter needs 2 (train with --latent 2).");
            var test = MnistData.Load(dir, MnistSplit.Test, nn, null, budget, ct);
            CheckShape(m, test, dir);
            var code = m.Encode(test, cancellationToken: ct);
            if (code.Mean.Any(v => !float.IsFinite(v)))
                throw new Core.IO.ModelFormatException(modelPath, "gives non-finite latent means; its weights cannot be those of a trained model");
            const int size = 512;
            ct.ThrowIfCancellationRequested();
            PngWriter.WriteRgb(outPath, size, size, ImageRendering.Scatter(code.Mean, test.Labels, size));
            WriteDone(parse, json, "vae latent", modelPath, outPath, test.Count, $"wrote the latent means of {test.Count} test images to {parse.GetValue(output)}");
            return Task.FromResult(CliHost.Ok);
        });
        return command;
    }

    /// <summary>The last line of the commands that write an image: text, or <c>{"command", "model", "output", "images"}</c>.</summary>
    private static void WriteDone(ParseResult parse, Option<bool> json, string command, string modelPath, string outPath, int images, string text)
    {
        var o = parse.InvocationConfiguration.Output;
        if (parse.GetValue(json)) o.WriteLine(JsonSerializer.Serialize(new { command, model = modelPath, output = outPath, images }));
        else o.WriteLine(text);
    }

    /// <summary>Bytes of a grayscale grid of <paramref name="count"/> images (with a one-pixel border) as the PNG writer builds it.</summary>
    private static double GridBytes(long count, int columns, int height, int width)
    {
        long cols = Math.Min(columns, count), rows = (count + cols - 1) / cols;
        // The pixels, the PNG's filtered rows and its compressed stream.
        return 3.0 * (rows * (height + 2.0) + 2) * (cols * (width + 2.0) + 2);
    }

    private static void RequireFinite(VariationalAutoencoder model, VaeDataset data, int seed, string path, string what)
    {
        double elbo = model.MeanElbo(data.Take(Math.Min(data.Count, 256)), seed);
        if (!double.IsFinite(elbo))
            throw new DataFormatException(path, null, $"training diverged: the ELBO on the {what} is {elbo}; lower --lr");
    }

    private static void RequireFiniteImages(VaeDataset images, string modelPath)
    {
        int bad = Array.FindIndex(images.Values, v => !float.IsFinite(v));
        if (bad >= 0)
            throw new Core.IO.ModelFormatException(modelPath, $"decodes to a non-finite pixel ({images.Values[bad]}, image {bad / images.Dimension}); its weights cannot be those of a trained model");
    }

    /// <summary>For <c>prob demo</c>: two epochs on the shipped MNIST sample, printing the trace.</summary>
    public static void Demo(DemoCommand.DemoContext context)
    {
        var dir = Path.Combine(context.DatasetsDirectory, "mnist-sample");
        TorchRuntime.SetThreads(Math.Min(2, Environment.ProcessorCount));
        var train = MnistData.Load(dir, MnistSplit.Train);
        var test = MnistData.Load(dir, MnistSplit.Test);
        using var model = VariationalAutoencoder.Create(VaeArchitecture.Mlp(train.Height, train.Width, 400, 20), context.Seed,
            training: new VaeTrainingOptions(128, 1e-3));
        context.Out.WriteLine($"VAE {model.Architecture} on {train.Count} MNIST training images ({test.Count} held out), Adam 1e-3, batch 128, 2 epochs");
        var (_, trace) = model.Fit(train, new FitOptions(MaxIterations: 2, Tolerance: 0, Seed: context.Seed), context.CancellationToken, test);
        context.CancellationToken.ThrowIfCancellationRequested();
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

    private static void CheckShape(VariationalAutoencoder m, VaeDataset data, string source)
    {
        if (data.Height != m.Architecture.Height || data.Width != m.Architecture.Width)
            throw new DataFormatException(source, null, $"the images are {data.Height}×{data.Width} but the model was trained on {m.Architecture.Height}×{m.Architecture.Width}");
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
