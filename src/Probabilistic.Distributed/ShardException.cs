using Probabilistic.Core;

namespace Probabilistic.Distributed;

/// <summary>
/// A partition could not do its part — its file is missing, unreadable or malformed, or its E-step failed — raised in
/// the grain and carried back to the coordinator by Orleans' serializer. Not retried: the same file gives the same error.
/// </summary>
[GenerateSerializer]
public sealed class ShardException : Exception
{
    /// <summary>For the serializer.</summary>
    public ShardException() { }

    /// <summary>Partition <paramref name="shard"/> failed on <paramref name="silo"/> for <paramref name="reason"/>.</summary>
    public ShardException(int shard, string path, string silo, string reason)
        : base($"shard {shard} ({path}) on silo {silo}: {reason}")
    {
        Shard = shard; ShardPath = path; Silo = silo; Reason = reason;
    }

    /// <summary>The partition's index.</summary>
    [Id(0)] public int Shard { get; init; }

    /// <summary>The partition's file as the worker resolved it.</summary>
    [Id(1)] public string ShardPath { get; init; } = "";

    /// <summary>The silo that tried (Orleans' runtime identity).</summary>
    [Id(2)] public string Silo { get; init; } = "";

    /// <summary>What went wrong.</summary>
    [Id(3)] public string Reason { get; init; } = "";
}

/// <summary>A distributed fit stopped because a partition failed (the shard, its file and its silo named) or stayed unreachable.</summary>
public sealed class DistributedFitException(string message, Exception? inner = null) : ProbabilisticException(message, inner);
