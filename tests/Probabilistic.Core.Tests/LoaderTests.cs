using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;
using Probabilistic.Core.Data;

namespace Probabilistic.Core.Tests;

public class IdxReaderTests
{
    private static byte[] Idx(int magic, int[] shape, int dataBytes)
    {
        var bytes = new byte[4 + 4 * shape.Length + dataBytes];
        BinaryPrimitives.WriteInt32BigEndian(bytes, magic);
        for (int i = 0; i < shape.Length; i++) BinaryPrimitives.WriteInt32BigEndian(bytes.AsSpan(4 + 4 * i), shape[i]);
        for (int i = 0; i < dataBytes; i++) bytes[4 + 4 * shape.Length + i] = (byte)(i * 7);
        return bytes;
    }

    private static byte[] Gzip(byte[] raw)
    {
        var ms = new MemoryStream();
        using (var gz = new GZipStream(ms, CompressionLevel.Fastest, leaveOpen: true)) gz.Write(raw);
        return ms.ToArray();
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Reads_images_raw_and_gzipped(bool gzip)
    {
        using var dir = new TempDir();
        var raw = Idx(0x00000803, [3, 2, 2], 12);
        var path = dir.File("x.idx", gzip ? Gzip(raw) : raw);
        var a = IdxReader.Read(path);
        Assert.Equal([3, 2, 2], a.Shape);
        Assert.Equal(4, a.ItemSize);
        Assert.Equal(raw.AsSpan(16).ToArray(), a.Data);
    }

    [Fact]
    public void Reads_a_prefix_of_items()
    {
        using var dir = new TempDir();
        var path = dir.File("l.idx", Idx(0x00000801, [10], 10));
        var a = IdxReader.Read(path, maxItems: 4);
        Assert.Equal([4], a.Shape);
        Assert.Equal(4, a.Data.Length);
    }

    [Fact]
    public void Truncated_data_is_refused_with_expected_and_actual_sizes()
    {
        using var dir = new TempDir();
        var raw = Idx(0x00000803, [3, 2, 2], 12)[..20];
        var e = Assert.Throws<DataFormatException>(() => IdxReader.Read(dir.File("t.idx", Gzip(raw))));
        Assert.Contains("truncated", e.Message);
        Assert.Contains("12", e.Message);
        Assert.EndsWith("t.idx", e.File);
    }

    [Fact]
    public void Truncated_header_is_refused()
    {
        using var dir = new TempDir();
        var e = Assert.Throws<DataFormatException>(() => IdxReader.Read(dir.File("h.idx", Idx(0x00000803, [3, 2, 2], 0)[..10])));
        Assert.Contains("truncated header", e.Message);
    }

    [Fact]
    public void Wrong_magic_is_refused()
    {
        using var dir = new TempDir();
        var e = Assert.Throws<DataFormatException>(() => IdxReader.Read(dir.File("m.idx", Encoding.ASCII.GetBytes("P5\n28 28\n255\n....."))));
        Assert.Contains("wrong magic", e.Message);
    }

    [Fact]
    public void Unsupported_element_type_is_refused()
    {
        using var dir = new TempDir();
        var e = Assert.Throws<DataFormatException>(() => IdxReader.Read(dir.File("f.idx", Idx(0x00000D01, [2], 8))));
        Assert.Contains("0x0D", e.Message);
    }

    [SkippableFact]
    public void Shared_mnist_test_labels_read_when_present()
    {
        var path = TestPaths.RequireSharedFile("mnist", "t10k-labels-idx1-ubyte.gz");
        var labels = IdxReader.Read(path);
        Assert.Equal([10000], labels.Shape);
        Assert.All(labels.Data, b => Assert.InRange(b, (byte)0, (byte)9));
        // The first test digit of MNIST is a 7 (LeCun et al.'s t10k set, widely reproduced).
        Assert.Equal(7, labels.Data[0]);
    }
}

public class TaggedCorpusReaderTests
{
    [Fact]
    public void Brown_lines_are_sentences_split_at_the_last_slash()
    {
        var text = "\n\n\tThe/at Fulton/np-tl 1/2/cd ./.\n\n\n\tIt/pps said/vbd\n";
        var s = TaggedCorpusReader.ReadWordTag(new StringReader(text), "ca01").ToList();
        Assert.Equal(2, s.Count);
        Assert.Equal(["The", "Fulton", "1/2", "."], s[0].Words);
        Assert.Equal(["at", "np-tl", "cd", "."], s[0].Tags);
        Assert.Equal(["pps", "vbd"], s[1].Tags);
    }

    [Theory]
    [InlineData("The/at jury ./.", "'jury'")]
    [InlineData("The/at jury/ ./.", "'jury/'")]
    [InlineData("The/at /nn ./.", "'/nn'")]
    public void Token_without_a_tag_is_refused_with_file_and_line(string line, string named)
    {
        var e = Assert.Throws<DataFormatException>(() => TaggedCorpusReader.ReadWordTag(new StringReader("\n" + line), "cb07").ToList());
        Assert.Equal(2, e.Line);
        Assert.StartsWith("cb07:2:", e.Message);
        Assert.Contains(named, e.Message);
    }

    [Fact]
    public void Conll_two_columns_and_blank_line_sentences()
    {
        var text = "# comment\nThe\tDT\ndog\tNN\n\nIt\tPRP\nran\tVBD\n";
        var s = TaggedCorpusReader.ReadConll(new StringReader(text), "x.conll").ToList();
        Assert.Equal(2, s.Count);
        Assert.Equal(["The", "dog"], s[0].Words);
        Assert.Equal(["PRP", "VBD"], s[1].Tags);
    }

    [Fact]
    public void Conllu_uses_form_and_upos_and_skips_multiword_ranges()
    {
        var text = "1-2\tdon't\t_\t_\t_\t_\t_\t_\t_\t_\n1\tdo\tdo\tAUX\tVBP\t_\t0\troot\t_\t_\n2\tn't\tnot\tPART\tRB\t_\t1\tadvmod\t_\t_\n";
        var s = Assert.Single(TaggedCorpusReader.ReadConll(new StringReader(text), "u.conllu"));
        Assert.Equal(["do", "n't"], s.Words);
        Assert.Equal(["AUX", "PART"], s.Tags);
    }

    [Fact]
    public void Conll_token_without_a_tag_column_is_refused()
    {
        var e = Assert.Throws<DataFormatException>(() => TaggedCorpusReader.ReadConll(new StringReader("The\tDT\ndog\n"), "x.conll").ToList());
        Assert.Equal(2, e.Line);
        Assert.Contains("no tag column", e.Message);
    }

    [SkippableFact]
    public void Shared_brown_first_sentence_when_present()
    {
        var path = TestPaths.RequireSharedFile("brown", "ca01");
        var first = TaggedCorpusReader.ReadWordTag(path).First();
        Assert.Equal("The", first.Words[0]);
        Assert.Equal("np-tl", first.Tags[1]);
    }
}

public class CsvReaderTests
{
    [Fact]
    public void Reads_header_and_rows_row_major()
    {
        var t = CsvReader.ReadNumeric(new StringReader("\"eruptions\",\"waiting\"\n3.6,79\n1.8,54\n\n"), "f.csv");
        Assert.Equal(["eruptions", "waiting"], t.ColumnNames);
        Assert.Equal(2, t.Rows);
        Assert.Equal([3.6, 79, 1.8, 54], t.Values);
    }

    [Fact]
    public void Selects_named_columns()
    {
        var t = CsvReader.ReadNumeric(new StringReader("a,species,b\n1,setosa,2\n3,virginica,4\n"), "iris.csv", ["b", "a"]);
        Assert.Equal([2.0, 1, 4, 3], t.Values);
    }

    [Fact]
    public void Ragged_row_is_refused_with_line()
    {
        var e = Assert.Throws<DataFormatException>(() => CsvReader.ReadNumeric(new StringReader("a,b\n1,2\n3\n"), "r.csv"));
        Assert.Equal(3, e.Line);
        Assert.Contains("ragged", e.Message);
    }

    [Fact]
    public void Non_numeric_cell_is_refused_with_line_and_column()
    {
        var e = Assert.Throws<DataFormatException>(() => CsvReader.ReadNumeric(new StringReader("a,b\n1,2\n3,x7\n"), "n.csv"));
        Assert.Equal(3, e.Line);
        Assert.Contains("'b'", e.Message);
        Assert.Contains("'x7'", e.Message);
    }

    [Theory]
    [InlineData("NaN")]
    [InlineData("Infinity")]
    public void Non_finite_cell_is_refused(string cell)
    {
        var e = Assert.Throws<DataFormatException>(() => CsvReader.ReadNumeric(new StringReader($"a,b\n1,2\n3,{cell}\n"), "n.csv"));
        Assert.Equal(3, e.Line);
        Assert.Contains("not a finite number", e.Message);
    }

    [Fact]
    public void Missing_header_and_empty_files_are_refused()
    {
        Assert.Contains("header", Assert.Throws<DataFormatException>(() => CsvReader.ReadNumeric(new StringReader("1,2\n3,4\n"), "h.csv")).Message);
        Assert.Contains("empty", Assert.Throws<DataFormatException>(() => CsvReader.ReadNumeric(new StringReader(""), "e.csv")).Message);
        Assert.Contains("no data rows", Assert.Throws<DataFormatException>(() => CsvReader.ReadNumeric(new StringReader("a,b\n"), "e.csv")).Message);
    }

    [Fact]
    public void Shipped_old_faithful_has_272_rows()
    {
        var path = Path.Combine(TestPaths.Datasets, "faithful.csv");
        var t = CsvReader.ReadNumeric(path);
        Assert.Equal(272, t.Rows);
        Assert.Equal(["eruptions", "waiting"], t.ColumnNames);
        Assert.Equal(3.6, t[0, 0]);
        Assert.Equal(79, t[0, 1]);
    }
}

public class NpyReaderTests
{
    private static byte[] Npy(string descr, string shape, byte[] data, string fortran = "False")
    {
        var header = $"{{'descr': '{descr}', 'fortran_order': {fortran}, 'shape': {shape}, }}";
        int total = 10 + header.Length + 1;
        int pad = (64 - total % 64) % 64;
        header = header + new string(' ', pad) + "\n";
        var bytes = new List<byte> { 0x93 };
        bytes.AddRange("NUMPY"u8.ToArray());
        bytes.AddRange([1, 0]);
        bytes.AddRange(BitConverter.GetBytes((ushort)header.Length));
        bytes.AddRange(Encoding.ASCII.GetBytes(header));
        bytes.AddRange(data);
        return bytes.ToArray();
    }

    private static byte[] Doubles(params double[] v) => v.SelectMany(BitConverter.GetBytes).ToArray();

    [Fact]
    public void Reads_float64_matrix()
    {
        var a = NpyReader.Read(Npy("<f8", "(2, 3)", Doubles(1, 2, 3, 4, 5, 6)), "a.npy");
        Assert.Equal([2, 3], a.Shape);
        var t = a.ToTable("a.npy");
        Assert.Equal(6.0, t[1, 2]);
    }

    [Fact]
    public void Reads_float32_and_int32_vectors()
    {
        var f = NpyReader.Read(Npy("<f4", "(3,)", new[] { 1.5f, -2f, 3f }.SelectMany(BitConverter.GetBytes).ToArray()), "f.npy");
        Assert.Equal([1.5, -2.0, 3.0], f.Data);
        var i = NpyReader.Read(Npy("<i4", "(2,)", new[] { 7, -1 }.SelectMany(BitConverter.GetBytes).ToArray()), "i.npy");
        Assert.Equal([7.0, -1.0], i.Data);
    }

    [Theory]
    [InlineData("fortran", "Fortran-order")]
    [InlineData("bigendian", "'>f8' is not supported")]
    [InlineData("truncated", "truncated data")]
    [InlineData("magic", "not a .npy file")]
    [InlineData("noshape", "malformed .npy header")]
    public void Malformed_files_are_refused_with_the_reason(string kind, string reason)
    {
        byte[] bytes = kind switch
        {
            "fortran" => Npy("<f8", "(2, 1)", Doubles(1, 2), fortran: "True"),
            "bigendian" => Npy(">f8", "(2,)", Doubles(1, 2)),
            "truncated" => Npy("<f8", "(4,)", Doubles(1, 2)),
            "magic" => Encoding.ASCII.GetBytes("PK\x03\x04 not numpy at all"),
            _ => Npy("<f8", "(2,)", Doubles(1, 2)).Select(b => b == (byte)'s' ? (byte)'z' : b).ToArray(),
        };
        var e = Assert.Throws<DataFormatException>(() => NpyReader.Read(bytes, "bad.npy"));
        Assert.Contains(reason, e.Message);
        Assert.StartsWith("bad.npy", e.Message);
    }

    [Fact]
    public void NumericData_refuses_non_finite_npy_values_with_the_row()
    {
        using var dir = new TempDir();
        var path = dir.File("x.npy", Npy("<f8", "(3, 1)", Doubles(1, double.NaN, 3)));
        var e = Assert.Throws<DataFormatException>(() => NumericData.Load(path));
        Assert.Contains("row 1", e.Message);
    }
}

public class SequenceTextReaderTests
{
    [Fact]
    public void Blank_lines_separate_sequences()
    {
        using var dir = new TempDir();
        var seqs = SequenceTextReader.ReadNumeric(dir.File("s.txt", "1 2\n3 4\n\n\n5 6\n"));
        Assert.Equal(2, seqs.Count);
        Assert.Equal(2, seqs[0].Rows);
        Assert.Equal([5.0, 6.0], seqs[1].Values);
        var sym = SequenceTextReader.ReadSymbols(dir.File("c.txt", "a\nb\n\nc\n"));
        Assert.Equal(["a", "b"], sym[0]);
    }

    [Fact]
    public void Ragged_dimension_and_bad_numbers_are_refused()
    {
        using var dir = new TempDir();
        Assert.Equal(2, Assert.Throws<DataFormatException>(() => SequenceTextReader.ReadNumeric(dir.File("r.txt", "1 2\n3\n"))).Line);
        Assert.Contains("'x'", Assert.Throws<DataFormatException>(() => SequenceTextReader.ReadNumeric(dir.File("b.txt", "1\nx\n"))).Message);
        Assert.Contains("empty", Assert.Throws<DataFormatException>(() => SequenceTextReader.ReadSymbols(dir.File("e.txt", "\n\n"))).Message);
    }

    [Fact]
    public void Split_by_lengths_checks_the_total()
    {
        var t = new NumericTable([1, 2, 3, 4, 5], 5, 1);
        var parts = SequenceTextReader.SplitByLengths(t, [2, 3], "x.npy");
        Assert.Equal([3.0, 4, 5], parts[1].Values);
        Assert.Contains("add up to 4", Assert.Throws<DataFormatException>(() => SequenceTextReader.SplitByLengths(t, [2, 2], "x.npy")).Message);
    }
}
