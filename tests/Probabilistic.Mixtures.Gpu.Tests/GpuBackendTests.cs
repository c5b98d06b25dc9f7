using Probabilistic.Core.Inference;
using Probabilistic.Mixtures.Kernels;
using Probabilistic.Core.Gaussians;

namespace Probabilistic.Mixtures.Gpu.Tests;

/// <summary>
/// The ILGPU kernels on ILGPU's CPU accelerator (a slow simulator: a couple of thousand points) against the
/// double-precision CPU backend. Tolerances are single-precision ones.
/// </summary>
public sealed class GpuBackendTests : IClassFixture<GpuBackendTests.Simulator>
{
    public sealed class Simulator : IDisposable
    {
        public GpuMixtureBackend Backend { get; } = GpuMixtureBackend.CreateCpuSimulator(chunk: 256);
        public void Dispose() => Backend.Dispose();
    }

    private readonly GpuMixtureBackend _gpu;

    public GpuBackendTests(Simulator simulator) => _gpu = simulator.Backend;

    private static (double[] X, GaussianMixtureParameters Truth) Data(int n, CovarianceType type, int seed)
    {
        double[][] means = [[0, 0, 1], [5, 1, -2], [-2, 6, 0]];
        double[][][] covs =
        [
            [[1.0, 0.3, 0.1], [0.3, 0.5, 0.0], [0.1, 0.0, 0.8]],
            [[0.6, -0.2, 0.0], [-0.2, 1.2, 0.2], [0.0, 0.2, 0.4]],
            [[2.0, 0.0, 0.3], [0.0, 0.3, 0.0], [0.3, 0.0, 1.0]],
        ];
        var truth = GaussianMixtureParameters.FromFullCovariances(type, [0.5, 0.3, 0.2], means, covs);
        return (new GaussianMixture(truth).Sample(n, seed).X, truth);
    }

    [Theory]
    [InlineData(CovarianceType.Full)]
    [InlineData(CovarianceType.Diagonal)]
    [InlineData(CovarianceType.Tied)]
    [InlineData(CovarianceType.Spherical)]
    public void EStepAndStatisticsMatchTheCpuBackend(CovarianceType type)
    {
        int n = 1500;
        var (x, truth) = Data(n, type, 5);
        var shifted = new GaussianMixtureParameters(type, 3, 3, truth.WeightsArray, truth.Means.Select((m, i) => m + 0.5 * Math.Cos(i)).ToArray(), truth.CovariancesArray);
        var f = PrecisionFactors.Compute(shifted);
        bool full = type is CovarianceType.Full or CovarianceType.Tied;

        using var cpu = new CpuMixtureBackend(1).Bind(x, n, 3, 3);
        using var gpu = _gpu.Bind(x, n, 3, 3);
        var rc = new double[n * 3]; var lc = new double[n];
        var rg = new double[n * 3]; var lg = new double[n];
        cpu.Responsibilities(f, rc, lc);
        gpu.Responsibilities(f, rg, lg);
        for (int i = 0; i < rc.Length; i++)
            Assert.True(Math.Abs(rc[i] - rg[i]) < 2e-5, $"{type}: responsibility {i}: cpu {rc[i]:R}, gpu {rg[i]:R}");
        for (int i = 0; i < n; i++)
            Assert.True(Math.Abs(lc[i] - lg[i]) < 2e-5 * Math.Max(1, Math.Abs(lc[i])), $"{type}: log p(x_{i}): cpu {lc[i]:R}, gpu {lg[i]:R}");

        var sc = new GaussianStatistics(3, 3, full);
        var sg = new GaussianStatistics(3, 3, full);
        cpu.EStep(f, sc);
        gpu.EStep(f, sg);
        Assert.True(Math.Abs(sc.LogLikelihood - sg.LogLikelihood) < 1e-5 * Math.Abs(sc.LogLikelihood), $"{type}: total LL cpu {sc.LogLikelihood:R}, gpu {sg.LogLikelihood:R}");
        // Sums of ~n single-precision terms: relative error ~1e-5 of the sum of |terms|, bounded here by 1e-4·max(1, |value|)·scale.
        Numbers.AssertClose(sc.Weight, sg.Weight, 2e-3, 2e-3, $"{type}: N_k, cpu vs gpu");
        Numbers.AssertClose(sc.First, sg.First, 2e-3, 2e-3, $"{type}: first moments, cpu vs gpu");
        Numbers.AssertClose(sc.Second, sg.Second, 5e-3, 5e-3, $"{type}: second moments, cpu vs gpu");
    }

    [Theory]
    [InlineData(CovarianceType.Full)]
    [InlineData(CovarianceType.Diagonal)]
    public void FitFromTheSameStartMatchesTheCpuFit(CovarianceType type)
    {
        int n = 2000;
        var (x, truth) = Data(n, type, 9);
        // Start: the true weights and covariances, means moved by ~1 (well-separated problem).
        var start = new GaussianMixtureParameters(type, 3, 3, truth.WeightsArray, truth.Means.Select((m, i) => m + (i % 2 == 0 ? 0.8 : -0.6)).ToArray(), truth.CovariancesArray);
        GaussianMixture Fit(IMixtureBackend backend)
        {
            var g = new GaussianMixture(new GaussianMixtureOptions(3, type, Init: MixtureInit.Parameters, InitialParameters: start, Backend: backend));
            g.Fit(new NumericTable(x, n, 3), new FitOptions(Tolerance: 1e-5, MaxIterations: 200));
            return g;
        }
        var cpu = Fit(new CpuMixtureBackend(1));
        var gpu = Fit(_gpu);
        Assert.Equal(StopReason.Converged, cpu.Trace!.StopReason);
        Assert.Equal(StopReason.Converged, gpu.Trace!.StopReason);
        Assert.True(cpu.Iterations == gpu.Iterations, $"{type}: iterations to converge: cpu {cpu.Iterations}, gpu {gpu.Iterations}");
        Assert.True(Math.Abs(cpu.LowerBound - gpu.LowerBound) < 1e-5 * Math.Abs(cpu.LowerBound), $"{type}: final mean LL cpu {cpu.LowerBound:R}, gpu {gpu.LowerBound:R}");
        Numbers.AssertClose(cpu.Parameters!.WeightsArray, gpu.Parameters!.WeightsArray, 1e-4, 1e-4, $"{type}: weights, cpu vs gpu");
        Numbers.AssertClose(cpu.Parameters!.MeansArray, gpu.Parameters!.MeansArray, 1e-4, 1e-4, $"{type}: means, cpu vs gpu");
        Numbers.AssertClose(cpu.Parameters!.CovariancesArray, gpu.Parameters!.CovariancesArray, 1e-3, 1e-3, $"{type}: covariances, cpu vs gpu");
        Assert.Equal(cpu.Predict(new NumericTable(x, n, 3)), gpu.Predict(new NumericTable(x, n, 3)));
    }

    [Theory]
    [InlineData(CovarianceType.Full)]
    [InlineData(CovarianceType.Tied)]
    [InlineData(CovarianceType.Diagonal)]
    [InlineData(CovarianceType.Spherical)]
    public void BayesianFitMatchesTheCpuFit(CovarianceType type)
    {
        int n = 1500;
        var (x, _) = Data(n, type, 4);
        BayesianGaussianMixture Fit(IMixtureBackend backend)
        {
            // The same seed gives the same k-means++ start labels (computed on the CPU) for both.
            var vb = new BayesianGaussianMixture(new BayesianGaussianMixtureOptions(4, WeightConcentration: 0.01, Backend: backend, CovarianceType: type));
            vb.Fit(new NumericTable(x, n, 3), new FitOptions(Tolerance: 1e-6, MaxIterations: 300, Seed: 11));
            return vb;
        }
        var cpu = Fit(new CpuMixtureBackend(1));
        var gpu = Fit(_gpu);
        Assert.True(Math.Abs(cpu.LowerBound - gpu.LowerBound) < 1e-5 * Math.Abs(cpu.LowerBound), $"{type}: final bound cpu {cpu.LowerBound:R}, gpu {gpu.LowerBound:R}");
        Numbers.AssertClose(cpu.Weights, gpu.Weights, 1e-4, 1e-4, $"{type}: weights, cpu vs gpu");
        Numbers.AssertClose(cpu.Means, gpu.Means, 1e-4, 1e-4, $"{type}: means, cpu vs gpu");
        Assert.Equal(cpu.Predict(new NumericTable(x, n, 3)), gpu.Predict(new NumericTable(x, n, 3)));
    }

    [Fact]
    public void BackendChoiceParsesAndAutoFallsBackToTheCpu()
    {
        Assert.Equal(BackendChoice.Auto, MixtureBackends.Parse("auto"));
        Assert.Equal(BackendChoice.Gpu, MixtureBackends.Parse("GPU"));
        Assert.Throws<ArgumentException>(() => MixtureBackends.Parse("tpu"));
        var auto = MixtureBackends.Create(BackendChoice.Auto);
        Assert.Equal(GpuMixtureBackend.CudaAvailable() ? "gpu:cuda" : "cpu", auto.Name);
        (auto as IDisposable)?.Dispose();
    }
}
