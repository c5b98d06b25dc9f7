using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;
using Probabilistic.Vae;

namespace Probabilistic.Vae.Tests;

public class DataAndPngTests
{
    [Fact]
    public void MnistSampleLoadsAsUnitIntervalPixelsWithLabels()
    {
        var train = MnistData.Load(TestData.MnistSample(), MnistSplit.Train);
        Assert.Equal((2000, 28, 28), (train.Count, train.Height, train.Width));
        Assert.True(train.Values.All(v => v is >= 0 and <= 1), "pixels should be byte/255 in [0, 1]");
        Assert.True(train.Values.Any(v => v is > 0 and < 1), "grey levels should be kept by default");
        Assert.Equal(2000, train.Labels!.Length);
        Assert.True(train.Labels.All(l => l <= 9), "MNIST labels are digits");
    }

    [Fact]
    public void StaticBinarisationIsSeededAndUnbiased()
    {
        var grey = MnistData.Load(TestData.MnistSample(), MnistSplit.Test, 300);
        var a = MnistData.Load(TestData.MnistSample(), MnistSplit.Test, 300, binarizeSeed: 4);
        var b = MnistData.Load(TestData.MnistSample(), MnistSplit.Test, 300, binarizeSeed: 4);
        Assert.Equal(a.Values, b.Values);
        Assert.True(a.Values.All(v => v is 0 or 1), "binarised pixels are 0 or 1");
        // E[binary] = intensity; over 235,200 pixels the sd of the mean difference is < 0.001.
        double diff = a.Values.Average(v => (double)v) - grey.Values.Average(v => (double)v);
        Assert.True(Math.Abs(diff) < 0.005, $"mean binarised pixel should equal the mean intensity; differs by {diff:F5}");
    }

    [Fact]
    public void Crc32MatchesTheStandardCheckValue()
    {
        // The CRC-32/ISO-HDLC check value: CRC of ASCII "123456789" is 0xCBF43926.
        Assert.Equal(0xCBF43926u, PngWriter.Crc32(Encoding.ASCII.GetBytes("123456789")));
    }

    [Fact]
    public void PngRoundTripsThroughItsChunks()
    {
        byte[] pixels = [0, 64, 128, 255, 10, 20, 30, 40, 50, 60, 70, 80];   // 4 × 3 grey
        var png = PngWriter.Encode(4, 3, 1, pixels);
        Assert.Equal(new byte[] { 0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A }, png[..8]);
        int pos = 8;
        var idat = new MemoryStream();
        var types = new List<string>();
        while (pos < png.Length)
        {
            int len = BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(pos));
            var type = Encoding.ASCII.GetString(png, pos + 4, 4);
            types.Add(type);
            uint crc = BinaryPrimitives.ReadUInt32BigEndian(png.AsSpan(pos + 8 + len));
            Assert.Equal(PngWriter.Crc32(png.AsSpan(pos + 4, 4 + len)), crc);
            if (type == "IHDR")
            {
                Assert.Equal(4, BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(pos + 8)));
                Assert.Equal(3, BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(pos + 12)));
            }
            if (type == "IDAT") idat.Write(png, pos + 8, len);
            pos += 12 + len;
        }
        Assert.Equal(["IHDR", "IDAT", "IEND"], types);
        idat.Position = 0;
        using var z = new ZLibStream(idat, CompressionMode.Decompress);
        var raw = new MemoryStream();
        z.CopyTo(raw);
        var expected = new List<byte>();
        for (int y = 0; y < 3; y++) { expected.Add(0); expected.AddRange(pixels[(y * 4)..(y * 4 + 4)]); }
        Assert.Equal(expected.ToArray(), raw.ToArray());
    }

    [Fact]
    public void GridPlacesTilesWithPadding()
    {
        var data = new VaeDataset([1, 1, 1, 1, 0, 0, 0, 0.5f], 2, 2, 2);
        var (pixels, w, h) = ImageRendering.Grid(data, columns: 2, padding: 1);
        Assert.Equal((7, 4), (w, h));
        Assert.Equal(255, pixels[1 * w + 1]);   // first tile, top-left
        Assert.Equal(0, pixels[0]);             // padding
        Assert.Equal(128, pixels[2 * w + 5]);   // second tile, bottom-right = 0.5
    }
}
