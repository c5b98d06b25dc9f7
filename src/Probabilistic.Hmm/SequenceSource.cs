using System.Globalization;
using Probabilistic.Core.Data;

namespace Probabilistic.Hmm;

/// <summary>
/// Sequences left on disk: the rows of a .npy file or folder of .npy shards (<see cref="NpyRowSource"/>) cut by
/// lengths, as <see cref="SequenceSet.FromLengths"/> cuts an array. A pass (<see cref="ForEachChunk"/>) reads whole
/// sequences, never split, in chunks of about a given number of rows, so memory does not grow with the data.
/// </summary>
public sealed class SequenceSource
{
    /// <summary>Cuts <paramref name="rows"/> by <paramref name="lengths"/>; the lengths must be positive and add up to the rows.</summary>
    /// <exception cref="DataFormatException">A length is not positive, or the lengths do not add up to the rows.</exception>
    public SequenceSource(NpyRowSource rows, IReadOnlyList<int> lengths)
    {
        ArgumentNullException.ThrowIfNull(rows);
        ArgumentNullException.ThrowIfNull(lengths);
        if (lengths.Count == 0) throw new DataFormatException(rows.Name, null, "no sequence lengths given; at least one sequence is needed");
        Offsets = new long[lengths.Count + 1];
        for (int n = 0; n < lengths.Count; n++)
        {
            if (lengths[n] <= 0)
                throw new DataFormatException(rows.Name, null, string.Create(CultureInfo.InvariantCulture,
                    $"sequence {n} has length {lengths[n]}; every sequence needs at least one observation"));
            Offsets[n + 1] = Offsets[n] + lengths[n];
            MaxLength = Math.Max(MaxLength, lengths[n]);
        }
        if (Offsets[^1] != rows.Rows)
            throw new DataFormatException(rows.Name, null, string.Create(CultureInfo.InvariantCulture,
                $"the {lengths.Count:N0} sequence lengths add up to {Offsets[^1]:N0} observations, but the data hold {rows.Rows:N0} rows"));
        Rows = rows;
    }

    /// <summary>The rows.</summary>
    public NpyRowSource Rows { get; }

    /// <summary>Row offsets: <see cref="Count"/> + 1 entries, the last = <see cref="TotalLength"/>.</summary>
    public long[] Offsets { get; }

    /// <summary>Number of sequences.</summary>
    public int Count => Offsets.Length - 1;

    /// <summary>Observations over all sequences.</summary>
    public long TotalLength => Offsets[^1];

    /// <summary>Values per observation.</summary>
    public int Dimension => Rows.Columns;

    /// <summary>The longest sequence's length.</summary>
    public int MaxLength { get; }

    /// <summary>The file or folder, for messages.</summary>
    public string Name => Rows.Name;

    /// <summary>The shard holding the first observation of sequence <paramref name="n"/>, and that observation's row in it.</summary>
    public (string File, long Row) Where(int n)
    {
        var (shard, row) = Rows.Locate(Offsets[n]);
        return (shard.Path, row);
    }

    /// <summary>Called for each chunk of a pass: the index of its first sequence and its sequences (whole).</summary>
    public delegate void ChunkAction(int firstSequence, SequenceSet chunk);

    /// <summary>
    /// One pass in sequence order: chunks of consecutive whole sequences holding at most <paramref name="rowsPerChunk"/>
    /// rows (or one longer sequence alone), each read from disk (values checked as finite, naming shard and row).
    /// </summary>
    public void ForEachChunk(int rowsPerChunk, ChunkAction action, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(action);
        ArgumentOutOfRangeException.ThrowIfLessThan(rowsPerChunk, 1);
        int d = Dimension;
        for (int first = 0; first < Count;)
        {
            cancellationToken.ThrowIfCancellationRequested();
            int last = first + 1;
            while (last < Count && Offsets[last + 1] - Offsets[first] <= rowsPerChunk) last++;
            long rows = Offsets[last] - Offsets[first];
            var values = new double[rows * d];
            Rows.ReadRows(Offsets[first], (int)rows, values);
            var lengths = new int[last - first];
            for (int n = first; n < last; n++) lengths[n - first] = (int)(Offsets[n + 1] - Offsets[n]);
            action(first, SequenceSet.FromLengths(values, d, lengths).WithSource(Name));
            first = last;
        }
    }
}
