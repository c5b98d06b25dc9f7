using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Probabilistic.Core.Data;
using Probabilistic.Core.Inference;
using Probabilistic.Core.IO;
using Probabilistic.Core.Numerics;
using Probabilistic.Hmm;
using Probabilistic.Hmm.Emissions;

namespace Probabilistic.Cli.Commands;

/// <summary><c>prob hmm fit|decode|score</c>: hidden Markov models on sequence files.</summary>
public static class HmmCommand
{
    private static readonly string[] Families = ["categorical", "gaussian", "gmm", "poisson"];

    public static Command Create() => new("hmm", "Hidden Markov models: Baum-Welch fitting, Viterbi/MAP decoding, scoring")
    {
        FitCommand(), DecodeCommand(), ScoreCommand(),
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
        var start = GaussianStart(data, 3, CovarianceType.Diagonal, 1e-6, context.Seed, "demo series");
        var fit = BaumWelch<GaussianEmission, GaussianStatistics>.Fit(start, data, new FitOptions(200, 1e-8, context.Seed), cancellationToken: context.CancellationToken);
        context.CancellationToken.ThrowIfCancellationRequested();
        context.Out.WriteLine(fit.Trace.ToTable());
        var order = Enumerable.Range(0, 3).OrderBy(k => fit.Model.Emission.Means[k]).ThenBy(k => fit.Model.Emission.Covariances[k]).ToArray();
        foreach (var k in order)
            context.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"state {k}: mean {fit.Model.Emission.Means[k],7:F3}  variance {fit.Model.Emission.Covariances[k],6:F3}  stay {fit.Model.Transition(k, k):F3}"));
        context.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"(generating regimes: mean 0 / var 0.2 / stay 0.95, mean 0 / var 2 / stay 0.85, mean 1.5 / var 0.5 / stay 0.90; true-parameter log-likelihood {truth.Score(data):F2})"));
    }

    private static Option<string> DataOption() => new("--data") { Description = "Sequences: text (one observation per line, blank line between sequences) or .npy rows with --lengths", Required = true };
    private static Option<string?> LengthsOption() => new("--lengths") { Description = "For .npy data: comma-separated sequence lengths, or a file holding them" };
    private static Option<bool> JsonOption() => new("--json") { Description = "Print one JSON document instead of text" };
    private static Option<int?> ThreadsOption() => new("--threads") { Description = "Worker threads (default: all cores)" };

    private static Command FitCommand()
    {
        var data = DataOption(); var lengths = LengthsOption(); var json = JsonOption(); var threads = ThreadsOption();
        var states = new Option<int>("--states") { Description = "Number of hidden states", Required = true };
        var emission = new Option<string>("--emission") { Description = "categorical | gaussian | gmm | poisson", Required = true };
        emission.AcceptOnlyFromAmong(Families);
        var covariance = new Option<string>("--covariance") { Description = "Gaussian covariance: full | diag | spherical | tied (one full matrix shared by all states; not for gmm)", DefaultValueFactory = _ => "full" };
        covariance.AcceptOnlyFromAmong("full", "diag", "spherical", "tied");
        var maxIter = new Option<int>("--max-iter") { Description = "Baum-Welch iterations at most", DefaultValueFactory = _ => 100 };
        var tol = new Option<double>("--tol") { Description = "Relative tolerance on the log-likelihood per observation (0: run all iterations)", DefaultValueFactory = _ => 1e-6 };
        var seed = new Option<int>("--seed") { Description = "Seed for the random start", DefaultValueFactory = _ => 1 };
        var init = new Option<string?>("--init") { Description = "Gaussian start point JSON {\"start\",\"transitions\",\"means\",\"covariances\"} (the peer scripts' format)" };
        var reg = new Option<double>("--reg") { Description = "Gaussian covariance regularisation r (MAP: Σ = (S + rI)/N)", DefaultValueFactory = _ => 1e-6 };
        var pseudo = new Option<double>("--pseudocount") { Description = "Dirichlet pseudo-count added to start, transition and categorical emission counts", DefaultValueFactory = _ => 0 };
        var mixtures = new Option<int>("--components") { Description = "GMM: mixture components per state", DefaultValueFactory = _ => 2 };
        var output = new Option<string>("-o", "--output") { Description = "Where to save the fitted model (JSON); on Ctrl-C the last completed iteration is saved", Required = true };
        var command = new Command("fit", "Fit an HMM by Baum-Welch") { data, lengths, states, emission, covariance, mixtures, maxIter, tol, seed, init, reg, pseudo, output, json, threads };
        command.SetAction((parse, ct) =>
        {
            var o = parse.InvocationConfiguration.Output;
            var error = parse.InvocationConfiguration.Error;
            string family = parse.GetValue(emission)!, path = parse.GetValue(data)!;
            int k = Checks.AtLeast(parse.GetValue(states), 1, "--states");
            Checks.AtLeast(parse.GetValue(maxIter), 1, "--max-iter");
            Checks.Finite(parse.GetValue(tol), 0, "--tol");
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
            var type = ParseCovariance(parse.GetValue(covariance));
            if (family == "gmm" && type == CovarianceType.Tied)
                throw new UsageException("--covariance tied is not supported with --emission gmm (tied covariances are for --emission gaussian); use full, diag or spherical");
            var initPath = parse.GetValue(init);
            var budget = CliHost.Budget(parse);
            var outPath = Checks.Output(parse.GetValue(output), "-o", new InputFile(path, "--data"), new InputFile(lengthsText ?? "", "--lengths"), new InputFile(initPath ?? "", "--init"));
            var options = new FitOptions(parse.GetValue(maxIter), parse.GetValue(tol), parse.GetValue(seed),
                new FitProgress(error, "prob hmm fit", "iteration", st => string.Create(CultureInfo.InvariantCulture, $"log-likelihood {st.ElboPerObservation:F6} per observation")));
            var priors = new HmmPriors(pc, pc);
            int threadCount = nThreads ?? Environment.ProcessorCount;
            var clock = Stopwatch.StartNew();
            (IHiddenMarkovModel Model, ElboTrace Trace, double Final, double Objective) result;
            string[]? symbols = null;
            if (family == "categorical")
            {
                var (set, vocabulary) = ReadSymbolData(path, lengthsText, null, budget, ct);
                symbols = vocabulary;
                int v = vocabulary?.Length ?? (int)Math.Min(set.Values.Max() + 1, int.MaxValue);
                RequireFitMemory(budget, k, 2.0 * k * v, set, threadCount, $"{k:N0} categorical states over {v:N0} symbols");
                var model = new HiddenMarkovModel<CategoricalEmission, CategoricalStatistics>(Uniform(k), StickyTransitions(k),
                    CategoricalEmission.Random(k, v, parse.GetValue(seed), pc));
                result = Run(BaumWelch<CategoricalEmission, CategoricalStatistics>.Fit, model, set, options, priors, nThreads, ct, budget, path);
            }
            else
            {
                var set = ReadNumericData(path, lengthsText, budget, ct);
                int d = set.Dimension;
                if (family == "poisson")
                {
                    RequireFitMemory(budget, k, 2.0 * k * d, set, threadCount, $"{k:N0} Poisson states in {d} dimensions");
                    var model = new HiddenMarkovModel<PoissonEmission, PoissonStatistics>(Uniform(k), StickyTransitions(k),
                        PoissonEmission.FromRates(k, d, PickRows(set, k, parse.GetValue(seed), path).Select(x => x + 0.5).ToArray()));
                    result = Run(BaumWelch<PoissonEmission, PoissonStatistics>.Fit, model, set, options, priors, nThreads, ct, budget, path);
                }
                else if (family == "gmm")
                {
                    RequireFitMemory(budget, k, 2.0 * k * c * (CovarianceValues(type, d) + d + 1), set, threadCount, $"{k:N0} states of {c} {type} Gaussian components in {d} dimensions");
                    var components = GaussianEmissionStart(set, k * c, type, r, parse.GetValue(seed), path, "mixture components (--states × --components)");
                    var model = new HiddenMarkovModel<GaussianMixtureEmission, GaussianMixtureStatistics>(Uniform(k), StickyTransitions(k),
                        GaussianMixtureEmission.Create(k, c, Enumerable.Repeat(1.0 / c, k * c).ToArray(), components, pc));
                    result = Run(BaumWelch<GaussianMixtureEmission, GaussianMixtureStatistics>.Fit, model, set, options, priors, nThreads, ct, budget, path);
                }
                else
                {
                    RequireFitMemory(budget, k, 2.0 * k * (CovarianceValues(type, d) + d), set, threadCount, $"{k:N0} {type} Gaussian states in {d} dimensions");
                    var model = initPath is not null
                        ? GaussianStartPoint.Read(initPath, budget).ToModel(type, r, initPath)
                        : GaussianStart(set, k, type, r, parse.GetValue(seed), path);
                    if (model.Dimension != d)
                        throw new DataFormatException(initPath ?? path, null, $"the start point has dimension {model.Dimension} but the data have {d}");
                    if (model.StateCount != k)
                        throw new DataFormatException(initPath ?? path, null, $"the start point has {model.StateCount} states but --states is {k}");
                    result = Run(BaumWelch<GaussianEmission, GaussianStatistics>.Fit, model, set, options, priors, nThreads, ct, budget, path);
                }
            }
            FitProgress.ThrowIfNothingCompleted(result.Trace, ct);
            HmmModelFile.Save(outPath, result.Model, symbols);
            double seconds = clock.Elapsed.TotalSeconds;
            if (parse.GetValue(json))
            {
                o.WriteLine(JsonSerializer.Serialize(new
                {
                    command = "hmm fit", emission = family, states = k, observations = result.Trace.ObservationCount,
                    trace = result.Trace.Select(s => new { iteration = s.Iteration, elbo = s.Elbo, elboPerObservation = s.ElboPerObservation, seconds = s.Elapsed.TotalSeconds }),
                    stopReason = result.Trace.StopReason.ToString(), finalLogLikelihood = result.Final, finalObjective = result.Objective,
                    secondsPerIteration = result.Trace.SecondsPerStep, secondsTotal = seconds, model = HmmModelFile.ToData(result.Model, symbols), output = outPath,
                }, ModelFile.JsonOptions));
            }
            else
            {
                o.WriteLine(result.Trace.ToTable());
                o.WriteLine(string.Create(CultureInfo.InvariantCulture, $"final log-likelihood {result.Final:F4} nats; {seconds:F2} s; model saved to {outPath}"));
            }
            return Task.FromResult(result.Trace.StopReason == StopReason.Cancelled
                ? FitProgress.Interrupted(error, "prob hmm fit", result.Trace, "iteration", outPath) : CliHost.Ok);
        });
        return command;
    }

    /// <summary>--lengths cuts .npy rows into sequences; text files separate sequences by blank lines, so there it is refused, not ignored.</summary>
    private static void CheckLengthsApply(string dataPath, string? lengths)
    {
        if (lengths is not null && !dataPath.EndsWith(".npy", StringComparison.OrdinalIgnoreCase))
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

    private delegate HmmFitResult<TE, TS> FitFunction<TE, TS>(HiddenMarkovModel<TE, TS> initial, SequenceSet data, FitOptions? options,
        HmmPriors? priors, int? maxThreads, CancellationToken ct, Core.MemoryBudget? budget) where TE : IEmissionModel<TE, TS> where TS : class;

    private static (IHiddenMarkovModel, ElboTrace, double, double) Run<TE, TS>(FitFunction<TE, TS> fit, HiddenMarkovModel<TE, TS> model, SequenceSet data,
        FitOptions options, HmmPriors priors, int? threads, CancellationToken ct, Core.MemoryBudget budget, string path) where TE : IEmissionModel<TE, TS> where TS : class
    {
        try
        {
            var r = fit(model, data, options, priors, threads, ct, budget);
            return (r.Model, r.Trace, r.FinalLogLikelihood, r.FinalObjective);
        }
        // A degenerate M-step (a variance collapsing to zero) is a property of these data and settings, not a bug.
        catch (ArgumentException e) { throw new DataFormatException(path, null, $"the fit failed on these data: {e.Message}", e); }
    }

    private static Command DecodeCommand()
    {
        var data = DataOption(); var lengths = LengthsOption(); var json = JsonOption(); var threads = ThreadsOption();
        var model = new Option<string>("-m", "--model") { Description = "Model file written by 'prob hmm fit'", Required = true };
        var algorithm = new Option<string>("--algorithm") { Description = "viterbi (best path) | map (best state per step)", DefaultValueFactory = _ => "viterbi" };
        algorithm.AcceptOnlyFromAmong("viterbi", "map");
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
                o.WriteLine(JsonSerializer.Serialize(new { algorithm = alg.ToString().ToLowerInvariant(), paths = paths.Select(p => p.States), logProbabilities = paths.Select(p => p.LogProbability) }, ModelFile.JsonOptions));
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
        var data = DataOption(); var lengths = LengthsOption(); var json = JsonOption(); var threads = ThreadsOption();
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
                o.WriteLine(JsonSerializer.Serialize(new { total, perObservation = total / set.TotalLength, observations = set.TotalLength, sequences = each }, ModelFile.JsonOptions));
            else
                o.WriteLine(string.Create(CultureInfo.InvariantCulture, $"log-likelihood {total:F6} nats over {set.Count} sequences, {set.TotalLength} observations ({total / set.TotalLength:F6} per observation)"));
            return Task.FromResult(CliHost.Ok);
        });
        return command;
    }

    private static (IHiddenMarkovModel, SequenceSet) LoadModelAndData(ParseResult parse, string modelPath, string dataPath, string? lengths, int? threads, CancellationToken ct)
    {
        CheckLengthsApply(dataPath, lengths);
        var budget = CliHost.Budget(parse);
        var (model, file) = HmmModelFile.Load(modelPath, budget);
        SequenceSet set = model.Family == "categorical"
            ? ReadSymbolData(dataPath, lengths, file.Symbols, budget, ct).Data
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

    private static double[] Uniform(int k) => Enumerable.Repeat(1.0 / k, k).ToArray();

    /// <summary>0.5 I + 0.5/K: the peers' start for the transitions.</summary>
    private static double[] StickyTransitions(int k)
    {
        var a = new double[k * k];
        for (int i = 0; i < k; i++) for (int j = 0; j < k; j++) a[i * k + j] = (i == j ? 0.5 : 0) + 0.5 / k;
        return a;
    }

    /// <summary>K distinct observations picked with the seed, flattened (K×D).</summary>
    private static double[] PickRows(SequenceSet set, int k, int seed, string path, string what = "states (--states)")
    {
        if (set.TotalLength < k) throw new DataFormatException(DataFiles.DisplayName(path), null, $"{set.TotalLength} observations cannot seed {k} {what}; use fewer or more data");
        var random = Rng.Create(seed);
        var rows = new HashSet<long>();
        while (rows.Count < k) rows.Add(random.NextInt64(set.TotalLength));
        return rows.SelectMany(r => set.Values.AsSpan((int)(r * set.Dimension), set.Dimension).ToArray()).ToArray();
    }

    private static CovarianceType ParseCovariance(string? name) => name switch
    {
        "diag" => CovarianceType.Diagonal, "spherical" => CovarianceType.Spherical, "tied" => CovarianceType.Tied, _ => CovarianceType.Full,
    };

    /// <summary>Means = K random observations, every covariance = the data's covariance (+ r I) (tied: that one matrix), uniform π, sticky A.</summary>
    private static HiddenMarkovModel<GaussianEmission, GaussianStatistics> GaussianStart(SequenceSet set, int k, CovarianceType type, double reg, int seed, string path)
    {
        var emission = GaussianEmissionStart(set, k, type, reg, seed, path);
        return new HiddenMarkovModel<GaussianEmission, GaussianStatistics>(Uniform(k), StickyTransitions(k), emission);
    }

    /// <summary>K Gaussians: means = K random observations, every covariance = the data's covariance (+ r I) (tied: that one matrix).</summary>
    private static GaussianEmission GaussianEmissionStart(SequenceSet set, int k, CovarianceType type, double reg, int seed, string path,
        string what = "states (--states)")
    {
        var rows = PickRows(set, k, seed, path, what);
        int d = set.Dimension;
        long n = set.TotalLength;
        var mean = new double[d];
        for (long i = 0; i < n; i++) for (int a = 0; a < d; a++) mean[a] += set.Values[i * d + a] / n;
        var cov = new double[d * d];
        for (long i = 0; i < n; i++)
            for (int a = 0; a < d; a++)
                for (int b = 0; b < d; b++) cov[a * d + b] += (set.Values[i * d + a] - mean[a]) * (set.Values[i * d + b] - mean[b]) / n;
        for (int a = 0; a < d; a++) cov[a * d + a] += Math.Max(reg, 1e-9);
        double[] one = type switch
        {
            CovarianceType.Full or CovarianceType.Tied => cov,
            CovarianceType.Diagonal => Enumerable.Range(0, d).Select(a => cov[a * d + a]).ToArray(),
            _ => [Enumerable.Range(0, d).Average(a => cov[a * d + a])],
        };
        return GaussianEmission.FromParameters(k, d, type, rows, type == CovarianceType.Tied ? one : Enumerable.Repeat(one, k).SelectMany(c => c).ToArray(), reg);
    }
}
