using Probabilistic.Hmm.Emissions;
using Probabilistic.Core.Gaussians;

namespace Probabilistic.Hmm.Tests;

/// <summary>Emission log-densities against closed forms written out naively.</summary>
public class EmissionTests
{
    [Fact]
    public void FullGaussianLogDensityMatchesNaiveFormula()
    {
        var e = TinyModels.GaussianFull3().Emission;
        double[] x = [0.3, -1.2];
        var lp = new double[3];
        e.LogLikelihoods(x, 1, lp);
        for (int k = 0; k < 3; k++)
        {
            var c = e.FullCovariance(k);
            var mu = e.Means.AsSpan(2 * k, 2).ToArray();
            double det = c[0] * c[3] - c[1] * c[2];
            double a = c[3] / det, b = -c[1] / det, d = c[0] / det; // 2×2 inverse
            double u = x[0] - mu[0], v = x[1] - mu[1];
            double expected = -Math.Log(2 * Math.PI) - 0.5 * Math.Log(det) - 0.5 * (a * u * u + 2 * b * u * v + d * v * v);
            Assert.Equal(expected, lp[k], 12);
        }
    }

    [Theory]
    [InlineData(CovarianceType.Diagonal)]
    [InlineData(CovarianceType.Spherical)]
    public void DiagonalAndSphericalLogDensityMatchNaiveFormula(CovarianceType type)
    {
        double[] cov = type == CovarianceType.Diagonal ? [0.5, 2.0, 1.5, 0.7] : [0.5, 1.5];
        var e = GaussianEmission.FromParameters(2, 2, type, [0.0, 1.0, -1.0, 2.0], cov);
        double[] x = [0.4, 0.1];
        var lp = new double[2];
        e.LogLikelihoods(x, 1, lp);
        for (int k = 0; k < 2; k++)
        {
            double expected = 0;
            for (int i = 0; i < 2; i++)
            {
                double var = type == CovarianceType.Diagonal ? cov[k * 2 + i] : cov[k];
                double z = x[i] - e.Means[k * 2 + i];
                expected += -0.5 * Math.Log(2 * Math.PI * var) - 0.5 * z * z / var;
            }
            Assert.Equal(expected, lp[k], 12);
        }
    }

    [Fact]
    public void OneDimensionalFullDiagonalAndSphericalAgree()
    {
        double[] x = [0.3, -2.0, 4.0];
        var lp = new List<double[]>();
        foreach (var type in new[] { CovarianceType.Full, CovarianceType.Diagonal, CovarianceType.Spherical })
        {
            var e = GaussianEmission.FromParameters(2, 1, type, [0.0, 1.0], [0.5, 4.0]);
            var r = new double[6];
            e.LogLikelihoods(x, 3, r);
            lp.Add(r);
        }
        for (int i = 0; i < 6; i++)
        {
            double expected = GaussianMathReference(x[i / 2], i % 2 == 0 ? 0.0 : 1.0, i % 2 == 0 ? 0.5 : 4.0);
            for (int t = 0; t < 3; t++) Assert.Equal(expected, lp[t][i], 12);
        }
        static double GaussianMathReference(double v, double m, double var) => -0.5 * Math.Log(2 * Math.PI * var) - 0.5 * (v - m) * (v - m) / var;
    }

    [Fact]
    public void PoissonLogDensityMatchesClosedForm()
    {
        var e = PoissonEmission.FromRates(2, 2, [1.5, 4.0, 0.2, 10.0]);
        double[] x = [3, 0];
        var lp = new double[2];
        e.LogLikelihoods(x, 1, lp);
        for (int k = 0; k < 2; k++)
        {
            double l0 = e.Rates[k * 2], l1 = e.Rates[k * 2 + 1];
            // log(λ^x e^−λ / x!) with 3! = 6, 0! = 1.
            double expected = 3 * Math.Log(l0) - l0 - Math.Log(6) + (0 - l1);
            Assert.Equal(expected, lp[k], 12);
        }
    }
}
