using Probabilistic.Core.Data;
using Probabilistic.Core.Inference;
using Probabilistic.Core.IO;
using Probabilistic.Hmm;
using Probabilistic.Hmm.Emissions;

namespace Probabilistic.Distributed;

/// <summary>
/// A distributed HMM fit's state after its last completed iteration, saved atomically as a versioned model file: the
/// model (the HMM model file's payload), the objective of every completed iteration, and what identifies the fit.
/// </summary>
public sealed record HmmCheckpoint(string[] Shards, long Observations, int Sequences, int States, string Family, int Seed, double[] Elbos,
    HmmFileData? Model)
{
    /// <summary>The model-file kind.</summary>
    public const string Kind = "hmm-checkpoint";

    /// <summary>The format version.</summary>
    public const int Version = 1;

    /// <summary>
    /// The checkpoint at <paramref name="path"/> when there is one, refused (naming the file and what differs) when it
    /// belongs to another fit than <paramref name="expected"/> describes.
    /// </summary>
    /// <exception cref="ModelFormatException">The file is not a checkpoint, is corrupt, or is another fit's.</exception>
    public static HmmCheckpoint? Resume(string path, HmmCheckpoint expected)
    {
        if (!File.Exists(path)) return null;
        var c = ModelFile.Load<HmmCheckpoint>(path, Kind, Version);
        string? differs =
            c.Shards is null || !c.Shards.SequenceEqual(expected.Shards) ? "the shards" :
            c.Observations != expected.Observations || c.Sequences != expected.Sequences ? "the sequences" :
            c.States != expected.States ? "the number of states" :
            c.Family != expected.Family ? "the emission family" :
            c.Seed != expected.Seed ? "the seed" : null;
        if (differs is not null)
            throw new ModelFormatException(path, $"is the checkpoint of another fit ({differs} differ); delete it or name another checkpoint file");
        if (c.Elbos is null || c.Model is null) throw new ModelFormatException(path, "a checkpoint needs elbos and a model");
        return c;
    }

    /// <summary>The checkpointed fit (<see cref="DistributedFitOptions.Checkpoint"/>) of one start on <paramref name="partitions"/>.</summary>
    internal static FitResult<HiddenMarkovModel<TEmission, TStats>> Fit<TEmission, TStats>(PartitionedSequences partitions, SequenceSource data,
        HmmOptions options, Func<int, HiddenMarkovModel<TEmission, TStats>> start, FitOptions fitOptions, string path, CancellationToken ct)
        where TEmission : IEmissionModel<TEmission, TStats>
        where TStats : class
    {
        if (options.Restarts != 1)
            throw new ArgumentException($"A checkpointed fit runs one start; {options.Restarts} restarts were asked for.", nameof(options));
        int seed = fitOptions.ResolveSeed();
        var identity = new HmmCheckpoint(data.Rows.Shards.Select(s => s.Path).ToArray(), data.TotalLength, data.Count, options.States, "", seed, [], null);
        var first = start(seed);
        identity = identity with { Family = first.Family };
        var resumed = Resume(path, identity);
        HiddenMarkovModel<TEmission, TStats> initial = first;
        if (resumed is not null)
        {
            try
            {
                initial = HmmModelFile.FromData(resumed.Model!) as HiddenMarkovModel<TEmission, TStats>
                    ?? throw new ArgumentException($"the model is a '{resumed.Model!.Emission}' HMM; this fit is '{first.Family}'");
            }
            catch (ArgumentException e) { throw new ModelFormatException(path, e.Message, e); }
        }
        var fit = new PartitionedBaumWelch<TEmission, TStats>(initial, partitions.Observations, partitions.ExpectedCounts, options.Priors, ct);
        var optimizer = new CheckpointedOptimizer(fit, resumed?.Elbos ?? [], elbos =>
            ModelFile.Save(path, Kind, Version, identity with { Elbos = [.. elbos], Model = HmmModelFile.ToData(fit.Model) }));
        var trace = ElboDriver.Fit(optimizer, fitOptions with { Seed = seed }, ct);
        return new(fit.Model, trace);
    }
}
