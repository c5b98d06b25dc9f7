using System.Globalization;

namespace Probabilistic.Core.Data;

/// <summary>
/// Observation sequences as text: one observation per line, a blank line between sequences. An observation is a
/// symbol (categorical data) or numbers separated by white space (one per dimension).
/// </summary>
public static class SequenceTextReader
{
    /// <summary>Sequences of symbols, one per line.</summary>
    public static List<string[]> ReadSymbols(string path)
    {
        using var reader = DataFiles.OpenText(path);
        var result = new List<string[]>();
        var current = new List<string>();
        string? line;
        long lineNo = 0;
        while ((line = reader.ReadLine()) is not null)
        {
            lineNo++;
            var t = line.Trim();
            if (t.Length == 0) { Flush(); continue; }
            if (t.Any(char.IsWhiteSpace))
                throw new DataFormatException(path, lineNo, $"'{t}' holds white space; a categorical observation is one symbol per line");
            current.Add(t);
        }
        Flush();
        if (result.Count == 0) throw new DataFormatException(path, null, "no observations: the file is empty");
        return result;

        void Flush() { if (current.Count > 0) { result.Add(current.ToArray()); current.Clear(); } }
    }

    /// <summary>Sequences of numeric vectors: each a row-major T×D array; every line must have the same D.</summary>
    public static List<NumericTable> ReadNumeric(string path)
    {
        using var reader = DataFiles.OpenText(path);
        var result = new List<NumericTable>();
        var current = new List<double>();
        int dim = -1, rows = 0;
        string? line;
        long lineNo = 0;
        while ((line = reader.ReadLine()) is not null)
        {
            lineNo++;
            var fields = line.Split((char[]?)[' ', '\t', ','], StringSplitOptions.RemoveEmptyEntries);
            if (fields.Length == 0) { Flush(); continue; }
            if (dim < 0) dim = fields.Length;
            else if (fields.Length != dim)
                throw new DataFormatException(path, lineNo, $"observation has {fields.Length} values but earlier ones have {dim}");
            foreach (var f in fields)
            {
                if (!double.TryParse(f, NumberStyles.Float, CultureInfo.InvariantCulture, out var v))
                    throw new DataFormatException(path, lineNo, $"'{f}' is not a number");
                if (!double.IsFinite(v))
                    throw new DataFormatException(path, lineNo, $"{f} is not a finite number");
                current.Add(v);
            }
            rows++;
        }
        Flush();
        if (result.Count == 0) throw new DataFormatException(path, null, "no observations: the file is empty");
        return result;

        void Flush()
        {
            if (rows > 0) { result.Add(new NumericTable(current.ToArray(), rows, dim)); current.Clear(); rows = 0; }
        }
    }

    /// <summary>Splits the rows of <paramref name="table"/> into sequences of the given lengths (hmmlearn's <c>lengths</c>).</summary>
    public static List<NumericTable> SplitByLengths(NumericTable table, IReadOnlyList<int> lengths, string name)
    {
        long sum = lengths.Sum(l => (long)l);
        if (lengths.Any(l => l <= 0))
            throw new DataFormatException(name, null, "every sequence length must be positive");
        if (sum != table.Rows)
            throw new DataFormatException(name, null, $"the lengths add up to {sum} but the array has {table.Rows} rows");
        var result = new List<NumericTable>(lengths.Count);
        int start = 0;
        foreach (var l in lengths)
        {
            result.Add(new NumericTable(table.Values.AsSpan(start * table.Columns, l * table.Columns).ToArray(), l, table.Columns, table.ColumnNames));
            start += l;
        }
        return result;
    }
}
