using System.CommandLine;
using System.Globalization;
using System.Text.Json.Nodes;
using Probabilistic.Core.Data;
using Probabilistic.Core.Gaussians;
using Probabilistic.Core.IO;
using Probabilistic.Core.Inference;
using Probabilistic.Mixtures;
using Probabilistic.Mixtures.Gpu;

namespace Probabilistic.Cli.Commands;

public static partial class GmmCommand
{
    /// <summary>
    /// <c>prob gmm select</c>: K × covariance type scored by BIC (default), AIC or cross-validated log-likelihood; prints the
    /// table and the best candidate, saves its model with <c>-o</c> and the score against the grid with <c>--plot</c>.
    /// </summary>
    private static Command SelectCommand()
    {
        var data = new Option<string>("--data") { Description = "Data: CSV with a header row, or .npy", Required = true };
        var k = new Option<string>("--components", "-k") { Description = "Values of K: a range 1..6, a list 1,2,4, or both (1..3,6)", Required = true };
        var covariance = SelectionOptions.Covariances("Covariance types, comma-separated: full, diag, spherical, tied (any case)");
        var criterion = SelectionOptions.Criterion();
        var folds = SelectionOptions.Folds();
        var maxIter = Conventions.MaxIterations("EM iterations at most per fit");
        var tol = Conventions.Tolerance();
        var seed = Conventions.Seed("Seed of every fit (each candidate starts from the same seed, so the table is repeatable)");
        var restarts = new Option<int>("--restarts")
        {
            Description = "Fits from different starts per candidate; the best log-likelihood is kept", DefaultValueFactory = _ => 1,
        };
        var parallel = new Option<int?>("--parallel") { Description = "Candidates fitted at once (default: all cores)" };
        var output = Conventions.Output("Where to save the best model (versioned JSON)", required: false);
        var plot = SelectionOptions.Plot();
        var json = Conventions.Json("Print one JSON document (the table and the best candidate) instead of text");
        var command = new Command("select", "Choose K and the covariance type by BIC (as scikit-learn's bic), AIC or cross-validation")
        {
            data, k, covariance, criterion, folds, maxIter, tol, seed, restarts, parallel, output, plot, json,
        };
        command.SetAction((parse, ct) =>
        {
            var o = parse.InvocationConfiguration.Output;
            var error = parse.InvocationConfiguration.Error;
            var ks = Checks.IntegerList(parse.GetValue(k)!, "--components", minimum: 1);
            var types = SelectionOptions.CovarianceTypes(parse.GetValue(covariance)!);
            var crit = SelectionOptions.ParseCriterion(parse.GetValue(criterion)!);
            int nFolds = Checks.AtLeast(parse.GetValue(folds), 2, "--folds");
            Checks.AtLeast(parse.GetValue(maxIter), 1, "--max-iter");
            Checks.Finite(parse.GetValue(tol), 0, "--tol");
            Checks.AtLeast(parse.GetValue(restarts), 1, "--restarts");
            int? nParallel = Checks.Threads(parse.GetValue(parallel), "--parallel");
            bool asJson = parse.GetValue(json);
            var budget = CliHost.Budget(parse);
            var dataPath = parse.GetValue(data)!;
            var inputs = new InputFile(dataPath, "--data");
            var outPath = parse.GetValue(output) is { } op ? Checks.Output(op, "-o", inputs) : null;
            var plotPath = parse.GetValue(plot) is { } pp ? Checks.Output(pp, "--plot", inputs) : null;
            var table = CliProgress.Loading(error, asJson, dataPath, () => NumericData.Load(dataPath, budget, ct));
            int maxK = ks.Max();
            if (table.Rows < maxK) throw new DataFormatException(table.Source ?? dataPath, null, GaussianMixture.TooFewRows(table.Rows, maxK));
            int workers = nParallel ?? Environment.ProcessorCount;
            budget.Require(workers * types.Max(t => GaussianMixture.EstimateFitBytes(table.Rows, table.Columns, maxK, t, 1)),
                string.Create(CultureInfo.InvariantCulture,
                    $"{workers} Gaussian-mixture fits at once of up to {maxK} components on {table.Rows} rows × {table.Columns} columns"),
                "--parallel or the largest --components");
            // Each candidate's E-steps run on one thread; the candidates run side by side.
            var template = new GaussianMixtureOptions(1, Restarts: parse.GetValue(restarts), Backend: new CpuMixtureBackend(1), Budget: budget);
            var fit = new FitOptions(parse.GetValue(maxIter), parse.GetValue(tol), parse.GetValue(seed));
            int candidates = ks.Length * types.Length;
            var result = CliProgress.Bar(error, asJson, $"fitting {candidates} candidates", candidates, done =>
                GaussianMixtureSelection.Select(table, ks, types, crit, template, fit, nFolds, nParallel,
                    new Progress(done), ct));
            ct.ThrowIfCancellationRequested();
            if (outPath is not null) result.Best.Save(outPath);
            var rows = result.Table.Select(r => (Label: $"K={r.Options.Components} {Name(r.Options.CovarianceType)}",
                Fields: new JsonObject { ["components"] = r.Options.Components, ["covarianceType"] = Name(r.Options.CovarianceType) }, Row: r)).ToList();
            if (plotPath is not null)
                SelectionOptions.SavePlot(plotPath, result.Criterion,
                    types.Select(t => (Name(t), result.Table.Where(r => r.Options.CovarianceType == t)
                        .Select(r => ((double)r.Options.Components, r.Score)).ToArray())).ToList(), "K (components)");
            SelectionOptions.Print(o, asJson, "gmm select", crit, result.Table.Select(r => r.Trace).ToList(),
                rows.Select(r => (r.Label, r.Fields, r.Row.Score, r.Row.Elapsed)).ToList(),
                result.BestIndex, outPath, plotPath, table.Rows);
            return Task.FromResult(CliHost.Ok);
        });
        return command;
    }

    private static string Name(CovarianceType type) => type switch
    {
        CovarianceType.Diagonal => "diag",
        _ => type.ToString().ToLowerInvariant(),
    };

    private sealed class Progress(Action<double> done) : IProgress<SelectionRow<GaussianMixtureOptions>>
    {
        public void Report(SelectionRow<GaussianMixtureOptions> value) => done(1);
    }
}
