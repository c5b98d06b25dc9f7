using Probabilistic.Core.IO;

namespace Probabilistic.Distributed.Tests;

/// <summary>
/// A coordinator that stops mid-fit (here: cancelled after iteration 4, its state left only in the checkpoint file) and
/// a new coordinator started on the same checkpoint: the second runs only the remaining iterations and ends where an
/// uninterrupted single-machine fit ends.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class CheckpointTests(ClusterFixture fixture)
{
    [Fact]
    public void A_restarted_coordinator_resumes_from_the_last_completed_iteration_to_the_same_answer()
    {
        using var shards = new Shards(2400, [800, 1600], seed: 12);
        var options = new GaussianMixtureOptions(3, CovarianceType.Diagonal);
        string checkpoint = Path.Combine(shards.Dir, "fit.checkpoint.json");
        var distributed = new DistributedFitOptions(Checkpoint: checkpoint);

        using (var cancel = new CancellationTokenSource())
        {
            var stop = new GaussianMixtureTests.Inline(step => { if (step.Iteration == 4) cancel.Cancel(); });
            var (first, _) = new GaussianMixture(options).Fit(fixture.Grains, shards.Source(), GaussianMixtureTests.Iterations(10, stop), distributed, cancel.Token);
            Assert.True(first.Trace.Count == 4 && first.Trace.StopReason == StopReason.Cancelled,
                $"the first coordinator stopped after {first.Trace.Count} iterations ({first.Trace.StopReason}), not 4 (cancelled)");
        }
        Assert.True(File.Exists(checkpoint), "no checkpoint was written");

        var (resumed, stats) = new GaussianMixture(options).Fit(fixture.Grains, shards.Source(), GaussianMixtureTests.Iterations(10), distributed);
        Assert.True(stats.Rounds == 7, $"the resumed coordinator ran {stats.Rounds} E-steps; the saved parameters' and 6 more iterations' make 7");
        var single = new GaussianMixture(options).Fit(shards.Source(), GaussianMixtureTests.Iterations(10)).Model;
        GaussianMixtureTests.AssertSameFit(single, resumed.Model, 10, "stopped after iteration 4, resumed from the checkpoint");
    }

    [Fact]
    public void A_checkpoint_of_another_fit_is_refused_naming_the_file()
    {
        using var shards = new Shards(900, [450], seed: 13);
        string checkpoint = Path.Combine(shards.Dir, "fit.checkpoint.json");
        var distributed = new DistributedFitOptions(Checkpoint: checkpoint);
        new GaussianMixture(new GaussianMixtureOptions(2, CovarianceType.Full)).Fit(fixture.Grains, shards.Source(), GaussianMixtureTests.Iterations(2), distributed);
        var e = Assert.Throws<ModelFormatException>(() =>
            new GaussianMixture(new GaussianMixtureOptions(3, CovarianceType.Full)).Fit(fixture.Grains, shards.Source(), GaussianMixtureTests.Iterations(2), distributed));
        Assert.Contains(checkpoint, e.Message, StringComparison.Ordinal);
        Assert.Contains("number of components", e.Message, StringComparison.Ordinal);
    }
}
