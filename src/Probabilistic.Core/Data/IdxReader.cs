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

/// <summary>The header of an IDX file: its dimensions and where the data start.</summary>
/// <param name="Shape">The sizes, first the item count.</param>
/// <param name="DataOffset">Bytes before the first element (4 + 4 per dimension).</param>
public readonly record struct IdxHeader(int[] Shape, int DataOffset)
{
    /// <summary>Number of items (the first dimension).</summary>
    public int Count => Shape[0];

    /// <summary>Values per item (the product of the other dimensions; checked to fit one array).</summary>
    public long ItemSize => Shape.Skip(1).Aggregate(1L, (a, b) => a * b);

    /// <summary>Elements of the first <paramref name="items"/> items (all when null).</summary>
    public long Elements(int? items = null) => Math.Min(items ?? Count, Count) * ItemSize;
}

/// <summary>
/// Reads IDX files, raw or gzipped, from files, pipes or standard input: a big-endian magic 0x0000TTNN (TT the element
/// type, NN the number of dimensions), NN big-endian int32 sizes, then the elements. Only unsigned bytes (TT = 0x08) are
/// supported, which is what MNIST uses. Files of any size are read as streams: a prefix of <c>maxItems</c> items reads
/// only those bytes; the memory the read needs is checked against the <see cref="MemoryBudget"/> before allocating, and
/// data are allocated as they arrive, so a header (a gzip bomb's included) that claims more than the file holds is
/// refused as truncated without allocating the claim.
/// </summary>
public static class IdxReader
{
    /// <summary>Reads the header of <paramref name="path"/> only.</summary>
    public static IdxHeader ReadHeader(string path)
    {
        using var stream = DataFiles.OpenRead(path);
        return ReadHeader(stream, DataFiles.DisplayName(path));
    }

    /// <summary>Reads the whole file (or its first <paramref name="maxItems"/> items), checking the magic, the sizes and that the data are complete.</summary>
    public static IdxArray Read(string path, int? maxItems = null, MemoryBudget? budget = null, CancellationToken cancellationToken = default)
    {
        using var stream = DataFiles.OpenRead(path);
        return Read(stream, DataFiles.DisplayName(path), maxItems, budget, cancellationToken, DataFiles.KnownLength(path));
    }

    /// <summary>Reads from a stream; <paramref name="name"/> is used in errors; <paramref name="knownLength"/> is the stream's length when known.</summary>
    public static IdxArray Read(Stream stream, string name, int? maxItems = null, MemoryBudget? budget = null,
        CancellationToken cancellationToken = default, long? knownLength = null)
    {
        if (maxItems is < 0) throw new ArgumentOutOfRangeException(nameof(maxItems), maxItems, "maxItems must be >= 0.");
        var header = ReadHeader(stream, name);
        var shape = (int[])header.Shape.Clone();
        if (maxItems is int m && m < shape[0]) shape[0] = m;
        long total = header.Elements(maxItems);
        string what = $"{name}: {shape[0]:N0} items of shape [{string.Join(", ", shape.Skip(1))}]";
        if (knownLength is long length && length - header.DataOffset < total)
            throw Truncated(name, header, shape, total, length - header.DataOffset);
        if (total > Array.MaxLength)
            throw new DataFormatException(name, null, $"{shape[0]:N0} items of {header.ItemSize:N0} values are {total:N0} bytes, more than one array holds ({Array.MaxLength:N0}); read at most {Array.MaxLength / Math.Max(1, header.ItemSize):N0} items");
        (budget ?? MemoryBudget.Available()).Require(knownLength is null ? 2 * total : total, what);
        byte[] data;
        if (knownLength is not null)
        {
            data = GC.AllocateUninitializedArray<byte>((int)total);
            long got = ReadChunked(stream, data, cancellationToken);
            if (got < total) throw Truncated(name, header, shape, total, got);
        }
        else
        {
            // Grow with the data actually delivered: a claim the stream does not back is never allocated.
            var buffer = new byte[(int)Math.Min(total, 1 << 20)];
            long got = 0;
            while (got < total)
            {
                if (got == buffer.Length) Array.Resize(ref buffer, (int)Math.Min(total, Math.Max(2L * buffer.Length, 1 << 20)));
                int n = DataFiles.ReadAtMost(stream, buffer.AsSpan((int)got, (int)Math.Min(buffer.Length - got, 1 << 20)));
                cancellationToken.ThrowIfCancellationRequested();
                if (n == 0) throw Truncated(name, header, shape, total, got);
                got += n;
            }
            data = buffer;
        }
        return new IdxArray(shape, data);
    }

    /// <summary>Reads and checks the magic and sizes, leaving the stream at the first element.</summary>
    public static IdxHeader ReadHeader(Stream stream, string name)
    {
        Span<byte> magic = stackalloc byte[4];
        int got = DataFiles.ReadAtMost(stream, magic);
        if (got == 0) throw new DataFormatException(name, null, "the file is empty; an IDX file starts with a 4-byte magic number");
        if (got < 4)
            throw new DataFormatException(name, null, "file is shorter than the 4-byte IDX magic number (truncated or not IDX)");
        if (magic[0] != 0 || magic[1] != 0)
            throw new DataFormatException(name, null, $"wrong magic number 0x{BinaryPrimitives.ReadUInt32BigEndian(magic):X8}: an IDX file starts with two zero bytes (is this an IDX file?)");
        byte type = magic[2], dims = magic[3];
        if (type != 0x08)
            throw new DataFormatException(name, null, $"IDX element type 0x{type:X2} is not supported; only unsigned bytes (0x08) are");
        if (dims == 0)
            throw new DataFormatException(name, null, "IDX header declares zero dimensions");
        var shape = new int[dims];
        Span<byte> size = stackalloc byte[4];
        long itemSize = 1;
        for (int i = 0; i < dims; i++)
        {
            if (DataFiles.ReadAtMost(stream, size) < 4)
                throw new DataFormatException(name, null, $"truncated header: dimension {i + 1} of {dims} is missing");
            int s = BinaryPrimitives.ReadInt32BigEndian(size);
            if (s < 0) throw new DataFormatException(name, null, $"dimension {i + 1} has negative size {s}");
            shape[i] = s;
            if (i > 0)
            {
                itemSize = s == 0 ? 0 : itemSize > Array.MaxLength / s ? -1 : itemSize * s;
                if (itemSize < 0)
                    throw new DataFormatException(name, null, $"dimensions [{string.Join(", ", shape.Take(i + 1))}]: one item holds more values than an array can");
            }
        }
        return new IdxHeader(shape, 4 + 4 * dims);
    }

    private static long ReadChunked(Stream stream, byte[] data, CancellationToken ct)
    {
        long got = 0;
        while (got < data.Length)
        {
            ct.ThrowIfCancellationRequested();
            int n = DataFiles.ReadAtMost(stream, data.AsSpan((int)got, (int)Math.Min(data.Length - got, 1 << 22)));
            if (n == 0) break;
            got += n;
        }
        return got;
    }

    private static DataFormatException Truncated(string name, IdxHeader header, int[] shape, long needed, long available) =>
        new(name, null, $"truncated: shape [{string.Join(", ", shape)}] needs {needed:N0} data bytes but the file holds {Math.Max(0, available):N0}" +
            (shape[0] != header.Count ? $" (of a declared [{string.Join(", ", header.Shape)}])" : ""));
}
