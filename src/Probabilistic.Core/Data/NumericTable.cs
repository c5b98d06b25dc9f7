namespace Probabilistic.Core.Data;

/// <summary>A dense matrix of doubles, row-major, with optional column names.</summary>
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

    /// <summary>Row-major values.</summary>
    public double[] Values { get; }

    /// <summary>Number of rows (observations).</summary>
    public int Rows { get; }

    /// <summary>Number of columns (dimensions).</summary>
    public int Columns { get; }

    /// <summary>Column names from the header, or x0, x1, ….</summary>
    public IReadOnlyList<string> ColumnNames { get; }

    /// <summary>One row as a span.</summary>
    public ReadOnlySpan<double> Row(int i) => Values.AsSpan(i * Columns, Columns);

    /// <summary>Element (i, j).</summary>
    public double this[int i, int j] => Values[i * Columns + j];
}
