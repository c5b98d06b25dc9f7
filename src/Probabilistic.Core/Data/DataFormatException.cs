namespace Probabilistic.Core.Data;

/// <summary>
/// Input that cannot be used: a malformed file, a value out of range, data inconsistent with a model. Names the file
/// (or stream, or array) and the line when known; the reason says the row, column or byte offset where it helps.
/// </summary>
public sealed class DataFormatException : ProbabilisticException
{
    /// <summary>Creates the exception; the message reads "file:line: reason".</summary>
    public DataFormatException(string file, long? line, string reason, Exception? inner = null)
        : base(Format(file, line, reason), inner)
    {
        File = file;
        Line = line;
        Reason = reason;
    }

    /// <summary>The file (or stream name) being read.</summary>
    public string File { get; }

    /// <summary>1-based line number, when the format has lines and it is known.</summary>
    public long? Line { get; }

    /// <summary>What is wrong, without the location.</summary>
    public string Reason { get; }

    private static string Format(string file, long? line, string reason) =>
        line is long l ? $"{file}:{l}: {reason}" : $"{file}: {reason}";
}
