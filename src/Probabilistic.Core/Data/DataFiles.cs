using System.IO.Compression;

namespace Probabilistic.Core.Data;

/// <summary>Opening input files: gzip is detected from the content, not the name; a missing file is named.</summary>
public static class DataFiles
{
    /// <summary>Opens <paramref name="path"/> for reading, decompressing gzip transparently.</summary>
    public static Stream OpenRead(string path)
    {
        if (!File.Exists(path))
            throw new FileNotFoundException(Directory.Exists(path) ? $"{path} is a directory, not a file." : $"No such file: {path}", path);
        var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
        int b1 = stream.ReadByte(), b2 = stream.ReadByte();
        stream.Position = 0;
        if (b1 == 0x1f && b2 == 0x8b) return new BufferedStream(new GZipStream(stream, CompressionMode.Decompress), 1 << 16);
        return stream;
    }

    /// <summary>Opens a text file (gzip or plain, UTF-8).</summary>
    public static StreamReader OpenText(string path) => new(OpenRead(path), System.Text.Encoding.UTF8, true, 1 << 16);

    /// <summary>Expands directories to the files inside them (recursively, sorted by ordinal name), keeping files as given.</summary>
    public static IReadOnlyList<string> ExpandFiles(IEnumerable<string> paths, Func<string, bool>? include = null)
    {
        var result = new List<string>();
        foreach (var p in paths)
        {
            if (Directory.Exists(p))
            {
                var files = Directory.EnumerateFiles(p, "*", SearchOption.AllDirectories)
                    .Where(f => !Path.GetFileName(f).StartsWith('.'))
                    .Where(f => include?.Invoke(f) ?? true)
                    .OrderBy(f => f, StringComparer.Ordinal);
                result.AddRange(files);
            }
            else if (File.Exists(p)) result.Add(p);
            else throw new FileNotFoundException($"No such file or directory: {p}", p);
        }
        return result;
    }
}
