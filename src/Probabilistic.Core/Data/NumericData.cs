namespace Probabilistic.Core.Data;

/// <summary>Loads a numeric matrix from CSV (with header) or .npy by the file's extension, refusing NaN/Inf with the row.</summary>
public static class NumericData
{
    /// <summary>Reads <paramref name="path"/>: <c>.npy</c> as NumPy, anything else as CSV with a header row.</summary>
    public static NumericTable Load(string path)
    {
        if (path.EndsWith(".npy", StringComparison.OrdinalIgnoreCase))
        {
            var table = NpyReader.Read(path).ToTable(path);
            for (int i = 0; i < table.Rows; i++)
                for (int j = 0; j < table.Columns; j++)
                    if (!double.IsFinite(table[i, j]))
                        throw new DataFormatException(path, null, $"row {i} (0-based), column {j} is {table[i, j]}; the data must be finite");
            return table;
        }
        return CsvReader.ReadNumeric(path);
    }
}
