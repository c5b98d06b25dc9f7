using Probabilistic.Hmm.Emissions;

namespace Probabilistic.Hmm.Tests;

/// <summary>
/// Baum-Welch over sequences read from disk in chunks of whole sequences (<see cref="OutOfCoreHmm"/>) against the
/// in-memory fit on the same sequences: same seeded start, same trace and parameters to 1e-10.
/// </summary>
public sealed class OutOfCoreHmmTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("prob-ooc-hmm-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static int Seed(int fallback) => int.TryParse(Environment.GetEnvironmentVariable("PROB_TEST_SEED"), out var s) ? s : fallback;

    private static readonly HiddenMarkovModel<GaussianEmission, GaussianStatistics> Truth = new([0.6, 0.3, 0.1],
        [0.90, 0.05, 0.05, 0.10, 0.85, 0.05, 0.05, 0.15, 0.80],
        GaussianEmission.FromParameters(3, 2, CovarianceType.Full, [-3, 0, 0, 3, 3, -1],
            [1.0, 0.2, 0.2, 0.5, 0.6, 0, 0, 0.6, 0.8, -0.3, -0.3, 0.9]));

    /// <summary>Sequences of varied lengths written as two shards split inside a sequence (the source joins the rows).</summary>
    private (SequenceSet Memory, SequenceSource Disk) Sequences(int count, int seed, Func<int, double[]> sample, int d)
    {
        var seqs = Enumerable.Range(0, count).Select(sample).ToList();
        var memory = SequenceSet.FromSequences(seqs, d);
        long rows = memory.TotalLength;
        int cut = (int)(rows / 2) + 3;
        NpyFiles.Write(Path.Combine(_dir, "a.npy"), memory.Values.AsSpan(0, cut * d), cut, d);
        NpyFiles.Write(Path.Combine(_dir, "b.npy"), memory.Values.AsSpan(cut * d), (int)rows - cut, d);
        var lengths = Enumerable.Range(0, memory.Count).Select(memory.Length).ToArray();
        return (memory, new SequenceSource(NpyRowSource.Open(_dir), lengths));
    }

    private static void AssertSameTrace(ElboTrace a, ElboTrace b, string what)
    {
        Assert.True(a.Count == b.Count, $"{what}: {a.Count} iterations in memory, {b.Count} out of core");
        Assert.True(a.Count >= 5, $"{what}: only {a.Count} iterations ran");
        Numbers.AssertClose(a.Select(s => s.Elbo).ToArray(), b.Select(s => s.Elbo).ToArray(), 1e-10, what: $"{what}: objective trace");
    }

    [Theory]
    [InlineData(CovarianceType.Full, 97)]
    [InlineData(CovarianceType.Diagonal, 1000)]
    [InlineData(CovarianceType.Tied, 1)]
    public void A_gaussian_hmm_from_disk_fits_as_in_memory_from_the_same_seeded_start(CovarianceType type, int rowsPerChunk)
    {
        int seed = Seed(21);
        var (memory, disk) = Sequences(25, seed, n => Truth.Sample(20 + 7 * n, seed * 1000 + n).Observations, 2);
        var options = new HmmOptions(3, type);
        var fit = new FitOptions(MaxIterations: 12, Tolerance: 0, Seed: seed);
        var a = new GaussianHmm(options).Fit(memory, fit);
        var b = OutOfCoreHmm.FitGaussian(disk, options, fit, rowsPerChunk);
        string what = $"{type}, {rowsPerChunk} rows a chunk, seed {seed}";
        AssertSameTrace(a.Trace, b.Trace, what);
        Numbers.AssertClose(a.Model.Start, b.Model.Start, 1e-10, 1e-12, $"{what}: start");
        Numbers.AssertClose(a.Model.Transitions, b.Model.Transitions, 1e-10, 1e-12, $"{what}: transitions");
        Numbers.AssertClose(a.Model.Emission.Means, b.Model.Emission.Means, 1e-10, 1e-12, $"{what}: means");
        Numbers.AssertClose(a.Model.Emission.Covariances, b.Model.Emission.Covariances, 1e-10, 1e-12, $"{what}: covariances");
    }

    [Fact]
    public void A_categorical_hmm_from_disk_fits_as_in_memory_with_restarts_and_priors()
    {
        int seed = Seed(5);
        var truth = new HiddenMarkovModel<CategoricalEmission, CategoricalStatistics>([0.5, 0.5, 0], [0.8, 0.1, 0.1, 0.2, 0.7, 0.1, 0.3, 0.3, 0.4],
            CategoricalEmission.FromProbabilities(new double[,] { { 0.7, 0.1, 0.1, 0.1 }, { 0.1, 0.7, 0.1, 0.1 }, { 0.1, 0.1, 0.1, 0.7 } }));
        var (memory, disk) = Sequences(40, seed, n => truth.Sample(5 + n % 13, seed + n).Observations, 1);
        var options = new HmmOptions(3, Priors: new HmmPriors(0.1, 0.1), EmissionPseudocount: 0.2, Restarts: 2);
        var fit = new FitOptions(MaxIterations: 10, Tolerance: 0, Seed: seed);
        var a = new CategoricalHmm(options).Fit(memory, fit);
        var b = OutOfCoreHmm.FitCategorical(disk, options, fit, rowsPerChunk: 64);
        AssertSameTrace(a.Trace, b.Trace, $"categorical, seed {seed}");
        Numbers.AssertClose(a.Model.Transitions, b.Model.Transitions, 1e-10, 1e-12, "transitions");
        Numbers.AssertClose(a.Model.Emission.Probabilities, b.Model.Emission.Probabilities, 1e-10, 1e-12, "emission probabilities");
    }

    [Fact]
    public void Lengths_that_do_not_cover_the_rows_and_bad_symbols_are_refused_by_name()
    {
        NpyFiles.Write(Path.Combine(_dir, "a.npy"), [0, 1, 2, 1, 0], 5, 1);
        NpyFiles.Write(Path.Combine(_dir, "b.npy"), [1, 2, 0.5, 1], 4, 1);
        var rows = NpyRowSource.Open(_dir);
        var e = Assert.Throws<DataFormatException>(() => new SequenceSource(rows, [4, 4]));
        Assert.Contains("add up to 8 observations, but the data hold 9 rows", e.Message);
        Assert.Throws<DataFormatException>(() => new SequenceSource(rows, [9, 0]));
        // 0.5 is not a symbol code: the error names the shard holding the sequence and the sequence.
        var source = new SequenceSource(rows, [3, 4, 2]);
        var start = new HiddenMarkovModel<CategoricalEmission, CategoricalStatistics>([0.5, 0.5], [0.5, 0.5, 0.5, 0.5],
            CategoricalEmission.Random(2, 3, 1));
        e = Assert.Throws<DataFormatException>(() => OutOfCoreHmm.Fit(source, new HmmOptions(2), _ => start, new FitOptions(3, 0, 1), rowsPerChunk: 2));
        // Sequence 2 is rows 7 and 8: rows 2 and 3 of b.npy.
        Assert.Contains("sequence 2", e.Message);
        Assert.Contains("starts at row 2", e.Message);
        Assert.EndsWith("b.npy", e.File);
    }

    [Theory]
    [InlineData(64)]
    [InlineData(1000)]
    public void A_poisson_hmm_from_disk_fits_as_in_memory_from_the_same_seeded_start(int rowsPerChunk)
    {
        int seed = Seed(8);
        var truth = new HiddenMarkovModel<PoissonEmission, PoissonStatistics>([0.5, 0.3, 0.2], [0.85, 0.1, 0.05, 0.1, 0.8, 0.1, 0.05, 0.15, 0.8],
            PoissonEmission.FromRates(3, 2, [1.0, 6.0, 4.0, 0.5, 12.0, 9.0]));
        var (memory, disk) = Sequences(30, seed, n => truth.Sample(15 + 5 * n, seed * 100 + n).Observations, 2);
        var options = new HmmOptions(3);
        var fit = new FitOptions(MaxIterations: 10, Tolerance: 0, Seed: seed);
        var a = new PoissonHmm(options).Fit(memory, fit);
        var b = OutOfCoreHmm.FitPoisson(disk, options, fit, rowsPerChunk);
        string what = $"Poisson, {rowsPerChunk} rows a chunk, seed {seed}";
        AssertSameTrace(a.Trace, b.Trace, what);
        Numbers.AssertClose(a.Model.Transitions, b.Model.Transitions, 1e-10, 1e-12, $"{what}: transitions");
        Numbers.AssertClose(a.Model.Emission.Rates, b.Model.Emission.Rates, 1e-10, 1e-12, $"{what}: rates");
    }

    [Fact]
    public void A_gmm_hmm_from_disk_fits_as_in_memory_from_the_same_seeded_start()
    {
        int seed = Seed(5);
        var (memory, disk) = Sequences(20, seed, n => Truth.Sample(25 + 3 * n, seed * 1000 + n).Observations, 2);
        var options = new HmmOptions(2, CovarianceType.Diagonal, ComponentsPerState: 2);
        var fit = new FitOptions(MaxIterations: 8, Tolerance: 0, Seed: seed);
        var a = new GmmHmm(options).Fit(memory, fit);
        var b = OutOfCoreHmm.FitGaussianMixture(disk, options, fit, rowsPerChunk: 50);
        string what = $"GMM-HMM, seed {seed}";
        AssertSameTrace(a.Trace, b.Trace, what);
        Numbers.AssertClose(a.Model.Transitions, b.Model.Transitions, 1e-10, 1e-12, $"{what}: transitions");
        Numbers.AssertClose(a.Model.Emission.Weights, b.Model.Emission.Weights, 1e-10, 1e-12, $"{what}: mixture weights");
        Numbers.AssertClose(a.Model.Emission.Components.Means, b.Model.Emission.Components.Means, 1e-10, 1e-12, $"{what}: means");
        Numbers.AssertClose(a.Model.Emission.Components.Covariances, b.Model.Emission.Components.Covariances, 1e-10, 1e-12, $"{what}: covariances");
    }

    [Fact]
    public void Counts_that_are_not_integers_are_refused_naming_the_shard_and_row()
    {
        var (_, disk) = Sequences(4, 1, n => Enumerable.Range(0, 10).Select(t => (double)((t + n) % 4)).ToArray(), 1);
        // rewrite the second shard with a fractional count at its third row
        var b = Path.Combine(_dir, "b.npy");
        var values = NpyReader.Read(b).Data;
        values[2] = 1.5;
        NpyFiles.Write(b, values, values.Length, 1);
        var source = new SequenceSource(NpyRowSource.Open(_dir), Enumerable.Repeat(10, 4).ToArray());
        var e = Assert.Throws<DataFormatException>(() => OutOfCoreHmm.FitPoisson(source, new HmmOptions(2), new FitOptions(MaxIterations: 2)));
        Assert.Contains("b.npy", e.Message);
        Assert.Contains("row 3", e.Message);
        Assert.Contains("1.5", e.Message);
    }
}
