using Probabilistic.Core;
using Xunit;

namespace Probabilistic.Mixtures.Tests;

/// <summary>
/// Out-of-core fits (<see cref="GaussianMixture.Fit(NpyRowSource, FitOptions?, CancellationToken, int?)"/>) against the
/// in-memory fit on the same rows: same starts, same trace and parameters to 1e-10, for a file and for a folder of
/// shards, with block sizes that do not divide the rows; and the refusals of bad shards.
/// </summary>
public sealed class OutOfCoreTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("prob-ooc-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static (double[] X, int N) Data(int n, int seed, CovarianceType type)
    {
        var (x, _, _) = TestData.KnownMixture(n, seed, type);
        return (x, n);
    }

    private static FitOptions Iterations(int count, IProgress<ElboStep>? progress = null) =>
        new(MaxIterations: count, Tolerance: 0, Seed: TestData.Seed(17), Progress: progress);

    private static void AssertSameFit(GaussianMixture memory, GaussianMixture streamed, string what)
    {
        Assert.True(memory.Trace!.Count == streamed.Trace!.Count, $"{what}: {memory.Trace.Count} iterations in memory, {streamed.Trace.Count} streamed (seed {TestData.Seed(17)})");
        Assert.True(memory.Trace.Count >= 5, $"{what}: only {memory.Trace.Count} iterations ran");
        Numbers.AssertClose(memory.Trace.Select(s => s.Elbo).ToArray(), streamed.Trace.Select(s => s.Elbo).ToArray(), 1e-10, what: $"{what}: log-likelihood trace");
        var (a, b) = (memory.Parameters!, streamed.Parameters!);
        Numbers.AssertClose(a.Weights, b.Weights, 1e-10, 1e-12, $"{what}: weights");
        Numbers.AssertClose(a.Means, b.Means, 1e-10, 1e-12, $"{what}: means");
        Numbers.AssertClose(a.Covariances, b.Covariances, 1e-10, 1e-12, $"{what}: covariances");
    }

    /// <summary>Diagonal parameters with the components ordered by their first mean coordinate.</summary>
    private static (double[] Weights, double[] Means, double[] Covariances) Canonical(GaussianMixtureParameters p)
    {
        int d = p.Dimension;
        var order = Enumerable.Range(0, p.Components).OrderBy(c => p.Means[c * d]).ToArray();
        return (order.Select(c => p.Weights[c]).ToArray(), order.SelectMany(c => p.Means.Skip(c * d).Take(d)).ToArray(),
            order.SelectMany(c => p.Covariances.Skip(c * d).Take(d)).ToArray());
    }

    [Theory]
    [InlineData(CovarianceType.Full, MixtureInit.KMeansPlusPlus, 97)]
    [InlineData(CovarianceType.Diagonal, MixtureInit.KMeansPlusPlus, 1000)]
    [InlineData(CovarianceType.Full, MixtureInit.RandomResponsibilities, 333)]
    [InlineData(CovarianceType.Diagonal, MixtureInit.RandomResponsibilities, 5000)]
    [InlineData(CovarianceType.Tied, MixtureInit.KMeansPlusPlus, 250)]
    [InlineData(CovarianceType.Spherical, MixtureInit.KMeansPlusPlus, 250)]
    public void A_file_streamed_in_blocks_fits_as_in_memory(CovarianceType type, MixtureInit init, int rowsPerBlock)
    {
        var (x, n) = Data(2501, 3, type);
        string path = Path.Combine(_dir, "x.npy");
        NpyFiles.Write(path, x, n, 2);
        var options = new GaussianMixtureOptions(3, type, Init: init);
        var memory = new GaussianMixture(options).Fit(new NumericTable(x, n, 2), Iterations(12)).Model;
        var streamed = new GaussianMixture(options).Fit(NpyRowSource.Open(path), Iterations(12), rowsPerBlock: rowsPerBlock).Model;
        AssertSameFit(memory, streamed, $"{type}, {init}, {rowsPerBlock} rows a block");
    }

    [Theory]
    [InlineData(CovarianceType.Full)]
    [InlineData(CovarianceType.Diagonal)]
    public void Data_far_from_the_origin_stream_as_in_memory(CovarianceType type)
    {
        // The kernels form U x − U μ and Σ r x², which cancel unless the stored data are shifted near their centre:
        // in memory by the column means, streamed by the centre of the component means.
        var (x, n) = Data(2501, 7, type);
        for (int i = 0; i < x.Length; i++) x[i] += 1e6;
        string path = Path.Combine(_dir, "far.npy");
        NpyFiles.Write(path, x, n, 2);
        var options = new GaussianMixtureOptions(3, type, Init: MixtureInit.KMeansPlusPlus);
        var memory = new GaussianMixture(options).Fit(new NumericTable(x, n, 2), Iterations(12)).Model;
        var streamed = new GaussianMixture(options).Fit(NpyRowSource.Open(path), Iterations(12), rowsPerBlock: 500).Model;
        AssertSameFit(memory, streamed, $"{type}, data at 1e6");
    }

    [Fact]
    public void A_folder_of_shards_fits_as_the_rows_joined_in_name_order()
    {
        var (x, n) = Data(2000, 5, CovarianceType.Full);
        // One shard of a single row and one empty; a file that is not .npy is ignored.
        int[] sizes = [700, 1, 0, 1299];
        int at = 0;
        foreach (var (size, i) in sizes.Select((v, i) => (v, i)))
        {
            NpyFiles.Write(Path.Combine(_dir, $"part-{i:D2}.npy"), x.AsSpan(at * 2, size * 2), size, 2);
            at += size;
        }
        File.WriteAllText(Path.Combine(_dir, "README.txt"), "not a shard");
        var means = new double[] { 0, 0, 5, 0, -1, 6 };
        var options = new GaussianMixtureOptions(3, CovarianceType.Full, Init: MixtureInit.Means, InitialMeans: means, Restarts: 1);
        var memory = new GaussianMixture(options).Fit(new NumericTable(x, n, 2), Iterations(10)).Model;
        var source = NpyRowSource.Open(_dir);
        Assert.Equal(n, source.Rows);
        Assert.Equal(["part-00.npy", "part-01.npy", "part-02.npy", "part-03.npy"], source.Shards.Select(s => Path.GetFileName(s.Path)));
        var streamed = new GaussianMixture(options).Fit(source, Iterations(10), rowsPerBlock: 128).Model;
        AssertSameFit(memory, streamed, "four shards, given means");
        var kpp = new GaussianMixtureOptions(3, CovarianceType.Diagonal, Restarts: 2);
        var kppMemory = new GaussianMixture(kpp).Fit(new NumericTable(x, n, 2), Iterations(8)).Model;
        var kppStreamed = new GaussianMixture(kpp).Fit(source, Iterations(8), rowsPerBlock: 999).Model;
        // Both restarts reach the same optimum with the labels permuted and bounds equal to an ulp, so which one is kept
        // depends on rounding (the in-memory data are shifted by their column means, streamed ones by the centre of the
        // component means): compare the bounds, and the components in the order of their first mean coordinate.
        Numbers.AssertClose(kppMemory.Trace!.Select(t => t.Elbo).ToArray(), kppStreamed.Trace!.Select(t => t.Elbo).ToArray(), 1e-10,
            what: "four shards, k-means++, two restarts: log-likelihood trace");
        var (a, b) = (Canonical(kppMemory.Parameters!), Canonical(kppStreamed.Parameters!));
        Numbers.AssertClose(a.Weights, b.Weights, 1e-10, 1e-12, "four shards, k-means++, two restarts: weights");
        Numbers.AssertClose(a.Means, b.Means, 1e-10, 1e-12, "four shards, k-means++, two restarts: means");
        Numbers.AssertClose(a.Covariances, b.Covariances, 1e-10, 1e-12, "four shards, k-means++, two restarts: covariances");
    }

    [Fact]
    public void Float32_shards_fit_as_their_values_in_memory()
    {
        var (x, n) = Data(900, 8, CovarianceType.Diagonal);
        var rounded = x.Select(v => (double)(float)v).ToArray();
        NpyFiles.Write(Path.Combine(_dir, "a.npy"), rounded.AsSpan(0, 800), 400, 2, single: true);
        NpyFiles.Write(Path.Combine(_dir, "b.npy"), rounded.AsSpan(800), 500, 2, single: true);
        var options = new GaussianMixtureOptions(3, CovarianceType.Diagonal);
        AssertSameFit(new GaussianMixture(options).Fit(new NumericTable(rounded, n, 2), Iterations(8)).Model,
            new GaussianMixture(options).Fit(NpyRowSource.Open(_dir), Iterations(8), rowsPerBlock: 61).Model, "float32 shards");
    }

    [Fact]
    public void Cancelled_mid_fit_it_keeps_the_last_completed_iteration_as_in_memory()
    {
        var (x, n) = Data(1200, 9, CovarianceType.Full);
        string path = Path.Combine(_dir, "x.npy");
        NpyFiles.Write(path, x, n, 2);
        using var cts = new CancellationTokenSource();
        var stop = new Callback(step => { if (step.Iteration == 3) cts.Cancel(); });
        var options = new GaussianMixtureOptions(3, CovarianceType.Full);
        var (streamed, trace) = new GaussianMixture(options).Fit(NpyRowSource.Open(path), Iterations(50, stop), cts.Token, rowsPerBlock: 100);
        Assert.Equal(StopReason.Cancelled, trace.StopReason);
        var memory = new GaussianMixture(options).Fit(new NumericTable(x, n, 2), Iterations(trace.Count)).Model;
        Numbers.AssertClose(memory.Parameters!.Means, streamed.Parameters!.Means, 1e-10, 1e-12, $"means after {trace.Count} iterations");
    }

    [Fact]
    public void Shards_with_different_columns_or_dtypes_are_refused_naming_both_files()
    {
        NpyFiles.Write(Path.Combine(_dir, "a.npy"), new double[6], 3, 2);
        NpyFiles.Write(Path.Combine(_dir, "b.npy"), new double[9], 3, 3);
        var e = Assert.Throws<DataFormatException>(() => NpyRowSource.Open(_dir));
        Assert.EndsWith("b.npy", e.File);
        Assert.Contains("has 3 columns", e.Message);
        Assert.Contains("a.npy", e.Message);

        File.Delete(Path.Combine(_dir, "b.npy"));
        NpyFiles.Write(Path.Combine(_dir, "b.npy"), new double[6], 3, 2, single: true);
        e = Assert.Throws<DataFormatException>(() => NpyRowSource.Open(_dir));
        Assert.EndsWith("b.npy", e.File);
        Assert.Contains("dtype '<f4'", e.Message);
        Assert.Contains("'<f8'", e.Message);
    }

    [Fact]
    public void An_empty_folder_a_folder_without_rows_and_a_missing_path_are_refused()
    {
        var e = Assert.Throws<DataFormatException>(() => NpyRowSource.Open(_dir));
        Assert.Equal(_dir, e.File);
        Assert.Contains("no .npy shards", e.Message);
        NpyFiles.Write(Path.Combine(_dir, "a.npy"), [], 0, 2);
        e = Assert.Throws<DataFormatException>(() => NpyRowSource.Open(_dir));
        Assert.Contains("holds no rows", e.Message);
        Assert.Throws<FileNotFoundException>(() => NpyRowSource.Open(Path.Combine(_dir, "nothing-here")));
    }

    [Fact]
    public void A_non_finite_value_is_refused_naming_the_shard_and_its_row()
    {
        var (x, n) = Data(600, 2, CovarianceType.Full);
        x[2 * 410 + 1] = double.NaN; // global row 410 = row 110 of the second shard
        NpyFiles.Write(Path.Combine(_dir, "a.npy"), x.AsSpan(0, 600), 300, 2);
        NpyFiles.Write(Path.Combine(_dir, "b.npy"), x.AsSpan(600), 300, 2);
        var gmm = new GaussianMixture(new GaussianMixtureOptions(3));
        var e = Assert.Throws<DataFormatException>(() => gmm.Fit(NpyRowSource.Open(_dir), Iterations(5), rowsPerBlock: 64));
        Assert.EndsWith("b.npy", e.File);
        Assert.Contains("row 110 (0-based), column 1: NaN is not a finite number", e.Message);
        Assert.Null(gmm.Parameters);
    }

    [Fact]
    public void A_truncated_or_compressed_shard_is_refused_before_the_fit()
    {
        string path = Path.Combine(_dir, "a.npy");
        NpyFiles.Write(path, new double[20], 10, 2);
        using (var f = new FileStream(path, FileMode.Open)) f.SetLength(f.Length - 8);
        var e = Assert.Throws<DataFormatException>(() => NpyRowSource.Open(path));
        Assert.Contains("truncated", e.Message);
        File.WriteAllBytes(path, [0x1f, 0x8b, 0, 0]);
        e = Assert.Throws<DataFormatException>(() => NpyRowSource.Open(path));
        Assert.Contains("compressed", e.Message);
    }

    [Fact]
    public void A_shard_that_vanishes_mid_fit_stops_the_fit_naming_it()
    {
        var (x, n) = Data(800, 4, CovarianceType.Diagonal);
        NpyFiles.Write(Path.Combine(_dir, "a.npy"), x.AsSpan(0, 800), 400, 2);
        string second = Path.Combine(_dir, "b.npy");
        NpyFiles.Write(second, x.AsSpan(800), 400, 2);
        var vanish = new Callback(step => { if (step.Iteration == 2) File.Delete(second); });
        var gmm = new GaussianMixture(new GaussianMixtureOptions(3, CovarianceType.Diagonal));
        var e = Assert.Throws<DataFormatException>(() => gmm.Fit(NpyRowSource.Open(_dir), Iterations(20, vanish), rowsPerBlock: 100));
        Assert.Equal(second, e.File);
        Assert.Contains("vanished during the fit", e.Message);
    }

    [Fact]
    public void A_budget_too_small_for_the_k_means_distances_is_refused_before_reading()
    {
        var (x, n) = Data(5000, 6, CovarianceType.Full);
        string path = Path.Combine(_dir, "x.npy");
        NpyFiles.Write(path, x, n, 2);
        var cpu = new CpuMixtureBackend(maxThreads: 1);
        // Room for the blocks and half of k-means++'s 12 bytes a row.
        var budget = new MemoryBudget((long)StreamingMixtureData.EstimateBytes(256, 2, 3, 8, true, 1) + 6 * n, "the test's limit");
        var kpp = new GaussianMixtureOptions(3, Backend: cpu, Budget: budget);
        var e = Assert.Throws<ResourceLimitException>(() => new GaussianMixture(kpp).Fit(NpyRowSource.Open(path), Iterations(3), rowsPerBlock: 256));
        Assert.Contains("12 bytes a row", e.Message);
        // Given means keep nothing per row: the same budget suffices.
        var means = kpp with { Init = MixtureInit.Means, InitialMeans = [0, 0, 6, 1, -2, 7] };
        Assert.Equal(3, new GaussianMixture(means).Fit(NpyRowSource.Open(path), Iterations(3), rowsPerBlock: 256).Model.Iterations);
    }

    private sealed class Callback(Action<ElboStep> action) : IProgress<ElboStep>
    {
        public void Report(ElboStep value) => action(value);
    }
}
