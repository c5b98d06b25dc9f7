using Probabilistic.Core.Inference;
using Probabilistic.Vae;

namespace Probabilistic.Vae.Tests;

public class IwaeTests
{
    [Fact]
    public void IwaeBoundIsAboveElboAndGrowsWithK()
    {
        // Burda et al. (2015), Theorem 1: E[L_K] <= E[L_{K+1}] <= log p(x), with L_1 the ELBO.
        // A small model trained briefly has a loose posterior, so the gaps are several nats; the Monte-Carlo
        // error of a mean over 200 images (and, for the ELBO, 20 draws each) is a small fraction of a nat.
        int seed = TestData.Seed;
        var train = TestData.Train(500);
        var test = TestData.Test(200);
        using var model = VariationalAutoencoder.Create(new VaeArchitecture(NetworkKind.Mlp, 28, 28, [64], 8), seed);
        VaeTrainer.Fit(model, train, null, new VaeTrainingOptions(BatchSize: 50, Seed: seed), new FitOptions(3, 0));

        double elbo = Enumerable.Range(0, 20).Average(r => model.MeanElbo(test, seed + r));
        double l1 = Enumerable.Range(0, 5).Average(r => model.MeanIwae(test, 1, seed + 100 + r));
        double l10 = model.MeanIwae(test, 10, seed + 200);
        double l100 = model.MeanIwae(test, 100, seed + 300, maxRowsPerChunk: 2000); // chunked over K: 10 samples per chunk

        Assert.True(Math.Abs(l1 - elbo) < 1.0, $"IWAE with K=1 ({l1:F3}) should estimate the ELBO ({elbo:F3}); seed {seed}");
        Assert.True(l10 > elbo + 0.5, $"IWAE K=10 ({l10:F3}) should exceed the ELBO ({elbo:F3}); seed {seed}");
        Assert.True(l100 > l10 + 0.2, $"IWAE K=100 ({l100:F3}) should exceed K=10 ({l10:F3}); seed {seed}");
    }

    [Fact]
    public void IwaeIsChunkInvariantUpToMonteCarloError()
    {
        int seed = TestData.Seed;
        var test = TestData.Test(100);
        using var model = VariationalAutoencoder.Create(new VaeArchitecture(NetworkKind.Mlp, 28, 28, [32], 4), seed);
        double whole = model.MeanIwae(test, 200, seed, batchSize: 50);                        // one chunk of 200
        double chunked = model.MeanIwae(test, 200, seed + 1, batchSize: 50, maxRowsPerChunk: 350); // chunks of 7
        Assert.True(Math.Abs(whole - chunked) < 0.02 * Math.Abs(whole),
            $"K=200 IWAE unchunked {whole:F3} vs chunked by 7 {chunked:F3} differ by more than 2 %");
    }
}
