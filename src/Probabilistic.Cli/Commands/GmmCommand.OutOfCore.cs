using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Probabilistic.Core.IO;
using Probabilistic.Core;
using Probabilistic.Core.Data;
using Probabilistic.Core.Gaussians;
using Probabilistic.Core.Inference;
using Probabilistic.Mixtures;

namespace Probabilistic.Cli.Commands;

/// <summary>
/// <c>prob gmm fit|predict --data FOLDER</c> (or <c>--out-of-core</c>): EM on rows read from disk in blocks every iteration,
/// and predictions streamed block by block.
/// </summary>
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

    /// <summary>Rows per block of an out-of-core prediction (default 64K: a few MB for tens of columns), read ahead while the last one runs.</summary>
    private static Option<int> PredictBlockRowsOption() => new("--block-rows")
    {
        Description = "With an out-of-core prediction: rows read and evaluated at a time (memory grows with it)",
        DefaultValueFactory = _ => 1 << 16,
    };

    /// <summary>
    /// Labels (or probabilities) of every row of <paramref name="source"/>, a block at a time: printed as they come, or
    /// written to <paramref name="outPath"/> as one .npy (atomically), with the total log-likelihood; memory does not grow
    /// with the data.
    /// </summary>
    private static int PredictOutOfCore(ParseResult parse, int blockRows, string modelPath, NpyRowSource source, int k, int d,
        Func<NumericTable, (double[] Probabilities, double[] LogDensity)> evaluate, bool withProba, bool json, string? outPath, CancellationToken ct)
    {
        var output = parse.InvocationConfiguration.Output;
        if (source.Columns != d)
            throw new DataFormatException(source.Name, null, $"has {source.Columns} columns; the model was fitted on {d}");
        if (json && outPath is null)
            throw new UsageException("--json with an out-of-core prediction needs -o FILE.npy for the labels (a JSON document of every label would not be out of core).");
        if (blockRows < 1) throw new UsageException($"--block-rows {blockRows}: give at least 1 row.");
        double score = 0;
        void Pass(Action<int[], double[]> emit) => source.ForEachBlock(blockRows, (first, count, rows) =>
        {
            // rows are numbered across the shards, in order, as a block may span two of them
            // the reader's buffer itself for a whole block (it is reused only after this call returns)
            var values = rows.Length == count * d ? rows : rows.AsSpan(0, count * d).ToArray();
            var table = new NumericTable(values, count, d) { Source = source.Name, FirstRow = first };
            var (r, logDensity) = evaluate(table);
            score += logDensity.Sum();
            emit(GaussianMixture.Labels(r, k), r);
        }, ct);
        if (outPath is not null)
        {
            AtomicFile.Write(outPath, stream =>
            {
                NpyWriter.WriteHeader(stream, withProba ? "<f8" : "<i4", withProba ? [source.Rows, k] : [source.Rows]);
                Pass((labels, r) => { if (withProba) NpyWriter.Write(stream, r); else NpyWriter.Write(stream, labels); });
            });
            output.WriteLine(PredictSummary(json, modelPath, outPath, source.Rows, score, withProba, source.Shards.Count));
            return CliHost.Ok;
        }
        Pass((labels, r) =>
        {
            if (!withProba) { foreach (var l in labels) output.WriteLine(l); return; }
            for (int i = 0; i < labels.Length; i++)
                output.WriteLine(string.Join(",", Enumerable.Range(0, k).Select(c => r[i * k + c].ToString("G6", CultureInfo.InvariantCulture))));
        });
        return CliHost.Ok;
    }

    /// <summary>What <c>gmm predict -o FILE</c> prints: a line of text, or with --json one document without the labels.</summary>
    private static string PredictSummary(bool json, string modelPath, string outPath, long rows, double score, bool withProba, int? shards)
    {
        if (json)
        {
            var o = new JsonObject
            {
                ["command"] = "gmm predict",
                ["model"] = modelPath,
                ["output"] = outPath,
                ["contents"] = withProba ? "probabilities" : "labels",
                ["rows"] = rows,
                ["score"] = score,
                ["scorePerObservation"] = score / rows,
            };
            if (shards is { } n) { o["shards"] = n; o["outOfCore"] = true; }
            return o.ToJsonString();
        }
        return string.Create(CultureInfo.InvariantCulture,
            $"wrote {outPath}: {(withProba ? "probabilities" : "labels")} of {rows} rows{(shards is { } s ? $" (out of core, {s} shard{(s == 1 ? "" : "s")})" : "")}; log-likelihood {score / rows:F6} per row");
    }
}
