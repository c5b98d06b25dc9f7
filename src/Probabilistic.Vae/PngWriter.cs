using System.Buffers.Binary;
using System.IO.Compression;
using Probabilistic.Core.IO;

namespace Probabilistic.Vae;

/// <summary>
/// A minimal PNG encoder (8-bit greyscale or RGB, no interlace, filter 0 on every row), written atomically.
/// Chunks: IHDR, one IDAT (zlib via <see cref="ZLibStream"/>), IEND; CRC-32 (ISO 3309, polynomial 0xEDB88320) computed here.
/// </summary>
public static class PngWriter
{
    private static readonly uint[] CrcTable = BuildCrcTable();

    /// <summary>Writes an 8-bit greyscale image (<paramref name="pixels"/> row-major, width × height).</summary>
    public static void WriteGray(string path, int width, int height, ReadOnlySpan<byte> pixels) => Write(path, width, height, 1, pixels);

    /// <summary>Writes an 8-bit RGB image (<paramref name="rgb"/> row-major, 3 bytes per pixel).</summary>
    public static void WriteRgb(string path, int width, int height, ReadOnlySpan<byte> rgb) => Write(path, width, height, 3, rgb);

    /// <summary>Encodes to bytes (greyscale when <paramref name="channels"/> is 1, RGB when 3).</summary>
    public static byte[] Encode(int width, int height, int channels, ReadOnlySpan<byte> pixels)
    {
        if (width < 1 || height < 1) throw new ArgumentException($"Image size {width}×{height} must be positive.");
        if (channels is not (1 or 3)) throw new ArgumentException($"Channels must be 1 (grey) or 3 (RGB), not {channels}.");
        if (pixels.Length != width * height * channels)
            throw new ArgumentException($"{pixels.Length} bytes do not make a {width}×{height}×{channels} image.");
        using var output = new MemoryStream();
        output.Write([0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A]);

        var ihdr = new byte[13];
        BinaryPrimitives.WriteInt32BigEndian(ihdr.AsSpan(0), width);
        BinaryPrimitives.WriteInt32BigEndian(ihdr.AsSpan(4), height);
        ihdr[8] = 8;                                 // bit depth
        ihdr[9] = (byte)(channels == 1 ? 0 : 2);     // colour type: grey or truecolour
        // compression 0, filter 0, interlace 0
        WriteChunk(output, "IHDR", ihdr);

        using var compressed = new MemoryStream();
        using (var z = new ZLibStream(compressed, CompressionLevel.Optimal, leaveOpen: true))
        {
            int stride = width * channels;
            for (int y = 0; y < height; y++)
            {
                z.WriteByte(0);                      // filter type None
                z.Write(pixels.Slice(y * stride, stride));
            }
        }
        WriteChunk(output, "IDAT", compressed.ToArray());
        WriteChunk(output, "IEND", []);
        return output.ToArray();
    }

    private static void Write(string path, int width, int height, int channels, ReadOnlySpan<byte> pixels)
    {
        var bytes = Encode(width, height, channels, pixels);
        AtomicFile.Write(path, s => s.Write(bytes));
    }

    private static void WriteChunk(Stream s, string type, byte[] data)
    {
        Span<byte> buffer = stackalloc byte[4];
        BinaryPrimitives.WriteInt32BigEndian(buffer, data.Length);
        s.Write(buffer);
        var typeBytes = System.Text.Encoding.ASCII.GetBytes(type);
        s.Write(typeBytes);
        s.Write(data);
        uint crc = Crc32(typeBytes, 0xFFFFFFFFu);
        crc = Crc32(data, crc) ^ 0xFFFFFFFFu;       // the CRC covers type and data, not the length
        BinaryPrimitives.WriteUInt32BigEndian(buffer, crc);
        s.Write(buffer);
    }

    /// <summary>CRC-32 of <paramref name="data"/> as PNG defines it (initial 0xFFFFFFFF, final XOR 0xFFFFFFFF).</summary>
    internal static uint Crc32(ReadOnlySpan<byte> data) => Crc32(data, 0xFFFFFFFFu) ^ 0xFFFFFFFFu;

    private static uint Crc32(ReadOnlySpan<byte> data, uint crc)
    {
        foreach (var b in data) crc = CrcTable[(crc ^ b) & 0xFF] ^ (crc >> 8);
        return crc;
    }

    private static uint[] BuildCrcTable()
    {
        var table = new uint[256];
        for (uint n = 0; n < 256; n++)
        {
            uint c = n;
            for (int k = 0; k < 8; k++) c = (c & 1) != 0 ? 0xEDB88320u ^ (c >> 1) : c >> 1;
            table[n] = c;
        }
        return table;
    }
}
