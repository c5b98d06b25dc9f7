namespace Probabilistic.Core.IO;

/// <summary>
/// An output path refused before any work: empty, one of the command's inputs, a directory or device, in a folder that
/// does not exist or cannot be written. Nothing was written. The message reads "OPTION PATH: reason" (the option when
/// the path came from one, such as "-o").
/// </summary>
public sealed class OutputPathException(string path, string reason, string? option = null)
    : ProbabilisticException($"{(option is null ? "" : option + " ")}{(path.Length == 0 ? "(empty)" : path)}: {reason}")
{
    /// <summary>The path as given.</summary>
    public string Path { get; } = path;

    /// <summary>Why it cannot be written.</summary>
    public string Reason { get; } = reason;

    /// <summary>The option that gave the path, when one did.</summary>
    public string? Option { get; } = option;
}
