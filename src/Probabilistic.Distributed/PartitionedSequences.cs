using System.Diagnostics;
using System.Globalization;
using Probabilistic.Core.Data;
using Probabilistic.Hmm;
using Probabilistic.Hmm.Emissions;

namespace Probabilistic.Distributed;

/// <summary>
/// Sequences held by shard grains, one per .npy shard of a <see cref="SequenceSource"/>, never split: each shard must
/// start and end on a sequence boundary. The E-step sends the model to every partition at once and adds their expected
/// counts in shard-index order.
/// </summary>
public sealed class PartitionedSequences : IDisposable
{
    private readonly IGrainFactory _grains;
    private readonly SequenceShardSpec[] _shards;
    private readonly string _fit;
    private readonly DistributedFitOptions _options;
    private readonly string[] _silos;
    private readonly SiloLiveness _liveness;

    private PartitionedSequences(IGrainFactory grains, SequenceShardSpec[] shards, string fit, DistributedFitOptions options, long observations)
    {
        _grains = grains; _shards = shards; _fit = fit; _options = options;
        _silos = new string[shards.Length];
        _liveness = new SiloLiveness(grains);
        Observations = observations;
    }

    /// <summary>Has one shard grain load each shard of <paramref name="data"/> with its sequences' lengths.</summary>
    /// <exception cref="DataFormatException">A sequence crosses from one shard into the next (both named).</exception>
    /// <exception cref="DistributedFitException">A shard is missing or malformed on its silo, or its shape differs from the coordinator's.</exception>
    public static PartitionedSequences Open(IGrainFactory grains, SequenceSource data, DistributedFitOptions? options = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(grains);
        ArgumentNullException.ThrowIfNull(data);
        options ??= new DistributedFitOptions();
        var shards = Split(data, options.ThreadsPerShard);
        string fit = Guid.NewGuid().ToString("N");
        var infos = ShardCalls.All(shards, (s, _) => Grain(grains, fit, s).Open(s), options, null, cancellationToken);
        for (int s = 0; s < infos.Length; s++)
            if (infos[s].Columns != data.Dimension)
                throw new DistributedFitException($"{shards[s]} on silo {infos[s].Silo}: has {infos[s].Columns} columns; the fit has {data.Dimension}");
        var result = new PartitionedSequences(grains, shards, fit, options, data.TotalLength);
        for (int s = 0; s < infos.Length; s++) result._silos[s] = infos[s].Silo;
        return result;
    }

    /// <summary>The partitions: each shard file with the lengths of the sequences it holds; a sequence across two shards is refused.</summary>
    private static SequenceShardSpec[] Split(SequenceSource data, int? threads)
    {
        var specs = new List<SequenceShardSpec>();
        long start = 0;
        int n = 0;
        foreach (var shard in data.Rows.Shards)
        {
            long end = start + shard.Rows;
            var lengths = new List<int>();
            while (n < data.Count && data.Offsets[n + 1] <= end)
            {
                lengths.Add((int)(data.Offsets[n + 1] - data.Offsets[n]));
                n++;
            }
            if (n < data.Count && data.Offsets[n] < end)
                throw new DataFormatException(shard.Path, null, string.Create(CultureInfo.InvariantCulture,
                    $"sequence {n} (rows {data.Offsets[n]}..{data.Offsets[n + 1] - 1} of the data) runs past this shard's end (row {end - 1}); a partitioned fit keeps every sequence in one shard, so cut the shards at sequence boundaries"));
            if (lengths.Count > 0) specs.Add(new SequenceShardSpec { Index = specs.Count, Path = shard.Path, Lengths = lengths.ToArray(), Threads = threads });
            start = end;
        }
        return specs.ToArray();
    }

    /// <summary>Observations over all partitions.</summary>
    public long Observations { get; }

    /// <summary>Partitions, in reduction order.</summary>
    public IReadOnlyList<SequenceShardSpec> Shards => _shards;

    /// <summary>The silo each partition answered from last.</summary>
    public IReadOnlyList<string> Silos => _silos;

    /// <summary>Timing, bytes and retries of the rounds so far.</summary>
    public CoordinationStats Stats { get; } = new();

    /// <summary>The E-step of <paramref name="model"/> over every partition, their counts added in shard order.</summary>
    public ExpectedCounts<TStats> ExpectedCounts<TEmission, TStats>(HiddenMarkovModel<TEmission, TStats> model, CancellationToken cancellationToken)
        where TEmission : IEmissionModel<TEmission, TStats>
        where TStats : class
    {
        ArgumentNullException.ThrowIfNull(model);
        var message = HmmModelMessage.From(model);
        var clock = Stopwatch.StartNew();
        var parts = ShardCalls.All(_shards, (s, ct) => Grain(_grains, _fit, s).EStep(s, message, ct), _options, Stats, cancellationToken,
            (_silos, _liveness.IsActive));
        clock.Stop();
        var total = new ExpectedCounts<TStats>(model.StateCount, model.Emission.CreateStatistics());
        foreach (var part in parts) part.AddTo(total);   // shard order, whichever partition answered first
        for (int s = 0; s < parts.Length; s++)
        {
            if (_silos[s] is { } before && before != parts[s].Silo) Stats.Relocations++;
            _silos[s] = parts[s].Silo;
        }
        Stats.Rounds++;
        Stats.WallSeconds += clock.Elapsed.TotalSeconds;
        Stats.ComputeSeconds += parts.Max(p => p.ComputeSeconds);
        Stats.BytesSent += _shards.Length * message.PayloadBytes;
        Stats.BytesReceived += parts.Sum(p => p.PayloadBytes);
        return total;
    }

    /// <summary>Has every partition drop its sequences.</summary>
    public void Dispose()
    {
        try { ShardCalls.All(_shards, async (s, _) => { await Grain(_grains, _fit, s).Release(); return 0; }, _options with { RetryFor = TimeSpan.Zero }, null, CancellationToken.None); }
        catch (DistributedFitException) { }
    }

    private static ISequenceShardGrain Grain(IGrainFactory grains, string fit, SequenceShardSpec s) => grains.GetGrain<ISequenceShardGrain>($"{fit}/{s.Index}");
}
