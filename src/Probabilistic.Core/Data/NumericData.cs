namespace Probabilistic.Core.Data;

/// <summary>
/// Loads a numeric matrix from CSV (with header) or .npy, refusing NaN/Inf with the row. A file whose content starts
/// with the .npy magic string is read as .npy whatever its name (standard input too); a file named *.npy must be one.
/// </summary>
public static class NumericData
{
    /// <summary>Reads <paramref name="path"/> ("-" for standard input).</summary>
    public static NumericTable Load(string path, MemoryBudget? budget = null, CancellationToken cancellationToken = default)
    {
        var name = DataFiles.DisplayName(path);
        using var stream = DataFiles.OpenRead(path);
        var head = new byte[6];
        int got = DataFiles.ReadAtMost(stream, head);
        var rest = DataFiles.Prepend(head.AsSpan(0, got).ToArray(), stream);
        if (NpyReader.HasMagic(head.AsSpan(0, got)) || path.EndsWith(".npy", StringComparison.OrdinalIgnoreCase))
        {
            var table = NpyReader.Read(rest, name, budget, cancellationToken, DataFiles.KnownLength(path)).ToTable(name);
            for (int i = 0; i < table.Rows; i++)
                for (int j = 0; j < table.Columns; j++)
                    if (!double.IsFinite(table[i, j]))
                        throw new DataFormatException(name, null, $"row {i} (0-based), column {j} is {table[i, j]}; the data must be finite");
            return table;
        }
        using var reader = new StreamReader(rest, System.Text.Encoding.UTF8, true, 1 << 16);
        return CsvReader.ReadNumeric(reader, name, null, false, budget, cancellationToken);
    }
}
