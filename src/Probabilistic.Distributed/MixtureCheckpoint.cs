using System.Globalization;
using Probabilistic.Core.Data;
using Probabilistic.Core.Gaussians;
using Probabilistic.Core.Inference;
using Probabilistic.Core.IO;
using Probabilistic.Mixtures;

namespace Probabilistic.Distributed;

/// <summary>
/// A distributed GMM fit's state after its last completed iteration, saved atomically (a versioned model file written
/// to a temporary file and renamed) so that a coordinator started again resumes there: the parameters, the ELBO of
/// every completed iteration, and what identifies the fit (shards, rows, components, covariance type, seed).
/// </summary>
public sealed record MixtureCheckpoint(string[] Shards, long Rows, int Columns, int Components, CovarianceType CovarianceType,
    double RegCovar, int Seed, double[] Elbos, double[] Weights, double[] Means, double[] Covariances)
{
    /// <summary>The model-file kind.</summary>
    public const string Kind = "gaussian-mixture-checkpoint";

    /// <summary>The format version.</summary>
    public const int Version = 1;

    /// <summary>The parameters after iteration <see cref="Elbos"/>.Length.</summary>
    public GaussianMixtureParameters Parameters() => new(CovarianceType, Components, Columns, Weights, Means, Covariances);

    /// <summary>Saves atomically.</summary>
    public void Save(string path) => ModelFile.Save(path, Kind, Version, this);

    /// <summary>
    /// The checkpoint at <paramref name="path"/> when there is one, refused (naming the file and what differs) when it
    /// belongs to another fit than <paramref name="expected"/> describes.
    /// </summary>
    /// <exception cref="ModelFormatException">The file is not a checkpoint, is corrupt, or is another fit's.</exception>
    public static MixtureCheckpoint? Resume(string path, MixtureCheckpoint expected)
    {
        if (!File.Exists(path)) return null;
        var c = ModelFile.Load<MixtureCheckpoint>(path, Kind, Version);
        string? differs =
            c.Shards is null || !c.Shards.SequenceEqual(expected.Shards) ? "the shards" :
            c.Rows != expected.Rows || c.Columns != expected.Columns ? "the rows or columns" :
            c.Components != expected.Components ? "the number of components" :
            c.CovarianceType != expected.CovarianceType ? "the covariance type" :
            c.RegCovar != expected.RegCovar ? "the covariance regularisation" :
            c.Seed != expected.Seed ? "the seed" : null;
        if (differs is not null)
            throw new ModelFormatException(path, $"is the checkpoint of another fit ({differs} differ); delete it or name another checkpoint file");
        if (c.Elbos is null || c.Weights is null || c.Means is null || c.Covariances is null)
            throw new ModelFormatException(path, "a checkpoint needs elbos, weights, means and covariances");
        try { c.Parameters(); }
        catch (ArgumentException e) { throw new ModelFormatException(path, e.Message, e); }
        return c;
    }
}

/// <summary>
/// An optimiser that saves a checkpoint after every completed step and, resumed from one, first replays the recorded
/// steps' ELBOs (no computation) so the driver's tolerance test, progress and monotone check see the same sequence as an
/// uninterrupted fit; the wrapped optimiser starts from the checkpoint's parameters and continues from there.
/// </summary>
internal sealed class CheckpointedOptimizer(IElboOptimizer inner, IReadOnlyList<double> recorded, Action<IReadOnlyList<double>> save) : IElboOptimizer
{
    private readonly List<double> _elbos = [.. recorded];
    private int _replayed;

    public bool IsMonotone => inner.IsMonotone;

    public long ObservationCount => inner.ObservationCount;

    public double Step(CancellationToken cancellationToken)
    {
        if (_replayed < recorded.Count) return recorded[_replayed++];
        double elbo = inner.Step(cancellationToken);
        _elbos.Add(elbo);
        save(_elbos);
        return elbo;
    }
}

/// <summary>The checkpointed GMM fit (<see cref="DistributedFitOptions.Checkpoint"/>).</summary>
internal static class CheckpointedEm
{
    /// <summary>The checkpointed fit of <paramref name="model"/> on <paramref name="data"/> (see <see cref="DistributedFitOptions.Checkpoint"/>).</summary>
    public static FitResult<GaussianMixture> Fit(GaussianMixture model, NpyRowSource source, PartitionedMixtureData data, FitOptions fitOptions,
        string path, CancellationToken ct)
    {
        var o = model.Options;
        if (o.Restarts != 1)
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture,
                $"A checkpointed fit runs one start; {o.Restarts} restarts were asked for."), nameof(model));
        int seed = fitOptions.ResolveSeed();
        var identity = new MixtureCheckpoint(source.Shards.Select(s => s.Path).ToArray(), source.Rows, source.Columns, o.Components,
            o.CovarianceType, o.RegCovar, seed, [], [], [], []);
        var resumed = MixtureCheckpoint.Resume(path, identity);
        var start = resumed?.Parameters()
            ?? model.InitializeStreaming(source, GaussianMixture.DefaultRowsPerBlock(source.Columns), seed, ct);
        using var em = new GaussianMixtureEm(data, start, o.RegCovar, ct);
        var optimizer = new CheckpointedOptimizer(em, resumed?.Elbos ?? [], elbos =>
        {
            var p = em.Current;
            (identity with { Elbos = [.. elbos], Weights = [.. p.Weights], Means = [.. p.Means], Covariances = [.. p.Covariances] }).Save(path);
        });
        var trace = ElboDriver.Fit(optimizer, fitOptions with { Seed = seed, MonotoneSlack = Math.Max(fitOptions.MonotoneSlack, 1e-9) }, ct);
        if (trace.Count == 0) return new(model, trace);
        return model.Adopt(em.Current, trace);
    }
}
