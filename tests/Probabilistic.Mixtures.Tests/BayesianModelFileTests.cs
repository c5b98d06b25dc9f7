using Probabilistic.Core.IO;
using Probabilistic.Core.Gaussians;

namespace Probabilistic.Mixtures.Tests;

/// <summary>Saving and loading variational Bayesian mixtures; bad settings named.</summary>
public sealed class BayesianModelFileTests : IDisposable
{
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("prob-bgmm");

    [Theory]
    [InlineData(CovarianceType.Full, WeightPrior.DirichletProcess)]
    [InlineData(CovarianceType.Tied, WeightPrior.DirichletDistribution)]
    [InlineData(CovarianceType.Diagonal, WeightPrior.DirichletProcess)]
    [InlineData(CovarianceType.Spherical, WeightPrior.DirichletDistribution)]
    public void ALoadedModelPredictsExactlyAsTheFittedOne(CovarianceType type, WeightPrior prior)
    {
        var data = TestData.Faithful();
        var vb = new BayesianGaussianMixture(new BayesianGaussianMixtureOptions(4, prior, CovarianceType: type));
        vb.Fit(data, new FitOptions(Seed: TestData.Seed(2)));
        var path = Path.Combine(_dir.FullName, $"{type}.json");
        vb.Save(path);
        var loaded = BayesianGaussianMixture.Load(path);
        var expected = vb.PredictProba(data);
        var actual = loaded.PredictProba(data);
        for (int i = 0; i < expected.Length; i++)
            Assert.True(Math.Abs(expected[i] - actual[i]) < 1e-12, $"{type}: responsibility {i}: fitted {expected[i]:R}, loaded {actual[i]:R}");
        Assert.Equal(vb.Weights, loaded.Weights);
        Assert.Equal(vb.Covariances, loaded.Covariances);
        Assert.Equal((4, 2), (loaded.Components, loaded.Dimension));
    }

    [Fact]
    public void TheMaximumLikelihoodReaderRefusesABayesianFileByName()
    {
        var data = TestData.Faithful();
        var vb = new BayesianGaussianMixture(new BayesianGaussianMixtureOptions(2));
        vb.Fit(data, new FitOptions(Seed: 1));
        var path = Path.Combine(_dir.FullName, "b.json");
        vb.Save(path);
        var e = Assert.Throws<ModelFormatException>(() => GaussianMixture.Load(path));
        Assert.Contains("holds a 'bayesian-gaussian-mixture' model, not a 'gaussian-mixture' model", e.Message);
        File.WriteAllText(path, File.ReadAllText(path).Replace("\"meanPrecision\":[", "\"meanPrecision\":[-1,"));
        var bad = Assert.Throws<ModelFormatException>(() => BayesianGaussianMixture.Load(path));
        Assert.Contains("meanPrecision", bad.Message);
    }

    [Fact]
    public void BadSettingsAreNamed()
    {
        var data = TestData.Faithful();
        var wrongPrior = new BayesianGaussianMixture(new BayesianGaussianMixtureOptions(2, CovarianceType: CovarianceType.Diagonal, CovariancePrior: [1, 0, 0, 1]));
        Assert.Contains("CovariancePrior has 4 values; a Diagonal covariance in D = 2 needs 2", Assert.Throws<ArgumentException>(() => wrongPrior.Fit(data)).Message);
        var negative = new BayesianGaussianMixture(new BayesianGaussianMixtureOptions(2, CovarianceType: CovarianceType.Spherical, CovariancePrior: [-1]));
        Assert.Contains("CovariancePrior[0] = -1", Assert.Throws<ArgumentException>(() => negative.Fit(data)).Message);
        var labels = new int[data.Rows];
        labels[7] = 2;
        var badLabels = new BayesianGaussianMixture(new BayesianGaussianMixtureOptions(2, InitialLabels: labels));
        Assert.Contains("InitialLabels[7] = 2", Assert.Throws<ArgumentException>(() => badLabels.Fit(data)).Message);
        var dof = new BayesianGaussianMixture(new BayesianGaussianMixtureOptions(2, DegreesOfFreedom: 0, CovarianceType: CovarianceType.Diagonal));
        Assert.Contains("degrees of freedom", Assert.Throws<ArgumentOutOfRangeException>(() => dof.Fit(data)).Message);
    }

    public void Dispose() => _dir.Delete(true);
}
