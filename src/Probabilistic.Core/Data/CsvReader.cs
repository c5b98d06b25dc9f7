using System.Globalization;

namespace Probabilistic.Core.Data;

/// <summary>
/// Numeric CSV with a header row: comma-separated (or semicolon/tab, detected from the header), optional double
/// quotes around fields. Every row must have the header's number of fields and every selected cell must parse
/// as a finite number; otherwise the file and line are named. Binary data, endless lines and tables larger than the
/// <see cref="MemoryBudget"/> are refused as they are met, so a pipe that never ends cannot fill memory.
/// </summary>
public static class CsvReader
{
    /// <summary>Reads the numeric columns named in <paramref name="columns"/> (all columns when null); "-" reads standard input.</summary>
    public static NumericTable ReadNumeric(string path, IReadOnlyList<string>? columns = null, bool allowNonFinite = false,
        MemoryBudget? budget = null, CancellationToken cancellationToken = default)
    {
        using var reader = DataFiles.OpenText(path);
        return ReadNumeric(reader, DataFiles.DisplayName(path), columns, allowNonFinite, budget, cancellationToken);
    }

    /// <summary>Reads from a reader; <paramref name="name"/> is used in errors.</summary>
    public static NumericTable ReadNumeric(TextReader reader, string name, IReadOnlyList<string>? columns = null, bool allowNonFinite = false,
        MemoryBudget? budget = null, CancellationToken cancellationToken = default)
    {
        var lines = new LineReader(reader, name, cancellationToken: cancellationToken);
        string? headerLine = lines.ReadLine();
        while (headerLine is not null && string.IsNullOrWhiteSpace(headerLine)) headerLine = lines.ReadLine();
        if (headerLine is null) throw new DataFormatException(name, null, "file is empty; expected a header row and data rows");
        long headerLineNo = lines.LineNumber;
        char sep = headerLine.Contains(',') ? ',' : headerLine.Contains('\t') ? '\t' : headerLine.Contains(';') ? ';' : ',';
        var header = SplitRow(headerLine, sep);
        if (header.Length > 0 && header.All(h => double.TryParse(h, NumberStyles.Float, CultureInfo.InvariantCulture, out _)))
            throw new DataFormatException(name, headerLineNo, "the first row is all numbers; a header row with column names is required");

        int[] pick;
        if (columns is null) pick = Enumerable.Range(0, header.Length).ToArray();
        else
        {
            pick = new int[columns.Count];
            for (int j = 0; j < columns.Count; j++)
            {
                pick[j] = Array.IndexOf(header, columns[j]);
                if (pick[j] < 0)
                    throw new DataFormatException(name, headerLineNo, $"no column named '{columns[j]}'; the header has: {Excerpt.Of(string.Join(", ", header))}");
            }
        }

        budget ??= MemoryBudget.Available();
        var values = new List<double>();
        var rowLines = new List<long>();
        int rows = 0;
        string? line;
        while ((line = lines.ReadLine()) is not null)
        {
            long lineNo = lines.LineNumber;
            if (string.IsNullOrWhiteSpace(line)) continue;
            var fields = SplitRow(line, sep);
            if (fields.Length != header.Length)
                throw new DataFormatException(name, lineNo, $"row has {fields.Length} fields but the header has {header.Length} (ragged row)");
            if (values.Count + pick.Length > values.Capacity)
            {
                // The list doubles: the new buffer, the old one while copying, and the final array must all fit.
                long next = Math.Max(2L * values.Capacity, values.Count + pick.Length);
                budget.Require(next * 8.0 * 2 + rowLines.Count * 16.0, $"{name}: {rows + 1:N0} rows of {pick.Length:N0} columns (and growing)");
                if (next > Array.MaxLength)
                    throw new DataFormatException(name, lineNo, $"more than {Array.MaxLength:N0} values, more than one array holds");
                values.Capacity = (int)next;
            }
            foreach (int j in pick)
            {
                var cell = fields[j];
                if (!double.TryParse(cell, NumberStyles.Float, CultureInfo.InvariantCulture, out var v))
                    throw new DataFormatException(name, lineNo, $"column '{Excerpt.Of(header[j])}' (column {j + 1}): '{Excerpt.Of(cell)}' is not a number");
                if (!allowNonFinite && !double.IsFinite(v))
                    throw new DataFormatException(name, lineNo, $"column '{Excerpt.Of(header[j])}' (column {j + 1}): {Excerpt.Of(cell)} is not a finite number (data row {rows + 1})");
                values.Add(v);
            }
            rowLines.Add(lineNo);
            rows++;
        }
        if (rows == 0) throw new DataFormatException(name, lines.LineNumber, "the file has a header but no data rows");
        if (pick.Length == 0) throw new DataFormatException(name, headerLineNo, "the header names no columns");
        return new NumericTable(values.ToArray(), rows, pick.Length, pick.Select(j => header[j]).ToArray())
        {
            Source = name,
            RowLines = rowLines.ToArray(),
        };
    }


    private static string[] SplitRow(string line, char sep)
    {
        if (!line.Contains('"')) return line.Split(sep).Select(f => f.Trim()).ToArray();
        var fields = new List<string>();
        var current = new System.Text.StringBuilder();
        bool quoted = false;
        for (int i = 0; i < line.Length; i++)
        {
            char c = line[i];
            if (quoted)
            {
                if (c == '"' && i + 1 < line.Length && line[i + 1] == '"') { current.Append('"'); i++; }
                else if (c == '"') quoted = false;
                else current.Append(c);
            }
            else if (c == '"') quoted = true;
            else if (c == sep) { fields.Add(current.ToString().Trim()); current.Clear(); }
            else current.Append(c);
        }
        fields.Add(current.ToString().Trim());
        return fields.ToArray();
    }
}
