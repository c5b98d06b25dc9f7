using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Probabilistic.Core.Data;
using Probabilistic.Core;
using Probabilistic.Core.Inference;
using Probabilistic.Core.IO;
using Probabilistic.Mixtures;
using Probabilistic.Mixtures.Gpu;
using Probabilistic.Mixtures.Kernels;
using Probabilistic.Core.Gaussians;

namespace Probabilistic.Cli.Commands;

/// <summary><c>prob gmm fit|predict|select</c>: Gaussian mixtures by EM or variational Bayes (<c>--bayesian</c>) on the CPU or GPU.</summary>
public static partial class GmmCommand
{
    private sealed record StartPoint(double[] Weights, double[][] Means, double[][][] Covariances);

    internal static Option<string> CovarianceOption(string what = "full | diag | spherical | tied") =>
        new Option<string>("--covariance") { Description = what, DefaultValueFactory = _ => "full" }
            .OneOf(["full"], ["diag", "diagonal"], ["spherical"], ["tied"]);

    public static Command Create()
    {
        var data = new Option<string>("--data") { Description = "Data: CSV with a header row, .npy (float64/float32, C order), or a folder of .npy shards (read out of core)", Required = true };
        var k = new Option<int>("--components", "-k") { Description = "Number of mixture components K (the family's size)", Required = true };
        var covariance = CovarianceOption();
        var maxIter = Conventions.MaxIterations("EM iterations at most");
        var tol = Conventions.Tolerance();
        var seed = Conventions.Seed();
        var restarts = new Option<int>("--restarts") { Description = "Fits from different starts; the best log-likelihood is kept", DefaultValueFactory = _ => 1 };
        var init = new Option<string>("--init") { Description = "kmeans++ | random | MEANS.npy (K×D initial means) | START.json ({\"weights\",\"means\",\"covariances\"})", DefaultValueFactory = _ => "kmeans++" };
        var backend = new Option<string>("--backend") { Description = "auto (CUDA when present, else CPU) | cpu | gpu", DefaultValueFactory = _ => "auto" }
            .OneOf("auto", "cpu", "gpu");
        var threads = new Option<int?>("--threads") { Description = "CPU threads (default: all cores)" };
        var output = Conventions.Output("Where to save the model (versioned JSON); on Ctrl-C the last completed iteration is saved");
        var json = Conventions.Json();
        var bayes = new BayesOptions(
            new Option<bool>("--bayesian") { Description = "Fit by variational inference (scikit-learn's BayesianGaussianMixture): --components is an upper bound, unneeded components get weights near 0" },
            new Option<string>("--weight-prior") { Description = "With --bayesian: process (Dirichlet process, default) | dirichlet (Dirichlet distribution)", DefaultValueFactory = _ => "process" }
                .OneOf(["process", "dirichlet-process", "dirichlet_process"], ["dirichlet", "dirichlet-distribution", "dirichlet_distribution"]),
            new Option<double?>("--weight-concentration") { Description = "With --bayesian: γ of the weight prior (default 1/K)" },
            new Option<double?>("--mean-precision") { Description = "With --bayesian: β₀ of the mean prior (default 1)" },
            new Option<double?>("--degrees-of-freedom") { Description = "With --bayesian: ν₀ of the precision prior (default D)" });
        var fit = new Command("fit", "Fit a Gaussian mixture by EM, or by variational inference with --bayesian")
        {
            data, k, covariance, maxIter, tol, seed, restarts, init, backend, threads, output, json,
            bayes.Bayesian, bayes.WeightPrior, bayes.WeightConcentration, bayes.MeanPrecision, bayes.DegreesOfFreedom, OutOfCoreOption(),
            ClusterSession.WorkersOption(), ClusterSession.ClusterOption(), ClusterSession.CheckpointOption(),
        };
        fit.SetAction((parse, ct) => Task.FromResult(Fit(parse, ct, data, k, covariance, maxIter, tol, seed, restarts, init, backend, threads, output, json, bayes)));

        var model = new Option<string>("--model", "-m") { Description = "A model saved by 'prob gmm fit'", Required = true };
        var pdata = new Option<string>("--data") { Description = "Data: CSV with a header row, or .npy", Required = true };
        var proba = new Option<bool>("--proba") { Description = "Print the component probabilities of each row instead of its label" };
        var pjson = Conventions.Json();
        var poutput = Conventions.Output("Write the labels (int32), or with --proba the probabilities (float64, rows × K), to this .npy "
            + "instead of printing them; the file appears whole or not at all", required: false);
        var blockRows = PredictBlockRowsOption();
        var predict = new Command("predict", "Assign rows to the components of a fitted mixture (EM or --bayesian)")
        {
            model, pdata, proba, pjson, poutput, OutOfCoreOption(), blockRows,
        };
        predict.SetAction((parse, ct) => Task.FromResult(Predict(parse, model, pdata, proba, pjson, poutput, blockRows, ct)));

        return new Command("gmm", "Gaussian mixture models (EM or variational Bayes, CPU or GPU)") { fit, predict, SelectCommand() };
    }

    private static int Fit(ParseResult parse, CancellationToken ct, Option<string> dataOpt, Option<int> kOpt, Option<string> covOpt,
        Option<int> maxIterOpt, Option<double> tolOpt, Option<int> seedOpt, Option<int> restartsOpt, Option<string> initOpt,
        Option<string> backendOpt, Option<int?> threadsOpt, Option<string> outputOpt, Option<bool> jsonOpt, BayesOptions bayes)
    {
        var output = parse.InvocationConfiguration.Output;
        var error = parse.InvocationConfiguration.Error;
        int k = parse.GetValue(kOpt);
        bool bayesian = parse.GetValue(bayes.Bayesian);
        if (!bayesian)
            foreach (var o in new Option[] { bayes.WeightPrior, bayes.WeightConcentration, bayes.MeanPrecision, bayes.DegreesOfFreedom })
                if (parse.GetResult(o) is { Implicit: false }) throw new UsageException($"{o.Name} applies to variational fits only; add --bayesian.");
        Checks.AtLeast(k, 1, "--components");
        var type = CovarianceLayout.Parse(parse.GetValue(covOpt)!);
        var choice = MixtureBackends.Parse(parse.GetValue(backendOpt)!);
        Checks.AtLeast(parse.GetValue(maxIterOpt), 1, "--max-iter");
        Checks.Finite(parse.GetValue(tolOpt), 0, "--tol");
        Checks.AtLeast(parse.GetValue(restartsOpt), 1, "--restarts");
        int? threads = Checks.Threads(parse.GetValue(threadsOpt));

        if (bayesian)
        {
            if (parse.GetValue(restartsOpt) != 1) throw new UsageException("--restarts is not supported with --bayesian (one fit from the k-means++ start).");
            if (parse.GetValue(initOpt)!.ToLowerInvariant() is not ("kmeans++" or "kmeans" or "k-means++"))
                throw new UsageException("--bayesian starts from k-means++ only; leave out --init.");
        }

        var budget = CliHost.Budget(parse);
        var dataPath = parse.GetValue(dataOpt)!;
        var initPath = parse.GetValue(initOpt)!;
        var outPath = Checks.Output(parse.GetValue(outputOpt), "-o", new InputFile(dataPath, "--data"), new InputFile(initPath, "--init"));
        bool json = parse.GetValue(jsonOpt);
        FitOptions fitOptionsFor() => new(parse.GetValue(maxIterOpt), parse.GetValue(tolOpt), parse.GetValue(seedOpt), new FitProgress(error, "prob gmm fit",
            "iteration", st => string.Create(CultureInfo.InvariantCulture, $"log-likelihood {st.ElboPerObservation:F6} per row")));
        if (parse.GetValue<string?>("--checkpoint") is not null && !ClusterSession.Requested(parse))
            throw new UsageException("--checkpoint applies to partitioned fits; add --workers N or --cluster redis://HOST:PORT.");
        if (ClusterSession.Requested(parse))
        {
            if (bayesian) throw new UsageException("--bayesian fits load their data; partitioned fits (--workers, --cluster) are EM only.");
            if (choice == BackendChoice.Gpu) throw new UsageException("partitioned fits (--workers, --cluster) run on the workers' CPUs; leave out --backend gpu.");
            var shards = NpyRowSource.Open(dataPath);
            return FitDistributed(parse, ct, shards, k, type, ReadInit(initPath, k, shards.Columns, type, budget), parse.GetValue(restartsOpt), threads, fitOptionsFor(), outPath, json, budget);
        }
        if (parse.GetValue<bool>(OutOfCoreName) || Directory.Exists(dataPath))
        {
            if (bayesian) throw new UsageException("--bayesian fits load their data; out-of-core fits (a folder of shards, --out-of-core) are EM only.");
            if (choice == BackendChoice.Gpu) throw new UsageException("out-of-core fits (a folder of shards, --out-of-core) run on the CPU; leave out --backend gpu.");
            var source = NpyRowSource.Open(dataPath);
            return FitOutOfCore(parse, ct, source, k, type, ReadInit(initPath, k, source.Columns, type, budget), parse.GetValue(restartsOpt), threads, fitOptionsFor(), outPath, json, budget);
        }
        var table = CliProgress.Loading(error, json, dataPath, () => NumericData.Load(dataPath, budget, ct));
        if (table.Rows < k) throw new DataFormatException(table.Source ?? dataPath, null, GaussianMixture.TooFewRows(table.Rows, k));
        budget.Require(GaussianMixture.EstimateFitBytes(table.Rows, table.Columns, k, type, threads ?? Environment.ProcessorCount),
            string.Create(CultureInfo.InvariantCulture, $"a {type} Gaussian mixture of {k} components on {table.Rows} rows × {table.Columns} columns"),
            "--components or use --covariance diag (D values per component instead of D²)");
        var fitOptions = fitOptionsFor();
        if (bayesian) return FitBayesian(parse, ct, table, k, type, choice, threads, bayes, fitOptions, backendOpt, outPath, json, budget);
        var (initKind, means, start) = ReadInit(initPath, k, table.Columns, type, budget);
        IMixtureBackend backend;
        try { backend = MixtureBackends.Create(choice, threads); }
        catch (InvalidOperationException e) { throw new UsageException($"--backend {parse.GetValue(backendOpt)}: {e.Message}"); }
        try
        {
            var options = new GaussianMixtureOptions(k, type, Restarts: parse.GetValue(restartsOpt), Init: initKind, InitialMeans: means,
                InitialParameters: start, Backend: backend, Budget: budget);
            var (gmm, trace) = new GaussianMixture(options).Fit(table, fitOptions, ct);
            FitProgress.ThrowIfNothingCompleted(trace, ct);
            gmm.Save(outPath);
            if (json) output.WriteLine(FitJson(gmm, outPath, trace, table.Rows, backend.Name, options.Restarts, gmm.Bic(table), gmm.Aic(table)).ToJsonString());
            else
            {
                output.WriteLine(trace.ToTable());
                output.WriteLine(Summary(gmm, gmm.Bic(table)));
                output.WriteLine($"saved {outPath} ({backend.Name}, {trace.SecondsPerStep.ToString("G4", CultureInfo.InvariantCulture)} s/iteration)");
            }
            return trace.StopReason == StopReason.Cancelled ? FitProgress.Interrupted(error, "prob gmm fit", trace, "iteration", outPath) : CliHost.Ok;
        }
        finally { (backend as IDisposable)?.Dispose(); }
    }

    private static (MixtureInit Kind, double[]? Means, GaussianMixtureParameters? Start) ReadInit(string init, int k, int d, CovarianceType type, Core.MemoryBudget budget)
    {
        switch (init.ToLowerInvariant())
        {
            case "kmeans++" or "kmeans" or "k-means++": return (MixtureInit.KMeansPlusPlus, null, null);
            case "random": return (MixtureInit.RandomResponsibilities, null, null);
        }
        if (init.EndsWith(".npy", StringComparison.OrdinalIgnoreCase))
        {
            var a = NpyReader.Read(init, budget);
            if (a.Shape.Length != 2 || a.Shape[0] != k || a.Shape[1] != d)
                throw new DataFormatException(init, null, $"initial means must have shape ({k}, {d}); got ({string.Join(", ", a.Shape)})");
            DataChecks.RequireGaussianScale(a.ToTable(init));
            return (MixtureInit.Means, a.Data, null);
        }
        if (init.EndsWith(".json", StringComparison.OrdinalIgnoreCase))
        {
            var s = ModelFile.ReadJson<StartPoint>(init, budget);
            if (s.Weights is null || s.Means is null || s.Covariances is null)
                throw new DataFormatException(init, null, "a start point needs \"weights\", \"means\" and \"covariances\"");
            if (s.Means.Length != k) throw new DataFormatException(init, null, $"holds {s.Means.Length} components; --k is {k}");
            if (s.Means.Any(m => m is null || m.Length != d)) throw new DataFormatException(init, null, $"every mean needs {d} values (the data have {d} columns)");
            try { return (MixtureInit.Parameters, null, GaussianMixtureParameters.FromFullCovariances(type, s.Weights, s.Means, s.Covariances)); }
            catch (ArgumentException e) { throw new DataFormatException(init, null, e.Message); }
        }
        throw new UsageException($"--init '{init}': use kmeans++, random, a .npy of initial means or a .json start point.");
    }

    private static int Predict(ParseResult parse, Option<string> modelOpt, Option<string> dataOpt, Option<bool> probaOpt, Option<bool> jsonOpt,
        Option<string> outputOpt, Option<int> blockRowsOpt, CancellationToken ct)
    {
        var output = parse.InvocationConfiguration.Output;
        var budget = CliHost.Budget(parse);
        var modelPath = parse.GetValue(modelOpt)!;
        bool bayesian = ModelFile.ReadKind(modelPath, budget) == BayesianGaussianMixture.ModelKind;
        GaussianMixture? gmm = bayesian ? null : GaussianMixture.Load(modelPath, budget);
        BayesianGaussianMixture? vb = bayesian ? BayesianGaussianMixture.Load(modelPath, budget) : null;
        var dataPath = parse.GetValue(dataOpt)!;
        bool json = parse.GetValue(jsonOpt), withProba = parse.GetValue(probaOpt);
        var outPath = parse.GetValue(outputOpt) is { } requested ? Checks.Output(requested, "-o", new InputFile(dataPath, "--data"), new InputFile(modelPath, "--model")) : null;
        int k = gmm?.Parameters!.Components ?? vb!.Components, d = gmm?.Parameters!.Dimension ?? vb!.Dimension;
        Func<NumericTable, (double[] Probabilities, double[] LogDensity)> evaluate = gmm is not null ? gmm.PredictProbaAndScoreSamples : vb!.PredictProbaAndScoreSamples;
        if (parse.GetValue<bool>(OutOfCoreName) || Directory.Exists(dataPath))
            return PredictOutOfCore(parse, parse.GetValue(blockRowsOpt), modelPath, NpyRowSource.Open(dataPath), k, d, evaluate, withProba, json, outPath, ct);

        var table = CliProgress.Loading(parse.InvocationConfiguration.Error, json, dataPath, () => NumericData.Load(dataPath, budget, ct));
        if (table.Columns != d)
            throw new DataFormatException(table.Source ?? dataPath, null, $"has {table.Columns} columns; the model was fitted on {d}");
        var (r, logDensity) = evaluate(table);
        var labels = GaussianMixture.Labels(r, k);
        double score = logDensity.Sum();
        if (outPath is not null)
        {
            AtomicFile.Write(outPath, stream =>
            {
                NpyWriter.WriteHeader(stream, withProba ? "<f8" : "<i4", withProba ? [table.Rows, k] : [table.Rows]);
                if (withProba) NpyWriter.Write(stream, r);
                else NpyWriter.Write(stream, labels);
            });
            output.WriteLine(PredictSummary(json, modelPath, outPath, table.Rows, score, withProba, shards: null));
        }
        else if (json)
        {
            var o = new JsonObject
            {
                ["command"] = "gmm predict",
                ["model"] = modelPath,
                ["labels"] = JsonSerializer.SerializeToNode(labels),
                ["score"] = score,
                ["scorePerObservation"] = score / table.Rows,
            };
            if (withProba) o["probabilities"] = JsonSerializer.SerializeToNode(r);
            output.WriteLine(o.ToJsonString());
        }
        else if (withProba)
        {
            for (int i = 0; i < table.Rows; i++)
                output.WriteLine(string.Join(",", Enumerable.Range(0, k).Select(c => r[i * k + c].ToString("G6", CultureInfo.InvariantCulture))));
        }
        else foreach (var l in labels) output.WriteLine(l);
        return CliHost.Ok;
    }

    /// <summary>The JSON line of <c>gmm fit --json</c> for a maximum-likelihood fit, in memory or out of core.</summary>
    private static JsonObject FitJson(GaussianMixture gmm, string outPath, ElboTrace trace, long rows, string backend, int restarts, double bic, double aic)
    {
        var p = gmm.Parameters!;
        var o = Conventions.FitJson("gmm fit", outPath, trace);
        o["bayesian"] = false;
        o["covarianceType"] = p.CovarianceType.ToString();
        o["components"] = p.Components;
        o["dimension"] = p.Dimension;
        o["rows"] = rows;
        o["backend"] = backend;
        o["restarts"] = restarts;
        o["logLikelihood"] = gmm.LowerBound;
        o["logLikelihoodPerObservation"] = gmm.LowerBoundPerObservation;
        o["bic"] = bic;
        o["aic"] = aic;
        o["weights"] = JsonSerializer.SerializeToNode(p.Weights);
        o["means"] = JsonSerializer.SerializeToNode(Enumerable.Range(0, p.Components).Select(p.Mean).ToArray());
        o["covariances"] = JsonSerializer.SerializeToNode(p.Covariances);
        return o;
    }

    private static string Summary(GaussianMixture gmm, double bic)
    {
        var p = gmm.Parameters!;
        var lines = new List<string>();
        for (int c = 0; c < p.Components; c++)
            lines.Add(string.Create(CultureInfo.InvariantCulture, $"  component {c}: weight {p.Weights[c]:F4}, mean [{string.Join(", ", p.Mean(c).Select(v => v.ToString("G6", CultureInfo.InvariantCulture)))}]"));
        lines.Add(string.Create(CultureInfo.InvariantCulture, $"log-likelihood {gmm.LowerBound:F4} nats ({gmm.LowerBoundPerObservation:F6} per row); BIC {bic:F2}"));
        return string.Join(Environment.NewLine, lines);
    }

    /// <summary>The demo: Old Faithful, K = 2, full covariances, from the peers' fixed start (rows 55 and 141).</summary>
    public static void Demo(DemoCommand.DemoContext context)
    {
        var table = NumericData.Load(Path.Combine(context.DatasetsDirectory, "faithful.csv"));
        double[][] cov = BiasedCovariancePlusRidge(table, 1e-6); // the peers' start rule (gmm_data.py): same for both components
        var start = GaussianMixtureParameters.FromFullCovariances(CovarianceType.Full, [0.5, 0.5], [table.Row(55).ToArray(), table.Row(141).ToArray()], [cov, cov]);
        var (gmm, trace) = new GaussianMixture(new GaussianMixtureOptions(2, Init: MixtureInit.Parameters, InitialParameters: start))
            .Fit(table, new FitOptions(MaxIterations: 50, Tolerance: 0, Seed: context.Seed), context.CancellationToken);
        context.CancellationToken.ThrowIfCancellationRequested();
        context.Out.WriteLine(trace.ToTable());
        context.Out.WriteLine(Summary(gmm, gmm.Bic(table)));
        context.Out.WriteLine("reference: scikit-learn 1.2.1 from the same start after 50 iterations reaches -4.155382 (../shared/peers/README.md)");
    }

    private static double[][] BiasedCovariancePlusRidge(NumericTable table, double ridge)
    {
        int n = table.Rows, d = table.Columns;
        var mean = new double[d];
        for (int i = 0; i < n; i++) for (int j = 0; j < d; j++) mean[j] += table[i, j] / n;
        var cov = new double[d][];
        for (int a = 0; a < d; a++)
        {
            cov[a] = new double[d];
            for (int b = 0; b < d; b++)
            {
                double s = 0;
                for (int i = 0; i < n; i++) s += (table[i, a] - mean[a]) * (table[i, b] - mean[b]);
                cov[a][b] = s / n + (a == b ? ridge : 0);
            }
        }
        return cov;
    }
}
