using System.Buffers.Binary;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;

namespace Probabilistic.Core.Data;

/// <summary>
/// Writes NumPy .npy files (format 1.0, little-endian, C order) to a stream, header first and then the values in as many
/// pieces as the caller has, so that arrays larger than memory can be written block by block (pair it with
/// <see cref="IO.AtomicFile.Write"/> for a file that is never left half-written).
/// </summary>
public static class NpyWriter
{
    /// <summary>Writes the header for an array of <paramref name="shape"/> with element type <paramref name="descr"/> ("&lt;i4", "&lt;f8").</summary>
    public static void WriteHeader(Stream stream, string descr, params long[] shape)
    {
        ArgumentNullException.ThrowIfNull(stream);
        string dims = shape.Length == 1
            ? shape[0].ToString(CultureInfo.InvariantCulture) + ","
            : string.Join(", ", shape.Select(s => s.ToString(CultureInfo.InvariantCulture)));
        var header = $"{{'descr': '{descr}', 'fortran_order': False, 'shape': ({dims}), }}";
        header += new string(' ', (64 - (10 + header.Length + 1) % 64) % 64) + "\n";
        stream.Write([0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y', 1, 0]);
        Span<byte> length = stackalloc byte[2];
        BinaryPrimitives.WriteUInt16LittleEndian(length, (ushort)header.Length);
        stream.Write(length);
        stream.Write(Encoding.ASCII.GetBytes(header));
    }

    /// <summary>Appends int32 values (little-endian).</summary>
    public static void Write(Stream stream, ReadOnlySpan<int> values)
    {
        if (BitConverter.IsLittleEndian) { stream.Write(MemoryMarshal.AsBytes(values)); return; }
        Span<byte> b = stackalloc byte[4];
        foreach (int v in values) { BinaryPrimitives.WriteInt32LittleEndian(b, v); stream.Write(b); }
    }

    /// <summary>Appends float64 values (little-endian).</summary>
    public static void Write(Stream stream, ReadOnlySpan<double> values)
    {
        if (BitConverter.IsLittleEndian) { stream.Write(MemoryMarshal.AsBytes(values)); return; }
        Span<byte> b = stackalloc byte[8];
        foreach (double v in values) { BinaryPrimitives.WriteDoubleLittleEndian(b, v); stream.Write(b); }
    }
}
