namespace Probabilistic.Core.IO;

/// <summary>
/// An output path refused before any work: empty, one of the command's inputs, a directory or device, in a folder that
/// does not exist or cannot be written. Nothing was written.
/// </summary>
public sealed class OutputPathException(string path, string reason)
    : ProbabilisticException(path.Length == 0 ? $"the output path is empty: {reason}" : $"{path}: {reason}")
{
    /// <summary>The path as given.</summary>
    public string Path { get; } = path;

    /// <summary>Why it cannot be written.</summary>
    public string Reason { get; } = reason;
}
