using Probabilistic.Core.Inference;
using Probabilistic.Vae;

namespace Probabilistic.Vae.Tests;

public class IwaeTests
{
    /// <summary>Mean and standard error of the mean of <paramref name="draws"/> independent estimates.</summary>
    private static (double Mean, double StdErr) MeanAndError(IReadOnlyList<double> draws)
    {
        double m = draws.Average();
        double v = draws.Sum(d => (d - m) * (d - m)) / (draws.Count - 1);
        return (m, Math.Sqrt(v / draws.Count));
    }

    [Fact]
    public void IwaeBoundIsAboveElboAndGrowsWithK()
    {
        // Burda et al. (2015), Theorem 1: E[L_K] <= E[L_{K+1}] <= log p(x), with L_1 the ELBO in expectation.
        // Each estimate is repeated with independent seeds and compared with a margin of 4 standard errors
        // (two-sided error probability < 1e-4 per comparison under a normal approximation).
        int seed = TestData.Seed;
        var train = TestData.Train(500);
        var test = TestData.Test(200);
        using var model = VariationalAutoencoder.Create(new VaeArchitecture(NetworkKind.Mlp, 28, 28, [64], 8), seed, training: new VaeTrainingOptions(BatchSize: 50));
        model.Fit(train, new FitOptions(5, 0, Seed: seed));

        var elbo = MeanAndError(Enumerable.Range(0, 20).Select(r => model.MeanElbo(test, seed + r)).ToList());
        var l1 = MeanAndError(Enumerable.Range(0, 20).Select(r => model.MeanIwae(test, 1, seed + 100 + r)).ToList());
        var l10 = MeanAndError(Enumerable.Range(0, 5).Select(r => model.MeanIwae(test, 10, seed + 200 + r)).ToList());
        var l100 = MeanAndError(Enumerable.Range(0, 3).Select(r => model.MeanIwae(test, 100, seed + 300 + r, maxRowsPerChunk: 2000)).ToList()); // 10 samples per chunk

        string Show((double Mean, double StdErr) e) => $"{e.Mean:F3} ± {e.StdErr:F3}";
        double Margin((double, double StdErr) a, (double, double StdErr) b) => 4 * Math.Sqrt(a.StdErr * a.StdErr + b.StdErr * b.StdErr);
        Assert.True(Math.Abs(l1.Mean - elbo.Mean) < Margin(l1, elbo),
            $"IWAE with K=1 ({Show(l1)}) should estimate the ELBO ({Show(elbo)}); seed {seed}");
        Assert.True(l10.Mean > elbo.Mean + Margin(l10, elbo),
            $"IWAE K=10 ({Show(l10)}) should exceed the ELBO ({Show(elbo)}); seed {seed}");
        Assert.True(l100.Mean > l10.Mean + Margin(l100, l10),
            $"IWAE K=100 ({Show(l100)}) should exceed K=10 ({Show(l10)}); seed {seed}");
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
