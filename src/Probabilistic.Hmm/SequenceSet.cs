using Probabilistic.Core.Data;

namespace Probabilistic.Hmm;

/// <summary>
/// Many observation sequences of possibly different lengths in one contiguous row-major array (hmmlearn's
/// <c>X</c> with <c>lengths</c>): sequence n holds rows Offsets[n] .. Offsets[n+1]−1, each of <see cref="Dimension"/> values.
/// </summary>
public sealed class SequenceSet
{
    private SequenceSet(double[] values, int dimension, long[] offsets)
    {
        Values = values;
        Dimension = dimension;
        Offsets = offsets;
    }

    /// <summary>The file the observations came from, for messages that name it; null when built in memory.</summary>
    public string? Source { get; init; }

    /// <summary>The 1-based file line of each observation (text files), or null.</summary>
    public long[]? RowLines { get; init; }

    /// <summary>The file line of step <paramref name="step"/> of sequence <paramref name="n"/>, when known.</summary>
    public long? LineOf(int n, long step) => RowLines is { } l && Offsets[n] + step < l.Length ? l[Offsets[n] + step] : null;

    /// <summary>The same sequences named after <paramref name="source"/> (with the file line of each observation, when known).</summary>
    public SequenceSet WithSource(string? source, long[]? rowLines = null) =>
        new(Values, Dimension, Offsets) { Source = source, RowLines = rowLines ?? RowLines };

    /// <summary>
    /// The refusal of sequence <paramref name="n"/> when the model gives it probability zero, naming the source, the line
    /// of its first observation (when known) and <paramref name="consequence"/> ("it has no decoding").
    /// </summary>
    public DataFormatException ImpossibleSequence(int n, string consequence) =>
        new(Source ?? "data", LineOf(n, 0),
            $"sequence {n} (0-based, {Length(n)} steps) has probability zero under the model (an observation no state can emit, or a transition fixed at zero), so {consequence}");

    /// <summary>All observations, row-major.</summary>
    public double[] Values { get; }

    /// <summary>Values per observation.</summary>
    public int Dimension { get; }

    /// <summary>Row offsets: Count + 1 entries, the last = <see cref="TotalLength"/>.</summary>
    public long[] Offsets { get; }

    /// <summary>Number of sequences.</summary>
    public int Count => Offsets.Length - 1;

    /// <summary>Total number of observations.</summary>
    public long TotalLength => Offsets[^1];

    /// <summary>Length of sequence <paramref name="n"/>.</summary>
    public int Length(int n) => (int)(Offsets[n + 1] - Offsets[n]);

    /// <summary>The longest sequence's length.</summary>
    public int MaxLength => Enumerable.Range(0, Count).Select(Length).DefaultIfEmpty(0).Max();

    /// <summary>Rows of sequence <paramref name="n"/>.</summary>
    public ReadOnlySpan<double> Sequence(int n) => Values.AsSpan((int)(Offsets[n] * Dimension), Length(n) * Dimension);

    /// <summary>Wraps <paramref name="values"/> (Σ lengths × dimension) cut by <paramref name="lengths"/>; refuses empty sequences and NaN/∞.</summary>
    public static SequenceSet FromLengths(double[] values, int dimension, IReadOnlyList<int> lengths)
    {
        ArgumentNullException.ThrowIfNull(values);
        if (dimension < 1) throw new ArgumentOutOfRangeException(nameof(dimension), dimension, "An observation needs at least one value.");
        if (lengths.Count == 0) throw new ArgumentException("No sequences: at least one is needed.", nameof(lengths));
        var offsets = new long[lengths.Count + 1];
        for (int n = 0; n < lengths.Count; n++)
        {
            if (lengths[n] <= 0) throw new ArgumentException($"Sequence {n} is empty (length {lengths[n]}); every sequence needs at least one observation.", nameof(lengths));
            offsets[n + 1] = offsets[n] + lengths[n];
        }
        if (offsets[^1] * dimension != values.Length)
            throw new ArgumentException($"The lengths add up to {offsets[^1]} observations of {dimension} values, but {values.Length} values were given.", nameof(lengths));
        for (int i = 0; i < values.Length; i++)
            if (!double.IsFinite(values[i]))
            {
                long row = i / dimension;
                int n = Array.BinarySearch(offsets, row);
                n = n >= 0 ? n : ~n - 1;
                while (n + 1 < offsets.Length && offsets[n + 1] <= row) n++;
                throw new ArgumentException($"Sequence {n}, step {row - offsets[n]}, value {i % dimension} is {values[i]}; observations must be finite numbers.", nameof(values));
            }
        return new SequenceSet(values, dimension, offsets);
    }

    /// <summary>
    /// Sequences from the rows of a Math.NET matrix (one observation per row), cut by <paramref name="lengths"/> (null:
    /// one sequence of all the rows).
    /// </summary>
    public static SequenceSet FromMatrix(MathNet.Numerics.LinearAlgebra.Matrix<double> rows, IReadOnlyList<int>? lengths = null)
    {
        ArgumentNullException.ThrowIfNull(rows);
        return FromLengths(rows.ToRowMajorArray(), rows.ColumnCount, lengths ?? [rows.RowCount]);
    }

    /// <summary>One sequence of scalar observations from a Math.NET vector.</summary>
    public static SequenceSet FromVector(MathNet.Numerics.LinearAlgebra.Vector<double> observations)
    {
        ArgumentNullException.ThrowIfNull(observations);
        return Single(observations.ToArray());
    }

    /// <summary>One sequence of T×D values.</summary>
    public static SequenceSet Single(double[] values, int dimension = 1) => FromLengths(values, dimension, [values.Length / Math.Max(1, dimension)]);

    /// <summary>Sequences given as separate row-major arrays of the same dimension.</summary>
    public static SequenceSet FromSequences(IReadOnlyList<double[]> sequences, int dimension = 1)
    {
        var lengths = new int[sequences.Count];
        for (int n = 0; n < sequences.Count; n++)
        {
            if (sequences[n].Length % dimension != 0)
                throw new ArgumentException($"Sequence {n} holds {sequences[n].Length} values, not a multiple of the dimension {dimension}.");
            lengths[n] = sequences[n].Length / dimension;
        }
        return FromLengths(sequences.SelectMany(s => s).ToArray(), dimension, lengths);
    }

    /// <summary>Symbol sequences (categorical data): symbol indices 0..V−1.</summary>
    public static SequenceSet FromSymbols(IReadOnlyList<int[]> sequences) =>
        FromSequences(sequences.Select(s => s.Select(x => (double)x).ToArray()).ToList(), 1);

    /// <summary>Sequences read by <see cref="SequenceTextReader.ReadNumeric"/> or split by <see cref="SequenceTextReader.SplitByLengths"/>.</summary>
    public static SequenceSet FromTables(IReadOnlyList<NumericTable> tables)
    {
        if (tables.Count == 0) throw new ArgumentException("No sequences.");
        int d = tables[0].Columns;
        if (tables.Any(t => t.Columns != d)) throw new ArgumentException("Sequences have different numbers of columns.");
        var set = FromSequences(tables.Select(t => t.Values).ToList(), d);
        return new SequenceSet(set.Values, d, set.Offsets)
        {
            Source = tables[0].Source,
            RowLines = tables.All(t => t.RowLines is not null) ? tables.SelectMany(t => t.RowLines!).ToArray() : null,
        };
    }
}
