using System.IO.Compression;
using System.Text;

namespace Probabilistic.Core.Data;

/// <summary>
/// Opening input files: "-" is standard input; files, FIFOs and /dev/stdin are read as streams (never seeked), so a
/// pipe works wherever a file does; gzip is detected from the content, not the name; a missing file or a directory is
/// named.
/// </summary>
public static class DataFiles
{
    /// <summary>The path that means standard input.</summary>
    public const string StandardInput = "-";

    /// <summary>How <paramref name="path"/> is named in messages: "&lt;stdin&gt;" for "-", else the path.</summary>
    public static string DisplayName(string path) => path == StandardInput ? "<stdin>" : path;

    /// <summary>Opens <paramref name="path"/> for reading, decompressing gzip transparently.</summary>
    /// <exception cref="FileNotFoundException">No such file, or a directory.</exception>
    public static Stream OpenRead(string path) => OpenRead(path, DisplayName(path));

    private static Stream OpenRead(string path, string name)
    {
        Stream stream;
        if (path == StandardInput) stream = Console.OpenStandardInput(1 << 16);
        else
        {
            if (string.IsNullOrEmpty(path)) throw new FileNotFoundException("No file named: the path is empty.", path);
            if (Directory.Exists(path)) throw new FileNotFoundException($"{path} is a directory, not a file.", path);
            if (!File.Exists(path)) throw new FileNotFoundException($"No such file: {path}", path);
            stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
        }
        return Decompressed(stream, name);
    }

    /// <summary>
    /// <paramref name="stream"/> itself, or a gzip decompressor over it when it starts with the gzip magic bytes; peeks
    /// without seeking, so pipes work. Corrupt gzip data are refused as <see cref="DataFormatException"/> naming <paramref name="name"/>.
    /// </summary>
    public static Stream Decompressed(Stream stream, string name = "data")
    {
        var head = new byte[2];
        int got = ReadAtMost(stream, head);
        Stream rest = stream.CanSeek ? Rewind(stream, got) : new PrefixedStream(head.AsSpan(0, got).ToArray(), stream);
        if (got == 2 && head[0] == 0x1f && head[1] == 0x8b) return new BufferedStream(new CheckedGzipStream(new GZipStream(rest, CompressionMode.Decompress), name), 1 << 16);
        return rest;

        static Stream Rewind(Stream s, int read) { s.Seek(-read, SeekOrigin.Current); return s; }
    }

    /// <summary>Opens a text file (gzip or plain, UTF-8).</summary>
    public static StreamReader OpenText(string path) => new(OpenRead(path), Encoding.UTF8, true, 1 << 16);

    /// <summary>
    /// The number of bytes a regular, uncompressed file holds, or null when that cannot be known before reading (standard
    /// input, a FIFO or device, gzip).
    /// </summary>
    public static long? KnownLength(string path)
    {
        if (path == StandardInput || !File.Exists(path)) return null;
        var id = IO.FileIdentity.Of(path);
        if (id is { IsRegularFile: false }) return null;
        var info = new FileInfo(path);
        if (info.Length == 0 && id is null) return null; // devices report 0 where the type is unknown
        using var s = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1);
        int b1 = s.ReadByte(), b2 = s.ReadByte();
        return b1 == 0x1f && b2 == 0x8b ? null : info.Length;
    }

    /// <summary>
    /// The whole text of a small file (a list of lengths, a tag map), refused when longer than
    /// <paramref name="maxCharacters"/> or when it holds NUL characters (binary data).
    /// </summary>
    public static string ReadSmallText(string path, int maxCharacters = 1 << 24)
    {
        using var lines = new LineReader(OpenText(path), DisplayName(path), ownsReader: true, maxLineLength: maxCharacters);
        var sb = new StringBuilder();
        string? line;
        while ((line = lines.ReadLine()) is not null)
        {
            if (sb.Length + line.Length + 1 > maxCharacters)
                throw new DataFormatException(DisplayName(path), lines.LineNumber, $"longer than {maxCharacters:N0} characters, more than this small file can hold");
            sb.Append(line).Append('\n');
        }
        return sb.ToString();
    }

    /// <summary>Expands directories to the files inside them (recursively, sorted by ordinal name), keeping files as given.</summary>
    public static IReadOnlyList<string> ExpandFiles(IEnumerable<string> paths, Func<string, bool>? include = null)
    {
        var result = new List<string>();
        foreach (var p in paths)
        {
            if (p == StandardInput) result.Add(p);
            else if (Directory.Exists(p))
            {
                var files = Directory.EnumerateFiles(p, "*", SearchOption.AllDirectories)
                    .Where(f => !Path.GetFileName(f).StartsWith('.'))
                    .Where(f => include?.Invoke(f) ?? true)
                    .OrderBy(f => f, StringComparer.Ordinal)
                    .ToList();
                if (files.Count == 0) throw new DataFormatException(p, null, "the directory holds no data files");
                result.AddRange(files);
            }
            else if (File.Exists(p)) result.Add(p);
            else throw new FileNotFoundException($"No such file or directory: {p}", p);
        }
        return result;
    }

    /// <summary>Reads until <paramref name="buffer"/> is full or the stream ends; returns the bytes read.</summary>
    public static int ReadAtMost(Stream stream, Span<byte> buffer)
    {
        int total = 0;
        while (total < buffer.Length)
        {
            int n = stream.Read(buffer[total..]);
            if (n == 0) break;
            total += n;
        }
        return total;
    }

    /// <summary>A gzip decompressor whose corrupt input is a <see cref="DataFormatException"/> naming the file, not an InvalidDataException.</summary>
    private sealed class CheckedGzipStream(GZipStream inner, string name) : Stream
    {
        private long _read;
        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
        public override void Flush() { }
        public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));
        public override int Read(Span<byte> buffer)
        {
            try
            {
                int n = inner.Read(buffer);
                _read += n;
                return n;
            }
            catch (InvalidDataException e)
            {
                throw new DataFormatException(name, null, $"the gzip data are corrupt after {_read:N0} decompressed bytes ({e.Message})", e);
            }
        }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
        protected override void Dispose(bool disposing)
        {
            if (disposing) inner.Dispose();
            base.Dispose(disposing);
        }
    }

    /// <summary>A read-only stream that yields <paramref name="head"/> (bytes already read from <paramref name="rest"/>), then the rest.</summary>
    public static Stream Prepend(byte[] head, Stream rest) => new PrefixedStream(head, rest);

    /// <summary>A read-only stream that yields a few bytes already read, then the rest of another stream.</summary>
    private sealed class PrefixedStream(byte[] prefix, Stream inner) : Stream
    {
        private int _offset;
        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
        public override void Flush() { }
        public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));
        public override int Read(Span<byte> buffer)
        {
            if (_offset < prefix.Length)
            {
                int n = Math.Min(buffer.Length, prefix.Length - _offset);
                prefix.AsSpan(_offset, n).CopyTo(buffer);
                _offset += n;
                return n;
            }
            return inner.Read(buffer);
        }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
        protected override void Dispose(bool disposing)
        {
            if (disposing) inner.Dispose();
            base.Dispose(disposing);
        }
    }
}
