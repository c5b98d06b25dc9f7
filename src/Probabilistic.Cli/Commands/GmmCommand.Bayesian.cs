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
using Probabilistic.Core.Gaussians;

namespace Probabilistic.Cli.Commands;

public static partial class GmmCommand
{
    private sealed record BayesOptions(Option<bool> Bayesian, Option<string> WeightPrior, Option<double?> WeightConcentration,
        Option<double?> MeanPrecision, Option<double?> DegreesOfFreedom);

    private static WeightPrior ParseWeightPrior(string text) =>
        text == "dirichlet" ? WeightPrior.DirichletDistribution : WeightPrior.DirichletProcess;

    private static int FitBayesian(ParseResult parse, CancellationToken ct, NumericTable table, int k, CovarianceType type, BackendChoice choice,
        int? threads, BayesOptions bayes, FitOptions fitOptions, Option<string> backendOpt, string outPath, bool json, Core.MemoryBudget budget)
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
            var options = new BayesianGaussianMixtureOptions(k, prior, gamma, beta0 ?? 1.0, DegreesOfFreedom: nu0, Backend: backend, CovarianceType: type, Budget: budget);
            var (vb, trace) = new BayesianGaussianMixture(options).Fit(table, fitOptions, ct);
            FitProgress.ThrowIfNothingCompleted(trace, ct);
            vb.Save(outPath);
            var means = Enumerable.Range(0, k).Select(c => vb.Means.AsSpan(c * d, d).ToArray()).ToArray();
            if (json)
            {
                var o = Conventions.FitJson("gmm fit", outPath, trace);
                o["bayesian"] = true;
                o["weightPrior"] = prior.ToString();
                o["covarianceType"] = type.ToString();
                o["components"] = k;
                o["activeComponents"] = vb.Weights.Count(w => w > 1e-2);
                o["dimension"] = d;
                o["rows"] = table.Rows;
                o["backend"] = backend.Name;
                o["lowerBound"] = vb.LowerBound;
                o["lowerBoundPerObservation"] = vb.LowerBoundPerObservation;
                o["weights"] = JsonSerializer.SerializeToNode(vb.Weights);
                o["means"] = JsonSerializer.SerializeToNode(means);
                o["covariances"] = JsonSerializer.SerializeToNode(vb.Covariances);
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
}
