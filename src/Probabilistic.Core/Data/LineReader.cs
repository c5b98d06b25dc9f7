using System.Text;

namespace Probabilistic.Core.Data;

/// <summary>
/// Reads text line by line without trusting it: a NUL character (binary data such as /dev/zero, a gzip member that
/// failed to decompress, an image) or a line longer than <see cref="MaxLineLength"/> is refused with the file and line
/// before it can fill memory, and reading checks the cancellation token every few thousand lines. Lines end at
/// <c>\n</c>, <c>\r\n</c> or <c>\r</c>, as <see cref="TextReader.ReadLine"/>.
/// </summary>
public sealed class LineReader : IDisposable
{
    /// <summary>The longest line accepted by default: 16 Mi characters (a 5,000-column CSV row is about 100 K).</summary>
    public const int DefaultMaxLineLength = 16 << 20;

    private readonly TextReader _reader;
    private readonly bool _owns;
    private readonly char[] _buffer = new char[1 << 15];
    private readonly StringBuilder _long = new();
    private readonly CancellationToken _cancellation;
    private int _position, _length;
    private bool _pendingCarriageReturn;

    /// <summary>Wraps <paramref name="reader"/>; <paramref name="name"/> names it in errors.</summary>
    public LineReader(TextReader reader, string name, bool ownsReader = false, int maxLineLength = DefaultMaxLineLength,
        CancellationToken cancellationToken = default)
    {
        _reader = reader ?? throw new ArgumentNullException(nameof(reader));
        Name = name;
        _owns = ownsReader;
        MaxLineLength = maxLineLength;
        _cancellation = cancellationToken;
    }

    /// <summary>Opens <paramref name="path"/> (plain, gzip, "-" for standard input) through <see cref="DataFiles.OpenText"/>.</summary>
    public static LineReader Open(string path, CancellationToken cancellationToken = default) =>
        new(DataFiles.OpenText(path), DataFiles.DisplayName(path), ownsReader: true, cancellationToken: cancellationToken);

    /// <summary>The name used in errors.</summary>
    public string Name { get; }

    /// <summary>The longest line accepted.</summary>
    public int MaxLineLength { get; }

    /// <summary>1-based number of the line last returned (0 before the first).</summary>
    public long LineNumber { get; private set; }

    /// <summary>The next line without its terminator, or null at the end.</summary>
    /// <exception cref="DataFormatException">The line holds a NUL character or is longer than <see cref="MaxLineLength"/>.</exception>
    public string? ReadLine()
    {
        if ((LineNumber & 4095) == 4095) _cancellation.ThrowIfCancellationRequested();
        _long.Clear();
        while (true)
        {
            if (_position == _length)
            {
                _length = _reader.Read(_buffer, 0, _buffer.Length);
                _position = 0;
                if (_length == 0)
                {
                    if (_long.Length == 0) return null;
                    LineNumber++;
                    return _long.ToString();
                }
            }
            if (_pendingCarriageReturn)
            {
                _pendingCarriageReturn = false;
                if (_buffer[_position] == '\n') _position++;
                continue;
            }
            var span = _buffer.AsSpan(_position, _length - _position);
            int stop = span.IndexOfAny('\n', '\r', '\0');
            int take = stop < 0 ? span.Length : stop;
            if (_long.Length + take > MaxLineLength)
                throw new DataFormatException(Name, LineNumber + 1,
                    $"the line is longer than {MaxLineLength:N0} characters; this is not a text file of lines (or it lacks line breaks)");
            _long.Append(span[..take]);
            _position += take;
            if (stop < 0) continue;
            char c = span[stop];
            if (c == '\0')
                throw new DataFormatException(Name, LineNumber + 1,
                    $"a NUL character at column {_long.Length + 1}: this is binary data, not text (a compressed, image or device file?)");
            _position++;
            if (c == '\r')
            {
                if (_position < _length) { if (_buffer[_position] == '\n') _position++; }
                else _pendingCarriageReturn = true;
            }
            LineNumber++;
            return _long.ToString();
        }
    }

    /// <summary>Every remaining line.</summary>
    public IEnumerable<string> ReadLines()
    {
        string? line;
        while ((line = ReadLine()) is not null) yield return line;
    }

    /// <summary>Disposes the reader when this object owns it.</summary>
    public void Dispose()
    {
        if (_owns) _reader.Dispose();
    }
}
