using Probabilistic.Core.Numerics;
using Probabilistic.Mixtures.Kernels;
using Probabilistic.Core.Gaussians;

namespace Probabilistic.Mixtures;

public sealed partial class GaussianMixture
{
    private GaussianMixtureParameters Initialize(double[] x, int n, int d, int seed, CancellationToken cancellationToken = default)
    {
        int k = Options.Components;
        var type = Options.CovarianceType;
        switch (Options.Init)
        {
            case MixtureInit.Parameters:
                return Options.InitialParameters!;
            case MixtureInit.Means:
            {
                var means = Options.InitialMeans!;
                var p = FromLabels(x, n, d, k, NearestCenters(x, n, d, means, k), type);
                return new GaussianMixtureParameters(type, k, d, p.WeightsArray, means, p.CovariancesArray);
            }
            case MixtureInit.RandomResponsibilities:
            {
                var random = Rng.Create(seed);
                var stats = new GaussianStatistics(k, d, true);
                var resp = new double[k];
                for (int i = 0; i < n; i++)
                {
                    double sum = 0;
                    for (int c = 0; c < k; c++) sum += resp[c] = random.NextDouble();
                    for (int c = 0; c < k; c++) resp[c] /= sum;
                    EStepKernels.AccumulateRow(x.AsSpan(i * d, d), resp, stats);
                }
                return MStepKernels.EstimateGaussianParameters(stats, Options.RegCovar, type);
            }
            default:
                return FromLabels(x, n, d, k, KMeans.Fit(x, n, d, k, seed, cancellationToken: cancellationToken).Labels, type);
        }
    }

    private GaussianMixtureParameters FromLabels(double[] x, int n, int d, int k, int[] labels, CovarianceType type)
    {
        var stats = EStepKernels.FromLabels(x, n, d, k, labels);
        return MStepKernels.EstimateGaussianParameters(stats, Options.RegCovar, type);
    }

    private static int[] NearestCenters(double[] x, int n, int d, double[] centers, int k)
    {
        var labels = new int[n];
        Parallel.For(0, n, i => labels[i] = KMeans.Nearest(x.AsSpan(i * d, d), centers, k, out _));
        return labels;
    }
}
