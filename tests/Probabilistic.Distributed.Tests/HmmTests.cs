using Probabilistic.Hmm;
using Probabilistic.Hmm.Emissions;

namespace Probabilistic.Distributed.Tests;

/// <summary>
/// Partitioned Gaussian and categorical HMM fits on three in-process silos against the single-machine out-of-core fit
/// of the same shards (<see cref="OutOfCoreHmm"/>): same seeded start, same trace and parameters to 1e-10; a sequence
/// that crosses a shard boundary is refused naming the shard.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class HmmTests(ClusterFixture fixture) : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("prob-dist-hmm-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static readonly HiddenMarkovModel<GaussianEmission, GaussianStatistics> Truth = new([0.6, 0.3, 0.1],
        [0.90, 0.05, 0.05, 0.10, 0.85, 0.05, 0.05, 0.15, 0.80],
        GaussianEmission.FromParameters(3, 2, CovarianceType.Full, [-3, 0, 0, 3, 3, -1],
            [1.0, 0.2, 0.2, 0.5, 0.6, 0, 0, 0.6, 0.8, -0.3, -0.3, 0.9]));

    /// <summary>Sequences written as shards of whole sequences (cut after sequences <paramref name="cuts"/>).</summary>
    private SequenceSource Sequences(int count, Func<int, double[]> sample, int d, int[] cuts, int shiftLastCut = 0)
    {
        var seqs = Enumerable.Range(0, count).Select(sample).ToList();
        var set = SequenceSet.FromSequences(seqs, d);
        var bounds = cuts.Select(c => (int)set.Offsets[c]).Prepend(0).Append((int)set.TotalLength).ToArray();
        bounds[^2] += shiftLastCut;
        for (int s = 0; s + 1 < bounds.Length; s++)
            NpyFiles.Write(Path.Combine(_dir, $"part-{s}.npy"), set.Values.AsSpan(bounds[s] * d, (bounds[s + 1] - bounds[s]) * d), bounds[s + 1] - bounds[s], d);
        return new SequenceSource(NpyRowSource.Open(_dir), Enumerable.Range(0, set.Count).Select(set.Length).ToArray());
    }

    private static void AssertSameTrace(ElboTrace a, ElboTrace b, string what)
    {
        Assert.True(a.Count == 10 && b.Count == 10, $"{what}: {a.Count} iterations on one machine, {b.Count} partitioned, not 10");
        Numbers.AssertClose(a.Select(s => s.Elbo).ToArray(), b.Select(s => s.Elbo).ToArray(), 1e-10, what: $"{what}: objective trace");
    }

    [Theory]
    [InlineData(CovarianceType.Full)]
    [InlineData(CovarianceType.Diagonal)]
    [InlineData(CovarianceType.Spherical)]
    [InlineData(CovarianceType.Tied)]
    public void A_gaussian_hmm_on_shard_grains_fits_as_on_one_machine(CovarianceType type)
    {
        var data = Sequences(24, n => Truth.Sample(20 + 7 * n, 4000 + n).Observations, 2, [5, 11, 18]);
        var options = new HmmOptions(3, type);
        var fit = new FitOptions(MaxIterations: 10, Tolerance: 0, Seed: 21);
        var a = OutOfCoreHmm.FitGaussian(data, options, fit);
        var (b, stats) = DistributedHmm.FitGaussian(fixture.Grains, data, options, fit);
        string what = $"Gaussian HMM, {type}, 4 shards on 3 silos";
        AssertSameTrace(a.Trace, b.Trace, what);
        Numbers.AssertClose(a.Model.Start, b.Model.Start, 1e-10, 1e-12, $"{what}: start");
        Numbers.AssertClose(a.Model.Transitions, b.Model.Transitions, 1e-10, 1e-12, $"{what}: transitions");
        Numbers.AssertClose(a.Model.Emission.Means, b.Model.Emission.Means, 1e-10, 1e-12, $"{what}: means");
        Numbers.AssertClose(a.Model.Emission.Covariances, b.Model.Emission.Covariances, 1e-10, 1e-12, $"{what}: covariances");
        Assert.True(stats.Rounds == 11, $"{stats.Rounds} rounds; the start and 10 iterations make 11");
    }

    [Fact]
    public void A_categorical_hmm_on_shard_grains_fits_as_on_one_machine_with_restarts_and_priors()
    {
        var truth = new HiddenMarkovModel<CategoricalEmission, CategoricalStatistics>([0.5, 0.5, 0], [0.8, 0.1, 0.1, 0.2, 0.7, 0.1, 0.3, 0.3, 0.4],
            CategoricalEmission.FromProbabilities(new double[,] { { 0.7, 0.1, 0.1, 0.1 }, { 0.1, 0.7, 0.1, 0.1 }, { 0.1, 0.1, 0.1, 0.7 } }));
        var data = Sequences(40, n => truth.Sample(5 + n % 13, 5 + n).Observations, 1, [13, 27]);
        var options = new HmmOptions(3, Priors: new HmmPriors(0.1, 0.1), EmissionPseudocount: 0.2, Restarts: 2);
        var fit = new FitOptions(MaxIterations: 10, Tolerance: 0, Seed: 5);
        var a = OutOfCoreHmm.FitCategorical(data, options, fit);
        var (b, _) = DistributedHmm.FitCategorical(fixture.Grains, data, options, fit);
        AssertSameTrace(a.Trace, b.Trace, "categorical HMM, 3 shards");
        Numbers.AssertClose(a.Model.Transitions, b.Model.Transitions, 1e-10, 1e-12, "transitions");
        Numbers.AssertClose(a.Model.Emission.Probabilities, b.Model.Emission.Probabilities, 1e-10, 1e-12, "emission probabilities");
    }

    [Fact]
    public void A_sequence_across_two_shards_is_refused_naming_the_shard()
    {
        var data = Sequences(10, n => Truth.Sample(30, 100 + n).Observations, 2, [4], shiftLastCut: 7);
        var e = Assert.Throws<DataFormatException>(() => DistributedHmm.FitGaussian(fixture.Grains, data, new HmmOptions(3)));
        Assert.Contains("part-0.npy", e.Message, StringComparison.Ordinal);
        Assert.Contains("sequence 4", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_restarted_coordinator_resumes_an_hmm_fit_from_its_checkpoint_to_the_same_answer()
    {
        var data = Sequences(18, n => Truth.Sample(25 + 3 * n, 700 + n).Observations, 2, [6, 12]);
        var options = new HmmOptions(3, CovarianceType.Diagonal);
        string checkpoint = Path.Combine(_dir, "hmm.checkpoint.json");
        var distributed = new DistributedFitOptions(Checkpoint: checkpoint);
        using (var cancel = new CancellationTokenSource())
        {
            var stop = new GaussianMixtureTests.Inline(step => { if (step.Iteration == 4) cancel.Cancel(); });
            var (first, _) = DistributedHmm.FitGaussian(fixture.Grains, data, options, new FitOptions(MaxIterations: 10, Tolerance: 0, Seed: 8, Progress: stop),
                distributed, cancel.Token);
            Assert.True(first.Trace.Count == 4, $"the first coordinator stopped after {first.Trace.Count} iterations, not 4");
        }
        var fit = new FitOptions(MaxIterations: 10, Tolerance: 0, Seed: 8);
        var (resumed, stats) = DistributedHmm.FitGaussian(fixture.Grains, data, options, fit, distributed);
        Assert.True(stats.Rounds == 7, $"the resumed coordinator ran {stats.Rounds} E-steps; the saved model's and 6 more iterations' make 7");
        var single = OutOfCoreHmm.FitGaussian(data, options, fit);
        AssertSameTrace(single.Trace, resumed.Trace, "HMM stopped after iteration 4, resumed from the checkpoint");
        Numbers.AssertClose(single.Model.Transitions, resumed.Model.Transitions, 1e-10, 1e-12, "transitions");
        Numbers.AssertClose(single.Model.Emission.Means, resumed.Model.Emission.Means, 1e-10, 1e-12, "means");
        Numbers.AssertClose(single.Model.Emission.Covariances, resumed.Model.Emission.Covariances, 1e-10, 1e-12, "covariances");
    }
}
