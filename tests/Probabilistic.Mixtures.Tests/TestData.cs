using Probabilistic.Core.Data;
using Probabilistic.Core.Gaussians;

namespace Probabilistic.Mixtures.Tests;

internal static class TestData
{
    /// <summary>The checkout root (the folder with Probabilistic.sln).</summary>
    public static string Root()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Probabilistic.sln"))) return dir.FullName;
        throw new InvalidOperationException("Probabilistic.sln not found above " + AppContext.BaseDirectory);
    }

    public static NumericTable Faithful() => NumericData.Load(Path.Combine(Root(), "datasets", "faithful.csv"));

    /// <summary>
    /// ../shared/peers/gmm_data.py's faithful.init.json (rows 55 and 141 of the data; biased sample covariance + 1e-6 I).
    /// </summary>
    public static GaussianMixtureParameters FaithfulStart(CovarianceType type)
    {
        double[][] cov = [[1.2979398904492854, 13.926418847318335], [13.926418847318335, 184.1438158788926]];
        return GaussianMixtureParameters.FromFullCovariances(type, [0.5, 0.5], [[4.883, 83.0], [2.233, 60.0]], [cov, cov]);
    }

    /// <summary>A seed that the environment variable PROB_TEST_SEED can override (printed in assertion messages).</summary>
    public static int Seed(int fallback) =>
        int.TryParse(Environment.GetEnvironmentVariable("PROB_TEST_SEED"), out var s) ? s : fallback;

    /// <summary>Draws n points from a known 3-component 2-D mixture with full covariances.</summary>
    public static (double[] X, int[] Labels, GaussianMixtureParameters Truth) KnownMixture(int n, int seed, CovarianceType type = CovarianceType.Full)
    {
        double[][] means = [[0, 0], [6, 1], [-2, 7]];
        double[][][] covs =
        [
            [[1.0, 0.3], [0.3, 0.5]],
            [[0.6, -0.2], [-0.2, 1.2]],
            [[2.0, 0.0], [0.0, 0.3]],
        ];
        if (type != CovarianceType.Full)
            covs = type switch
            {
                CovarianceType.Tied => [covs[0], covs[0], covs[0]],
                CovarianceType.Diagonal => [[[1.0, 0], [0, 0.5]], [[0.6, 0], [0, 1.2]], [[2.0, 0], [0, 0.3]]],
                _ => [[[1.0, 0], [0, 1.0]], [[0.6, 0], [0, 0.6]], [[2.0, 0], [0, 2.0]]],
            };
        var truth = GaussianMixtureParameters.FromFullCovariances(type, [0.5, 0.3, 0.2], means, covs);
        var (x, labels) = new GaussianMixture(truth).Sample(n, seed);
        return (x, labels, truth);
    }
}
