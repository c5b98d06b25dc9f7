namespace Probabilistic.Distributed.Tests;

/// <summary>
/// A silo killed in the middle of a fit: its partitions are reactivated on the surviving silos, load their shards again,
/// and the fit ends where the single-machine fit ends. (Calls in flight when the silo dies fail and are sent again by
/// the coordinator; here the kill falls between iterations, so the test cluster's membership has already moved on.)
/// </summary>
public sealed class SiloFailureTests
{
    [Fact]
    public async Task A_fit_whose_silo_dies_mid_fit_completes_with_the_same_answer()
    {
        await using var cluster = await ClusterFixture.Start(3);
        using var shards = new Shards(3000, [500, 1000, 1500, 2000, 2500], seed: 9);
        var options = new GaussianMixtureOptions(3, CovarianceType.Full);
        using var data = PartitionedMixtureData.Open(cluster.Client, shards.Source(), 3,
            new DistributedFitOptions(RetryFor: TimeSpan.FromSeconds(60)));
        // A silo that holds partitions, not the first (which the test cluster's membership and the client start from).
        var victim = cluster.Silos.Skip(1).FirstOrDefault(s => data.Silos.Contains(s.SiloAddress.ToString()))
            ?? cluster.Silos.First(s => data.Silos.Contains(s.SiloAddress.ToString()));
        string dead = victim.SiloAddress.ToString();
        var moved = Enumerable.Range(0, data.Shards.Count).Where(s => data.Silos[s] == dead).ToArray();
        int onVictim = moved.Length;
        var progress = new GaussianMixtureTests.Inline(step =>
        {
            if (step.Iteration == 3) cluster.KillSiloAsync(victim).GetAwaiter().GetResult();
        });
        var partitioned = new GaussianMixture(options).Fit(shards.Source(), data, GaussianMixtureTests.Iterations(8, progress)).Model;
        Assert.True(onVictim > 0, "no partition was on the killed silo");
        foreach (int s in moved)
            Assert.True(data.Silos[s] != dead && cluster.Silos.Any(h => h.SiloAddress.ToString() == data.Silos[s]),
                $"partition {s} last answered from {data.Silos[s]}, not from a surviving silo (the killed one was {dead})");
        var single = new GaussianMixture(options).Fit(shards.Source(), GaussianMixtureTests.Iterations(8)).Model;
        GaussianMixtureTests.AssertSameFit(single, partitioned, 8, $"silo {victim.SiloAddress} ({onVictim} partitions) killed after iteration 3");
    }
}
