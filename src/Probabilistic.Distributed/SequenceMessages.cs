using Probabilistic.Core.Gaussians;
using Probabilistic.Hmm;
using Probabilistic.Hmm.Emissions;

namespace Probabilistic.Distributed;

/// <summary>One partition of a distributed HMM fit: a .npy shard of whole sequences, cut by <see cref="Lengths"/>.</summary>
[GenerateSerializer, Immutable]
public sealed class SequenceShardSpec
{
    /// <summary>The partition's place in the fixed reduction order.</summary>
    [Id(0)] public required int Index { get; init; }

    /// <summary>The shard's file, absolute or relative to the worker's data root.</summary>
    [Id(1)] public required string Path { get; init; }

    /// <summary>The lengths of the sequences in the shard, in order; they add up to its rows.</summary>
    [Id(2)] public required int[] Lengths { get; init; }

    /// <summary>CPU threads the partition's E-step may use (null: all cores of its silo).</summary>
    [Id(3)] public int? Threads { get; init; }

    /// <summary>"shard 2 (shards/part-2.npy)", for messages.</summary>
    public override string ToString() => $"shard {Index} ({Path})";
}

/// <summary>An HMM's parameters as sent to the partitions: the model file's payload (<see cref="HmmFileData"/>) as arrays.</summary>
[GenerateSerializer, Immutable]
public sealed class HmmModelMessage
{
    [Id(0)] public required string Family { get; init; }
    [Id(1)] public required int States { get; init; }
    [Id(2)] public required int Dimension { get; init; }
    [Id(3)] public required double[] Start { get; init; }
    [Id(4)] public required double[][] Transitions { get; init; }
    [Id(5)] public double[][]? EmissionProbabilities { get; init; }
    [Id(6)] public double Pseudocount { get; init; }
    [Id(7)] public CovarianceType? CovarianceType { get; init; }
    [Id(8)] public double[][]? Means { get; init; }
    [Id(9)] public double[][]? Covariances { get; init; }
    [Id(10)] public double Regularization { get; init; }

    /// <summary>The message for <paramref name="model"/>.</summary>
    public static HmmModelMessage From(IHiddenMarkovModel model)
    {
        var d = HmmModelFile.ToData(model);
        return new()
        {
            Family = d.Emission, States = d.States, Dimension = d.Dimension, Start = d.Start, Transitions = d.Transitions,
            EmissionProbabilities = d.EmissionProbabilities, Pseudocount = d.Pseudocount, CovarianceType = d.CovarianceType,
            Means = d.Means, Covariances = d.Covariances, Regularization = d.Regularization,
        };
    }

    /// <summary>The model again, on the receiving side (the same parameters, bit for bit).</summary>
    public IHiddenMarkovModel ToModel() => HmmModelFile.FromData(new HmmFileData
    {
        Emission = Family, States = States, Dimension = Dimension, Start = Start, Transitions = Transitions,
        EmissionProbabilities = EmissionProbabilities, Pseudocount = Pseudocount, CovarianceType = CovarianceType,
        Means = Means, Covariances = Covariances, Regularization = Regularization,
    });

    /// <summary>Payload bytes (the doubles).</summary>
    public long PayloadBytes => 8L * (Start.Length + Count(Transitions) + Count(EmissionProbabilities) + Count(Means) + Count(Covariances));

    private static long Count(double[][]? a) => a?.Sum(r => (long)r.Length) ?? 0;
}

/// <summary>A partition's expected counts (<see cref="ExpectedCounts{TStats}"/> as arrays) and how long it computed.</summary>
[GenerateSerializer, Immutable]
public sealed class ExpectedCountsMessage
{
    [Id(0)] public required double[] Start { get; init; }
    [Id(1)] public required double[] Transitions { get; init; }

    /// <summary>The emission statistics' arrays: Gaussian [N_k, S1, S2], categorical [counts].</summary>
    [Id(2)] public required double[][] Emission { get; init; }
    [Id(3)] public required double LogLikelihood { get; init; }
    [Id(4)] public required double ComputeSeconds { get; init; }
    [Id(5)] public required string Silo { get; init; }

    /// <summary>The message for <paramref name="counts"/> (arrays shared, not copied).</summary>
    public static ExpectedCountsMessage From<TStats>(ExpectedCounts<TStats> counts, double seconds, string silo) where TStats : class => new()
    {
        Start = counts.Start, Transitions = counts.Transitions, Emission = EmissionArrays(counts.Emission),
        LogLikelihood = counts.LogLikelihood, ComputeSeconds = seconds, Silo = silo,
    };

    /// <summary>Adds this partition's counts into <paramref name="total"/> (same shapes).</summary>
    public void AddTo<TStats>(ExpectedCounts<TStats> total) where TStats : class
    {
        Add(Start, total.Start, "start counts");
        Add(Transitions, total.Transitions, "transition counts");
        var into = EmissionArrays(total.Emission);
        if (into.Length != Emission.Length) throw new InvalidOperationException($"A partition returned {Emission.Length} emission arrays; the fit has {into.Length}.");
        for (int a = 0; a < into.Length; a++) Add(Emission[a], into[a], "emission statistics");
        total.LogLikelihood += LogLikelihood;
    }

    /// <summary>Payload bytes (the doubles).</summary>
    public long PayloadBytes => 8L * (Start.Length + Transitions.Length + Emission.Sum(e => (long)e.Length) + 1);

    /// <summary>The arrays a family's statistics are made of (the Gaussian's reference points are the model's means, known to both sides).</summary>
    private static double[][] EmissionArrays(object stats) => stats switch
    {
        GaussianStatistics g => [g.Weight, g.First, g.Second],
        CategoricalStatistics c => [c.Counts],
        _ => throw new NotSupportedException($"Partitioned fits take Gaussian and categorical HMMs, not statistics of type {stats.GetType().Name}."),
    };

    private static void Add(double[] part, double[] total, string what)
    {
        if (part.Length != total.Length) throw new InvalidOperationException($"A partition returned {part.Length} {what}; the fit has {total.Length}.");
        for (int i = 0; i < part.Length; i++) total[i] += part[i];
    }
}
