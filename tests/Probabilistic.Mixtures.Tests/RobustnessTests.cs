using Probabilistic.Core.IO;
using Probabilistic.Core.Gaussians;

namespace Probabilistic.Mixtures.Tests;

/// <summary>Degenerate and bad input: regularised fits or clear errors, never NaN; model files.</summary>
public class RobustnessTests
{
    [Theory]
    [InlineData(CovarianceType.Full)]
    [InlineData(CovarianceType.Diagonal)]
    [InlineData(CovarianceType.Spherical)]
    [InlineData(CovarianceType.Tied)]
    public void DuplicatePointsGiveARegularisedFit(CovarianceType type)
    {
        var x = Enumerable.Repeat(new[] { 1.5, -2.0 }, 50).SelectMany(r => r).ToArray();
        var gmm = new GaussianMixture(new GaussianMixtureOptions(2, type));
        var (_, trace) = gmm.Fit(new NumericTable(x, 50, 2), new FitOptions(Seed: 1));
        Assert.True(double.IsFinite(trace.FinalElboPerObservation), $"final LL {trace.FinalElboPerObservation}");
        var cov = gmm.Parameters!.FullCovariance(0);
        Assert.True(Math.Abs(cov[0] - 1e-6) < 1e-9, $"variance of identical points is reg_covar: {cov[0]:R}");
        Assert.All(gmm.PredictProba(new NumericTable(x, 50, 2)), v => Assert.True(double.IsFinite(v), "responsibility not finite"));
    }

    [Fact]
    public void ConstantColumnAndMoreComponentsThanDistinctPointsStayFinite()
    {
        // Three distinct points, repeated; second column constant; K = 5 > 3 distinct points.
        double[][] rows = [[0, 4], [1, 4], [5, 4]];
        var x = Enumerable.Range(0, 30).SelectMany(i => rows[i % 3]).ToArray();
        var gmm = new GaussianMixture(new GaussianMixtureOptions(5));
        var (_, trace) = gmm.Fit(new NumericTable(x, 30, 2), new FitOptions(Seed: 2, MaxIterations: 50));
        Assert.True(double.IsFinite(trace.FinalElboPerObservation), $"final LL {trace.FinalElboPerObservation}");
        Assert.All(gmm.Parameters!.Covariances, v => Assert.True(double.IsFinite(v), "covariance not finite"));
        Assert.All(gmm.Parameters!.Weights, v => Assert.True(double.IsFinite(v) && v >= 0, $"weight {v}"));
        Assert.All(gmm.ScoreSamples(new NumericTable(x, 30, 2)), v => Assert.True(double.IsFinite(v), "log p(x) not finite"));
    }

    [Fact]
    public void NoRegularisationOnDuplicatePointsIsAClearError()
    {
        var x = Enumerable.Repeat(new[] { 1.0, 2.0 }, 20).SelectMany(r => r).ToArray();
        var gmm = new GaussianMixture(new GaussianMixtureOptions(1, RegCovar: 0));
        var e = Assert.Throws<Kernels.IllConditionedCovarianceException>(() => gmm.Fit(new NumericTable(x, 20, 2), new FitOptions(Seed: 1)));
        Assert.Contains("increase the covariance regularisation", e.Message);
    }

    [Theory]
    [InlineData(double.NaN)]
    [InlineData(double.PositiveInfinity)]
    public void NonFiniteDataAreRefusedWithTheRow(double bad)
    {
        var x = Enumerable.Range(0, 40).Select(i => (double)i).ToArray();
        x[27] = bad;
        var e = Assert.Throws<Core.Data.DataFormatException>(() => new GaussianMixture(new GaussianMixtureOptions(2)).Fit(new NumericTable(x, 20, 2), new FitOptions(Seed: 1)));
        Assert.Contains("data row 14, column 2", e.Message); // x[27] is row 13, column 1 counted from 0
    }

    [Fact]
    public void SaveLoadRoundTripsAndCorruptFilesAreRefused()
    {
        var data = TestData.Faithful();
        var gmm = new GaussianMixture(new GaussianMixtureOptions(2));
        gmm.Fit(data, new FitOptions(Seed: 4));
        var dir = Directory.CreateTempSubdirectory("gmm-test");
        try
        {
            var path = Path.Combine(dir.FullName, "m.json");
            gmm.Save(path);
            var loaded = GaussianMixture.Load(path);
            Assert.Equal(gmm.Parameters!.Means.ToArray(), loaded.Parameters!.Means.ToArray());
            Assert.Equal(gmm.Parameters!.Covariances.ToArray(), loaded.Parameters!.Covariances.ToArray());
            Assert.Equal(gmm.Score(data), loaded.Score(data), 12);
            Assert.Equal(gmm.Predict(data), loaded.Predict(data));

            var text = File.ReadAllText(path);
            File.WriteAllText(path, text[..(text.Length / 2)]);
            var e1 = Assert.Throws<ModelFormatException>(() => GaussianMixture.Load(path));
            Assert.Contains("not valid JSON", e1.Message);

            File.WriteAllText(path, text.Replace("\"version\":1", "\"version\":99"));
            Assert.Contains("version 99", Assert.Throws<ModelFormatException>(() => GaussianMixture.Load(path)).Message);

            // A covariance that is not positive definite: [[1, 5], [5, 1]].
            var doc = System.Text.Json.Nodes.JsonNode.Parse(text)!;
            var cov = doc["model"]!["covariances"]!.AsArray();
            cov[1] = 5.0; cov[2] = 5.0;
            File.WriteAllText(path, doc.ToJsonString());
            var e3 = Assert.Throws<ModelFormatException>(() => GaussianMixture.Load(path));
            Assert.Contains("ill-defined covariance", e3.Message);

            File.WriteAllText(path, text.Replace("\"weights\":[", "\"weights\":[0.9,"));
            Assert.Throws<ModelFormatException>(() => GaussianMixture.Load(path));
        }
        finally { dir.Delete(true); }
    }
}
