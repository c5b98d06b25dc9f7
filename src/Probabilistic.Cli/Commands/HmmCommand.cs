using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Probabilistic.Core.Data;
using Probabilistic.Core.Inference;
using Probabilistic.Core.IO;
using Probabilistic.Core.Numerics;
using Probabilistic.Hmm;
using Probabilistic.Hmm.Emissions;
using Probabilistic.Core.Gaussians;

namespace Probabilistic.Cli.Commands;

/// <summary><c>prob hmm fit|decode|score|select</c>: hidden Markov models on sequence files.</summary>
public static partial class HmmCommand
{
    private static readonly string[] Families = ["categorical", "gaussian", "gmm", "poisson"];

    public static Command Create() => new("hmm", "Hidden Markov models: Baum-Welch fitting, Viterbi/MAP decoding, scoring, model selection")
    {
        FitCommand(), DecodeCommand(), ScoreCommand(), SelectCommand(),
    };

    /// <summary>
    /// The <c>prob demo</c> entry: a 3-regime Gaussian HMM (calm, volatile, trending) generates 20 series of 300 steps
    /// with the demo seed; Baum-Welch fits a fresh 3-state model from a seeded random start and prints its trace.
    /// </summary>
    public static void Demo(DemoCommand.DemoContext context)
    {
        var truth = new HiddenMarkovModel<GaussianEmission, GaussianStatistics>([0.6, 0.3, 0.1],
            [0.95, 0.04, 0.01, 0.10, 0.85, 0.05, 0.05, 0.05, 0.90],
            GaussianEmission.Univariate([0.0, 0.0, 1.5], [0.2, 2.0, 0.5]));
        var series = Enumerable.Range(0, 20).Select(n => truth.Sample(300, Rng.Derive(context.Seed, n)).Observations).ToList();
        var data = SequenceSet.FromSequences(series);
        var (model, trace) = new GaussianHmm(new HmmOptions(3, CovarianceType.Diagonal))
            .Fit(data, new FitOptions(200, 1e-8, context.Seed), context.CancellationToken);
        context.CancellationToken.ThrowIfCancellationRequested();
        context.Out.WriteLine(trace.ToTable());
        var order = Enumerable.Range(0, 3).OrderBy(k => model.Emission.Means[k]).ThenBy(k => model.Emission.Covariances[k]).ToArray();
        foreach (var k in order)
            context.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"state {k}: mean {model.Emission.Means[k],7:F3}  variance {model.Emission.Covariances[k],6:F3}  stay {model.Transition(k, k):F3}"));
        context.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"(generating regimes: mean 0 / var 0.2 / stay 0.95, mean 0 / var 2 / stay 0.85, mean 1.5 / var 0.5 / stay 0.90; true-parameter log-likelihood {truth.Score(data):F2})"));
    }

    private static Option<string> DataOption() => new("--data") { Description = "Sequences: text (one observation per line, blank line between sequences) or .npy rows with --lengths", Required = true };
    private static Option<string?> LengthsOption() => new("--lengths", "--lengths-file") { Description = "For .npy data or a folder of .npy shards: comma-separated sequence lengths, or a file holding them" };
    private static Option<int?> ThreadsOption() => new("--threads") { Description = "Worker threads (default: all cores)" };

    private static Option<string> EmissionOption(bool required = true) =>
        new Option<string>("--emission") { Description = "categorical | gaussian | gmm | poisson", Required = required }.OneOf(Families);

    private static Option<string> CovarianceOption() =>
        new Option<string>("--covariance") { Description = "Gaussian covariance: full | diag | spherical | tied (one full matrix shared by all states; not for gmm)", DefaultValueFactory = _ => "full" }
            .OneOf(["full"], ["diag", "diagonal"], ["spherical"], ["tied"]);

    private static Option<double> RegOption() =>
        new("--reg") { Description = "Gaussian covariance regularisation r (MAP: Σ = (S + rI)/N, hmmlearn's convention)", DefaultValueFactory = _ => 1e-6 };

    private static Option<double> PseudocountOption() =>
        new("--pseudocount") { Description = "Dirichlet pseudo-count added to start, transition and categorical emission counts", DefaultValueFactory = _ => 0 };

    private static Option<int> MixtureComponentsOption() =>
        new("--components") { Description = "GMM: mixture components per state", DefaultValueFactory = _ => 2 };

    private static Command FitCommand()
    {
        var data = DataOption(); var lengths = LengthsOption(); var json = Conventions.Json(); var threads = ThreadsOption();
        var states = new Option<int>("--states") { Description = "Number of hidden states K (the family's size)", Required = true };
        var emission = EmissionOption();
        var covariance = CovarianceOption();
        var maxIter = Conventions.MaxIterations("Baum-Welch iterations at most");
        var tol = Conventions.Tolerance();
        var seed = Conventions.Seed("Seed of the start drawn from the data (k-means centres; categorical rows)");
        var restarts = new Option<int>("--restarts") { Description = "Fits from different seeded starts; the best objective is kept", DefaultValueFactory = _ => 1 };
        var init = new Option<string?>("--init") { Description = "Gaussian start point JSON {\"start\",\"transitions\",\"means\",\"covariances\"} (the peer scripts' format)" };
        var reg = RegOption(); var pseudo = PseudocountOption(); var mixtures = MixtureComponentsOption();
        var output = Conventions.Output("Where to save the fitted model (JSON); on Ctrl-C the last completed iteration is saved");
        var command = new Command("fit", "Fit an HMM by Baum-Welch from data alone (a seeded k-means start, as hmmlearn) or from --init")
        {
            data, lengths, states, emission, covariance, mixtures, maxIter, tol, seed, restarts, init, reg, pseudo, output, json, threads,
            OutOfCoreOption(), ClusterSession.WorkersOption(), ClusterSession.ClusterOption(), ClusterSession.CheckpointOption(),
        };
        command.SetAction((parse, ct) =>
        {
            var o = parse.InvocationConfiguration.Output;
            var error = parse.InvocationConfiguration.Error;
            string family = parse.GetValue(emission)!, path = parse.GetValue(data)!;
            int k = Checks.AtLeast(parse.GetValue(states), 1, "--states");
            Checks.AtLeast(parse.GetValue(maxIter), 1, "--max-iter");
            Checks.Finite(parse.GetValue(tol), 0, "--tol");
            int nRestarts = Checks.AtLeast(parse.GetValue(restarts), 1, "--restarts");
            double r = Checks.Finite(parse.GetValue(reg), 0, "--reg");
            double pc = Checks.Finite(parse.GetValue(pseudo), 0, "--pseudocount");
            int? nThreads = Checks.Threads(parse.GetValue(threads));
            var lengthsText = parse.GetValue(lengths);
            CheckLengthsApply(path, lengthsText);
            Checks.OnlyWith(parse, init, family == "gaussian", "applies to --emission gaussian only");
            Checks.OnlyWith(parse, mixtures, family == "gmm", "applies to --emission gmm only");
            Checks.OnlyWith(parse, covariance, family is "gaussian" or "gmm", "applies to --emission gaussian or gmm only");
            Checks.OnlyWith(parse, reg, family is "gaussian" or "gmm", "applies to --emission gaussian or gmm only");
            int c = Checks.AtLeast(parse.GetValue(mixtures), 1, "--components");
            var type = CovarianceLayout.Parse(parse.GetValue(covariance)!);
            if (family == "gmm" && type == CovarianceType.Tied)
                throw new UsageException("--covariance tied is not supported with --emission gmm (tied covariances are for --emission gaussian); use full, diag or spherical");
            var initPath = parse.GetValue(init);
            if (initPath is not null && nRestarts != 1) throw new UsageException("--restarts applies to starts drawn from the data; leave it out with --init.");
            bool asJson = parse.GetValue(json);
            var budget = CliHost.Budget(parse);
            var outPath = Checks.Output(parse.GetValue(output), "-o", new InputFile(path, "--data"), new InputFile(lengthsText ?? "", "--lengths"), new InputFile(initPath ?? "", "--init"));
            var fitOptions = new FitOptions(parse.GetValue(maxIter), parse.GetValue(tol), parse.GetValue(seed),
                new FitProgress(error, "prob hmm fit", "iteration", st => string.Create(CultureInfo.InvariantCulture, $"log-likelihood {st.ElboPerObservation:F6} per observation")));
            var options = new HmmOptions(k, type, r, c, Priors: new HmmPriors(pc, pc), EmissionPseudocount: pc, Restarts: nRestarts, MaxThreads: nThreads, Budget: budget);
            if (parse.GetValue<string?>("--checkpoint") is not null && !ClusterSession.Requested(parse))
                throw new UsageException("--checkpoint applies to partitioned fits; add --workers N or --cluster redis://HOST:PORT.");
            if (IsOutOfCore(parse, path) || ClusterSession.Requested(parse))
                return Task.FromResult(FitOutOfCore(parse, ct, family, path, lengthsText, type, r, initPath, options, fitOptions, outPath, asJson, budget));
            int threadCount = nThreads ?? Environment.ProcessorCount;
            IHiddenMarkovModel model;
            ElboTrace trace;
            double logLikelihood;
            if (family == "categorical")
            {
                var (set, vocabulary) = CliProgress.Loading(error, asJson, path, () => ReadSymbolData(path, lengthsText, null, budget, ct));
                int v = vocabulary?.Length ?? (int)Math.Min(set.Values.Max() + 1, int.MaxValue);
                RequireFitMemory(budget, k, 2.0 * k * v, set, threadCount, $"{k:N0} categorical states over {v:N0} symbols");
                var (m, t) = Run(() => new CategoricalHmm(options with { Symbols = v }).Fit(set, fitOptions, ct), path);
                (model, trace) = (m.With(emission: m.Emission.WithSymbolNames(vocabulary)), t);
                logLikelihood = m.Score(set, nThreads);
            }
            else
            {
                var set = CliProgress.Loading(error, asJson, path, () => ReadNumericData(path, lengthsText, budget, ct));
                int d = set.Dimension;
                if (family == "poisson")
                {
                    RequireFitMemory(budget, k, 2.0 * k * d, set, threadCount, $"{k:N0} Poisson states in {d} dimensions");
                    var (m, t) = Run(() => new PoissonHmm(options).Fit(set, fitOptions, ct), path);
                    (model, trace, logLikelihood) = (m, t, m.Score(set, nThreads));
                }
                else if (family == "gmm")
                {
                    RequireFitMemory(budget, k, 2.0 * k * c * (CovarianceValues(type, d) + d + 1), set, threadCount, $"{k:N0} states of {c} {type} Gaussian components in {d} dimensions");
                    var (m, t) = Run(() => new GmmHmm(options).Fit(set, fitOptions, ct), path);
                    (model, trace, logLikelihood) = (m, t, m.Score(set, nThreads));
                }
                else
                {
                    RequireFitMemory(budget, k, 2.0 * k * (CovarianceValues(type, d) + d), set, threadCount, $"{k:N0} {type} Gaussian states in {d} dimensions");
                    var estimator = new GaussianHmm(options);
                    FitResult<HiddenMarkovModel<GaussianEmission, GaussianStatistics>> fitted;
                    if (initPath is not null)
                    {
                        var start = GaussianStartPoint.Read(initPath, budget).ToModel(type, r, initPath);
                        if (start.Dimension != d)
                            throw new DataFormatException(initPath, null, $"the start point has dimension {start.Dimension} but the data have {d}");
                        if (start.StateCount != k)
                            throw new DataFormatException(initPath, null, $"the start point has {start.StateCount} states but --states is {k}");
                        fitted = Run(() => estimator.Fit(set, start, fitOptions, ct), path);
                    }
                    else fitted = Run(() => estimator.Fit(set, fitOptions, ct), path);
                    (model, trace, logLikelihood) = (fitted.Model, fitted.Trace, fitted.Model.Score(set, nThreads));
                }
            }
            FitProgress.ThrowIfNothingCompleted(trace, ct);
            model.Save(outPath);
            if (asJson)
            {
                o.WriteLine(FitJson(family, k, nRestarts, model, outPath, trace, logLikelihood).ToJsonString(ModelFile.JsonOptions));
            }
            else
            {
                o.WriteLine(trace.ToTable());
                o.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"final log-likelihood {logLikelihood:F4} nats; {trace.TotalElapsed.TotalSeconds:F2} s; model saved to {outPath}"));
            }
            return Task.FromResult(trace.StopReason == StopReason.Cancelled
                ? FitProgress.Interrupted(error, "prob hmm fit", trace, "iteration", outPath) : CliHost.Ok);
        });
        return command;
    }

    /// <summary>--lengths cuts .npy rows into sequences; text files separate sequences by blank lines, so there it is refused, not ignored.</summary>
    private static void CheckLengthsApply(string dataPath, string? lengths)
    {
        if (lengths is not null && !dataPath.EndsWith(".npy", StringComparison.OrdinalIgnoreCase) && !Directory.Exists(dataPath))
            throw new UsageException($"--lengths applies to .npy data only; in the text file {dataPath} a blank line separates sequences (leave out --lengths, or give the data as .npy).");
    }

    private static double CovarianceValues(CovarianceType type, int d) => type switch
    {
        CovarianceType.Full or CovarianceType.Tied => (double)d * d,
        CovarianceType.Diagonal => d,
        _ => 1,
    };

    private static void RequireFitMemory(Core.MemoryBudget budget, int states, double emissionValues, SequenceSet set, int threads, string what) =>
        budget.Require(HmmMemory.FitBytes(states, emissionValues, set.MaxLength, threads),
            $"Baum-Welch for {what} on sequences of up to {set.MaxLength:N0} steps", "--states (or split long sequences)");

    private static T Run<T>(Func<T> fit, string path)
    {
        try { return fit(); }
        // A degenerate M-step (a variance collapsing to zero) is a property of these data and settings, not a bug.
        catch (ArgumentException e) { throw new DataFormatException(path, null, $"the fit failed on these data: {e.Message}", e); }
    }

    private static Command DecodeCommand()
    {
        var data = DataOption(); var lengths = LengthsOption(); var json = Conventions.Json(); var threads = ThreadsOption();
        var model = new Option<string>("-m", "--model") { Description = "Model file written by 'prob hmm fit'", Required = true };
        var algorithm = new Option<string>("--algorithm") { Description = "viterbi (best path) | map (best state per step)", DefaultValueFactory = _ => "viterbi" }
            .OneOf("viterbi", "map");
        var command = new Command("decode", "Most probable hidden states of each sequence") { model, data, lengths, algorithm, json, threads };
        command.SetAction((parse, ct) =>
        {
            var o = parse.InvocationConfiguration.Output;
            int? nThreads = Checks.Threads(parse.GetValue(threads));
            var (hmm, set) = LoadModelAndData(parse, parse.GetValue(model)!, parse.GetValue(data)!, parse.GetValue(lengths), nThreads, ct);
            var alg = parse.GetValue(algorithm) == "map" ? DecodeAlgorithm.Map : DecodeAlgorithm.Viterbi;
            var paths = hmm.DecodeAll(set, alg, nThreads);
            ct.ThrowIfCancellationRequested();
            if (parse.GetValue(json))
                o.WriteLine(JsonSerializer.Serialize(new { command = "hmm decode", model = parse.GetValue(model), algorithm = alg.ToString().ToLowerInvariant(),
                    paths = paths.Select(p => p.States), logProbabilities = paths.Select(p => p.LogProbability) }, ModelFile.JsonOptions));
            else
                for (int n = 0; n < paths.Length; n++)
                {
                    if (n > 0) o.WriteLine();
                    foreach (var s in paths[n].States) o.WriteLine(s.ToString(CultureInfo.InvariantCulture));
                }
            return Task.FromResult(CliHost.Ok);
        });
        return command;
    }

    private static Command ScoreCommand()
    {
        var data = DataOption(); var lengths = LengthsOption(); var json = Conventions.Json(); var threads = ThreadsOption();
        var model = new Option<string>("-m", "--model") { Description = "Model file written by 'prob hmm fit'", Required = true };
        var command = new Command("score", "Log-likelihood of each sequence and in total (a sequence the model cannot produce is refused, as decode refuses it)") { model, data, lengths, json, threads };
        command.SetAction((parse, ct) =>
        {
            var o = parse.InvocationConfiguration.Output;
            int? nThreads = Checks.Threads(parse.GetValue(threads));
            var (hmm, set) = LoadModelAndData(parse, parse.GetValue(model)!, parse.GetValue(data)!, parse.GetValue(lengths), nThreads, ct);
            var each = hmm.ScoreEach(set, nThreads);
            ct.ThrowIfCancellationRequested();
            for (int n = 0; n < each.Length; n++)
                if (double.IsNegativeInfinity(each[n])) throw set.ImpossibleSequence(n, "its log-likelihood is -Infinity");
            double total = each.Sum();
            if (parse.GetValue(json))
                o.WriteLine(JsonSerializer.Serialize(new { command = "hmm score", model = parse.GetValue(model), score = total,
                    scorePerObservation = total / set.TotalLength, observations = set.TotalLength, sequences = each }, ModelFile.JsonOptions));
            else
                o.WriteLine(string.Create(CultureInfo.InvariantCulture, $"log-likelihood {total:F6} nats over {set.Count} sequences, {set.TotalLength} observations ({total / set.TotalLength:F6} per observation)"));
            return Task.FromResult(CliHost.Ok);
        });
        return command;
    }

    /// <summary>The JSON line of <c>hmm fit --json</c>, in memory or out of core.</summary>
    private static JsonObject FitJson(string family, int states, int restarts, IHiddenMarkovModel model, string outPath, ElboTrace trace, double logLikelihood)
    {
        var doc = Conventions.FitJson("hmm fit", outPath, trace);
        doc["emission"] = family;
        doc["states"] = states;
        doc["restarts"] = restarts;
        doc["logLikelihood"] = logLikelihood;
        doc["logLikelihoodPerObservation"] = logLikelihood / trace.ObservationCount;
        doc["objective"] = trace.FinalElbo;
        doc["parameters"] = JsonSerializer.SerializeToNode(HmmModelFile.ToData(model), ModelFile.JsonOptions);
        return doc;
    }

    private static (IHiddenMarkovModel, SequenceSet) LoadModelAndData(ParseResult parse, string modelPath, string dataPath, string? lengths, int? threads, CancellationToken ct)
    {
        CheckLengthsApply(dataPath, lengths);
        var budget = CliHost.Budget(parse);
        var model = HmmModelFile.Load(modelPath, budget);
        SequenceSet set = model is HiddenMarkovModel<CategoricalEmission, CategoricalStatistics> categorical
            ? ReadSymbolData(dataPath, lengths, categorical.Emission.SymbolNames?.ToArray(), budget, ct).Data
            : ReadNumericData(dataPath, lengths, budget, ct);
        if (set.Dimension != model.Dimension)
            throw new DataFormatException(DataFiles.DisplayName(dataPath), null, $"observations have {set.Dimension} values but the model expects {model.Dimension}");
        budget.Require(HmmMemory.DecodeBytes(model.StateCount, 0, set.MaxLength, threads ?? Environment.ProcessorCount),
            $"decoding {model.StateCount:N0} states on sequences of up to {set.MaxLength:N0} steps", "the sequence lengths (split long sequences)");
        return (model, set);
    }

    /// <summary>Symbols as text (vocabulary from the file, or mapped through <paramref name="known"/>), or integer codes from .npy.</summary>
    private static (SequenceSet Data, string[]? Vocabulary) ReadSymbolData(string path, string? lengths, string[]? known, Core.MemoryBudget budget, CancellationToken ct)
    {
        if (path.EndsWith(".npy", StringComparison.OrdinalIgnoreCase)) return (ReadNumericData(path, lengths, budget, ct), known);
        var sequences = SequenceTextReader.ReadSymbols(path, budget, ct);
        string[] vocabulary = known ?? sequences.SelectMany(s => s).Distinct().Order(StringComparer.Ordinal).ToArray();
        var index = new Dictionary<string, int>(StringComparer.Ordinal);
        for (int i = 0; i < vocabulary.Length; i++) index[vocabulary[i]] = i;
        var coded = new List<int[]>(sequences.Count);
        for (int n = 0; n < sequences.Count; n++)
        {
            var codes = new int[sequences[n].Length];
            for (int t = 0; t < codes.Length; t++)
                codes[t] = index.TryGetValue(sequences[n][t], out var c) ? c
                    : throw new DataFormatException(DataFiles.DisplayName(path), null, $"sequence {n + 1}, observation {t + 1}: symbol '{sequences[n][t]}' was never seen in training; the model has no emission probability for it");
            coded.Add(codes);
        }
        return (SequenceSet.FromSymbols(coded).WithSource(DataFiles.DisplayName(path)), vocabulary);
    }

    private static SequenceSet ReadNumericData(string path, string? lengths, Core.MemoryBudget budget, CancellationToken ct)
    {
        List<NumericTable> tables;
        var name = DataFiles.DisplayName(path);
        if (path.EndsWith(".npy", StringComparison.OrdinalIgnoreCase))
        {
            var array = NpyReader.Read(path, budget, ct);
            if (array.Data.Length == 0) throw new DataFormatException(name, null, $"shape ({string.Join(", ", array.Shape)}) holds no observations");
            var table = array.Shape.Length == 3
                ? new NumericTable(array.Data, array.Shape[0] * array.Shape[1], array.Shape[2]) { Source = name }
                : array.ToTable(name);
            IReadOnlyList<int> cut = lengths is null
                ? array.Shape.Length == 3 ? Enumerable.Repeat(array.Shape[1], array.Shape[0]).ToArray() : [table.Rows]
                : ParseLengths(lengths);
            foreach (var v in table.Values) if (!double.IsFinite(v)) throw new DataFormatException(name, null, $"holds {v}; observations must be finite");
            tables = SequenceTextReader.SplitByLengths(table, cut, lengths is not null && File.Exists(lengths) ? lengths : "--lengths");
            tables = tables.Select(t => new NumericTable(t.Values, t.Rows, t.Columns) { Source = name }).ToList();
        }
        else tables = SequenceTextReader.ReadNumeric(path, budget, ct);
        return SequenceSet.FromTables(tables);
    }

    private static int[] ParseLengths(string text)
    {
        bool isFile = File.Exists(text);
        var source = isFile ? DataFiles.ReadSmallText(text) : text;
        var parts = source.Split([',', ' ', '\n', '\r', '\t'], StringSplitOptions.RemoveEmptyEntries);
        if (parts.Length == 0) throw new DataFormatException(isFile ? text : "--lengths", null, "no sequence lengths given");
        return parts.Select(p => int.TryParse(p, NumberStyles.Integer, CultureInfo.InvariantCulture, out var l) && l > 0 ? l
            : throw new DataFormatException(isFile ? text : "--lengths", null, $"'{p}' is not a sequence length (a whole number >= 1)")).ToArray();
    }
}
