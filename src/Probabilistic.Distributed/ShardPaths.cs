namespace Probabilistic.Distributed;

/// <summary>
/// Where a worker finds the shards it is sent: a relative shard path is taken relative to the data root
/// (<c>prob worker --data-root DIR</c>; default the worker's current directory), an absolute one as it is.
/// </summary>
public sealed class ShardPaths(string? dataRoot = null)
{
    /// <summary>The folder relative shard paths start from.</summary>
    public string DataRoot { get; } = Path.GetFullPath(string.IsNullOrEmpty(dataRoot) ? Directory.GetCurrentDirectory() : dataRoot);

    /// <summary>The file this worker reads for <paramref name="path"/>.</summary>
    public string Resolve(string path) => Path.IsPathRooted(path) ? path : Path.Combine(DataRoot, path);
}
