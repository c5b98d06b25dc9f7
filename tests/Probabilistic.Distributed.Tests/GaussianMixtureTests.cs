using System.Globalization;

namespace Probabilistic.Distributed.Tests;

/// <summary>
/// Partitioned GMM fits on three in-process silos against the single-machine out-of-core fit of the same shards
/// (<see cref="GaussianMixture.Fit(NpyRowSource, FitOptions?, CancellationToken, int?)"/>): same start, same trace and
/// parameters to 1e-10; a shard its silo cannot read stops the fit naming the shard, file and silo; cancellation keeps
/// the last completed iteration.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class GaussianMixtureTests(ClusterFixture fixture)
{
    internal static FitOptions Iterations(int count, IProgress<ElboStep>? progress = null) =>
        new(MaxIterations: count, Tolerance: 0, Seed: 11, Progress: progress);

    internal static void AssertSameFit(GaussianMixture single, GaussianMixture partitioned, int iterations, string what)
    {
        Assert.True(single.Trace!.Count == iterations, $"{what}: the single-machine fit ran {single.Trace.Count} iterations, not {iterations}");
        Assert.True(partitioned.Trace!.Count == iterations, $"{what}: the partitioned fit ran {partitioned.Trace.Count} iterations, not {iterations}");
        Numbers.AssertClose(single.Trace.Select(s => s.Elbo).ToArray(), partitioned.Trace.Select(s => s.Elbo).ToArray(), 1e-10, what: $"{what}: log-likelihood trace");
        var (a, b) = (single.Parameters!, partitioned.Parameters!);
        Numbers.AssertClose(a.Weights, b.Weights, 1e-10, 1e-12, $"{what}: weights");
        Numbers.AssertClose(a.Means, b.Means, 1e-10, 1e-12, $"{what}: means");
        Numbers.AssertClose(a.Covariances, b.Covariances, 1e-10, 1e-12, $"{what}: covariances");
    }

    [Theory]
    [InlineData(CovarianceType.Full, MixtureInit.KMeansPlusPlus)]
    [InlineData(CovarianceType.Diagonal, MixtureInit.RandomResponsibilities)]
    [InlineData(CovarianceType.Spherical, MixtureInit.KMeansPlusPlus)]
    [InlineData(CovarianceType.Tied, MixtureInit.KMeansPlusPlus)]
    public void A_fit_on_shard_grains_equals_the_single_machine_fit(CovarianceType type, MixtureInit init)
    {
        using var shards = new Shards(3001, [700, 1500, 2600], seed: 5);
        var options = new GaussianMixtureOptions(3, type, Init: init);
        var single = new GaussianMixture(options).Fit(shards.Source(), Iterations(10)).Model;
        var (fit, stats) = new GaussianMixture(options).Fit(fixture.Grains, shards.Source(), Iterations(10));
        AssertSameFit(single, fit.Model, 10, $"{type}, {init}, 4 shards on 3 silos");
        Assert.True(stats.Rounds == 11, $"{stats.Rounds} rounds of E-steps; the start and 10 iterations make 11");
        Assert.True(stats.BytesSent > 0 && stats.BytesReceived > 0, $"bytes sent {stats.BytesSent}, received {stats.BytesReceived}");
        var placed = Placements(fixture.Grains, shards);
        Assert.True(placed.Distinct().Count() == 3, $"4 partitions on 3 silos should use all three (shard placement); they went to {string.Join(", ", placed)}");
    }

    [Fact]
    public void A_shard_its_silo_cannot_read_stops_the_fit_naming_the_shard_file_and_silo()
    {
        using var shards = new Shards(600, [200, 400], seed: 6);
        string bad = shards.Paths[1];
        File.WriteAllText(bad, "not an array");
        var e = Assert.Throws<DistributedFitException>(() => PartitionedMixtureData.Open(fixture.Grains, shards.Paths, 3));
        Assert.Contains("shard 1", e.Message, StringComparison.Ordinal);
        Assert.Contains(bad, e.Message, StringComparison.Ordinal);
        var silos = fixture.Cluster.Silos.Select(s => s.SiloAddress.ToString()).ToArray();
        Assert.True(silos.Any(s => e.Message.Contains(s, StringComparison.Ordinal)),
            $"the message names none of the silos ({string.Join(", ", silos)}): {e.Message}");

        File.Delete(bad);
        var missing = Assert.Throws<DistributedFitException>(() => PartitionedMixtureData.Open(fixture.Grains, shards.Paths, 3));
        Assert.Contains("shard 1", missing.Message, StringComparison.Ordinal);
        Assert.Contains(bad, missing.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_cancelled_fit_keeps_its_last_completed_iteration()
    {
        using var shards = new Shards(2000, [900], seed: 7);
        var options = new GaussianMixtureOptions(3, CovarianceType.Full);
        using var cancel = new CancellationTokenSource();
        var progress = new Inline(step => { if (step.Iteration == 3) cancel.Cancel(); });
        var (fit, _) = new GaussianMixture(options).Fit(fixture.Grains, shards.Source(), Iterations(50, progress), cancellationToken: cancel.Token);
        Assert.True(fit.Trace.StopReason == StopReason.Cancelled, $"stopped for {fit.Trace.StopReason}");
        var single = new GaussianMixture(options).Fit(shards.Source(), Iterations(3)).Model;
        AssertSameFit(single, fit.Model, 3, "cancelled after iteration 3");
    }

    [Fact]
    public void A_fit_cancelled_before_it_starts_runs_no_E_step_and_says_so()
    {
        using var shards = new Shards(2000, [1000], seed: 8);
        var options = new GaussianMixtureOptions(3, CovarianceType.Full);
        using var cancel = new CancellationTokenSource();
        cancel.Cancel();
        var (fit, stats) = new GaussianMixture(options).Fit(fixture.Grains, shards.Source(), Iterations(50), cancellationToken: cancel.Token);
        Assert.True(fit.Trace.StopReason == StopReason.Cancelled && fit.Trace.Count == 0,
            string.Create(CultureInfo.InvariantCulture, $"stopped for {fit.Trace.StopReason} after {fit.Trace.Count} iterations"));
        Assert.True(stats.Rounds == 0, $"{stats.Rounds} E-steps ran after cancellation");
        Assert.True(fit.Model.Parameters is null, "a fit cancelled before its first step left parameters");
    }

    /// <summary>The silo each partition of a fresh fit is activated on.</summary>
    private static string[] Placements(IGrainFactory grains, Shards shards)
    {
        using var data = PartitionedMixtureData.Open(grains, shards.Source(), 3);
        return data.Silos.ToArray();
    }

    /// <summary>Reports on the calling thread (Progress&lt;T&gt; posts to the thread pool, too late to stop the next step).</summary>
    internal sealed class Inline(Action<ElboStep> report) : IProgress<ElboStep>
    {
        public void Report(ElboStep value) => report(value);
    }
}
