using System.Buffers.Binary;
using System.Globalization;
using System.IO.Compression;
using System.Text;
using Probabilistic.Core.Data;
using Probabilistic.Hmm;
using Probabilistic.Hmm.Emissions;
using Probabilistic.Hmm.Tagging;
using Probabilistic.Mixtures;
using Probabilistic.Vae;
using Probabilistic.Core.Gaussians;

namespace Probabilistic.Cli.Tests.Hostile;

/// <summary>
/// Valid model files of every kind and a tiny MNIST-style folder, made once for the hostile-input tests (fitted or
/// built through the library, seconds in all), plus makers of the hostile files each case needs.
/// </summary>
public sealed class HostileFiles : IDisposable
{
    public HostileFiles()
    {
        Root = Directory.CreateTempSubdirectory("prob-hostile-").FullName;
        Shared = Directory.CreateDirectory(Path.Combine(Root, "shared")).FullName;
        Faithful = Path.Combine(Shared, "faithful.csv");
        File.Copy(Path.Combine(RepoRoot, "datasets", "faithful.csv"), Faithful);
        var table = NumericData.Load(Faithful);

        GmmModel = Path.Combine(Shared, "gmm.json");
        var gmm = new GaussianMixture(new GaussianMixtureOptions(2));
        gmm.Fit(table, new FitOptions(Seed: 1));
        gmm.Save(GmmModel);

        BayesModel = Path.Combine(Shared, "bayes.json");
        var vb = new BayesianGaussianMixture(new BayesianGaussianMixtureOptions(2));
        vb.Fit(table, new FitOptions(Seed: 1, MaxIterations: 20));
        vb.Save(BayesModel);

        Symbols = Text(Shared, "symbols.txt", "a\nb\na\nb\n\nb\na\n");
        CategoricalModel = Path.Combine(Shared, "categorical.json");
        new HiddenMarkovModel<CategoricalEmission, CategoricalStatistics>([0.6, 0.4], [0.7, 0.3, 0.4, 0.6],
            CategoricalEmission.FromProbabilities(new double[,] { { 0.9, 0.1 }, { 0.2, 0.8 } }).WithSymbolNames(["a", "b"])).Save(CategoricalModel);
        // State 0 emits only 'a', state 1 only 'b', and state 0 never leaves: "a b" has probability zero.
        StuckModel = Path.Combine(Shared, "stuck.json");
        new HiddenMarkovModel<CategoricalEmission, CategoricalStatistics>([1, 0], [1, 0, 0, 1],
            CategoricalEmission.FromProbabilities(new double[,] { { 1, 0 }, { 0, 1 } }).WithSymbolNames(["a", "b"])).Save(StuckModel);

        Observations = Text(Shared, "obs.txt", "0.1\n0.3\n-0.2\n4.1\n3.9\n\n0.0\n4.2\n4.0\n");
        GaussianModel = Path.Combine(Shared, "gaussian.json");
        HmmModelFile.Save(GaussianModel, new HiddenMarkovModel<GaussianEmission, GaussianStatistics>([0.5, 0.5], [0.9, 0.1, 0.1, 0.9],
            GaussianEmission.Univariate([0, 4], [1, 1])));
        Gaussian2Model = Path.Combine(Shared, "gaussian2.json");
        HmmModelFile.Save(Gaussian2Model, new HiddenMarkovModel<GaussianEmission, GaussianStatistics>([0.5, 0.5], [0.9, 0.1, 0.1, 0.9],
            GaussianEmission.FromParameters(2, 2, CovarianceType.Full, [0, 0, 4, 4], [1, 0.5, 0.5, 1, 1, 0, 0, 1])));
        PoissonModel = Path.Combine(Shared, "poisson.json");
        HmmModelFile.Save(PoissonModel, new HiddenMarkovModel<PoissonEmission, PoissonStatistics>([1.0], [1.0], PoissonEmission.FromRates(1, 1, [1e17])));

        Brown = Text(Shared, "corpus.brown", "The/at jury/nn said/vbd ./.\nIt/pps ran/vbd ./.\nThe/at dog/nn ran/vbd ./.\n");
        TaggerModel = Path.Combine(Shared, "tagger.json");
        HmmTagger.Train(TaggedCorpusReader.ReadWordTag(Brown).ToList()).Save(TaggerModel);

        Mnist = Directory.CreateDirectory(Path.Combine(Shared, "mnist")).FullName;
        WriteMnist(Mnist, 24, 12, 4, 4);
        VaeModel = Path.Combine(Shared, "model.vae");
        using (var vae = VariationalAutoencoder.Create(VaeArchitecture.Mlp(4, 4, 8, 2), 1)) vae.Save(VaeModel);
    }

    public string Root { get; }
    public string Shared { get; }
    public string Faithful { get; }
    public string GmmModel { get; }
    public string BayesModel { get; }
    public string Symbols { get; }
    public string CategoricalModel { get; }
    public string StuckModel { get; }
    public string Observations { get; }
    public string GaussianModel { get; }
    public string Gaussian2Model { get; }
    public string PoissonModel { get; }
    public string Brown { get; }
    public string TaggerModel { get; }
    public string Mnist { get; }
    public string VaeModel { get; }

    public static string RepoRoot { get; } = FindRoot();

    private static string FindRoot()
    {
        for (var d = new DirectoryInfo(AppContext.BaseDirectory); d is not null; d = d.Parent)
            if (File.Exists(Path.Combine(d.FullName, "Probabilistic.sln"))) return d.FullName;
        throw new InvalidOperationException("Probabilistic.sln not found above the test folder");
    }

    public void Dispose()
    {
        try { Directory.Delete(Root, recursive: true); } catch (IOException) { }
    }

    // ---- makers: each writes into the case's own folder and returns the path ----

    public static string Text(string dir, string name, string text)
    {
        var p = Path.Combine(dir, name);
        File.WriteAllText(p, text);
        return p;
    }

    public static string Bytes(string dir, string name, byte[] bytes)
    {
        var p = Path.Combine(dir, name);
        File.WriteAllBytes(p, bytes);
        return p;
    }

    /// <summary>A .npy file: format <paramref name="major"/> (1 or 2), the header text as given, then <paramref name="data"/>.</summary>
    public static byte[] Npy(string descr, string shape, byte[] data, int major = 1, uint? headerLengthOverride = null)
    {
        var header = $"{{'descr': '{descr}', 'fortran_order': False, 'shape': {shape}, }}";
        int pre = major == 1 ? 10 : 12;
        int pad = (64 - (pre + header.Length + 1) % 64) % 64;
        header = header + new string(' ', pad) + "\n";
        var bytes = new List<byte> { 0x93 };
        bytes.AddRange("NUMPY"u8.ToArray());
        bytes.AddRange([(byte)major, 0]);
        if (major == 1) bytes.AddRange(BitConverter.GetBytes((ushort)header.Length));
        else bytes.AddRange(BitConverter.GetBytes(headerLengthOverride ?? (uint)header.Length));
        bytes.AddRange(Encoding.ASCII.GetBytes(header));
        bytes.AddRange(data);
        return bytes.ToArray();
    }

    public static byte[] Doubles(params double[] v) => v.SelectMany(BitConverter.GetBytes).ToArray();

    /// <summary>An IDX header (unsigned bytes) with the given sizes, then <paramref name="data"/>.</summary>
    public static byte[] Idx(int[] shape, byte[] data)
    {
        var bytes = new byte[4 + 4 * shape.Length + data.Length];
        bytes[2] = 0x08;
        bytes[3] = (byte)shape.Length;
        for (int i = 0; i < shape.Length; i++) BinaryPrimitives.WriteInt32BigEndian(bytes.AsSpan(4 + 4 * i), shape[i]);
        data.CopyTo(bytes, 4 + 4 * shape.Length);
        return bytes;
    }

    public static byte[] Gzip(byte[] raw, int zeroTail = 0)
    {
        using var ms = new MemoryStream();
        using (var gz = new GZipStream(ms, CompressionLevel.Fastest))
        {
            gz.Write(raw);
            var zeros = new byte[1 << 16];
            for (int done = 0; done < zeroTail; done += zeros.Length) gz.Write(zeros, 0, Math.Min(zeros.Length, zeroTail - done));
        }
        return ms.ToArray();
    }

    /// <summary>An MNIST-style folder: <paramref name="train"/> and <paramref name="test"/> images of h×w (0 test: no test files).</summary>
    public static void WriteMnist(string dir, int train, int test, int h, int w, int testH = -1, int testW = -1)
    {
        var random = new Random(3);
        byte[] Pixels(int n, int hh, int ww) { var b = new byte[n * hh * ww]; random.NextBytes(b); return b; }
        byte[] Labels(int n) => Enumerable.Range(0, n).Select(i => (byte)(i % 10)).ToArray();
        File.WriteAllBytes(Path.Combine(dir, "train-images-idx3-ubyte"), Idx([train, h, w], Pixels(train, h, w)));
        File.WriteAllBytes(Path.Combine(dir, "train-labels-idx1-ubyte"), Idx([train], Labels(train)));
        if (test < 0) return;
        testH = testH < 0 ? h : testH; testW = testW < 0 ? w : testW;
        File.WriteAllBytes(Path.Combine(dir, "t10k-images-idx3-ubyte"), Idx([test, testH, testW], Pixels(test, testH, testW)));
        File.WriteAllBytes(Path.Combine(dir, "t10k-labels-idx1-ubyte"), Idx([test], Labels(test)));
    }

    /// <summary>A copy of <paramref name="jsonModel"/> with its text edited (envelope or payload), for hostile model files.</summary>
    public static string EditJson(string dir, string name, string jsonModel, Func<System.Text.Json.Nodes.JsonObject, System.Text.Json.Nodes.JsonNode> edit)
    {
        var root = System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(jsonModel))!.AsObject();
        return Text(dir, name, edit(root).ToJsonString(new System.Text.Json.JsonSerializerOptions { NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.AllowNamedFloatingPointLiterals }));
    }

    /// <summary>The VAE file's header JSON and state offset, for edits of either.</summary>
    public static (System.Text.Json.Nodes.JsonObject Header, int StateStart) VaeHeader(byte[] bytes)
    {
        int length = BinaryPrimitives.ReadInt32LittleEndian(bytes.AsSpan(8, 4));
        var header = System.Text.Json.Nodes.JsonNode.Parse(bytes.AsSpan(12, length))!.AsObject();
        return (header, 12 + length);
    }

    /// <summary>A VAE file with another header and the same state bytes (or other ones).</summary>
    public static byte[] VaeWith(System.Text.Json.Nodes.JsonObject header, ReadOnlySpan<byte> state)
    {
        var h = Encoding.UTF8.GetBytes(header.ToJsonString());
        var bytes = new byte[12 + h.Length + state.Length];
        "PROBVAE\n"u8.CopyTo(bytes);
        BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(8), h.Length);
        h.CopyTo(bytes, 12);
        state.CopyTo(bytes.AsSpan(12 + h.Length));
        return bytes;
    }

    public static string Invariant(double v) => v.ToString("R", CultureInfo.InvariantCulture);
}
