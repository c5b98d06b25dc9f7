using System.Buffers.Binary;

namespace Probabilistic.Core.Data;

/// <summary>An array read from an IDX file (MNIST's format): its dimensions and its unsigned bytes, row-major.</summary>
public sealed record IdxArray(int[] Shape, byte[] Data)
{
    /// <summary>Number of items (the first dimension).</summary>
    public int Count => Shape[0];

    /// <summary>Values per item (the product of the other dimensions).</summary>
    public int ItemSize => Shape.Skip(1).Aggregate(1, (a, b) => a * b);
}

/// <summary>
/// Reads IDX files, raw or gzipped: a big-endian magic 0x0000TTNN (TT the element type, NN the number of
/// dimensions), NN big-endian int32 sizes, then the elements. Only unsigned bytes (TT = 0x08) are supported,
/// which is what MNIST uses.
/// </summary>
public static class IdxReader
{
    /// <summary>Reads the whole file, checking the magic, the sizes and that the data are complete.</summary>
    public static IdxArray Read(string path, int? maxItems = null)
    {
        using var stream = DataFiles.OpenRead(path);
        return Read(stream, path, maxItems);
    }

    /// <summary>Reads from a stream; <paramref name="name"/> is used in errors.</summary>
    public static IdxArray Read(Stream stream, string name, int? maxItems = null)
    {
        Span<byte> header = stackalloc byte[4];
        if (ReadFully(stream, header) < 4)
            throw new DataFormatException(name, null, "file is shorter than the 4-byte IDX magic number (truncated or not IDX)");
        if (header[0] != 0 || header[1] != 0)
            throw new DataFormatException(name, null, $"wrong magic number 0x{BinaryPrimitives.ReadUInt32BigEndian(header):X8}: an IDX file starts with two zero bytes (is this an IDX file?)");
        byte type = header[2], dims = header[3];
        if (type != 0x08)
            throw new DataFormatException(name, null, $"IDX element type 0x{type:X2} is not supported; only unsigned bytes (0x08) are");
        if (dims == 0)
            throw new DataFormatException(name, null, "IDX header declares zero dimensions");
        var shape = new int[dims];
        Span<byte> size = stackalloc byte[4];
        long total = 1;
        for (int i = 0; i < dims; i++)
        {
            if (ReadFully(stream, size) < 4)
                throw new DataFormatException(name, null, $"truncated header: dimension {i + 1} of {dims} is missing");
            int s = BinaryPrimitives.ReadInt32BigEndian(size);
            if (s < 0) throw new DataFormatException(name, null, $"dimension {i + 1} has negative size {s}");
            shape[i] = s;
            total *= s;
        }
        if (maxItems is int m && m < shape[0])
        {
            total = total / Math.Max(shape[0], 1) * m;
            shape[0] = m;
        }
        if (total > Array.MaxLength)
            throw new DataFormatException(name, null, $"declares {total} elements, more than one array can hold");
        var data = GC.AllocateUninitializedArray<byte>((int)total);
        int got = ReadFully(stream, data);
        if (got < total)
            throw new DataFormatException(name, null, $"truncated: shape [{string.Join(", ", shape)}] needs {total} data bytes but the file holds {got}");
        return new IdxArray(shape, data);
    }

    private static int ReadFully(Stream s, Span<byte> buffer)
    {
        int total = 0;
        while (total < buffer.Length)
        {
            int n = s.Read(buffer[total..]);
            if (n == 0) break;
            total += n;
        }
        return total;
    }
}
