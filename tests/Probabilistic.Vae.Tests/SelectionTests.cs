using Probabilistic.Core.Inference;

namespace Probabilistic.Vae.Tests;

/// <summary>Choosing the latent size by k-fold held-out ELBO (a VAE has no exact likelihood, so no BIC).</summary>
public class SelectionTests
{
    [Fact]
    public void Latent_sizes_are_scored_by_their_mean_held_out_elbo_and_the_best_is_trained_on_all_the_data()
    {
        var data = TestData.Train(90);
        var template = new VaeArchitecture(NetworkKind.Mlp, 28, 28, [16], 2);
        var fit = new FitOptions(MaxIterations: 2, Tolerance: 0, Seed: TestData.Seed);
        var result = VaeSelection.SelectLatentSize(data, [1, 4], template, new VaeTrainingOptions(BatchSize: 30), fit, folds: 3);
        using var best = result.Best;
        Assert.Equal(SelectionCriterion.HeldOutElbo, result.Criterion);
        Assert.Equal([1, 4], result.Table.Select(r => r.Options.LatentSize));
        foreach (var row in result.Table)
        {
            Assert.Equal(3, row.FoldScores!.Count);
            Assert.True(row.FoldScores.All(double.IsFinite), $"latent {row.Options.LatentSize}: fold scores {string.Join(", ", row.FoldScores)}");
            Assert.Equal(row.FoldScores.Average(), row.Score, 12);
        }
        int argmax = result.Table[1].Score > result.Table[0].Score ? 1 : 0;
        Assert.Equal(argmax, result.BestIndex);
        Assert.Equal(result.BestRow.Options.LatentSize, best.Architecture.LatentSize);
        Assert.Equal(90, result.BestRow.Trace.ObservationCount); // the best was refitted on all the data
        // Each fold holds out a third of the images: every image is held out exactly once.
        var fold = ModelSelection.Folds(90, 3, TestData.Seed);
        Assert.Equal([30, 30, 30], Enumerable.Range(0, 3).Select(f => fold.Count(x => x == f)));
    }
}
