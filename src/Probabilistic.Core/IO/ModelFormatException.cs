namespace Probabilistic.Core.IO;

/// <summary>A model file that cannot be used: wrong kind, other version, wrong JSON types, corrupt, or inconsistent parameters.</summary>
public sealed class ModelFormatException(string path, string reason, Exception? inner = null)
    : ProbabilisticException($"{path}: {reason}", inner)
{
    /// <summary>The file.</summary>
    public string Path { get; } = path;

    /// <summary>What is wrong with it.</summary>
    public string Reason { get; } = reason;
}
