using System.Buffers.Binary;
using System.Diagnostics;
using Probabilistic.Core;
using Probabilistic.Core.Data;
using Probabilistic.Mixtures;
using Probabilistic.Vae;
using static Probabilistic.Cli.Tests.Hostile.HostileFiles;

namespace Probabilistic.Cli.Tests.Hostile;

/// <summary>
/// Data that is not a plain seekable file: standard input ("--data -"), a FIFO, and .npy and IDX files over 2 GB (made
/// sparse by the test with <see cref="FileStream.SetLength"/>, so they cost no disk and read as zeros).
/// </summary>
public sealed class StreamTests(HostileFiles files) : IClassFixture<HostileFiles>
{
    private string Folder(string name) => Directory.CreateDirectory(Path.Combine(files.Root, "streams", name)).FullName;

    /// <summary>Runs the built prob in a process of its own with <paramref name="stdin"/> on its standard input.</summary>
    internal static (int Code, string Out, string Err) RunProcess(byte[] stdin, params string[] args)
    {
        var start = new ProcessStartInfo("dotnet", [Path.Combine(AppContext.BaseDirectory, "prob.dll"), .. args])
        {
            RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true,
        };
        using var p = Process.Start(start)!;
        var output = p.StandardOutput.ReadToEndAsync();
        var error = p.StandardError.ReadToEndAsync();
        p.StandardInput.BaseStream.Write(stdin);
        p.StandardInput.Close();
        p.WaitForExit();
        return (p.ExitCode, output.Result, error.Result);
    }

    [Fact]
    public void CsvAndNpyOnStandardInputAreReadAsStreams()
    {
        var dir = Folder("stdin");
        var model = Path.Combine(dir, "m.json");
        var (code, _, err) = RunProcess(File.ReadAllBytes(files.Faithful), "gmm", "fit", "--data", "-", "--components", "2", "-o", model);
        Assert.True(code == 0, $"gmm fit --data - (CSV on stdin): exit {code}: {err}");
        Assert.Equal(2, GaussianMixture.Load(model).Parameters!.Components);

        var npy = Npy("<f8", "(3, 2)", Doubles(2, 60, 4.5, 80, 3, 70));
        var (pcode, labels, perr) = RunProcess(npy, "gmm", "predict", "-m", model, "--data", "-");
        Assert.True(pcode == 0, $"gmm predict --data - (.npy on stdin): exit {pcode}: {perr}");
        Assert.Equal(3, labels.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);

        var (bad, _, berr) = RunProcess("a,b\n1,x\n"u8.ToArray(), "gmm", "predict", "-m", model, "--data", "-");
        Assert.True(bad == CliHost.BadInput && berr.Contains("<stdin>:2:", StringComparison.Ordinal), $"a bad line on stdin is named: exit {bad}: {berr}");
    }

    [SkippableFact]
    public async Task A_fifo_is_read_as_a_stream_including_gzip()
    {
        Skip.IfNot(OperatingSystem.IsLinux(), "FIFOs are tested on Linux");
        var dir = Folder("fifo");
        foreach (var (name, bytes) in new[] { ("plain", File.ReadAllBytes(files.Faithful)), ("gzip", Gzip(File.ReadAllBytes(files.Faithful))) })
        {
            var fifo = Path.Combine(dir, name + ".fifo");
            using (var mk = Process.Start("mkfifo", [fifo])) mk.WaitForExit();
            // Opening a FIFO for writing waits for its reader: the writer runs beside the command.
            var writer = Task.Run(() => File.WriteAllBytes(fifo, bytes));
            var model = Path.Combine(dir, name + ".json");
            var (code, _, err) = HostileInputTests.Run(["gmm", "fit", "--data", fifo, "--components", "2", "-o", model]);
            if (!writer.IsCompleted) { using var drain = File.OpenRead(fifo); drain.CopyTo(Stream.Null); }
            await writer;
            Assert.True(code == 0, $"gmm fit --data FIFO ({name}): exit {code}: {err}");
            Assert.Equal(2, GaussianMixture.Load(model).Parameters!.Components);
        }
    }

    [SkippableFact]
    public void Npy_over_two_gigabytes_is_read_not_refused()
    {
        // (270,000,000,) float64: 2.16e9 data bytes (2.01 GiB), sparse but for the last value, which is 42.
        const long count = 270_000_000;
        Skip.If(MemoryBudget.AvailableBytes() < 6L << 30,
            $"reading a 2 GiB .npy needs 2 GiB of memory and {MemoryBudget.FormatBytes(MemoryBudget.AvailableBytes())} are available");
        var path = Path.Combine(Folder("npy2g"), "big.npy");
        var header = Npy("<f8", $"({count},)", []);
        using (var f = new FileStream(path, FileMode.Create, FileAccess.Write))
        {
            f.Write(header);
            f.SetLength(header.Length + count * 8);
            f.Seek(-8, SeekOrigin.End);
            f.Write(BitConverter.GetBytes(42.0));
        }
        Assert.True(new FileInfo(path).Length > 2L << 30, "the test file is over 2 GiB");
        var a = NpyReader.Read(path);
        Assert.Equal([(int)count], a.Shape);
        Assert.Equal(0.0, a.Data[0]);
        Assert.Equal(42.0, a.Data[^1]);
        File.Delete(path);
    }

    [Fact]
    public void Idx_over_two_gigabytes_is_streamed_item_by_item()
    {
        // 3,000,000 images of 28×28: 2.35e9 bytes, sparse but for the first image, which holds 0..255 and 1..16.
        var dir = Folder("idx2g");
        var path = Path.Combine(dir, "train-images-idx3-ubyte");
        var first = Enumerable.Range(0, 784).Select(i => (byte)(i % 256)).ToArray();
        using (var f = new FileStream(path, FileMode.Create, FileAccess.Write))
        {
            f.Write(Idx([3_000_000, 28, 28], first));
            f.SetLength(16 + 3_000_000L * 784);
        }
        Assert.True(new FileInfo(path).Length > 2L << 30, "the test file is over 2 GiB");
        var images = IdxReader.Read(path, maxItems: 100);
        Assert.Equal([100, 28, 28], images.Shape);
        Assert.Equal(first, images.Data[..784]);
        Assert.All(images.Data[784..], b => Assert.Equal(0, b));

        // The whole file at once is refused by its estimate before anything is allocated, naming what to lower.
        var e = Assert.Throws<ResourceLimitException>(() => MnistData.Load(dir, MnistSplit.Train, budget: new MemoryBudget(1L << 30, "test")));
        Assert.Contains("3,000,000 images of 28×28", e.Message);

        // The CLI trains on a prefix of it.
        var (code, _, err) = HostileInputTests.Run(["vae", "train", "--data", dir, "--max-train", "64", "--epochs", "1", "--hidden", "8", "--latent", "2", "-o", Path.Combine(dir, "m.vae")]);
        Assert.True(code == 0, $"vae train on a prefix of a 2.35 GB IDX file: exit {code}: {err}");
        File.Delete(path);
    }
}
