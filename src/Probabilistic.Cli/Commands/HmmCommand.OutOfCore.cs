using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Probabilistic.Core;
using Probabilistic.Core.Data;
using Probabilistic.Core.Gaussians;
using Probabilistic.Core.Inference;
using Probabilistic.Core.IO;
using Probabilistic.Hmm;

namespace Probabilistic.Cli.Commands;

/// <summary>
/// <c>prob hmm fit --data FOLDER --lengths FILE</c> (or <c>--out-of-core</c> with one .npy): Baum-Welch on sequences read
/// from disk in chunks of whole sequences every iteration (Gaussian, GMM, Poisson and categorical emissions).
/// </summary>
public static partial class HmmCommand
{
    private const string OutOfCoreName = "--out-of-core";

    private static Option<bool> OutOfCoreOption() => new(OutOfCoreName)
    {
        Description = "Read the .npy --data in chunks of whole sequences on every iteration instead of loading it (every --emission); "
            + "implied when --data is a folder of .npy shards",
    };

    private static bool IsOutOfCore(ParseResult parse, string path) => parse.GetValue<bool>(OutOfCoreName) || Directory.Exists(path);

    private static int FitOutOfCore(ParseResult parse, CancellationToken ct, string family, string path, string? lengthsText, CovarianceType type,
        double regularization, string? initPath, HmmOptions options, FitOptions fitOptions, string outPath, bool asJson, MemoryBudget budget)
    {
        if (ClusterSession.Requested(parse) && family is not ("gaussian" or "categorical"))
            throw new UsageException($"partitioned fits (--workers, --cluster) take --emission gaussian or categorical; {family} runs out of core on one machine (leave out --workers and --cluster).");
        if (lengthsText is null)
            throw new UsageException("out-of-core fits need --lengths (a file of sequence lengths: text, or a .npy of integers) to cut the rows into sequences.");
        var rows = NpyRowSource.Open(path);
        var source = new SequenceSource(rows, ReadLengths(lengthsText, budget));
        // --workers / --cluster: the same fit with its E-steps on shard grains (whole sequences per shard).
        using var session = ClusterSession.Requested(parse) ? ClusterSession.Open(parse, ct) : null;
        var distributed = new Distributed.DistributedFitOptions(ThreadsPerShard: options.MaxThreads, Checkpoint: parse.GetValue<string?>("--checkpoint"));
        Distributed.CoordinationStats? stats = null;
        // the model, its trace, and the data's log-likelihood: the last objective less the log prior (no further pass)
        (IHiddenMarkovModel, ElboTrace, double) Result<TEmission, TStats>(FitResult<HiddenMarkovModel<TEmission, TStats>> fit)
            where TEmission : Hmm.Emissions.IEmissionModel<TEmission, TStats>
            where TStats : class =>
            (fit.Model, fit.Trace, fit.Trace.FinalElbo - (fit.Trace.Count == 0 ? 0 : OutOfCoreHmm.LogPrior(fit.Model, options.Priors)));
        Func<int, HiddenMarkovModel<Hmm.Emissions.GaussianEmission, GaussianStatistics>>? start = initPath is null ? null
            : _ => Start(initPath, type, regularization, options.States, source.Dimension, budget);
        var (model, trace, logLikelihood) = family switch
        {
            "categorical" => Result(session is null ? OutOfCoreHmm.FitCategorical(source, options, fitOptions, cancellationToken: ct)
                : Keep(Distributed.DistributedHmm.FitCategorical(session.Grains, source, options, fitOptions, distributed, ct), out stats)),
            "poisson" => Result(OutOfCoreHmm.FitPoisson(source, options, fitOptions, cancellationToken: ct)),
            "gmm" => Result(OutOfCoreHmm.FitGaussianMixture(source, options, fitOptions, cancellationToken: ct)),
            _ => Result((session, start) switch
            {
                (null, null) => OutOfCoreHmm.FitGaussian(source, options, fitOptions, cancellationToken: ct),
                (null, _) => OutOfCoreHmm.Fit(source, options, start, fitOptions, restarts: 1, cancellationToken: ct),
                (_, null) => Keep(Distributed.DistributedHmm.FitGaussian(session.Grains, source, options, fitOptions, distributed, ct), out stats),
                _ => Keep(Distributed.DistributedHmm.Fit(session.Grains, source, options with { Restarts = 1 }, start, fitOptions, distributed, ct), out stats),
            }),
        };
        FitProgress.ThrowIfNothingCompleted(trace, ct);
        model.Save(outPath);
        var o = parse.InvocationConfiguration.Output;
        if (asJson)
        {
            var doc = FitJson(family, options.States, options.Restarts, model, outPath, trace, logLikelihood);
            doc["outOfCore"] = true;
            doc["shards"] = rows.Shards.Count;
            doc["sequences"] = source.Count;
            if (session is not null && stats is not null) session.Describe(doc, stats);
            o.WriteLine(doc.ToJsonString(ModelFile.JsonOptions));
        }
        else
        {
            o.WriteLine(trace.ToTable());
            o.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"final log-likelihood {logLikelihood:F4} nats; {trace.TotalElapsed.TotalSeconds:F2} s out of core ({source.Count:N0} sequences in {rows.Shards.Count} shard{(rows.Shards.Count == 1 ? "" : "s")}); model saved to {outPath}"));
        }
        return trace.StopReason == StopReason.Cancelled
            ? FitProgress.Interrupted(parse.InvocationConfiguration.Error, "prob hmm fit", trace, "iteration", outPath) : CliHost.Ok;
    }

    private static T Keep<T>((T Fit, Distributed.CoordinationStats Stats) result, out Distributed.CoordinationStats? stats)
    {
        stats = result.Stats;
        return result.Fit;
    }

    private static HiddenMarkovModel<Hmm.Emissions.GaussianEmission, GaussianStatistics> Start(string initPath, CovarianceType type, double r,
        int states, int d, MemoryBudget budget)
    {
        var start = GaussianStartPoint.Read(initPath, budget).ToModel(type, r, initPath);
        if (start.Dimension != d) throw new DataFormatException(initPath, null, $"the start point has dimension {start.Dimension} but the data have {d}");
        if (start.StateCount != states) throw new DataFormatException(initPath, null, $"the start point has {start.StateCount} states but --states is {states}");
        return start;
    }

    /// <summary>Sequence lengths from a .npy of integers (any count), or as <c>--lengths</c> takes them in memory (a list or a text file).</summary>
    private static int[] ReadLengths(string text, MemoryBudget budget)
    {
        if (!text.EndsWith(".npy", StringComparison.OrdinalIgnoreCase)) return ParseLengths(text);
        var array = NpyReader.Read(text, budget);
        var lengths = new int[array.Data.Length];
        for (int i = 0; i < lengths.Length; i++)
        {
            double v = array.Data[i];
            lengths[i] = v >= 1 && v <= int.MaxValue && v == Math.Floor(v) ? (int)v
                : throw new DataFormatException(text, null, string.Create(CultureInfo.InvariantCulture, $"entry {i} (0-based) is {v}, not a sequence length (a whole number >= 1)"));
        }
        return lengths;
    }
}
