using System.Globalization;
using MathNet.Numerics.LinearAlgebra;

namespace Probabilistic.Core.Data;

/// <summary>A dense matrix of doubles, row-major, with optional column names and the file it came from.</summary>
public sealed class NumericTable
{
    /// <summary>Wraps <paramref name="values"/> (length rows × columns) without copying.</summary>
    public NumericTable(double[] values, int rows, int columns, IReadOnlyList<string>? columnNames = null)
    {
        if (rows < 0 || columns < 0 || (long)rows * columns != values.Length)
            throw new ArgumentException($"{values.Length} values do not form a {rows}x{columns} table.");
        Values = values;
        Rows = rows;
        Columns = columns;
        ColumnNames = columnNames ?? Enumerable.Range(0, columns).Select(i => $"x{i}").ToArray();
    }

    /// <summary>The file (or stream) the values were read from, for messages that name it; null when built in memory.</summary>
    public string? Source { get; init; }

    /// <summary>The 1-based file line of each row, when the format has lines (CSV); null otherwise.</summary>
    public long[]? RowLines { get; init; }

    /// <summary>The number, in its file, of the row before this table's first (a block read from a larger file); messages count rows from it.</summary>
    public long FirstRow { get; init; }

    /// <summary>The 1-based number in its file of row <paramref name="row"/> (0-based) of this table.</summary>
    public long RowNumber(int row) => FirstRow + row + 1;

    /// <summary>Row-major values.</summary>
    public double[] Values { get; }

    /// <summary>Number of rows (observations).</summary>
    public int Rows { get; }

    /// <summary>Number of columns (dimensions).</summary>
    public int Columns { get; }

    /// <summary>Column names from the header, or x0, x1, ….</summary>
    public IReadOnlyList<string> ColumnNames { get; }

    /// <summary>A table of the rows of a Math.NET matrix (copied into row-major order).</summary>
    public static NumericTable FromMatrix(Matrix<double> matrix, IReadOnlyList<string>? columnNames = null)
    {
        ArgumentNullException.ThrowIfNull(matrix);
        return new NumericTable(matrix.ToRowMajorArray(), matrix.RowCount, matrix.ColumnCount, columnNames);
    }

    /// <summary>
    /// A Math.NET matrix passes wherever a table is taken (<c>gmm.Fit(matrix)</c>, <c>gmm.Score(matrix)</c>): one row per
    /// observation, one column per dimension.
    /// </summary>
    public static implicit operator NumericTable(Matrix<double> matrix) => FromMatrix(matrix);

    /// <summary>A table of single-precision rows (a VAE's codes or images) in double precision.</summary>
    public static NumericTable FromSingles(ReadOnlySpan<float> values, int rows, int columns)
    {
        if (rows < 0 || columns < 0 || (long)rows * columns != values.Length)
            throw new ArgumentException($"{values.Length} values do not form a {rows}x{columns} table.");
        var doubles = new double[values.Length];
        for (int i = 0; i < values.Length; i++) doubles[i] = values[i];
        return new NumericTable(doubles, rows, columns);
    }

    /// <summary>The values as a dense Math.NET matrix (a copy).</summary>
    public Matrix<double> ToMatrix() => Matrix<double>.Build.DenseOfRowMajor(Rows, Columns, Values);

    /// <summary>Row <paramref name="i"/> as a Math.NET vector (a copy).</summary>
    public Vector<double> RowVector(int i) => Vector<double>.Build.DenseOfArray(Row(i).ToArray());

    /// <summary>The values in single precision, row-major (for a VAE).</summary>
    public float[] ToSingles()
    {
        var result = new float[Values.Length];
        for (int i = 0; i < Values.Length; i++) result[i] = (float)Values[i];
        return result;
    }

    /// <summary>
    /// The rows at <paramref name="rows"/>, in that order, as a new table (a copy) keeping the column names, the source and
    /// each row's file line (for cross-validation folds and subsets).
    /// </summary>
    public NumericTable SelectRows(IReadOnlyList<int> rows)
    {
        ArgumentNullException.ThrowIfNull(rows);
        var values = new double[(long)rows.Count * Columns];
        for (int r = 0; r < rows.Count; r++)
        {
            if ((uint)rows[r] >= (uint)Rows) throw new ArgumentOutOfRangeException(nameof(rows), rows[r], $"Row {rows[r]} is not in 0..{Rows - 1}.");
            Values.AsSpan(rows[r] * Columns, Columns).CopyTo(values.AsSpan(r * Columns, Columns));
        }
        return new NumericTable(values, rows.Count, Columns, ColumnNames)
        {
            Source = Source,
            RowLines = RowLines is { } lines ? rows.Select(r => lines[r]).ToArray() : null,
        };
    }

    /// <summary>One row as a span.</summary>
    public ReadOnlySpan<double> Row(int i) => Values.AsSpan(i * Columns, Columns);

    /// <summary>Element (i, j).</summary>
    public double this[int i, int j] => Values[i * Columns + j];

    /// <summary>The file line of row <paramref name="row"/> (0-based), when known.</summary>
    public long? LineOf(int row) => RowLines is { } l && row >= 0 && row < l.Length ? l[row] : null;

    /// <summary>
    /// A <see cref="DataFormatException"/> naming the source, the line (when known), the row and the column of the value
    /// at (<paramref name="row"/>, <paramref name="column"/>), with <paramref name="reason"/>.
    /// </summary>
    public DataFormatException ErrorAt(int row, int column, string reason)
    {
        var col = column < ColumnNames.Count && ColumnNames[column] != $"x{column}" ? $"column '{ColumnNames[column]}' (column {column + 1})" : $"column {column + 1}";
        return new DataFormatException(Source ?? "data", LineOf(row), string.Create(CultureInfo.InvariantCulture, $"data row {RowNumber(row)}, {col}: {reason}"));
    }
}
