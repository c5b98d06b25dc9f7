using Probabilistic.Core.Gaussians;
using Probabilistic.Mixtures.Kernels;

namespace Probabilistic.Distributed;

/// <summary>
/// One partition of a fit: its index in the reduction order and the path of its file as the coordinator names it (a
/// worker resolves a relative path against its data root, <see cref="ShardPaths"/>).
/// </summary>
[GenerateSerializer, Immutable]
public sealed class ShardSpec
{
    /// <summary>The partition's place in the fixed reduction order (0, 1, ...).</summary>
    [Id(0)] public required int Index { get; init; }

    /// <summary>The shard's file, absolute or relative to the worker's data root.</summary>
    [Id(1)] public required string Path { get; init; }

    /// <summary>Components (GMM) or states (HMM) of the model the partition serves.</summary>
    [Id(2)] public required int Components { get; init; }

    /// <summary>CPU threads the partition's E-step may use (null: all cores of its silo).</summary>
    [Id(3)] public int? Threads { get; init; }

    /// <summary>"shard 2 (shards/part-2.npy)", for messages.</summary>
    public override string ToString() => $"shard {Index} ({Path})";
}

/// <summary>What a shard grain reports after loading its partition: its shape and where it lives.</summary>
[GenerateSerializer, Immutable]
public sealed class ShardInfo
{
    /// <summary>Rows (GMM) or observations (HMM) in the partition.</summary>
    [Id(0)] public required long Rows { get; init; }

    /// <summary>Columns of each row (D); for categorical HMMs, symbols seen (the largest symbol + 1).</summary>
    [Id(1)] public required int Columns { get; init; }

    /// <summary>Sequences in the partition (HMM; 0 for a GMM shard).</summary>
    [Id(2)] public int Sequences { get; init; }

    /// <summary>The silo holding the partition (Orleans' runtime identity).</summary>
    [Id(3)] public required string Silo { get; init; }
}

/// <summary>
/// The E-step's input sent to every partition: the coordinator's <see cref="PrecisionFactors"/> as arrays, so each
/// partition evaluates the densities on the same bits instead of refactorising the covariances.
/// </summary>
[GenerateSerializer, Immutable]
public sealed class MixtureFactorsMessage
{
    [Id(0)] public required int Components { get; init; }
    [Id(1)] public required int Dimension { get; init; }
    [Id(2)] public required bool IsFull { get; init; }
    [Id(3)] public required double[] Means { get; init; }
    [Id(4)] public required double[] Factors { get; init; }
    [Id(5)] public required double[] LogNormalizers { get; init; }

    /// <summary>The message for <paramref name="f"/> (its arrays are shared, not copied: the coordinator never changes them).</summary>
    public static MixtureFactorsMessage From(PrecisionFactors f) => new()
    {
        Components = f.Components, Dimension = f.Dimension, IsFull = f.IsFull,
        Means = f.Means, Factors = f.Factors, LogNormalizers = f.LogNormalizers,
    };

    /// <summary>The factors again, on the receiving side.</summary>
    public PrecisionFactors ToFactors() => PrecisionFactors.FromArrays(Components, Dimension, IsFull, Means, Factors, LogNormalizers);

    /// <summary>Payload bytes (the doubles), for the bench's bytes-per-iteration figure.</summary>
    public long PayloadBytes => 8L * (Means.Length + Factors.Length + LogNormalizers.Length);
}

/// <summary>A partition's sufficient statistics (<see cref="GaussianStatistics"/> as arrays) and how long it computed.</summary>
[GenerateSerializer, Immutable]
public sealed class GaussianStatisticsMessage
{
    [Id(0)] public required double[] Weight { get; init; }
    [Id(1)] public required double[] First { get; init; }
    [Id(2)] public required double[] Second { get; init; }
    [Id(3)] public required double LogLikelihood { get; init; }

    /// <summary>Seconds the partition spent on the E-step itself (the coordinator's overhead is the rest).</summary>
    [Id(4)] public required double ComputeSeconds { get; init; }

    /// <summary>The silo that computed them (Orleans' runtime identity).</summary>
    [Id(5)] public required string Silo { get; init; }

    /// <summary>The message for <paramref name="s"/> (arrays shared, not copied).</summary>
    public static GaussianStatisticsMessage From(GaussianStatistics s, double seconds, string silo) => new()
    {
        Weight = s.Weight, First = s.First, Second = s.Second, LogLikelihood = s.LogLikelihood, ComputeSeconds = seconds, Silo = silo,
    };

    /// <summary>Adds this partition's statistics into <paramref name="total"/> (same shape, same references).</summary>
    public void AddTo(GaussianStatistics total)
    {
        Require(Weight, total.Weight, "weights");
        Require(First, total.First, "first moments");
        Require(Second, total.Second, "second moments");
        for (int i = 0; i < Weight.Length; i++) total.Weight[i] += Weight[i];
        for (int i = 0; i < First.Length; i++) total.First[i] += First[i];
        for (int i = 0; i < Second.Length; i++) total.Second[i] += Second[i];
        total.LogLikelihood += LogLikelihood;
    }

    /// <summary>Payload bytes (the doubles).</summary>
    public long PayloadBytes => 8L * (Weight.Length + First.Length + Second.Length + 1);

    private static void Require(double[] part, double[] total, string what)
    {
        if (part.Length != total.Length)
            throw new InvalidOperationException($"A partition returned {part.Length} {what}; the fit has {total.Length}.");
    }
}
