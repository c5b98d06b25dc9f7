using System.CommandLine;
using System.Globalization;
using System.Text.Json.Nodes;
using Probabilistic.Core.Data;
using Probabilistic.Core.Gaussians;
using Probabilistic.Core.IO;
using Probabilistic.Core.Inference;
using Probabilistic.Hmm;

namespace Probabilistic.Cli.Commands;

public static partial class HmmCommand
{
    /// <summary>
    /// <c>prob hmm select</c>: the number of states × the emission (and covariance type) scored by BIC (default, as hmmlearn's
    /// bic), AIC or cross-validated log-likelihood over whole sequences; every candidate fitted from data alone.
    /// </summary>
    private static Command SelectCommand()
    {
        var data = DataOption(); var lengths = LengthsOption(); var threads = ThreadsOption();
        var states = new Option<string>("--states") { Description = "Numbers of states: a range 1..6, a list 2,3,5, or both", Required = true };
        var emission = new Option<string>("--emission")
        {
            Description = "Emission families, comma-separated: gaussian, gmm, poisson, categorical (any case)", DefaultValueFactory = _ => "gaussian",
        };
        var covariance = SelectionOptions.Covariances("Covariance types for gaussian and gmm, comma-separated: full, diag, spherical, tied (any case)");
        var criterion = SelectionOptions.Criterion();
        var folds = SelectionOptions.Folds();
        var maxIter = Conventions.MaxIterations("Baum-Welch iterations at most per fit");
        var tol = Conventions.Tolerance();
        var seed = Conventions.Seed("Seed of every fit's start (each candidate starts from the same seed, so the table is repeatable)");
        var reg = RegOption(); var pseudo = PseudocountOption(); var mixtures = MixtureComponentsOption();
        var parallel = new Option<int?>("--parallel") { Description = "Candidates fitted at once (default: all cores)" };
        var output = Conventions.Output("Where to save the best model (JSON)", required: false);
        var plot = SelectionOptions.Plot();
        var json = Conventions.Json("Print one JSON document (the table and the best candidate) instead of text");
        var command = new Command("select", "Choose the number of states and the emission by BIC (as hmmlearn's bic), AIC or cross-validation")
        {
            data, lengths, states, emission, covariance, mixtures, criterion, folds, maxIter, tol, seed, reg, pseudo, parallel, threads, output, plot, json,
        };
        command.SetAction((parse, ct) =>
        {
            var o = parse.InvocationConfiguration.Output;
            var error = parse.InvocationConfiguration.Error;
            var ks = Checks.IntegerList(parse.GetValue(states)!, "--states", minimum: 1);
            var families = parse.GetValue(emission)!.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)
                .Select(f => f.ToLowerInvariant() switch
                {
                    "gaussian" => HmmEmission.Gaussian,
                    "gmm" => HmmEmission.GaussianMixture,
                    "poisson" => HmmEmission.Poisson,
                    "categorical" => HmmEmission.Categorical,
                    _ => throw new UsageException($"--emission '{f}': use gaussian, gmm, poisson or categorical (any case)."),
                }).Distinct().ToArray();
            if (families.Length == 0) throw new UsageException("--emission: give at least one emission family.");
            if (families.Contains(HmmEmission.Categorical) && families.Length > 1)
                throw new UsageException("--emission categorical reads symbols, the others numbers; search categorical on its own.");
            var types = SelectionOptions.CovarianceTypes(parse.GetValue(covariance)!);
            if (families.Contains(HmmEmission.GaussianMixture) && types.Contains(CovarianceType.Tied))
                throw new UsageException("--covariance tied is not supported with --emission gmm; use full, diag or spherical.");
            var grid = families.SelectMany(f => f is HmmEmission.Gaussian or HmmEmission.GaussianMixture
                ? types.Select(t => (f, t)) : [(f, CovarianceType.Full)]).ToArray();
            var crit = SelectionOptions.ParseCriterion(parse.GetValue(criterion)!);
            int nFolds = Checks.AtLeast(parse.GetValue(folds), 2, "--folds");
            Checks.AtLeast(parse.GetValue(maxIter), 1, "--max-iter");
            Checks.Finite(parse.GetValue(tol), 0, "--tol");
            double r = Checks.Finite(parse.GetValue(reg), 0, "--reg");
            double pc = Checks.Finite(parse.GetValue(pseudo), 0, "--pseudocount");
            int c = Checks.AtLeast(parse.GetValue(mixtures), 1, "--components");
            int? nParallel = Checks.Threads(parse.GetValue(parallel), "--parallel");
            int? nThreads = Checks.Threads(parse.GetValue(threads));
            bool asJson = parse.GetValue(json);
            var budget = CliHost.Budget(parse);
            var path = parse.GetValue(data)!;
            var lengthsText = parse.GetValue(lengths);
            CheckLengthsApply(path, lengthsText);
            var inputs = new[] { new InputFile(path, "--data"), new InputFile(lengthsText ?? "", "--lengths") };
            var outPath = parse.GetValue(output) is { } op ? Checks.Output(op, "-o", inputs) : null;
            var plotPath = parse.GetValue(plot) is { } pp ? Checks.Output(pp, "--plot", inputs) : null;
            string[]? vocabulary = null;
            SequenceSet set;
            if (families[0] == HmmEmission.Categorical)
                (set, vocabulary) = CliProgress.Loading(error, asJson, path, () => ReadSymbolData(path, lengthsText, null, budget, ct));
            else set = CliProgress.Loading(error, asJson, path, () => ReadNumericData(path, lengthsText, budget, ct));
            int maxK = ks.Max(), workers = nParallel ?? Environment.ProcessorCount;
            budget.Require(workers * HmmMemory.FitBytes(maxK, 2.0 * maxK * c * (set.Dimension * (double)set.Dimension + set.Dimension + 1), set.MaxLength, nThreads ?? 1),
                $"{workers} Baum-Welch fits at once of up to {maxK:N0} states on sequences of up to {set.MaxLength:N0} steps", "--parallel or the largest --states");
            var template = new HmmOptions(1, CovarianceType.Full, r, c, vocabulary?.Length, new HmmPriors(pc, pc), pc, MaxThreads: nThreads ?? 1, Budget: budget);
            var fit = new FitOptions(parse.GetValue(maxIter), parse.GetValue(tol), parse.GetValue(seed));
            int candidates = ks.Length * grid.Length;
            SelectionResult<HmmCandidate, IHiddenMarkovModel> result;
            try
            {
                result = CliProgress.Bar(error, asJson, $"fitting {candidates} candidates", candidates, done =>
                    HmmSelection.Select(set, ks, grid, crit, template, fit, nFolds, nParallel, new Progress(done), ct));
            }
            catch (ArgumentException e) { throw new DataFormatException(path, null, $"the search failed on these data: {e.Message}", e); }
            catch (InvalidOperationException e) { throw new DataFormatException(path, null, $"the search failed on these data: {e.Message}", e); }
            ct.ThrowIfCancellationRequested();
            var best = result.Best;
            if (best is HiddenMarkovModel<Hmm.Emissions.CategoricalEmission, Hmm.Emissions.CategoricalStatistics> cat && vocabulary is not null)
                best = cat.With(emission: cat.Emission.WithSymbolNames(vocabulary));
            if (outPath is not null) best.Save(outPath);
            var rows = result.Table.Select(row => (row.Options.ToString(),
                new JsonObject { ["states"] = row.Options.Options.States, ["emission"] = row.Options.Label }, row.Score, row.Elapsed)).ToList();
            if (plotPath is not null)
                SelectionOptions.SavePlot(plotPath, result.Criterion, grid.Select(g => new HmmCandidate(g.Item1, template with { CovarianceType = g.Item2 }).Label)
                    .Select(label => (label, result.Table.Where(row => row.Options.Label == label)
                        .Select(row => ((double)row.Options.Options.States, row.Score)).ToArray()))
                    .ToList(), "states");
            SelectionOptions.Print(o, asJson, "hmm select", crit, result.Table.Select(row => row.Trace).ToList(), rows, result.BestIndex,
                outPath, plotPath, set.TotalLength);
            return Task.FromResult(CliHost.Ok);
        });
        return command;
    }

    private sealed class Progress(Action<double> done) : IProgress<SelectionRow<HmmCandidate>>
    {
        public void Report(SelectionRow<HmmCandidate> value) => done(1);
    }
}
