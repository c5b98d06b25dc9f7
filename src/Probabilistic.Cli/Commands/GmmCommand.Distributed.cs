using System.CommandLine;
using System.Globalization;
using Probabilistic.Core;
using Probabilistic.Core.Data;
using Probabilistic.Core.Gaussians;
using Probabilistic.Core.Inference;
using Probabilistic.Distributed;
using Probabilistic.Mixtures;

namespace Probabilistic.Cli.Commands;

/// <summary>
/// <c>prob gmm fit --data SHARDS --workers N</c> or <c>--cluster redis://HOST:PORT</c>: EM whose E-steps run on shard
/// grains, one per .npy shard, reduced here in shard order; starts drawn here as the out-of-core fit draws them.
/// </summary>
public static partial class GmmCommand
{
    private static int FitDistributed(ParseResult parse, CancellationToken ct, NpyRowSource source, int k, CovarianceType type,
        (MixtureInit Kind, double[]? Means, GaussianMixtureParameters? Start) init, int restarts, int? threads, FitOptions fitOptions,
        string outPath, bool json, MemoryBudget budget)
    {
        using var session = ClusterSession.Open(parse, ct);
        var options = new GaussianMixtureOptions(k, type, Restarts: restarts, Init: init.Kind, InitialMeans: init.Means,
            InitialParameters: init.Start, Budget: budget);
        var ((gmm, trace), stats) = new GaussianMixture(options).Fit(session.Grains, source, fitOptions,
            new DistributedFitOptions(ThreadsPerShard: threads, Checkpoint: parse.GetValue<string?>("--checkpoint")), ct);
        string where = session.LocalWorkerCount > 0
            ? string.Create(CultureInfo.InvariantCulture, $"{session.LocalWorkerCount} local workers")
            : $"cluster {session.Cluster}";
        return ReportOutOfCore(parse, ct, gmm, trace, source, "orleans", restarts, outPath, json, where, o => session.Describe(o, stats));
    }
}
