using Probabilistic.Vae;

namespace Probabilistic.Vae.Tests;

internal static class TestData
{
    /// <summary>The shipped MNIST sample (2000 train / 1000 test), found above the test binaries.</summary>
    public static string MnistSample()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "datasets", "mnist-sample");
            if (Directory.Exists(candidate)) return candidate;
        }
        throw new DirectoryNotFoundException("datasets/mnist-sample not found above " + AppContext.BaseDirectory);
    }

    public static VaeDataset Train(int n) => MnistData.Load(MnistSample(), MnistSplit.Train, n);

    public static VaeDataset Test(int n) => MnistData.Load(MnistSample(), MnistSplit.Test, n);

    /// <summary>A fixed test seed, overridable with VAE_TEST_SEED (printed in failure messages).</summary>
    public static int Seed => int.TryParse(Environment.GetEnvironmentVariable("VAE_TEST_SEED"), out var s) ? s : 12345;

    public static string TempFile(string name) =>
        Path.Combine(Path.GetTempPath(), $"vae-tests-{Environment.ProcessId}-{Guid.NewGuid():N}-{name}");
}
