using System.Diagnostics;
using System.IO.Compression;
using System.Text;
using Probabilistic.Core.Data;
using Probabilistic.Core.IO;
using Probabilistic.Core.Numerics;

namespace Probabilistic.Core.Tests;

/// <summary>Core's defences against hostile input (issue 13): stable Poisson terms, bounded text, streams, budgets, outputs.</summary>
public class HostileInputCoreTests
{
    // Reference values from mpmath 1.3.0 at 50 significant digits (mp.dps = 50):
    //   x*log(l) - l - loggamma(x + 1)
    // For x = λ = 1e17 this is also −½ log(2π·1e17) − stirlerr(1e17) = −(0.918938533204672741780 + 8.5·ln 10) − 8.3e−19.
    [Theory]
    [InlineData(1e17, 1e17, -20.490911823654061056766590434556)]
    [InlineData(1e17, 1.0000001e17, -520.49087849032322772323325711789)]
    [InlineData(1e18, 9e17, -5360515657826322.8697053509903967)]
    [InlineData(123456789012, 123456000000, -16.209814562320219953223155447407)]
    [InlineData(3, 2.5, -1.5428872736055898052618957230767)]
    [InlineData(1e5, 1e5 + 300, -7.1245041191752391213181099555978)]
    public void Poisson_log_probability_matches_50_digit_values_for_huge_counts(double x, double rate, double expected)
    {
        double actual = PoissonMath.LogProbability(x, rate);
        double tolerance = 1e-12 * Math.Max(1, Math.Abs(expected));
        Assert.True(Math.Abs(actual - expected) <= tolerance, $"log p({x}; {rate}) = {actual:R}, expected {expected:R} (tolerance {tolerance:G3})");
    }

    [Fact]
    public void The_direct_poisson_form_loses_every_digit_at_1e17_which_is_why_it_is_not_used_there()
    {
        double direct = 1e17 * Math.Log(1e17) - 1e17 - MathNet.Numerics.SpecialFunctions.GammaLn(1e17 + 1);
        Assert.True(Math.Abs(direct - -20.490911823654061) > 1, $"the direct form gives {direct:R}; if it were accurate the saddle-point form would be unneeded");
    }

    [Fact]
    public void Text_lines_refuse_nul_characters_and_endless_lines_with_file_and_line()
    {
        var nul = Assert.Throws<DataFormatException>(() => new LineReader(new StringReader("a,b\n1,2\n3\0,4\n"), "x.csv").ReadLines().ToList());
        Assert.Equal(3, nul.Line);
        Assert.Contains("NUL character at column 2", nul.Message);
        var endless = Assert.Throws<DataFormatException>(() => new LineReader(new StringReader(new string('7', 5000)), "y.csv", maxLineLength: 1000).ReadLine());
        Assert.Equal(1, endless.Line);
        Assert.Contains("longer than 1,000 characters", endless.Message);
        Assert.Equal(["a", "", "b", "c", "d"], new LineReader(new StringReader("a\r\n\nb\rc\nd"), "z").ReadLines().ToList());
        Assert.Empty(new LineReader(new StringReader(""), "e").ReadLines());
    }

    [Fact]
    public void Memory_sizes_parse_with_binary_suffixes_and_refusals_name_the_control()
    {
        Assert.True(MemoryBudget.TryParseSize("512M", out var m) && m == 512L << 20);
        Assert.True(MemoryBudget.TryParseSize("1.5GiB", out var g) && g == 3L << 29);
        Assert.True(MemoryBudget.TryParseSize("2000000000", out var b) && b == 2_000_000_000);
        foreach (var bad in new[] { "abc", "0", "-1", "", "NaN", "1X" }) Assert.False(MemoryBudget.TryParseSize(bad, out _), bad);
        var e = Assert.Throws<ResourceLimitException>(() => new MemoryBudget(1 << 20, "--max-memory 1M").Require(3e9, "a table", "--rows"));
        Assert.Contains("a table needs about 2.8 GiB of memory, more than the limit of 1.0 MiB (--max-memory 1M); lower --rows or raise the limit with --max-memory", e.Message);
        Assert.Throws<ResourceLimitException>(() => MemoryBudget.Unlimited.Require(double.NaN, "nothing"));
    }

    [Fact]
    public void A_gzip_idx_header_claiming_more_than_the_stream_holds_is_refused_without_allocating_the_claim()
    {
        // A consistent header claiming 700 MB of pixels, with 1 MB of them present: refused as truncated, having allocated
        // about what arrived (the budget allows the claim, so only reading as data arrive keeps memory small).
        var header = new byte[16];
        header[2] = 0x08; header[3] = 3;
        System.Buffers.Binary.BinaryPrimitives.WriteInt32BigEndian(header.AsSpan(4), 1_000_000);
        System.Buffers.Binary.BinaryPrimitives.WriteInt32BigEndian(header.AsSpan(8), 28);
        System.Buffers.Binary.BinaryPrimitives.WriteInt32BigEndian(header.AsSpan(12), 25);
        using var ms = new MemoryStream();
        using (var gz = new GZipStream(ms, CompressionLevel.Fastest, leaveOpen: true)) { gz.Write(header); gz.Write(new byte[1 << 20]); }
        var bytes = ms.ToArray();
        long before = GC.GetAllocatedBytesForCurrentThread();
        var e = Assert.Throws<DataFormatException>(() => IdxReader.Read(DataFiles.Decompressed(new NonSeekable(bytes), "bomb.gz"), "bomb.gz", budget: MemoryBudget.Unlimited));
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.Contains("truncated", e.Message);
        Assert.True(allocated < 32L << 20, $"allocated {allocated:N0} bytes for a claim of 700,000,000");
    }

    [Fact]
    public void Gzip_and_npy_arrive_through_streams_that_cannot_seek()
    {
        var csv = "a,b\n1,2\n3,4\n"u8.ToArray();
        using var ms = new MemoryStream();
        using (var gz = new GZipStream(ms, CompressionLevel.Fastest, leaveOpen: true)) gz.Write(csv);
        using var reader = new StreamReader(DataFiles.Decompressed(new NonSeekable(ms.ToArray()), "pipe"));
        Assert.Equal([1.0, 2, 3, 4], CsvReader.ReadNumeric(reader, "pipe").Values);

        var corrupt = ms.ToArray();
        corrupt[^6] ^= 0xFF; // the CRC
        var e = Assert.Throws<DataFormatException>(() => new StreamReader(DataFiles.Decompressed(new NonSeekable(corrupt), "bad.gz")).ReadToEnd());
        Assert.StartsWith("bad.gz: the gzip data are corrupt", e.Message);
    }

    [SkippableFact]
    public void Outputs_that_are_inputs_are_found_through_hard_and_symbolic_links()
    {
        Skip.IfNot(OperatingSystem.IsLinux(), "file identity is read with stat(2) on Linux");
        using var dir = new TempDir();
        var input = dir.File("in.csv", "a\n1\n");
        using (var ln = Process.Start("ln", [input, Path.Combine(dir.Path, "hard.csv")])) ln.WaitForExit();
        File.CreateSymbolicLink(Path.Combine(dir.Path, "sym.csv"), input);
        Directory.CreateSymbolicLink(Path.Combine(dir.Path, "alias"), dir.Path);
        foreach (var output in new[] { "hard.csv", "sym.csv", "alias/in.csv", "./in.csv" })
        {
            var e = Assert.Throws<OutputPathException>(() => OutputTarget.Check(Path.Combine(dir.Path, output), "-o", [new InputFile(input, "--data")]));
            Assert.Contains("the same file as the input --data", e.Message);
        }
        Assert.EndsWith("other.json", OutputTarget.Check(Path.Combine(dir.Path, "other.json"), "-o", [new InputFile(input, "--data")]));
        Assert.Contains("character device", Assert.Throws<OutputPathException>(() => OutputTarget.CheckWritable("/dev/null", "-o")).Message);
    }

    [SkippableFact]
    public void Stale_temporaries_are_recognised_by_name_and_dead_process()
    {
        Skip.IfNot(OperatingSystem.IsLinux(), "the dead process id is found through /proc");
        using var dir = new TempDir();
        var target = Path.Combine(dir.Path, "m.json");
        int dead = Enumerable.Range(0, 500).Select(i => 4_000_000 - 7919 * i).First(p => !Directory.Exists($"/proc/{p}"));
        var stale = dir.File($".m.json.{dead}.{Guid.NewGuid():N}.tmp", "x");
        var mine = dir.File($".m.json.{Environment.ProcessId}.{Guid.NewGuid():N}.tmp", "x");
        var odd = dir.File($".m.json.{dead}.not-a-guid.tmp", "x");
        Assert.Equal(1, AtomicFile.RemoveStaleTemporaries(target));
        Assert.False(File.Exists(stale));
        Assert.True(File.Exists(mine));
        Assert.True(File.Exists(odd));
    }

    [Fact]
    public void Envelope_fields_of_the_wrong_json_type_are_named()
    {
        using var dir = new TempDir();
        foreach (var (envelope, expected) in new[]
        {
            ("""{"format":"probabilistic","kind":"toy","version":"1","model":{}}""", "\"version\" is the string \"1\""),
            ("""{"format":"probabilistic","kind":"toy","version":1.5,"model":{}}""", "\"version\" is the number 1.5"),
            ("""{"format":"probabilistic","kind":"toy","version":1e10,"model":{}}""", "\"version\" is the number 1e10"),
            ("""{"format":"probabilistic","kind":["toy"],"version":1,"model":{}}""", "\"kind\" is an array"),
            ("""{"format":"probabilistic","kind":"toy","version":1,"model":[]}""", "\"model\" is an array"),
            ("""{"format":"probabilistic","kind":"toy","kind":"toy","version":1,"model":{}}""", "not valid JSON"),
            ("\0\0\0\0", "starts with byte 0x00"),
        })
        {
            var path = dir.File("m.json", envelope);
            var e = Assert.Throws<ModelFormatException>(() => ModelFile.Load<ModelFileTests.Toy>(path, "toy", 1));
            Assert.Contains(expected, e.Message);
        }
    }

    /// <summary>A read-only stream that cannot seek, as a pipe.</summary>
    private sealed class NonSeekable(byte[] bytes) : Stream
    {
        private readonly MemoryStream _inner = new(bytes);
        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
        public override void Flush() { }
        public override int Read(byte[] buffer, int offset, int count) => _inner.Read(buffer, offset, count);
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
