using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Probabilistic.Core;
using Probabilistic.Core.Data;
using Probabilistic.Core.Gaussians;
using Probabilistic.Core.Inference;
using Probabilistic.Mixtures;

namespace Probabilistic.Cli.Commands;

/// <summary><c>prob gmm fit --data FOLDER</c> (or <c>--out-of-core</c>): EM on rows read from disk in blocks every iteration.</summary>
public static partial class GmmCommand
{
    private const string OutOfCoreName = "--out-of-core";

    private static Option<bool> OutOfCoreOption() => new(OutOfCoreName)
    {
        Description = "Read the .npy --data in blocks on every iteration instead of loading it (memory independent of its size); "
            + "implied when --data is a folder of .npy shards",
    };

    private static int FitOutOfCore(ParseResult parse, CancellationToken ct, NpyRowSource source, int k, CovarianceType type,
        (MixtureInit Kind, double[]? Means, GaussianMixtureParameters? Start) init, int restarts, int? threads, FitOptions fitOptions,
        string outPath, bool json, MemoryBudget budget)
    {
        var backend = new CpuMixtureBackend(threads);
        var options = new GaussianMixtureOptions(k, type, Restarts: restarts, Init: init.Kind, InitialMeans: init.Means,
            InitialParameters: init.Start, Backend: backend, Budget: budget);
        var (gmm, trace) = new GaussianMixture(options).Fit(source, fitOptions, ct);
        return ReportOutOfCore(parse, ct, gmm, trace, source, backend.Name, restarts, outPath, json, "out of core", _ => { });
    }

    /// <summary>
    /// Saves and reports a fit to the rows of <paramref name="source"/> (out of core here, or on a cluster's workers):
    /// the trace table or <c>--json</c> with <c>shards</c> and <c>outOfCore</c>, plus what <paramref name="extra"/> adds.
    /// </summary>
    private static int ReportOutOfCore(ParseResult parse, CancellationToken ct, GaussianMixture gmm, ElboTrace trace, NpyRowSource source,
        string backendName, int restarts, string outPath, bool json, string where, Action<JsonObject> extra)
    {
        var output = parse.InvocationConfiguration.Output;
        FitProgress.ThrowIfNothingCompleted(trace, ct);
        gmm.Save(outPath);
        // The final E-step's total log-likelihood is Σ log p(x) at the fitted parameters: the criteria need no further pass.
        double bic = -2 * gmm.LowerBound + gmm.FreeParameters() * Math.Log(source.Rows);
        double aic = -2 * gmm.LowerBound + 2 * gmm.FreeParameters();
        if (json)
        {
            var o = FitJson(gmm, outPath, trace, source.Rows, backendName, restarts, bic, aic);
            o["shards"] = source.Shards.Count;
            o["outOfCore"] = true;
            extra(o);
            output.WriteLine(o.ToJsonString());
        }
        else
        {
            output.WriteLine(trace.ToTable());
            output.WriteLine(Summary(gmm, bic));
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"saved {outPath} ({backendName}, {where}: {source.Rows} rows in {source.Shards.Count} shard{(source.Shards.Count == 1 ? "" : "s")}, {trace.SecondsPerStep:G4} s/iteration)"));
        }
        return trace.StopReason == StopReason.Cancelled ? FitProgress.Interrupted(parse.InvocationConfiguration.Error, "prob gmm fit", trace, "iteration", outPath) : CliHost.Ok;
    }
}
