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
        var start = GaussianStart(data, 3, CovarianceType.Diagonal, 1e-6, context.Seed);
        var fit = BaumWelch<GaussianEmission, GaussianStatistics>.Fit(start, data, new FitOptions(200, 1e-8, context.Seed), cancellationToken: context.CancellationToken);
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
        var output = new Option<string>("-o", "--output") { Description = "Where to save the fitted model (JSON)", Required = true };
        var command = new Command("fit", "Fit an HMM by Baum-Welch") { data, lengths, states, emission, covariance, mixtures, maxIter, tol, seed, init, reg, pseudo, output, json, threads };
        command.SetAction((parse, ct) =>
        {
            var o = parse.InvocationConfiguration.Output;
            string family = parse.GetValue(emission)!, path = parse.GetValue(data)!;
            int k = parse.GetValue(states);
            if (k < 1) throw new UsageException("--states must be at least 1");
            var options = new FitOptions(parse.GetValue(maxIter), parse.GetValue(tol), parse.GetValue(seed));
            var priors = new HmmPriors(parse.GetValue(pseudo), parse.GetValue(pseudo));
            int? nThreads = parse.GetValue(threads);
            var clock = Stopwatch.StartNew();
            (IHiddenMarkovModel Model, ElboTrace Trace, double Final, double Objective) result;
            string[]? symbols = null;
            if (family == "categorical")
            {
                var (set, vocabulary) = ReadSymbolData(path, parse.GetValue(lengths), null);
                symbols = vocabulary;
                int v = vocabulary?.Length ?? (int)set.Values.Max() + 1;
                var start = Uniform(k);
                var model = new HiddenMarkovModel<CategoricalEmission, CategoricalStatistics>(start, StickyTransitions(k),
                    CategoricalEmission.Random(k, v, parse.GetValue(seed), parse.GetValue(pseudo)));
                result = Run(BaumWelch<CategoricalEmission, CategoricalStatistics>.Fit, model, set, options, priors, nThreads, ct);
            }
            else
            {
                var set = ReadNumericData(path, parse.GetValue(lengths));
                if (family == "poisson")
                {
                    var model = new HiddenMarkovModel<PoissonEmission, PoissonStatistics>(Uniform(k), StickyTransitions(k),
                        PoissonEmission.FromRates(k, set.Dimension, PickRows(set, k, parse.GetValue(seed)).Select(x => x + 0.5).ToArray()));
                    result = Run(BaumWelch<PoissonEmission, PoissonStatistics>.Fit, model, set, options, priors, nThreads, ct);
                }
                else if (family == "gmm")
                {
                    int c = parse.GetValue(mixtures);
                    if (c < 1) throw new UsageException("--components must be at least 1");
                    var type = ParseCovariance(parse.GetValue(covariance));
                    if (type == CovarianceType.Tied)
                        throw new UsageException("--covariance tied is not supported with --emission gmm (tied covariances are for --emission gaussian); use full, diag or spherical");
                    var components = GaussianStart(set, k * c, type, parse.GetValue(reg), parse.GetValue(seed)).Emission;
                    var model = new HiddenMarkovModel<GaussianMixtureEmission, GaussianMixtureStatistics>(Uniform(k), StickyTransitions(k),
                        GaussianMixtureEmission.Create(k, c, Enumerable.Repeat(1.0 / c, k * c).ToArray(), components, parse.GetValue(pseudo)));
                    result = Run(BaumWelch<GaussianMixtureEmission, GaussianMixtureStatistics>.Fit, model, set, options, priors, nThreads, ct);
                }
                else
                {
                    var type = ParseCovariance(parse.GetValue(covariance));
                    var initPath = parse.GetValue(init);
                    var model = initPath is not null
                        ? GaussianStartPoint.Read(initPath).ToModel(type, parse.GetValue(reg), initPath)
                        : GaussianStart(set, k, type, parse.GetValue(reg), parse.GetValue(seed));
                    if (model.Dimension != set.Dimension)
                        throw new DataFormatException(initPath ?? path, null, $"the start point has dimension {model.Dimension} but the data have {set.Dimension}");
                    if (model.StateCount != k)
                        throw new DataFormatException(initPath ?? path, null, $"the start point has {model.StateCount} states but --states is {k}");
                    result = Run(BaumWelch<GaussianEmission, GaussianStatistics>.Fit, model, set, options, priors, nThreads, ct);
                }
            }
            var outPath = parse.GetValue(output)!;
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
            return Task.FromResult(CliHost.Ok);
        });
        return command;
    }

    private delegate HmmFitResult<TE, TS> FitFunction<TE, TS>(HiddenMarkovModel<TE, TS> initial, SequenceSet data, FitOptions? options,
        HmmPriors? priors, int? maxThreads, CancellationToken ct) where TE : IEmissionModel<TE, TS> where TS : class;

    private static (IHiddenMarkovModel, ElboTrace, double, double) Run<TE, TS>(FitFunction<TE, TS> fit, HiddenMarkovModel<TE, TS> model, SequenceSet data,
        FitOptions options, HmmPriors priors, int? threads, CancellationToken ct) where TE : IEmissionModel<TE, TS> where TS : class
    {
        try
        {
            var r = fit(model, data, options, priors, threads, ct);
            return (r.Model, r.Trace, r.FinalLogLikelihood, r.FinalObjective);
        }
        catch (ArgumentException e) { throw new DataFormatException("data", null, e.Message, e); }
        // A sequence the model cannot produce, a degenerate M-step, or a non-finite/decreasing trace: report, don't crash.
        catch (InvalidOperationException e) { throw new DataFormatException("data", null, $"fit stopped: {e.Message}", e); }
        catch (ElboException e) { throw new DataFormatException("data", null, $"fit stopped: {e.Message}", e); }
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
            var (hmm, set) = LoadModelAndData(parse.GetValue(model)!, parse.GetValue(data)!, parse.GetValue(lengths));
            var alg = parse.GetValue(algorithm) == "map" ? DecodeAlgorithm.Map : DecodeAlgorithm.Viterbi;
            DecodedPath[] paths;
            try { paths = hmm.DecodeAll(set, alg, parse.GetValue(threads)); }
            catch (InvalidOperationException e) { throw new DataFormatException(parse.GetValue(data)!, null, e.Message, e); }
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
        var command = new Command("score", "Log-likelihood of each sequence and in total (−∞ for a sequence the model cannot produce)") { model, data, lengths, json, threads };
        command.SetAction((parse, ct) =>
        {
            var o = parse.InvocationConfiguration.Output;
            var (hmm, set) = LoadModelAndData(parse.GetValue(model)!, parse.GetValue(data)!, parse.GetValue(lengths));
            var each = hmm.ScoreEach(set, parse.GetValue(threads));
            double total = each.Sum();
            if (parse.GetValue(json))
                o.WriteLine(JsonSerializer.Serialize(new { total, perObservation = total / set.TotalLength, observations = set.TotalLength, sequences = each }, ModelFile.JsonOptions));
            else
                o.WriteLine(string.Create(CultureInfo.InvariantCulture, $"log-likelihood {total:F6} nats over {set.Count} sequences, {set.TotalLength} observations ({total / set.TotalLength:F6} per observation)"));
            return Task.FromResult(CliHost.Ok);
        });
        return command;
    }

    private static (IHiddenMarkovModel, SequenceSet) LoadModelAndData(string modelPath, string dataPath, string? lengths)
    {
        var (model, file) = HmmModelFile.Load(modelPath);
        SequenceSet set = model.Family == "categorical"
            ? ReadSymbolData(dataPath, lengths, file.Symbols).Data
            : ReadNumericData(dataPath, lengths);
        if (set.Dimension != model.Dimension)
            throw new DataFormatException(dataPath, null, $"observations have {set.Dimension} values but the model expects {model.Dimension}");
        return (model, set);
    }

    /// <summary>Symbols as text (vocabulary from the file, or mapped through <paramref name="known"/>), or integer codes from .npy.</summary>
    private static (SequenceSet Data, string[]? Vocabulary) ReadSymbolData(string path, string? lengths, string[]? known)
    {
        if (path.EndsWith(".npy", StringComparison.OrdinalIgnoreCase)) return (ReadNumericData(path, lengths), known);
        var sequences = SequenceTextReader.ReadSymbols(path);
        string[] vocabulary = known ?? sequences.SelectMany(s => s).Distinct().Order(StringComparer.Ordinal).ToArray();
        var index = new Dictionary<string, int>(StringComparer.Ordinal);
        for (int i = 0; i < vocabulary.Length; i++) index[vocabulary[i]] = i;
        var coded = new List<int[]>(sequences.Count);
        for (int n = 0; n < sequences.Count; n++)
        {
            var codes = new int[sequences[n].Length];
            for (int t = 0; t < codes.Length; t++)
                codes[t] = index.TryGetValue(sequences[n][t], out var c) ? c
                    : throw new DataFormatException(path, null, $"sequence {n + 1}, observation {t + 1}: symbol '{sequences[n][t]}' was never seen in training; the model has no emission probability for it");
            coded.Add(codes);
        }
        return (SequenceSet.FromSymbols(coded), vocabulary);
    }

    private static SequenceSet ReadNumericData(string path, string? lengths)
    {
        List<NumericTable> tables;
        if (path.EndsWith(".npy", StringComparison.OrdinalIgnoreCase))
        {
            var array = NpyReader.Read(path);
            var table = array.Shape.Length == 3
                ? new NumericTable(array.Data, array.Shape[0] * array.Shape[1], array.Shape[2])
                : array.ToTable(path);
            IReadOnlyList<int> cut = lengths is null
                ? array.Shape.Length == 3 ? Enumerable.Repeat(array.Shape[1], array.Shape[0]).ToArray() : [table.Rows]
                : ParseLengths(lengths);
            foreach (var v in table.Values) if (!double.IsFinite(v)) throw new DataFormatException(path, null, $"holds {v}; observations must be finite");
            tables = SequenceTextReader.SplitByLengths(table, cut, path);
        }
        else tables = SequenceTextReader.ReadNumeric(path);
        return SequenceSet.FromTables(tables);
    }

    private static int[] ParseLengths(string text)
    {
        var source = File.Exists(text) ? File.ReadAllText(text) : text;
        var parts = source.Split([',', ' ', '\n', '\r', '\t'], StringSplitOptions.RemoveEmptyEntries);
        return parts.Select(p => int.TryParse(p, NumberStyles.Integer, CultureInfo.InvariantCulture, out var l) ? l
            : throw new DataFormatException(File.Exists(text) ? text : "--lengths", null, $"'{p}' is not a sequence length")).ToArray();
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
    private static double[] PickRows(SequenceSet set, int k, int seed)
    {
        if (set.TotalLength < k) throw new DataFormatException("data", null, $"{set.TotalLength} observations cannot seed {k} states");
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
    private static HiddenMarkovModel<GaussianEmission, GaussianStatistics> GaussianStart(SequenceSet set, int k, CovarianceType type, double reg, int seed)
    {
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
        return new HiddenMarkovModel<GaussianEmission, GaussianStatistics>(Uniform(k), StickyTransitions(k),
            GaussianEmission.FromParameters(k, d, type, PickRows(set, k, seed), type == CovarianceType.Tied ? one : Enumerable.Repeat(one, k).SelectMany(c => c).ToArray(), reg));
    }
}
