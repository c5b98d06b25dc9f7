using Probabilistic.Core.Inference;
using Probabilistic.Core.Gaussians;

namespace Probabilistic.Mixtures.Tests;

/// <summary>Data drawn from a known mixture: EM recovers the generating parameters within sampling error.</summary>
public class RecoveryTests
{
    // N = 6000: the smallest component (w = 0.2) has ~1200 points, so the standard error of a mean coordinate is
    // at most sqrt(2/1200) ≈ 0.04 and of a variance ≤ 2·sqrt(2/1200) ≈ 0.08; of a weight sqrt(.25/6000) ≈ 0.0065.
    // Tolerances are ~4 standard errors: weights 0.025, means 0.15, covariance entries 0.3.
    [Theory]
    [InlineData(CovarianceType.Full, MixtureInit.KMeansPlusPlus)]
    [InlineData(CovarianceType.Diagonal, MixtureInit.KMeansPlusPlus)]
    [InlineData(CovarianceType.Spherical, MixtureInit.KMeansPlusPlus)]
    [InlineData(CovarianceType.Tied, MixtureInit.KMeansPlusPlus)]
    [InlineData(CovarianceType.Full, MixtureInit.RandomResponsibilities)]
    public void RecoversTheGeneratingParameters(CovarianceType type, MixtureInit init)
    {
        int seed = TestData.Seed(42);
        var (x, _, truth) = TestData.KnownMixture(6000, seed, type);
        var gmm = new GaussianMixture(new GaussianMixtureOptions(3, type, Init: init, Restarts: init == MixtureInit.RandomResponsibilities ? 3 : 1));
        // Random responsibilities start all components near the overall mean (as scikit-learn's 'random'): EM leaves
        // that symmetric region slowly, so a loose tolerance would stop it there.
        var (_, trace) = gmm.Fit(new NumericTable(x, 6000, 2), new FitOptions(Seed: seed, MaxIterations: 3000,
            Tolerance: init == MixtureInit.RandomResponsibilities ? 1e-10 : 1e-3));
        Assert.Equal(StopReason.Converged, trace.StopReason);
        var p = gmm.Parameters!;
        for (int t = 0; t < 3; t++)
        {
            // Match each true component to the nearest fitted mean.
            int k = Enumerable.Range(0, 3).MinBy(c => Sq(p.Means[2 * c] - truth.Means[2 * t]) + Sq(p.Means[2 * c + 1] - truth.Means[2 * t + 1]));
            Assert.True(Math.Abs(p.Weights[k] - truth.Weights[t]) < 0.025, $"{type}/{init} seed {seed}: weight of component {t}: fitted {p.Weights[k]:F4}, true {truth.Weights[t]}");
            for (int i = 0; i < 2; i++)
                Assert.True(Math.Abs(p.Means[2 * k + i] - truth.Means[2 * t + i]) < 0.15, $"{type}/{init} seed {seed}: mean[{t}][{i}]: fitted {p.Means[2 * k + i]:F4}, true {truth.Means[2 * t + i]}");
            var fc = p.FullCovariance(k);
            var tc = truth.FullCovariance(t);
            for (int i = 0; i < 4; i++)
                Assert.True(Math.Abs(fc[i] - tc[i]) < 0.3, $"{type}/{init} seed {seed}: covariance[{t}] entry {i}: fitted {fc[i]:F4}, true {tc[i]}");
        }
        for (int i = 1; i < trace.Count; i++)
            Assert.True(trace[i].ElboPerObservation >= trace[i - 1].ElboPerObservation - 1e-12, $"trace decreased at iteration {i + 1}");
    }

    [Fact]
    public void SameSeedSameFitAndRestartsKeepTheBest()
    {
        var (x, _, _) = TestData.KnownMixture(2000, 7);
        GaussianMixture Fit(int restarts, int seed)
        {
            var g = new GaussianMixture(new GaussianMixtureOptions(3, Init: MixtureInit.RandomResponsibilities, Restarts: restarts));
            g.Fit(new NumericTable(x, 2000, 2), new FitOptions(Seed: seed, MaxIterations: 30, Tolerance: 0));
            return g;
        }
        var a = Fit(1, 9);
        var b = Fit(1, 9);
        Assert.Equal(a.Parameters!.Means.ToArray(), b.Parameters!.Means.ToArray());
        var best = Fit(4, 9);
        for (int r = 0; r < 4; r++)
        {
            var single = Fit(1, Core.Numerics.Rng.Derive(9, r));
            Numbers.AssertKeptBest(best.LowerBound, single.LowerBound, Core.Inference.ElboDriver.RestartTieTolerance, $"best of 4, restart {r}");
        }
    }

    [Fact]
    public void SampleDrawsComponentsWithTheirWeights()
    {
        var (_, labels, truth) = TestData.KnownMixture(20000, 3);
        for (int k = 0; k < 3; k++)
        {
            double freq = labels.Count(l => l == k) / 20000.0;
            // Binomial standard error ≤ sqrt(.25/20000) = 0.0035; 5 SE.
            Assert.True(Math.Abs(freq - truth.Weights[k]) < 0.018, $"component {k}: frequency {freq}, weight {truth.Weights[k]}");
        }
    }

    private static double Sq(double v) => v * v;
}
