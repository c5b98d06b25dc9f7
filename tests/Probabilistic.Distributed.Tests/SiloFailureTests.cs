using Orleans.TestingHost;

namespace Probabilistic.Distributed.Tests;

/// <summary>
/// A silo killed in the middle of a fit: its partitions are reactivated on the surviving silos, load their shards again,
/// and the fit ends where the single-machine fit ends: killed between two iterations, and killed while a call of an
/// iteration is being answered on it (that call fails and the coordinator sends it again).
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
        Assert.True(data.Stats.Relocations == onVictim, $"{data.Stats.Relocations} partitions moved; the killed silo held {onVictim}");
        foreach (int s in moved)
            Assert.True(data.Silos[s] != dead && cluster.Silos.Any(h => h.SiloAddress.ToString() == data.Silos[s]),
                $"partition {s} last answered from {data.Silos[s]}, not from a surviving silo (the killed one was {dead})");
        var single = new GaussianMixture(options).Fit(shards.Source(), GaussianMixtureTests.Iterations(8)).Model;
        GaussianMixtureTests.AssertSameFit(single, partitioned, 8, $"silo {victim.SiloAddress} ({onVictim} partitions) killed after iteration 3");
    }

    [Fact]
    public async Task A_silo_killed_while_answering_a_call_has_that_call_sent_again_and_the_fit_completes_with_the_same_answer()
    {
        var trap = new KillTrap();
        await using var cluster = await ClusterFixture.Start(3, (options, silo) => silo.AddIncomingGrainCallFilter(async call =>
        {
            // On the victim, the first E-step of the armed round kills the silo and never answers: a call in flight dies with it.
            if (call.MethodName == nameof(IMixtureShardGrain.EStep) && trap.Spring(options.SiloName)) await Task.Delay(Timeout.Infinite);
            await call.Invoke();
        }));
        trap.Cluster = cluster;
        using var shards = new Shards(3000, [500, 1000, 1500, 2000, 2500], seed: 10);
        var options = new GaussianMixtureOptions(3, CovarianceType.Diagonal);
        using var data = PartitionedMixtureData.Open(cluster.Client, shards.Source(), 3, new DistributedFitOptions(RetryFor: TimeSpan.FromSeconds(60)));
        var victim = cluster.Silos.Skip(1).FirstOrDefault(s => data.Silos.Contains(s.SiloAddress.ToString()))
            ?? cluster.Silos.First(s => data.Silos.Contains(s.SiloAddress.ToString()));
        var progress = new GaussianMixtureTests.Inline(step => { if (step.Iteration == 3) trap.Arm(victim); });
        var partitioned = new GaussianMixture(options).Fit(shards.Source(), data, GaussianMixtureTests.Iterations(8, progress)).Model;
        Assert.True(trap.Sprung, $"no E-step reached the victim {victim.SiloAddress} after it was armed");
        Assert.True(data.Stats.Retries > 0, "the call the killed silo was answering was not sent again");
        Assert.DoesNotContain(victim.SiloAddress.ToString(), data.Silos);
        var single = new GaussianMixture(options).Fit(shards.Source(), GaussianMixtureTests.Iterations(8)).Model;
        GaussianMixtureTests.AssertSameFit(single, partitioned, 8, $"silo {victim.SiloAddress} killed during iteration 4 ({data.Stats.Retries} calls sent again)");
    }

    /// <summary>Kills one silo from inside its own call filter, once, after being armed.</summary>
    private sealed class KillTrap
    {
        private InProcessSiloHandle? _victim;
        private int _sprung;

        public InProcessTestCluster? Cluster { get; set; }

        public bool Sprung => _sprung == 1;

        public void Arm(InProcessSiloHandle victim) => Volatile.Write(ref _victim, victim);

        public bool Spring(string siloName)
        {
            var victim = Volatile.Read(ref _victim);
            if (victim is null || victim.Name != siloName || Interlocked.Exchange(ref _sprung, 1) == 1) return false;
            _ = Task.Run(() => Cluster!.KillSiloAsync(victim));
            return true;
        }
    }
}
