using Probabilistic.Mixtures.Kernels;
using Probabilistic.Core.Gaussians;

namespace Probabilistic.Mixtures.Tests;

/// <summary>The fused SIMD block kernel of the CPU backend against the plain per-point reference kernels.</summary>
public class KernelTests
{
    [Theory]
    [InlineData(CovarianceType.Full, 1)]
    [InlineData(CovarianceType.Full, 2)]
    [InlineData(CovarianceType.Diagonal, 2)]
    [InlineData(CovarianceType.Spherical, 1)]
    [InlineData(CovarianceType.Tied, 2)]
    public void BlockedEStepMatchesThePerPointReference(CovarianceType type, int threads)
    {
        int seed = TestData.Seed(11);
        var (x, _, truth) = TestData.KnownMixture(1001, seed, type); // 1001: a partial last block
        // Perturb the means so responsibilities are not all near 0/1.
        var means = truth.Means.Select((m, i) => m + 0.7 * Math.Sin(i)).ToArray();
        var p = new GaussianMixtureParameters(type, 3, 2, truth.WeightsArray, means, truth.CovariancesArray);
        var f = PrecisionFactors.Compute(p);
        int n = 1001, k = 3;
        bool full = type is CovarianceType.Full or CovarianceType.Tied;

        var logProb = new double[n * k];
        var logNorm = new double[n];
        EStepKernels.EstimateWeightedLogProb(x, n, f, logProb);
        EStepKernels.LogResponsibilities(logProb, n, k, logNorm);
        var resp = logProb.Select(Math.Exp).ToArray();
        var reference = new GaussianStatistics(k, 2, full);
        p.MeansArray.CopyTo(reference.Reference, 0);
        EStepKernels.AccumulateStatistics(x, n, resp, reference);

        var stats = new GaussianStatistics(k, 2, full);
        using var bound = new CpuMixtureBackend(threads, blockSize: 64).Bind(x, n, 2, k);
        bound.EStep(f, stats);
        Assert.True(Math.Abs(stats.LogLikelihood - logNorm.Sum()) < 1e-9 * Math.Abs(logNorm.Sum()), $"log-likelihood: block {stats.LogLikelihood:R}, reference {logNorm.Sum():R} (seed {seed})");
        Numbers.AssertClose(reference.Weight, stats.Weight, 1e-9, 1e-9, "N_k");
        Numbers.AssertClose(reference.First, stats.First, 1e-9, 1e-9, "first moments");
        Numbers.AssertClose(reference.Second, stats.Second, 1e-9, 1e-9, "second moments");

        var blockResp = new double[n * k];
        var blockLl = new double[n];
        bound.Responsibilities(f, blockResp, blockLl);
        Numbers.AssertClose(resp, blockResp, 1e-12, 1e-12, "responsibilities");
        Numbers.AssertClose(logNorm, blockLl, 1e-12, 1e-12, "log p(x) per point");
    }

    [Theory]
    [InlineData(7, 4, 2)]
    [InlineData(16, 3, 1)]
    public void BlockedFullEStepMatchesTheReferenceInHigherDimensions(int d, int k, int threads)
    {
        // Random SPD covariances A Aᵀ + I and random data: exercises the kernel's 4-point, 2-row and 4-column blocking.
        var random = new Random(TestData.Seed(17));
        int n = 777;
        var x = Enumerable.Range(0, n * d).Select(_ => 3 * (random.NextDouble() - 0.5)).ToArray();
        var means = Enumerable.Range(0, k * d).Select(_ => random.NextDouble() - 0.5).ToArray();
        var cov = new double[k * d * d];
        for (int c = 0; c < k; c++)
        {
            var a = Enumerable.Range(0, d * d).Select(_ => random.NextDouble() - 0.5).ToArray();
            for (int i = 0; i < d; i++)
                for (int j = 0; j < d; j++)
                {
                    double v = i == j ? 1 : 0;
                    for (int r = 0; r < d; r++) v += a[i * d + r] * a[j * d + r];
                    cov[(c * d + i) * d + j] = v;
                }
        }
        var p = new GaussianMixtureParameters(CovarianceType.Full, k, d, Enumerable.Repeat(1.0 / k, k).ToArray(), means, cov);
        var f = PrecisionFactors.Compute(p);
        var logProb = new double[n * k];
        var logNorm = new double[n];
        EStepKernels.EstimateWeightedLogProb(x, n, f, logProb);
        EStepKernels.LogResponsibilities(logProb, n, k, logNorm);
        var reference = new GaussianStatistics(k, d, true);
        means.CopyTo(reference.Reference, 0);
        EStepKernels.AccumulateStatistics(x, n, logProb.Select(Math.Exp).ToArray(), reference);
        var stats = new GaussianStatistics(k, d, true);
        using var bound = new CpuMixtureBackend(threads, blockSize: 32).Bind(x, n, d, k);
        bound.EStep(f, stats);
        Assert.True(Math.Abs(stats.LogLikelihood - logNorm.Sum()) < 1e-9 * Math.Abs(logNorm.Sum()), $"log-likelihood: block {stats.LogLikelihood:R}, reference {logNorm.Sum():R}");
        Numbers.AssertClose(reference.Weight, stats.Weight, 1e-9, 1e-9, "N_k");
        Numbers.AssertClose(reference.First, stats.First, 1e-9, 1e-9, "first moments");
        Numbers.AssertClose(reference.Second, stats.Second, 1e-9, 1e-9, "second moments");
    }

    [Fact]
    public void OneComponentFullFitIsTheSampleMeanAndBiasedCovariancePlusReg()
    {
        var (x, _, _) = TestData.KnownMixture(500, TestData.Seed(5));
        int n = 500;
        double[] mean = [0, 0];
        for (int i = 0; i < n; i++) { mean[0] += x[2 * i] / n; mean[1] += x[2 * i + 1] / n; }
        var cov = new double[4];
        for (int i = 0; i < n; i++)
            for (int a = 0; a < 2; a++)
                for (int b = 0; b < 2; b++) cov[a * 2 + b] += (x[2 * i + a] - mean[a]) * (x[2 * i + b] - mean[b]) / n;
        var gmm = new GaussianMixture(new GaussianMixtureOptions(1, RegCovar: 1e-3));
        gmm.Fit(new NumericTable(x, n, 2), new FitOptions(MaxIterations: 3, Tolerance: 0, Seed: 1));
        var p = gmm.Parameters!;
        Assert.Equal(mean[0], p.Means[0], 10);
        Assert.Equal(mean[1], p.Means[1], 10);
        Assert.Equal(cov[0] + 1e-3, p.Covariances[0], 10);
        Assert.Equal(cov[1], p.Covariances[1], 10);
        Assert.Equal(cov[3] + 1e-3, p.Covariances[3], 10);
        // Closed-form Gaussian log-likelihood at those parameters.
        double c0 = cov[0] + 1e-3, c1 = cov[1], c3 = cov[3] + 1e-3, det = c0 * c3 - c1 * c1;
        double ll = 0;
        for (int i = 0; i < n; i++)
        {
            double u = x[2 * i] - mean[0], v = x[2 * i + 1] - mean[1];
            ll += -Math.Log(2 * Math.PI) - 0.5 * Math.Log(det) - 0.5 * (c3 * u * u - 2 * c1 * u * v + c0 * v * v) / det;
        }
        Assert.True(Math.Abs(gmm.ScorePerObservation(new NumericTable(x, n, 2)) - ll / n) < 1e-10, $"Score {gmm.ScorePerObservation(new NumericTable(x, n, 2)):R} vs closed form {ll / n:R}");
        double bic = -2 * ll + 5 * Math.Log(n);
        Assert.True(Math.Abs(gmm.Bic(new NumericTable(x, n, 2)) - bic) < 1e-7, $"BIC {gmm.Bic(new NumericTable(x, n, 2)):R} vs closed form {bic:R} (5 free parameters)");
        Assert.True(Math.Abs(gmm.Aic(new NumericTable(x, n, 2)) - (-2 * ll + 10)) < 1e-7, $"AIC {gmm.Aic(new NumericTable(x, n, 2)):R} vs closed form {-2 * ll + 10:R}");
    }
}
