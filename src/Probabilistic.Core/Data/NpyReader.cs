using System.Buffers.Binary;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.RegularExpressions;

namespace Probabilistic.Core.Data;

/// <summary>An array from a NumPy .npy file, converted to doubles, with its shape.</summary>
public sealed record NpyArray(int[] Shape, double[] Data)
{
    /// <summary>As a table: 1-D arrays become one column, 2-D arrays rows × columns.</summary>
    public NumericTable ToTable(string name)
    {
        return Shape.Length switch
        {
            1 => new NumericTable(Data, Shape[0], 1),
            2 => new NumericTable(Data, Shape[0], Shape[1]),
            _ => throw new DataFormatException(name, null, $"expected a 1-D or 2-D array, got shape ({string.Join(", ", Shape)})"),
        };
    }
}

/// <summary>
/// Reads NumPy .npy files (format 1.0–3.0): little-endian float64, float32, int32, int64 or uint8, C order.
/// Malformed headers, Fortran order, big-endian data and truncated data are refused with the reason.
/// </summary>
public static partial class NpyReader
{
    private static readonly byte[] Magic = [0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y'];

    /// <summary>Reads <paramref name="path"/>.</summary>
    public static NpyArray Read(string path)
    {
        var bytes = File.Exists(path) ? File.ReadAllBytes(path) : throw new FileNotFoundException($"No such file: {path}", path);
        return Read(bytes, path);
    }

    /// <summary>Parses the bytes of a .npy file; <paramref name="name"/> is used in errors.</summary>
    public static NpyArray Read(ReadOnlySpan<byte> bytes, string name)
    {
        if (bytes.Length < 10 || !bytes[..6].SequenceEqual(Magic))
            throw new DataFormatException(name, null, "not a .npy file: it does not start with \\x93NUMPY");
        int major = bytes[6];
        int headerLength, headerStart;
        if (major == 1) { headerLength = BinaryPrimitives.ReadUInt16LittleEndian(bytes[8..]); headerStart = 10; }
        else if (major is 2 or 3)
        {
            if (bytes.Length < 12) throw new DataFormatException(name, null, "truncated .npy header");
            headerLength = (int)BinaryPrimitives.ReadUInt32LittleEndian(bytes[8..]); headerStart = 12;
        }
        else throw new DataFormatException(name, null, $".npy format version {major} is not supported (1, 2 or 3 are)");
        if (headerStart + headerLength > bytes.Length)
            throw new DataFormatException(name, null, $"truncated .npy header: it declares {headerLength} bytes, the file has {bytes.Length - headerStart} after the preamble");
        var header = Encoding.Latin1.GetString(bytes.Slice(headerStart, headerLength));

        var descr = DescrPattern().Match(header);
        var fortran = FortranPattern().Match(header);
        var shapeMatch = ShapePattern().Match(header);
        if (!descr.Success || !fortran.Success || !shapeMatch.Success)
            throw new DataFormatException(name, null, $"malformed .npy header (needs 'descr', 'fortran_order' and 'shape'): {header.Trim()}");
        if (fortran.Groups[1].Value == "True")
            throw new DataFormatException(name, null, "Fortran-order .npy arrays are not supported; save with np.ascontiguousarray(x)");
        var shapeText = shapeMatch.Groups[1].Value;
        int[] shape;
        try
        {
            shape = shapeText.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
                .Select(s => int.Parse(s, NumberStyles.None, CultureInfo.InvariantCulture)).ToArray();
        }
        catch (FormatException)
        {
            throw new DataFormatException(name, null, $"malformed shape ({shapeText}) in .npy header");
        }
        long count = shape.Aggregate(1L, (a, b) => a * b);
        var type = descr.Groups[1].Value;
        int size = type switch { "<f8" => 8, "<f4" => 4, "<i4" => 4, "<i8" => 8, "|u1" or "<u1" => 1, _ => 0 };
        if (size == 0)
            throw new DataFormatException(name, null, $"dtype '{type}' is not supported; use little-endian float64 ('<f8'), float32, int32, int64 or uint8");
        var data = bytes[(headerStart + headerLength)..];
        if (data.Length < count * size)
            throw new DataFormatException(name, null, $"truncated data: shape ({shapeText}) of {type} needs {count * size} bytes, the file has {data.Length}");
        data = data[..(int)(count * size)];
        var values = new double[count];
        switch (type)
        {
            case "<f8": MemoryMarshal.Cast<byte, double>(data).CopyTo(values); break;
            case "<f4": { var f = MemoryMarshal.Cast<byte, float>(data); for (int i = 0; i < f.Length; i++) values[i] = f[i]; break; }
            case "<i4": { var f = MemoryMarshal.Cast<byte, int>(data); for (int i = 0; i < f.Length; i++) values[i] = f[i]; break; }
            case "<i8": { var f = MemoryMarshal.Cast<byte, long>(data); for (int i = 0; i < f.Length; i++) values[i] = f[i]; break; }
            default: for (int i = 0; i < data.Length; i++) values[i] = data[i]; break;
        }
        return new NpyArray(shape, values);
    }

    [GeneratedRegex(@"'descr'\s*:\s*'([^']*)'")]
    private static partial Regex DescrPattern();

    [GeneratedRegex(@"'fortran_order'\s*:\s*(True|False)")]
    private static partial Regex FortranPattern();

    [GeneratedRegex(@"'shape'\s*:\s*\(([^)]*)\)")]
    private static partial Regex ShapePattern();
}
