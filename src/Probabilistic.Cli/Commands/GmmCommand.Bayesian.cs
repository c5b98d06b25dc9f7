using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Probabilistic.Core.Data;
using Probabilistic.Core.Inference;
using Probabilistic.Mixtures;
using Probabilistic.Mixtures.Gpu;
using Probabilistic.Mixtures.Kernels;

namespace Probabilistic.Cli.Commands;

public static partial class GmmCommand
{
    private sealed record BayesOptions(Option<bool> Bayesian, Option<string> WeightPrior, Option<double?> WeightConcentration,
        Option<double?> MeanPrecision, Option<double?> DegreesOfFreedom);

    private static WeightPrior ParseWeightPrior(string text) => text.Trim().ToLowerInvariant() switch
    {
        "process" or "dirichlet-process" or "dirichlet_process" => WeightPrior.DirichletProcess,
        "dirichlet" or "dirichlet-distribution" or "dirichlet_distribution" => WeightPrior.DirichletDistribution,
        _ => throw new UsageException($"--weight-prior '{text}': use process (Dirichlet process) or dirichlet (Dirichlet distribution)."),
    };

    private static int FitBayesian(ParseResult parse, CancellationToken ct, NumericTable table, int k, CovarianceType type, BackendChoice choice,
        int? threads, BayesOptions bayes, Option<int> maxIterOpt, Option<double> tolOpt, Option<int> seedOpt, Option<string> backendOpt,
        string outPath, Option<bool> jsonOpt, Core.MemoryBudget budget)
    {
        var output = parse.InvocationConfiguration.Output;
        var error = parse.InvocationConfiguration.Error;
        var prior = ParseWeightPrior(parse.GetValue(bayes.WeightPrior)!);
        double? gamma = parse.GetValue(bayes.WeightConcentration), beta0 = parse.GetValue(bayes.MeanPrecision), nu0 = parse.GetValue(bayes.DegreesOfFreedom);
        if (gamma is { } g) Checks.Finite(g, 0, "--weight-concentration", exclusive: true);
        if (beta0 is { } b) Checks.Finite(b, 0, "--mean-precision", exclusive: true);
        int d = table.Columns;
        double minimumNu = type is CovarianceType.Full or CovarianceType.Tied ? d - 1 : 0;
        if (nu0 is { } nu && !(nu > minimumNu && double.IsFinite(nu)))
            throw new UsageException($"--degrees-of-freedom must be > {minimumNu} for a {type} covariance in {d} dimensions (got {nu.ToString(CultureInfo.InvariantCulture)}).");
        IMixtureBackend backend;
        try { backend = MixtureBackends.Create(choice, threads); }
        catch (InvalidOperationException e) { throw new UsageException($"--backend {parse.GetValue(backendOpt)}: {e.Message}"); }
        try
        {
            var options = new BayesianGaussianMixtureOptions(k, prior, gamma, beta0 ?? 1.0, DegreesOfFreedom: nu0, MaxIterations: parse.GetValue(maxIterOpt),
                Tolerance: parse.GetValue(tolOpt), Seed: parse.GetValue(seedOpt), Backend: backend, CovarianceType: type, Budget: budget);
            var vb = new BayesianGaussianMixture(options);
            var clock = Stopwatch.StartNew();
            var trace = vb.Fit(table, ct);
            FitProgress.ThrowIfNothingCompleted(trace, ct);
            clock.Stop();
            vb.Save(outPath);
            var means = Enumerable.Range(0, k).Select(c => vb.Means.AsSpan(c * d, d).ToArray()).ToArray();
            if (parse.GetValue(jsonOpt))
            {
                var o = new JsonObject
                {
                    ["bayesian"] = true,
                    ["weightPrior"] = prior.ToString(),
                    ["covarianceType"] = type.ToString(),
                    ["components"] = k,
                    ["activeComponents"] = vb.Weights.Count(w => w > 1e-2),
                    ["dimension"] = d,
                    ["rows"] = table.Rows,
                    ["backend"] = backend.Name,
                    ["iterations"] = trace.Count,
                    ["stopReason"] = trace.StopReason.ToString(),
                    ["converged"] = vb.Converged,
                    ["elboPerObservation"] = new JsonArray(trace.Select(s => (JsonNode)JsonValue.Create(s.ElboPerObservation)).ToArray()),
                    ["lowerBound"] = vb.LowerBound,
                    ["secondsPerIteration"] = trace.SecondsPerStep,
                    ["fitSeconds"] = clock.Elapsed.TotalSeconds,
                    ["weights"] = JsonSerializer.SerializeToNode(vb.Weights),
                    ["means"] = JsonSerializer.SerializeToNode(means),
                    ["covariances"] = JsonSerializer.SerializeToNode(vb.Covariances),
                    ["model"] = outPath,
                };
                output.WriteLine(o.ToJsonString());
            }
            else
            {
                output.WriteLine(trace.ToTable());
                for (int c = 0; c < k; c++)
                    output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                        $"  component {c}: weight {vb.Weights[c]:F4}, mean [{string.Join(", ", means[c].Select(v => v.ToString("G6", CultureInfo.InvariantCulture)))}]"));
                output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"lower bound {vb.LowerBound:F4} nats ({trace.FinalElboPerObservation:F6} per row); {vb.Weights.Count(w => w > 1e-2)} of {k} components have weight > 0.01"));
                output.WriteLine($"saved {outPath} ({backend.Name}, {trace.SecondsPerStep.ToString("G4", CultureInfo.InvariantCulture)} s/iteration)");
            }
            return trace.StopReason == StopReason.Cancelled ? FitProgress.Interrupted(error, "prob gmm fit", trace, "iteration", outPath) : CliHost.Ok;
        }
        finally { (backend as IDisposable)?.Dispose(); }
    }

    private static int PredictBayesian(ParseResult parse, Option<string> modelOpt, Option<string> dataOpt, Option<bool> probaOpt, Option<bool> jsonOpt,
        Core.MemoryBudget budget, CancellationToken ct)
    {
        var output = parse.InvocationConfiguration.Output;
        var vb = BayesianGaussianMixture.Load(parse.GetValue(modelOpt)!, budget);
        var dataPath = parse.GetValue(dataOpt)!;
        var table = NumericData.Load(dataPath, budget, ct);
        int k = vb.Components;
        if (table.Columns != vb.Dimension)
            throw new DataFormatException(table.Source ?? dataPath, null, $"has {table.Columns} columns; the model was fitted on {vb.Dimension}");
        var r = vb.PredictProba(table);
        var labels = GaussianMixture.Labels(r, k);
        if (parse.GetValue(jsonOpt))
        {
            var o = new JsonObject { ["labels"] = JsonSerializer.SerializeToNode(labels) };
            if (parse.GetValue(probaOpt)) o["probabilities"] = JsonSerializer.SerializeToNode(r);
            output.WriteLine(o.ToJsonString());
        }
        else if (parse.GetValue(probaOpt))
            for (int i = 0; i < table.Rows; i++)
                output.WriteLine(string.Join(",", Enumerable.Range(0, k).Select(c => r[i * k + c].ToString("G6", CultureInfo.InvariantCulture))));
        else foreach (var l in labels) output.WriteLine(l);
        return CliHost.Ok;
    }
}
