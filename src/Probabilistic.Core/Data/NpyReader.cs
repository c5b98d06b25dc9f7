using System.Buffers.Binary;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.RegularExpressions;

namespace Probabilistic.Core.Data;

/// <summary>An array from a NumPy .npy file, converted to doubles, with its shape.</summary>
public sealed record NpyArray(int[] Shape, double[] Data)
{
    /// <summary>As a table: 1-D arrays become one column, 2-D arrays rows × columns; empty arrays are refused.</summary>
    public NumericTable ToTable(string name)
    {
        if (Shape.Length is not (1 or 2))
            throw new DataFormatException(name, null, $"expected a 1-D or 2-D array, got shape ({string.Join(", ", Shape)})");
        int rows = Shape[0], columns = Shape.Length == 2 ? Shape[1] : 1;
        if (rows == 0 || columns == 0)
            throw new DataFormatException(name, null, $"shape ({string.Join(", ", Shape)}{(Shape.Length == 1 ? "," : "")}) holds no values; the data need at least one row and one column");
        return new NumericTable(Data, rows, columns) { Source = name };
    }
}

/// <summary>
/// Reads NumPy .npy files (format 1.0–3.0): little-endian float64, float32, int32, int64 or uint8, C order, from any
/// stream (a pipe or standard input too) and of any size up to one array of doubles (files over 2 GB included):
/// the header is read and checked first, the memory the values need is checked against the
/// <see cref="MemoryBudget"/>, and the values are read in chunks as they arrive, so a header that claims more than
/// the file holds is refused without allocating the claim. Malformed headers, Fortran order, big-endian data and
/// truncated data are refused with the reason.
/// </summary>
public static partial class NpyReader
{
    private static readonly byte[] Magic = [0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y'];

    /// <summary>The longest header accepted (NumPy's own limit for untrusted files is 10,000 bytes).</summary>
    public const int MaxHeaderLength = 1 << 16;

    /// <summary>Whether <paramref name="head"/> (the first bytes of a file) starts with the .npy magic string.</summary>
    public static bool HasMagic(ReadOnlySpan<byte> head) => head.Length >= Magic.Length && head[..Magic.Length].SequenceEqual(Magic);

    /// <summary>Reads <paramref name="path"/> ("-" for standard input).</summary>
    public static NpyArray Read(string path, MemoryBudget? budget = null, CancellationToken cancellationToken = default)
    {
        using var stream = DataFiles.OpenRead(path);
        return Read(stream, DataFiles.DisplayName(path), budget, cancellationToken, DataFiles.KnownLength(path));
    }

    /// <summary>Parses the bytes of a .npy file; <paramref name="name"/> is used in errors.</summary>
    public static NpyArray Read(ReadOnlySpan<byte> bytes, string name, MemoryBudget? budget = null)
    {
        using var stream = new MemoryStream(bytes.ToArray(), writable: false);
        return Read(stream, name, budget, default, bytes.Length);
    }

    /// <summary>
    /// Reads a .npy stream; <paramref name="name"/> is used in errors; <paramref name="knownLength"/>, when given, is the
    /// stream's total length, so truncation is found before reading the data.
    /// </summary>
    public static NpyArray Read(Stream stream, string name, MemoryBudget? budget = null, CancellationToken cancellationToken = default,
        long? knownLength = null)
    {
        var header = ReadHeader(stream, name, knownLength);
        var (type, size, shape, count, offset) = header;
        long byteCount = count * size;
        if (knownLength is long total && total - offset < byteCount)
            throw new DataFormatException(name, null, $"truncated data: shape {ShapeText(shape)} of {type} needs {byteCount:N0} bytes, the file has {total - offset:N0}");
        if (count > Array.MaxLength)
            throw new DataFormatException(name, null, $"shape {ShapeText(shape)} holds {count:N0} values, more than one array can hold ({Array.MaxLength:N0})");
        (budget ?? MemoryBudget.Available()).Require(count * 8.0 + (knownLength is null ? byteCount : 0), $"{name}: shape {ShapeText(shape)} as float64");
        var values = ReadValues(stream, name, type, size, count, shape, knownLength is not null, cancellationToken);
        return new NpyArray(shape.Select(s => (int)s).ToArray(), values);
    }

    /// <summary>The parsed header: dtype, element size, shape, element count and the data offset.</summary>
    public readonly record struct Header(string Type, int ElementSize, long[] Shape, long Count, long DataOffset);

    /// <summary>Reads and checks the preamble and header, leaving the stream at the first data byte.</summary>
    public static Header ReadHeader(Stream stream, string name, long? knownLength = null)
    {
        Span<byte> preamble = stackalloc byte[12];
        int got = DataFiles.ReadAtMost(stream, preamble[..10]);
        int matched = 0;
        while (matched < Math.Min(got, Magic.Length) && preamble[matched] == Magic[matched]) matched++;
        if (matched < Math.Min(got, Magic.Length) || got == 0)
            throw new DataFormatException(name, null, got == 0 ? "not a .npy file: the file is empty" : "not a .npy file: it does not start with \\x93NUMPY");
        if (got < 10)
            throw new DataFormatException(name, null, $"truncated .npy file: it ends after {got} bytes, inside the 10-byte preamble");
        int major = preamble[6];
        long headerLength;
        int headerStart;
        if (major == 1) { headerLength = BinaryPrimitives.ReadUInt16LittleEndian(preamble[8..]); headerStart = 10; }
        else if (major is 2 or 3)
        {
            if (DataFiles.ReadAtMost(stream, preamble[10..12]) < 2) throw new DataFormatException(name, null, "truncated .npy file: it ends inside the 12-byte preamble");
            headerLength = BinaryPrimitives.ReadUInt32LittleEndian(preamble[8..]); headerStart = 12;
        }
        else throw new DataFormatException(name, null, $".npy format version {major} is not supported (1, 2 or 3 are)");
        if (headerLength == 0) throw new DataFormatException(name, null, "malformed .npy header: its length is 0");
        if (headerLength > MaxHeaderLength)
            throw new DataFormatException(name, null, $"the .npy header declares {headerLength:N0} bytes; a header of the supported dtypes is well under {MaxHeaderLength:N0} (corrupt file?)");
        if (knownLength is long total && headerStart + headerLength > total)
            throw new DataFormatException(name, null, $"truncated .npy header: it declares {headerLength} bytes, the file has {total - headerStart} after the preamble");
        var headerBytes = new byte[headerLength];
        int read = DataFiles.ReadAtMost(stream, headerBytes);
        if (read < headerLength)
            throw new DataFormatException(name, null, $"truncated .npy header: it declares {headerLength} bytes, the file has {read} after the preamble");
        var header = major == 3 ? Encoding.UTF8.GetString(headerBytes) : Encoding.Latin1.GetString(headerBytes);

        var descr = DescrPattern().Match(header);
        var fortran = FortranPattern().Match(header);
        var shapeMatch = ShapePattern().Match(header);
        if (!descr.Success || !fortran.Success || !shapeMatch.Success)
            throw new DataFormatException(name, null, $"malformed .npy header (needs 'descr', 'fortran_order' and 'shape'): {Excerpt.Of(header.Trim(), 120)}");
        if (fortran.Groups[1].Value == "True")
            throw new DataFormatException(name, null, "Fortran-order .npy arrays are not supported; save with np.ascontiguousarray(x)");
        var shapeText = shapeMatch.Groups[1].Value;
        var parts = shapeText.Split(',', StringSplitOptions.TrimEntries);
        if (parts.Length > 1 && parts[^1].Length == 0) parts = parts[..^1];
        if (parts.Length == 1 && parts[0].Length == 0) parts = [];
        var shape = new long[parts.Length];
        long count = 1;
        for (int i = 0; i < parts.Length; i++)
        {
            var p = parts[i].TrimEnd('L');
            if (!long.TryParse(p, NumberStyles.None, CultureInfo.InvariantCulture, out shape[i]))
                throw new DataFormatException(name, null, $"malformed shape ({Excerpt.Of(shapeText, 120)}) in .npy header: '{Excerpt.Of(parts[i], 120)}' is not a size");
            if (shape[i] > int.MaxValue)
                throw new DataFormatException(name, null, $"shape ({Excerpt.Of(shapeText, 120)}): dimension {i + 1} is {shape[i]:N0}, more than an array dimension can hold ({int.MaxValue:N0})");
            count = count == 0 || shape[i] == 0 ? 0 : count > long.MaxValue / shape[i] ? -1 : count * shape[i];
            if (count < 0) throw new DataFormatException(name, null, $"shape ({Excerpt.Of(shapeText, 120)}) overflows: more elements than a 64-bit count");
        }
        var type = descr.Groups[1].Value;
        int size = type switch { "<f8" => 8, "<f4" => 4, "<i4" => 4, "<i8" => 8, "|u1" or "<u1" => 1, _ => 0 };
        if (size == 0)
            throw new DataFormatException(name, null, $"dtype '{Excerpt.Of(type, 120)}' is not supported; use little-endian float64 ('<f8'), float32, int32, int64 or uint8");
        if (count > long.MaxValue / size) throw new DataFormatException(name, null, $"shape ({Excerpt.Of(shapeText, 120)}) of {type} overflows a 64-bit byte count");
        return new Header(type, size, shape, count, headerStart + headerLength);
    }

    private static double[] ReadValues(Stream stream, string name, string type, int size, long count, long[] shape, bool lengthKnown, CancellationToken ct)
    {
        const int chunk = 1 << 20;
        long byteCount = count * size;
        if (lengthKnown && type == "<f8")
        {
            // float64 needs no conversion: read straight into the values, 2 Mi values (16 MiB) at a time.
            var direct = GC.AllocateUninitializedArray<double>((int)count);
            for (long at = 0; at < count; at += 1 << 21)
            {
                ct.ThrowIfCancellationRequested();
                int n = (int)Math.Min(1 << 21, count - at);
                var target = MemoryMarshal.AsBytes(direct.AsSpan((int)at, n));
                int got = DataFiles.ReadAtMost(stream, target);
                if (got < target.Length)
                    throw new DataFormatException(name, null, $"truncated data: shape {ShapeText(shape)} of {type} needs {byteCount:N0} bytes, the file has {at * 8 + got:N0}");
            }
            return direct;
        }
        double[]? values = lengthKnown ? new double[count] : null;
        var pending = lengthKnown ? null : new List<byte[]>();
        var buffer = new byte[(int)Math.Min(chunk, Math.Max(byteCount, 1))];
        long done = 0;
        while (done < byteCount)
        {
            ct.ThrowIfCancellationRequested();
            int want = (int)Math.Min(buffer.Length, byteCount - done);
            // Whole elements only: the chunk size is a multiple of every element size.
            int got = DataFiles.ReadAtMost(stream, buffer.AsSpan(0, want));
            if (got < want)
                throw new DataFormatException(name, null, $"truncated data: shape {ShapeText(shape)} of {type} needs {byteCount:N0} bytes, the file has {done + got:N0}");
            if (values is not null) Convert(type, buffer.AsSpan(0, got), values.AsSpan((int)(done / size), got / size));
            else pending!.Add(buffer.AsSpan(0, got).ToArray());
            done += got;
        }
        if (values is null)
        {
            values = new double[count];
            long at = 0;
            foreach (var part in pending!)
            {
                Convert(type, part, values.AsSpan((int)at, part.Length / size));
                at += part.Length / size;
            }
        }
        return values;
    }

    internal static void Convert(string type, ReadOnlySpan<byte> data, Span<double> values)
    {
        switch (type)
        {
            case "<f8": MemoryMarshal.Cast<byte, double>(data).CopyTo(values); break;
            case "<f4": { var f = MemoryMarshal.Cast<byte, float>(data); for (int i = 0; i < f.Length; i++) values[i] = f[i]; break; }
            case "<i4": { var f = MemoryMarshal.Cast<byte, int>(data); for (int i = 0; i < f.Length; i++) values[i] = f[i]; break; }
            case "<i8": { var f = MemoryMarshal.Cast<byte, long>(data); for (int i = 0; i < f.Length; i++) values[i] = f[i]; break; }
            default: for (int i = 0; i < data.Length; i++) values[i] = data[i]; break;
        }
    }

    private static string ShapeText(long[] shape) => shape.Length == 1 ? $"({shape[0]},)" : $"({string.Join(", ", shape)})";


    [GeneratedRegex(@"'descr'\s*:\s*'([^']*)'")]
    private static partial Regex DescrPattern();

    [GeneratedRegex(@"'fortran_order'\s*:\s*(True|False)")]
    private static partial Regex FortranPattern();

    [GeneratedRegex(@"'shape'\s*:\s*\(([^)]*)\)")]
    private static partial Regex ShapePattern();
}
