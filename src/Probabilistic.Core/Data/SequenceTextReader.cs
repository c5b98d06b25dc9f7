using System.Globalization;

namespace Probabilistic.Core.Data;

/// <summary>
/// Observation sequences as text: one observation per line, a blank line between sequences. An observation is a
/// symbol (categorical data) or numbers separated by white space (one per dimension). Files, pipes and standard input
/// ("-") are read as streams; binary data, endless lines and more data than the <see cref="MemoryBudget"/> allows are
/// refused as they are met.
/// </summary>
public static class SequenceTextReader
{
    /// <summary>Sequences of symbols, one per line.</summary>
    public static List<string[]> ReadSymbols(string path, MemoryBudget? budget = null, CancellationToken cancellationToken = default)
    {
        using var lines = LineReader.Open(path, cancellationToken);
        budget ??= MemoryBudget.Available();
        var result = new List<string[]>();
        var current = new List<string>();
        long count = 0, bytes = 0;
        string? line;
        while ((line = lines.ReadLine()) is not null)
        {
            var t = line.Trim();
            if (t.Length == 0) { Flush(); continue; }
            if (t.Any(char.IsWhiteSpace))
                throw new DataFormatException(lines.Name, lines.LineNumber, $"'{Excerpt.Of(t)}' holds white space; a categorical observation is one symbol per line");
            current.Add(t);
            bytes += 48 + 2L * t.Length;
            if ((++count & 0xFFFF) == 0) budget.Require(bytes, $"{lines.Name}: {count:N0} observations (and growing)");
        }
        Flush();
        if (result.Count == 0) throw new DataFormatException(lines.Name, null, "no observations: the file is empty");
        return result;

        void Flush() { if (current.Count > 0) { result.Add(current.ToArray()); current.Clear(); } }
    }

    /// <summary>Sequences of numeric vectors: each a row-major T×D array; every line must have the same D.</summary>
    public static List<NumericTable> ReadNumeric(string path, MemoryBudget? budget = null, CancellationToken cancellationToken = default)
    {
        using var lines = LineReader.Open(path, cancellationToken);
        budget ??= MemoryBudget.Available();
        var name = lines.Name;
        var result = new List<NumericTable>();
        var current = new List<double>();
        var currentLines = new List<long>();
        int dim = -1, rows = 0;
        long total = 0;
        string? line;
        while ((line = lines.ReadLine()) is not null)
        {
            long lineNo = lines.LineNumber;
            var fields = line.Split((char[]?)[' ', '\t', ','], StringSplitOptions.RemoveEmptyEntries);
            if (fields.Length == 0) { Flush(); continue; }
            if (dim < 0) dim = fields.Length;
            else if (fields.Length != dim)
                throw new DataFormatException(name, lineNo, $"observation has {fields.Length} values but earlier ones have {dim}");
            foreach (var f in fields)
            {
                if (!double.TryParse(f, NumberStyles.Float, CultureInfo.InvariantCulture, out var v))
                    throw new DataFormatException(name, lineNo, $"'{Excerpt.Of(f)}' is not a number");
                if (!double.IsFinite(v))
                    throw new DataFormatException(name, lineNo, $"{Excerpt.Of(f)} is not a finite number");
                current.Add(v);
            }
            currentLines.Add(lineNo);
            rows++;
            total += dim;
            if ((total & 0xFFFF) < dim) budget.Require(total * 8.0 * 3, $"{name}: {total:N0} values (and growing)");
        }
        Flush();
        if (result.Count == 0) throw new DataFormatException(name, null, "no observations: the file is empty");
        return result;

        void Flush()
        {
            if (rows > 0)
            {
                result.Add(new NumericTable(current.ToArray(), rows, dim) { Source = name, RowLines = currentLines.ToArray() });
                current.Clear(); currentLines.Clear(); rows = 0;
            }
        }
    }

    /// <summary>Splits the rows of <paramref name="table"/> into sequences of the given lengths (hmmlearn's <c>lengths</c>).</summary>
    public static List<NumericTable> SplitByLengths(NumericTable table, IReadOnlyList<int> lengths, string name)
    {
        if (lengths.Count == 0) throw new DataFormatException(name, null, "no sequence lengths given");
        long sum = lengths.Sum(l => (long)l);
        if (lengths.Any(l => l <= 0))
            throw new DataFormatException(name, null, $"every sequence length must be positive (got {lengths.First(l => l <= 0)})");
        if (sum != table.Rows)
            throw new DataFormatException(name, null, $"the lengths add up to {sum} but the array has {table.Rows} rows");
        var result = new List<NumericTable>(lengths.Count);
        int start = 0;
        foreach (var l in lengths)
        {
            result.Add(new NumericTable(table.Values.AsSpan(start * table.Columns, l * table.Columns).ToArray(), l, table.Columns, table.ColumnNames) { Source = table.Source ?? name });
            start += l;
        }
        return result;
    }

}
