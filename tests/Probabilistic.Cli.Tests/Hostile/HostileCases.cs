using System.Text.Json.Nodes;
using Probabilistic.Core;
using Probabilistic.Core.Data;
using Probabilistic.Core.IO;
using Probabilistic.Hmm;
using Probabilistic.Hmm.Tagging;
using Probabilistic.Mixtures;
using Probabilistic.Vae;
using static Probabilistic.Cli.Tests.Hostile.HostileFiles;
using Probabilistic.Core.Gaussians;

namespace Probabilistic.Cli.Tests.Hostile;

/// <summary>
/// One row per class of hostile or careless input from issue 13: the files the row makes (in its own folder), the
/// command, the exit code and a fragment of the message; and, where a library entry point reads the same input, the call
/// and the exception type it must throw, whose message the command's stderr must contain.
/// </summary>
/// <param name="Name">The row's name (the cause first).</param>
/// <param name="Args">Makes the row's files in the given folder and returns the command line.</param>
/// <param name="Code">The expected exit code.</param>
/// <param name="Fragment">A fragment of stderr (or of stdout for a row that succeeds).</param>
/// <param name="Library">The library call reading the same input, when there is one.</param>
/// <param name="Thrown">The exception type the library call throws.</param>
/// <param name="CancelWhen">Cancel the run (as SIGINT does) when stderr shows this text.</param>
public sealed record HostileCase(string Name, Func<HostileFiles, string, string[]> Args, int Code, string Fragment,
    Func<HostileFiles, string, Action>? Library = null, Type? Thrown = null, string? CancelWhen = null)
{
    public override string ToString() => Name;

    private const int Bad = CliHost.BadInput, Use = CliHost.Usage;

    private static string P(string dir, string name) => Path.Combine(dir, name);

    private static string CsvOf(string dir, string text) => Text(dir, "data.csv", text);

    private static string VaeState(HostileFiles f, string dir, string name, Action<byte[]> corrupt)
    {
        var bytes = File.ReadAllBytes(f.VaeModel);
        corrupt(bytes);
        return Bytes(dir, name, bytes);
    }

    /// <summary>Every row.</summary>
    public static IReadOnlyList<HostileCase> All { get; } =
    [
        // ---- 1. Outputs that are inputs: refused before any work, compared by file identity ----
        new("overwrite/gmm-fit-o-is-data", (f, d) => { var a = Text(d, "a.csv", File.ReadAllText(f.Faithful)); return ["gmm", "fit", "--data", a, "--components", "2", "-o", a]; },
            Use, "the same file as the input --data", (f, d) => () => OutputTarget.Check(P(d, "a.csv"), "-o", [new InputFile(P(d, "a.csv"), "--data")]), typeof(OutputPathException)),
        new("overwrite/gmm-fit-o-hard-link-of-data", (f, d) =>
        {
            var a = Text(d, "a.csv", File.ReadAllText(f.Faithful));
            Link(a, P(d, "hard.csv"), hard: true);
            return ["gmm", "fit", "--data", a, "--components", "2", "-o", P(d, "hard.csv")];
        }, Use, "the same file as the input --data"),
        new("overwrite/gmm-predict-o-is-data", (f, d) =>
        {
            var a = Text(d, "a.csv", File.ReadAllText(f.Faithful));
            return ["gmm", "predict", "-m", f.GmmModel, "--data", a, "-o", a];
        }, Use, "the same file as the input --data"),
        new("overwrite/gmm-predict-o-is-model", (f, d) =>
        {
            var m = Text(d, "m.json", File.ReadAllText(f.GmmModel));
            return ["gmm", "predict", "-m", m, "--data", f.Faithful, "-o", m];
        }, Use, "the same file as the input --model"),
        new("overwrite/gmm-fit-o-symlink-to-data", (f, d) =>
        {
            var a = Text(d, "a.csv", File.ReadAllText(f.Faithful));
            Link(a, P(d, "sym.csv"), hard: false);
            return ["gmm", "fit", "--data", a, "--components", "2", "-o", P(d, "sym.csv")];
        }, Use, "the same file as the input --data"),
        new("overwrite/gmm-fit-o-is-init", (f, d) =>
        {
            var init = Text(d, "start.json", """{"weights": [0.5, 0.5], "means": [[2, 60], [4.5, 80]], "covariances": [[[1, 0], [0, 100]], [[1, 0], [0, 100]]]}""");
            return ["gmm", "fit", "--data", f.Faithful, "--components", "2", "--init", init, "-o", init];
        }, Use, "the input --init"),
        new("overwrite/hmm-fit-o-is-data", (f, d) => { var o = Text(d, "obs.txt", File.ReadAllText(f.Observations)); return ["hmm", "fit", "--data", o, "--states", "2", "--emission", "gaussian", "-o", o]; },
            Use, "the input --data"),
        new("overwrite/hmm-fit-o-is-lengths-file", (f, d) =>
        {
            var npy = Bytes(d, "x.npy", Npy("<f8", "(4,)", Doubles(0, 1, 4, 5)));
            var lengths = Text(d, "lengths.txt", "2 2\n");
            return ["hmm", "fit", "--data", npy, "--lengths", lengths, "--states", "2", "--emission", "gaussian", "-o", lengths];
        }, Use, "the input --lengths"),
        new("overwrite/tag-train-o-is-corpus", (f, d) => { var c = Text(d, "t.brown", File.ReadAllText(f.Brown)); return ["tag", "train", "-o", c, c]; },
            Use, "the input training file"),
        new("overwrite/tag-train-o-inside-corpus-folder", (f, d) =>
        {
            var corpus = Directory.CreateDirectory(P(d, "corpus")).FullName;
            var c = Text(corpus, "ca01", File.ReadAllText(f.Brown));
            return ["tag", "train", "-o", c, corpus];
        }, Use, "the input training file"),
        new("overwrite/vae-train-o-is-training-images", (f, d) =>
        {
            WriteMnist(d, 24, 8, 4, 4);
            return ["vae", "train", "--data", d, "--epochs", "1", "-o", P(d, "train-images-idx3-ubyte")];
        }, Use, "the input --data file"),
        new("overwrite/vae-sample-o-is-model", (f, d) => { var m = Bytes(d, "m.vae", File.ReadAllBytes(f.VaeModel)); return ["vae", "sample", "-m", m, "-o", m]; },
            Use, "the input --model"),
        new("overwrite/vae-reconstruct-o-is-test-images", (f, d) =>
        {
            WriteMnist(d, 24, 8, 4, 4);
            return ["vae", "reconstruct", "-m", f.VaeModel, "--data", d, "-o", P(d, "t10k-images-idx3-ubyte")];
        }, Use, "the input --data file"),
        new("overwrite/vae-latent-o-is-model", (f, d) => { var m = Bytes(d, "m.vae", File.ReadAllBytes(f.VaeModel)); return ["vae", "latent", "-m", m, "--data", f.Mnist, "-o", m]; },
            Use, "the input --model"),

        // ---- 2. Outputs and data consistency checked before the work ----
        new("checked-first/gmm-fit-o-is-a-directory", (f, d) => ["gmm", "fit", "--data", f.Faithful, "--components", "2", "-o", d],
            Use, "a directory, not a file", (f, d) => () => AtomicFile.WriteAllText(d, "x"), typeof(OutputPathException)),
        new("checked-first/gmm-fit-o-empty", (f, d) => ["gmm", "fit", "--data", f.Faithful, "--components", "2", "-o", ""],
            Use, "the output path is empty", (f, d) => () => AtomicFile.WriteAllText("", "x"), typeof(OutputPathException)),
        new("checked-first/hmm-fit-o-in-a-read-only-folder", (f, d) => ["hmm", "fit", "--data", f.Observations, "--states", "2", "--emission", "gaussian", "-o", "/proc/prob-model.json"],
            Use, "cannot create files in the folder /proc", (f, d) => () => AtomicFile.WriteAllText("/proc/prob-model.json", "x"), typeof(OutputPathException)),
        new("checked-first/tag-train-o-in-a-missing-folder", (f, d) => ["tag", "train", "-o", P(d, "no/such/folder/t.json"), f.Brown],
            Use, "does not exist"),
        new("checked-first/gmm-fit-o-is-a-device", (f, d) => ["gmm", "fit", "--data", f.Faithful, "--components", "2", "-o", "/dev/null"],
            Use, "a character device"),
        new("checked-first/vae-sample-o-is-a-directory", (f, d) => ["vae", "sample", "-m", f.VaeModel, "-o", d], Use, "a directory, not a file"),
        new("checked-first/vae-train-test-images-of-another-size", (f, d) => { WriteMnist(d, 24, 8, 4, 4, testH: 8, testW: 8); return ["vae", "train", "--data", d, "--epochs", "1", "-o", P(d, "m.vae")]; },
            Bad, "both splits need one image size"),
        new("checked-first/vae-eval-images-of-another-size", (f, d) => { WriteMnist(d, 24, 8, 8, 8); return ["vae", "eval", "-m", f.VaeModel, "--data", d]; },
            Bad, "the model was trained on 4×4"),

        // ---- 3. User errors that were stack traces ----
        new("no-trace/gmm-fit-values-beyond-1e154", (f, d) => ["gmm", "fit", "--data", CsvOf(d, "a,b\n1,2\n3e200,4\n5,6\n"), "--components", "1", "-o", P(d, "m.json")],
            Bad, "data.csv:3: data row 2, column 'a' (column 1): 3E+200 is too large in magnitude",
            (f, d) => () => new GaussianMixture(new GaussianMixtureOptions(1)).Fit(NumericData.Load(P(d, "data.csv"))), typeof(DataFormatException)),
        new("no-trace/gmm-fit-threads-0", (f, d) => ["gmm", "fit", "--data", f.Faithful, "--components", "2", "--threads", "0", "-o", P(d, "m.json")], Use, "--threads must be between 1"),
        new("no-trace/hmm-decode-threads-0", (f, d) => ["hmm", "decode", "-m", f.GaussianModel, "--data", f.Observations, "--threads", "0"], Use, "--threads must be between 1"),
        new("no-trace/vae-eval-threads-0", (f, d) => ["vae", "eval", "-m", f.VaeModel, "--data", f.Mnist, "--threads", "0"], Use, "--threads must be between 1"),
        new("no-trace/npy-shape-overflows-int32", (f, d) => ["gmm", "fit", "--data", Bytes(d, "x.npy", Npy("<f8", "(3000000000, 2)", Doubles(1, 2))), "--components", "1", "-o", P(d, "m.json")],
            Bad, "more than an array dimension can hold", (f, d) => () => NpyReader.Read(P(d, "x.npy")), typeof(DataFormatException)),
        new("no-trace/npy-v2-header-length-0xFFFFFFF0", (f, d) => ["gmm", "predict", "-m", f.GmmModel, "--data", Bytes(d, "x.npy", Npy("<f8", "(1, 2)", Doubles(1, 2), major: 2, headerLengthOverride: 0xFFFFFFF0))],
            Bad, "declares 4,294,967,280 bytes", (f, d) => () => NpyReader.Read(P(d, "x.npy")), typeof(DataFormatException)),
        new("no-trace/npy-shape-10-0", (f, d) => ["gmm", "fit", "--data", Bytes(d, "x.npy", Npy("<f8", "(10, 0)", [])), "--components", "1", "-o", P(d, "m.json")],
            Bad, "shape (10, 0) holds no values", (f, d) => () => NumericData.Load(P(d, "x.npy")), typeof(DataFormatException)),
        new("no-trace/npy-fortran-order", (f, d) => ["gmm", "predict", "-m", f.GmmModel, "--data", Bytes(d, "x.npy", Fortran(Npy("<f8", "(1, 2)", Doubles(1, 2))))],
            Bad, "Fortran-order"),
        new("no-trace/envelope-version-is-a-string", (f, d) => ["gmm", "predict", "-m", EditJson(d, "m.json", f.GmmModel, r => { r["version"] = "1"; return r; }), "--data", f.Faithful],
            Bad, "the envelope's \"version\" is the string \"1\"", (f, d) => () => GaussianMixture.Load(P(d, "m.json")), typeof(ModelFormatException)),
        new("no-trace/envelope-version-1.5", (f, d) => ["hmm", "score", "-m", EditJson(d, "m.json", f.CategoricalModel, r => { r["version"] = 1.5; return r; }), "--data", f.Symbols],
            Bad, "the envelope's \"version\" is the number 1.5", (f, d) => () => HmmModelFile.Load(P(d, "m.json")), typeof(ModelFormatException)),
        new("no-trace/envelope-version-1e10", (f, d) => ["tag", "eval", "-m", EditJson(d, "m.json", f.TaggerModel, r => { r["version"] = JsonNode.Parse("1e10"); return r; }), f.Brown],
            Bad, "the envelope's \"version\" is the number 1e10", (f, d) => () => HmmTagger.Load(P(d, "m.json")), typeof(ModelFormatException)),
        new("no-trace/envelope-kind-is-a-number", (f, d) => ["gmm", "predict", "-m", EditJson(d, "m.json", f.BayesModel, r => { r["kind"] = 7; return r; }), "--data", f.Faithful],
            Bad, "the envelope's \"kind\" is the number 7", (f, d) => () => BayesianGaussianMixture.Load(P(d, "m.json")), typeof(ModelFormatException)),
        new("no-trace/payload-field-of-the-wrong-type", (f, d) => ["hmm", "decode", "-m", EditJson(d, "m.json", f.GaussianModel, r => { r["model"]!["states"] = "two"; return r; }), "--data", f.Observations],
            Bad, "payload is malformed", (f, d) => () => HmmModelFile.Load(P(d, "m.json")), typeof(ModelFormatException)),
        new("no-trace/vae-header-asks-for-2000000-hidden-units", (f, d) =>
        {
            var bytes = File.ReadAllBytes(f.VaeModel);
            var (header, start) = VaeHeader(bytes);
            header["architecture"]!["hiddenSizes"] = new JsonArray(2_000_000);
            header.Remove("parameterCount");
            return ["vae", "sample", "-m", Bytes(d, "m.vae", VaeWith(header, bytes.AsSpan(start))), "-o", P(d, "s.png")];
        }, Bad, "parameters (", (f, d) => () => VariationalAutoencoder.Load(P(d, "m.vae")), typeof(ModelFormatException)),
        new("no-trace/vae-eval-zero-test-images", (f, d) => { WriteMnist(d, 24, 0, 4, 4); return ["vae", "eval", "-m", f.VaeModel, "--data", d]; },
            Bad, "holds no images", (f, d) => () => MnistData.Load(d, MnistSplit.Test), typeof(DataFormatException)),
        new("no-trace/vae-train-batch-0", (f, d) => ["vae", "train", "--data", f.Mnist, "--batch", "0", "-o", P(d, "m.vae")], Use, "--batch must be at least 1"),
        new("no-trace/vae-train-lr-nan", (f, d) => ["vae", "train", "--data", f.Mnist, "--lr", "NaN", "-o", P(d, "m.vae")], Use, "--lr must be a finite number > 0"),
        new("no-trace/hmm-fit-reg-negative", (f, d) => ["hmm", "fit", "--data", f.Observations, "--states", "2", "--emission", "gaussian", "--reg", "-1", "-o", P(d, "m.json")], Use, "--reg must be a finite number >= 0"),
        new("no-trace/gmm-fit-init-means-with-nan", (f, d) => ["gmm", "fit", "--data", f.Faithful, "--components", "2", "--init", Bytes(d, "means.npy", Npy("<f8", "(2, 2)", Doubles(1, double.NaN, 4, 80))), "-o", P(d, "m.json")],
            Bad, "NaN is not a finite number"),
        new("no-trace/hmm-fit-init-with-nan", (f, d) => ["hmm", "fit", "--data", f.Observations, "--states", "2", "--emission", "gaussian", "-o", P(d, "m.json"),
            "--init", Text(d, "init.json", """{"start":[0.5,0.5],"transitions":[[0.5,0.5],[0.5,0.5]],"means":[["NaN"],[1]],"covariances":[1,1]}""")],
            Bad, "A mean is NaN", (f, d) => () => GaussianStartPoint.Read(P(d, "init.json")).ToModel(CovarianceType.Full, 0, P(d, "init.json")), typeof(DataFormatException)),
        new("no-trace/tag-train-semi-supervised-with-too-few-sentences", (f, d) => ["tag", "train", "--untagged", f.Brown, "-o", P(d, "t.json"), Text(d, "two.brown", "The/at dog/nn ./.\nIt/pps ran/vbd ./.\n")],
            Bad, "2 tagged sentences are too few"),
        new("no-trace/tag-train-empty-corpus", (f, d) => ["tag", "train", "-o", P(d, "t.json"), Text(d, "empty.brown", "\n\n")],
            Bad, "no tagged sentences", (f, d) => () => TaggedCorpus.Read([P(d, "empty.brown")], CorpusFormat.Brown, TagMapping.Normalised).ToList(), typeof(DataFormatException)),
        new("no-trace/tag-train-empty-directory", (f, d) => ["tag", "train", "-o", P(d, "t.json"), Directory.CreateDirectory(P(d, "empty")).FullName],
            Bad, "the directory holds no data files", (f, d) => () => DataFiles.ExpandFiles([P(d, "empty")]), typeof(DataFormatException)),

        // ---- 4. Runaway resources: refused with the estimate and the option, before allocating ----
        new("runaway/gmm-fit-10-rows-by-5000-columns", (f, d) =>
        {
            var rows = new[] { string.Join(",", Enumerable.Range(0, 5000).Select(j => $"c{j}")) }
                .Concat(Enumerable.Range(0, 10).Select(i => string.Join(",", Enumerable.Range(0, 5000).Select(j => ((i * 7 + j * 13) % 100 / 10.0).ToString(System.Globalization.CultureInfo.InvariantCulture)))));
            return ["gmm", "fit", "--data", Text(d, "wide.csv", string.Join("\n", rows)), "--components", "2", "-o", P(d, "m.json"), "--max-memory", "512M"];
        }, Bad, "lower --components or use --covariance diag",
            (f, d) => () => new GaussianMixture(new GaussianMixtureOptions(2, Budget: new MemoryBudget(512 << 20, "test"))).Fit(NumericData.Load(P(d, "wide.csv"))), typeof(ResourceLimitException)),
        new("runaway/hmm-fit-100000-categorical-states", (f, d) => ["hmm", "fit", "--data", f.Symbols, "--states", "100000", "--emission", "categorical", "-o", P(d, "m.json")],
            Bad, "lower --states"),
        new("runaway/hmm-fit-gmm-with-a-million-components", (f, d) => ["hmm", "fit", "--data", f.Observations, "--states", "10", "--emission", "gmm", "--components", "100000", "-o", P(d, "m.json")],
            Bad, "cannot seed 1000000 mixture components (states × components per state)"),
        new("runaway/vae-sample-n-1e8", (f, d) => ["vae", "sample", "-m", f.VaeModel, "-n", "100000000", "-o", P(d, "s.png")], Bad, "lower -n"),
        new("runaway/vae-eval-iwae-k-1e9-is-interruptible", (f, d) => ["vae", "eval", "-m", f.VaeModel, "--data", f.Mnist, "--iwae-k", "1000000000"],
            CliHost.Interrupted, "interrupted", CancelWhen: "IWAE with K=1000000000"),
        new("runaway/csv-from-dev-zero", (f, d) => ["gmm", "fit", "--data", "/dev/zero", "--components", "1", "-o", P(d, "m.json")],
            Bad, "/dev/zero:1: a NUL character", (f, d) => () => CsvReader.ReadNumeric("/dev/zero"), typeof(DataFormatException)),
        new("runaway/text-sequences-from-dev-zero", (f, d) => ["hmm", "score", "-m", f.GaussianModel, "--data", "/dev/zero"],
            Bad, "a NUL character", (f, d) => () => SequenceTextReader.ReadNumeric("/dev/zero"), typeof(DataFormatException)),
        new("runaway/json-model-from-dev-zero", (f, d) => ["gmm", "predict", "-m", "/dev/zero", "--data", f.Faithful],
            Bad, "not a JSON document", (f, d) => () => GaussianMixture.Load("/dev/zero"), typeof(ModelFormatException)),
        new("runaway/vae-model-from-dev-zero", (f, d) => ["vae", "sample", "-m", "/dev/zero", "-o", P(d, "s.png")],
            Bad, "not a VAE file", (f, d) => () => VariationalAutoencoder.Load("/dev/zero"), typeof(ModelFormatException)),
        new("runaway/idx-header-claims-more-than-the-file", (f, d) =>
        {
            Bytes(d, "train-images-idx3-ubyte", Idx([50_000_000, 28, 28], new byte[100]));
            return ["vae", "train", "--data", d, "--max-train", "1000", "-o", P(d, "m.vae")];
        }, Bad, "truncated", (f, d) => () => IdxReader.Read(P(d, "train-images-idx3-ubyte"), 1000), typeof(DataFormatException)),
        new("runaway/idx-gzip-bomb-with-a-consistent-header", (f, d) =>
        {
            Bytes(d, "train-images-idx3-ubyte.gz", Gzip(Idx([100_000_000, 28, 28], []), zeroTail: 1 << 20));
            return ["vae", "train", "--data", d, "-o", P(d, "m.vae"), "--max-memory", "1G"];
        }, Bad, "lower --max-train",
            (f, d) => () => MnistData.Load(d, MnistSplit.Train, budget: new MemoryBudget(1L << 30, "test")), typeof(ResourceLimitException)),
        new("runaway/npy-header-claims-more-than-the-file", (f, d) => ["gmm", "fit", "--data", Bytes(d, "x.npy", Npy("<f8", "(100000000, 10)", Doubles(1, 2))), "--components", "1", "-o", P(d, "m.json")],
            Bad, "truncated data", (f, d) => () => NpyReader.Read(P(d, "x.npy")), typeof(DataFormatException)),
        new("runaway/csv-larger-than-max-memory", (f, d) => ["gmm", "fit", "--data", f.Faithful, "--components", "1", "-o", P(d, "m.json"), "--max-memory", "1K"],
            Bad, "more than the limit of 1.0 KiB (--max-memory 1K)"),

        // ---- 5. Silent wrong answers ----
        new("wrong-answer/poisson-count-1e17-keeps-its-digits", (f, d) => ["hmm", "score", "-m", f.PoissonModel, "--data", Text(d, "counts.txt", "100000000000000000\n")],
            CliHost.Ok, "log-likelihood -20.490912"),
        new("wrong-answer/gmm-predict-at-1e307", (f, d) => ["gmm", "predict", "-m", f.GmmModel, "--data", CsvOf(d, "eruptions,waiting\n1e307,1e307\n"), "--proba"],
            Bad, "too large in magnitude", (f, d) => () => GaussianMixture.Load(f.GmmModel).PredictProba(NumericData.Load(P(d, "data.csv"))), typeof(DataFormatException)),
        new("wrong-answer/hmm-model-with-duplicate-symbols", (f, d) => ["hmm", "decode", "-m", EditJson(d, "m.json", f.CategoricalModel, r => { r["model"]!["symbols"] = new JsonArray("a", "a"); return r; }), "--data", f.Symbols],
            Bad, "symbol 'a' appears twice (entries 0 and 1)", (f, d) => () => HmmModelFile.Load(P(d, "m.json")), typeof(ModelFormatException)),
        new("wrong-answer/hmm-model-with-a-null-symbol", (f, d) => ["hmm", "score", "-m", EditJson(d, "m.json", f.CategoricalModel, r => { r["model"]!["symbols"] = new JsonArray("a", null); return r; }), "--data", f.Symbols],
            Bad, "symbol 1 is null", (f, d) => () => HmmModelFile.Load(P(d, "m.json")), typeof(ModelFormatException)),
        new("wrong-answer/gmm-model-with-an-asymmetric-covariance", (f, d) => ["gmm", "predict", "-m", EditJson(d, "m.json", f.GmmModel, r => { var c = r["model"]!["covariances"]!.AsArray(); c[1] = c[1]!.GetValue<double>() + 0.5; return r; }), "--data", f.Faithful],
            Bad, "is not symmetric", (f, d) => () => GaussianMixture.Load(P(d, "m.json")), typeof(ModelFormatException)),
        new("wrong-answer/bayesian-gmm-model-with-an-asymmetric-covariance", (f, d) => ["gmm", "predict", "-m", EditJson(d, "m.json", f.BayesModel, r => { var c = r["model"]!["covariances"]!.AsArray(); c[1] = c[1]!.GetValue<double>() + 0.5; return r; }), "--data", f.Faithful],
            Bad, "is not symmetric", (f, d) => () => BayesianGaussianMixture.Load(P(d, "m.json")), typeof(ModelFormatException)),
        new("wrong-answer/hmm-gaussian-model-with-an-asymmetric-covariance", (f, d) => ["hmm", "score", "-m", EditJson(d, "m.json", f.Gaussian2Model, r => { r["model"]!["covariances"]![0]![1] = 0.9; return r; }), "--data", Text(d, "x.txt", "0 0\n1 1\n")],
            Bad, "symmetric", (f, d) => () => HmmModelFile.Load(P(d, "m.json")), typeof(ModelFormatException)),
        new("wrong-answer/gmm-model-with-a-non-positive-definite-covariance", (f, d) => ["gmm", "predict", "-m", EditJson(d, "m.json", f.GmmModel, r => { var c = r["model"]!["covariances"]!.AsArray(); c[0] = -1.0; return r; }), "--data", f.Faithful],
            Bad, "ill-defined covariance", (f, d) => () => GaussianMixture.Load(P(d, "m.json")), typeof(ModelFormatException)),
        new("wrong-answer/tagger-with-duplicate-tag-names", (f, d) => ["tag", "eval", "-m", EditJson(d, "m.json", f.TaggerModel, r => { var t = r["model"]!["tags"]!.AsArray(); t[1] = t[0]!.GetValue<string>(); return r; }), f.Brown],
            Bad, "appears twice", (f, d) => () => HmmTagger.Load(P(d, "m.json")), typeof(ModelFormatException)),
        new("wrong-answer/vae-with-nan-weights", (f, d) => ["vae", "eval", "-m", VaeState(f, d, "m.vae", b => { for (int i = b.Length - 16; i < b.Length; i += 4) BitConverter.GetBytes(float.NaN).CopyTo(b, i); }), "--data", f.Mnist, "--iwae-k", "0"],
            Bad, "holds NaN", (f, d) => () => VariationalAutoencoder.Load(P(d, "m.vae")), typeof(ModelFormatException)),
        new("wrong-answer/vae-with-garbage-weights", (f, d) => ["vae", "sample", "-m", VaeState(f, d, "m.vae", b => Array.Fill(b, (byte)0x5A, b.Length - 64, 64)), "-o", P(d, "s.png")],
            Bad, "NaN, infinite or beyond", (f, d) => () => VariationalAutoencoder.Load(P(d, "m.vae")), typeof(ModelFormatException)),
        new("wrong-answer/tag-conll-with-a-wrong-column-count", (f, d) => ["tag", "-m", f.TaggerModel, "--format", "conll", "-i", Text(d, "in.conll", "The\tat\njury\tnn\textra\n")],
            Bad, "in.conll:2: token line has 3 columns but the first token line (line 1) has 2",
            (f, d) => () => TaggedCorpusReader.ReadConll(P(d, "in.conll")).ToList(), typeof(DataFormatException)),
        new("wrong-answer/hmm-fit-lengths-with-text-data", (f, d) => ["hmm", "fit", "--data", f.Observations, "--lengths", "10,990", "--states", "2", "--emission", "gaussian", "-o", P(d, "m.json")],
            Use, "--lengths applies to .npy data only"),
        new("wrong-answer/vae-train-epochs-0", (f, d) => ["vae", "train", "--data", f.Mnist, "--epochs", "0", "-o", P(d, "m.vae")], Use, "--max-iter (--epochs) must be at least 1"),
        new("wrong-answer/tag-eval-on-an-empty-file", (f, d) => ["tag", "eval", "-m", f.TaggerModel, Text(d, "empty.brown", "")], Bad, "no tagged sentences"),
        new("wrong-answer/hmm-score-of-an-impossible-sequence", (f, d) => ["hmm", "score", "-m", f.StuckModel, "--data", Text(d, "ab.txt", "a\nb\n")],
            Bad, "has probability zero under the model"),
        new("wrong-answer/hmm-decode-of-an-impossible-sequence", (f, d) => ["hmm", "decode", "-m", f.StuckModel, "--data", Text(d, "ab.txt", "a\nb\n")],
            Bad, "has probability zero under the model"),
        new("wrong-answer/vae-eval-iwae-k-negative", (f, d) => ["vae", "eval", "-m", f.VaeModel, "--data", f.Mnist, "--iwae-k", "-1"], Use, "--iwae-k must be at least 0"),
        new("wrong-answer/tag-eval-confusions-negative", (f, d) => ["tag", "eval", "-m", f.TaggerModel, "--confusions", "-1", f.Brown], Use, "--confusions must be at least 0"),

        // ---- 7. Vague errors now name the file, line, value or option ----
        new("named/gmm-fit-1-row-for-2-components", (f, d) => ["gmm", "fit", "--data", CsvOf(d, "a,b\n1,2\n"), "--components", "2", "-o", P(d, "m.json")],
            Bad, "data.csv: 1 data row cannot fit 2 components",
            (f, d) => () => new GaussianMixture(new GaussianMixtureOptions(2)).Fit(NumericData.Load(P(d, "data.csv"))), typeof(DataFormatException)),
        new("named/vae-train-empty-training-set", (f, d) => { WriteMnist(d, 0, 4, 4, 4); return ["vae", "train", "--data", d, "--holdout", "0", "-o", P(d, "m.vae")]; },
            Bad, "train-images-idx3-ubyte: holds no images"),
        new("named/vae-train-hidden-400-abc", (f, d) => ["vae", "train", "--data", f.Mnist, "--hidden", "400,abc", "-o", P(d, "m.vae")], Use, "--hidden '400,abc': item 2 ('abc')"),
        new("named/truncated-npy-is-called-truncated", (f, d) => ["gmm", "fit", "--data", Bytes(d, "x.npy", Npy("<f8", "(1, 2)", Doubles(1, 2))[..8]), "--components", "1", "-o", P(d, "m.json")],
            Bad, "truncated .npy file: it ends after 8 bytes", (f, d) => () => NpyReader.Read(P(d, "x.npy")), typeof(DataFormatException)),

        // ---- every reader, model kind and command refuses its own malformed input by name ----
        new("reader/csv-ragged-row", (f, d) => ["gmm", "fit", "--data", CsvOf(d, "a,b\n1,2\n3\n"), "--components", "1", "-o", P(d, "m.json")],
            Bad, "data.csv:3: row has 1 fields", (f, d) => () => CsvReader.ReadNumeric(P(d, "data.csv")), typeof(DataFormatException)),
        new("reader/npy-not-npy", (f, d) => ["gmm", "predict", "-m", f.GmmModel, "--data", Text(d, "x.npy", "PK not numpy")],
            Bad, "not a .npy file", (f, d) => () => NpyReader.Read(P(d, "x.npy")), typeof(DataFormatException)),
        new("reader/idx-wrong-magic", (f, d) => { Text(d, "train-images-idx3-ubyte", "P5 28 28 255 ...."); return ["vae", "train", "--data", d, "-o", P(d, "m.vae")]; },
            Bad, "wrong magic number", (f, d) => () => IdxReader.Read(P(d, "train-images-idx3-ubyte")), typeof(DataFormatException)),
        new("reader/brown-token-without-a-tag", (f, d) => ["tag", "train", "-o", P(d, "t.json"), Text(d, "c.brown", "The/at jury ./.\n")],
            Bad, "c.brown:1: token 'jury' is not of the form word/tag", (f, d) => () => TaggedCorpusReader.ReadWordTag(P(d, "c.brown")).ToList(), typeof(DataFormatException)),
        new("reader/conll-token-without-a-tag", (f, d) => ["tag", "train", "--format", "conll", "-o", P(d, "t.json"), Text(d, "c.conll", "The\tDT\ndog\n")],
            Bad, "c.conll:2: token line 'dog' has no tag column", (f, d) => () => TaggedCorpusReader.ReadConll(P(d, "c.conll")).ToList(), typeof(DataFormatException)),
        new("reader/text-sequences-ragged-dimension", (f, d) => ["hmm", "fit", "--data", Text(d, "s.txt", "1 2\n3\n"), "--states", "1", "--emission", "gaussian", "-o", P(d, "m.json")],
            Bad, "s.txt:2: observation has 1 values", (f, d) => () => SequenceTextReader.ReadNumeric(P(d, "s.txt")), typeof(DataFormatException)),
        new("reader/text-symbols-with-white-space", (f, d) => ["hmm", "fit", "--data", Text(d, "s.txt", "a\nb c\n"), "--states", "1", "--emission", "categorical", "-o", P(d, "m.json")],
            Bad, "s.txt:2: 'b c' holds white space", (f, d) => () => SequenceTextReader.ReadSymbols(P(d, "s.txt")), typeof(DataFormatException)),
        new("reader/poisson-negative-count", (f, d) => ["hmm", "fit", "--data", Text(d, "c.txt", "1\n-2\n"), "--states", "1", "--emission", "poisson", "-o", P(d, "m.json")],
            Bad, "c.txt:2: sequence 0, step 1, value 0 is -2"),
        new("model/gmm-file-of-another-kind", (f, d) => ["gmm", "predict", "-m", f.CategoricalModel, "--data", f.Faithful],
            Bad, "holds a 'hmm' model, not a 'gaussian-mixture' model", (f, d) => () => GaussianMixture.Load(f.CategoricalModel), typeof(ModelFormatException)),
        new("model/hmm-file-truncated", (f, d) => ["hmm", "decode", "-m", Text(d, "m.json", File.ReadAllText(f.GaussianModel)[..40]), "--data", f.Observations],
            Bad, "not valid JSON", (f, d) => () => HmmModelFile.Load(P(d, "m.json")), typeof(ModelFormatException)),
        new("model/tagger-file-is-a-vae", (f, d) => ["tag", "-m", f.VaeModel, "-i", f.Brown], Bad, "not a JSON document", (f, d) => () => HmmTagger.Load(f.VaeModel), typeof(ModelFormatException)),
        new("model/vae-file-is-json", (f, d) => ["vae", "latent", "-m", f.GmmModel, "--data", f.Mnist, "-o", P(d, "l.png")],
            Bad, "a JSON file (another model kind?)", (f, d) => () => VariationalAutoencoder.Load(f.GmmModel), typeof(ModelFormatException)),
        new("model/vae-state-truncated", (f, d) => { var b = File.ReadAllBytes(f.VaeModel); return ["vae", "reconstruct", "-m", Bytes(d, "m.vae", b[..^10]), "--data", f.Mnist, "-o", P(d, "r.png")]; },
            Bad, "truncated or corrupt", (f, d) => () => VariationalAutoencoder.Load(P(d, "m.vae")), typeof(ModelFormatException)),
        new("command/hmm-fit-states-0", (f, d) => ["hmm", "fit", "--data", f.Observations, "--states", "0", "--emission", "gaussian", "-o", P(d, "m.json")], Use, "--states must be at least 1"),
        new("command/hmm-fit-init-with-categorical", (f, d) => ["hmm", "fit", "--data", f.Symbols, "--states", "2", "--emission", "categorical", "--init", f.GaussianModel, "-o", P(d, "m.json")],
            Use, "--init applies to --emission gaussian only"),
        new("command/vae-latent-needs-2-d-latent", (f, d) =>
        {
            var m = P(d, "m3.vae");
            using (var v = VariationalAutoencoder.Create(VaeArchitecture.Mlp(4, 4, 8, 3), 1)) v.Save(m);
            return ["vae", "latent", "-m", m, "--data", f.Mnist, "-o", P(d, "l.png")];
        }, Use, "a latent scatter needs 2"),
        new("command/vae-reconstruct-n-0", (f, d) => ["vae", "reconstruct", "-m", f.VaeModel, "--data", f.Mnist, "-n", "0", "-o", P(d, "r.png")], Use, "-n must be at least 1"),
        new("command/tag-train-order-4", (f, d) => ["tag", "train", "--order", "4", "-o", P(d, "t.json"), f.Brown], Use, "--order must be 2 or 3"),
        new("command/demo-only-matches-nothing", (f, d) => ["demo", "--only", "no such family"], Use, ""),
        new("command/demo-sample-unknown", (f, d) => ["demo", "--sample", "no-such-sample"], Use, "the samples are: wet-grass, monty-hall"),
        new("command/max-memory-not-a-size", (f, d) => ["hmm", "decode", "-m", f.GaussianModel, "--data", f.Observations, "--max-memory", "lots"], Use, "--max-memory 'lots'"),
        new("command/unknown-option", (f, d) => ["gmm", "fit", "--bogus", "1"], Use, "--bogus"),
    ];

    private static void Link(string target, string link, bool hard)
    {
        if (hard)
        {
            using var p = System.Diagnostics.Process.Start(new System.Diagnostics.ProcessStartInfo("ln", [target, link]) { RedirectStandardError = true })!;
            p.WaitForExit();
            if (p.ExitCode != 0) throw new InvalidOperationException($"ln {target} {link} failed");
        }
        else File.CreateSymbolicLink(link, target);
    }

    private static byte[] Fortran(byte[] npy)
    {
        var text = System.Text.Encoding.Latin1.GetString(npy).Replace("'fortran_order': False", "'fortran_order': True ");
        return System.Text.Encoding.Latin1.GetBytes(text);
    }
}
