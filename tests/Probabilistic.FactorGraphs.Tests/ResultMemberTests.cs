namespace Probabilistic.FactorGraphs.Tests;

/// <summary>
/// The members users read results with (Infer.NET's names), against quadrature of each density and direct sums: CDFs,
/// quantiles, modes, moments, marginals, MaxDiff, and the Vector and matrix members.
/// </summary>
public class ResultMemberTests
{
    private static void AssertClose(double expected, double actual, double tolerance, string what) =>
        Assert.True(Math.Abs(expected - actual) <= tolerance * Math.Max(1, Math.Abs(expected)), $"{what}: expected {expected}, got {actual}");

    // composite Simpson's rule of f on [a, b] with n (even) intervals
    private static double Integrate(Func<double, double> f, double a, double b, int n = 20000)
    {
        double h = (b - a) / n, s = f(a) + f(b);
        for (int i = 1; i < n; i++) s += (i % 2 == 1 ? 4 : 2) * f(a + i * h);
        return s * h / 3;
    }

    [Fact]
    public void Gaussian_CdfQuantileAndMoments_AgreeWithQuadrature()
    {
        var g = Gaussian.FromMeanAndVariance(1.5, 0.64);
        double Density(double x) => Math.Exp(g.GetLogProb(x));
        foreach (double x in new[] { -0.5, 1.2, 2.9 })
            AssertClose(Integrate(Density, 1.5 - 12 * 0.8, x), g.GetProbLessThan(x), 1e-10, $"P(X < {x})");
        AssertClose(Integrate(Density, 0.3, 2.0), g.GetProbBetween(0.3, 2.0), 1e-10, "P(0.3 ≤ X < 2)");
        foreach (double p in new[] { 0.01, 0.5, 0.9 }) AssertClose(p, g.GetProbLessThan(g.GetQuantile(p)), 1e-12, $"CDF(quantile({p}))");
        g.GetMeanAndVariance(out double m, out double v);
        g.GetMeanAndPrecision(out double m2, out double prec);
        AssertClose(1.5, m, 1e-15, "mean"); AssertClose(0.64, v, 1e-15, "variance");
        AssertClose(1.5, m2, 1e-15, "mean (with precision)"); AssertClose(1 / 0.64, prec, 1e-15, "precision");
        AssertClose(1.5, g.GetMode(), 1e-15, "mode");
        Gaussian.PointMass(2).GetMeanAndPrecision(out double pm, out double pp);
        Assert.True(pm == 2 && double.IsPositiveInfinity(pp), $"a point mass has its point and infinite precision: {pm}, {pp}");
    }

    [Fact]
    public void Gamma_Members_AgreeWithQuadrature()
    {
        var g = Gamma.FromShapeAndRate(3.5, 2);
        double Density(double x) => x <= 0 ? 0 : Math.Exp(g.GetLogProb(x));
        AssertClose(Integrate(Density, 0, 1.3), g.GetProbLessThan(1.3), 1e-9, "P(X < 1.3)");
        AssertClose(Integrate(x => Density(x) / Math.Max(x, 1e-300), 1e-9, 60), g.GetMeanInverse(), 1e-7, "E[1/X]");
        AssertClose(Integrate(x => Density(x) * Math.Pow(x, 1.7), 0, 60), g.GetMeanPower(1.7), 1e-9, "E[X^1.7]");
        AssertClose(0.8, g.GetProbLessThan(g.GetQuantile(0.8)), 1e-10, "CDF(quantile(0.8))");
        double mode = g.GetMode();
        AssertClose(2.5 / 2, mode, 1e-15, "mode (a − 1)/b");
        Assert.True(g.GetLogProb(mode) > g.GetLogProb(mode + 1e-3) && g.GetLogProb(mode) > g.GetLogProb(mode - 1e-3), "the density is largest at the mode");
        Assert.Equal(0, Gamma.FromShapeAndRate(0.7, 1).GetMode());
        g.GetMeanAndVariance(out double m, out double v);
        AssertClose(Integrate(x => Density(x) * x, 0, 60), m, 1e-9, "mean");
        AssertClose(Integrate(x => Density(x) * (x - m) * (x - m), 0, 60), v, 1e-9, "variance");
        g.GetShapeAndScale(out double shape, out double scale);
        Assert.True(shape == 3.5 && scale == 0.5, $"shape and scale {shape}, {scale}");
    }

    [Fact]
    public void Beta_Members_AgreeWithQuadrature()
    {
        var b = new Beta(2.5, 4);
        double Density(double x) => x <= 0 || x >= 1 ? 0 : Math.Exp(b.GetLogProb(x));
        AssertClose(Integrate(Density, 0, 0.3), b.GetProbLessThan(0.3), 1e-9, "P(X < 0.3)");
        AssertClose(Integrate(x => Density(x) * x * x, 0, 1), b.GetMeanSquare(), 1e-9, "E[X²]");
        AssertClose(Integrate(x => Density(x) * Math.Log(Math.Max(x, 1e-300)), 1e-12, 1, 200000), b.GetMeanLog(), 1e-6, "E[log X]");
        b.GetMeanLogs(out double l1, out double l0);
        AssertClose(Integrate(x => Density(x) * Math.Log(1 - x), 0, 1 - 1e-12, 200000), l0, 1e-6, "E[log(1 − X)]");
        AssertClose(b.GetMeanLog(), l1, 1e-15, "GetMeanLogs' E[log X]");
        AssertClose(1.5 / 4.5, b.GetMode(), 1e-15, "mode (α − 1)/(α + β − 2)");
        AssertClose(6.5, b.TotalCount, 1e-15, "total count");
        Assert.Equal(0.5, Beta.Uniform().GetMode());
        Assert.Equal(0, new Beta(0.5, 2).GetMode());
    }

    [Fact]
    public void Discrete_And_Bernoulli_Members_AgreeWithDirectSums()
    {
        var d = new Discrete(0.1, 0.6, 0.3);
        AssertClose(0.6 + 0.6, d.GetMean(), 1e-15, "E[k]");
        AssertClose(0.6 + 1.2 - 1.2 * 1.2, d.GetVariance(), 1e-15, "Var[k]");
        Assert.Equal(1, d.GetMedian());
        Assert.Equal(1, d.GetMode());
        Assert.True(d.GetLogProbs().Zip(new[] { 0.1, 0.6, 0.3 }).All(t => Math.Abs(Math.Exp(t.First) - t.Second) < 1e-15), "log probabilities");
        var b = new Bernoulli(0.3);
        Assert.False(b.GetMode());
        AssertClose(0.21, b.GetVariance(), 1e-15, "Bernoulli variance");
    }

    [Fact]
    public void VectorGaussian_MarginalAndPrecision_AgreeWithTheCovariance()
    {
        var cov = new PositiveDefiniteMatrix(new double[,] { { 2, 0.5 }, { 0.5, 1 } });
        var g = VectorGaussian.FromMeanAndVariance(Vector.FromArray(1, -2), cov);
        for (int i = 0; i < 2; i++)
        {
            var marginal = g.GetMarginal(i);
            AssertClose(g.GetMean()[i], marginal.GetMean(), 1e-14, $"marginal {i} mean");
            AssertClose(cov[i, i], marginal.GetVariance(), 1e-14, $"marginal {i} variance");
        }
        g.GetMeanAndPrecision(out var mean, out var precision);
        g.GetMeanAndVariance(out var mean2, out var variance);
        Assert.True(mean.SequenceEqual(mean2), "the two means");
        for (int i = 0; i < 2; i++)
            for (int j = 0; j < 2; j++)
            {
                double s = 0;
                for (int k = 0; k < 2; k++) s += precision[i, k] * variance[k, j];
                AssertClose(i == j ? 1 : 0, s, 1e-14, $"(precision · variance)[{i},{j}]");
            }
        Assert.True(variance.Rows == 2 && variance.Cols == 2, $"Rows/Cols {variance.Rows}×{variance.Cols}");
    }

    [Fact]
    public void Wishart_Rate_IsTheInverseScale()
    {
        var rate = new PositiveDefiniteMatrix(new double[,] { { 3, 1 }, { 1, 2 } });
        var w = Wishart.FromShapeAndRate(4, rate);
        for (int i = 0; i < 2; i++)
            for (int j = 0; j < 2; j++) AssertClose(rate[i, j], w.Rate[i, j], 1e-15, $"Rate[{i},{j}]");
        var scale = w.GetScale();
        double det = 3 * 2 - 1;
        AssertClose(2 / det, scale[0, 0], 1e-14, "scale[0,0] = (rate⁻¹)[0,0]");
        AssertClose(-1 / det, scale[0, 1], 1e-14, "scale[0,1] = (rate⁻¹)[0,1]");
        w.GetMeanAndVariance(out var mean, out _);
        AssertClose(4 * 2 / det, mean[0, 0], 1e-14, "mean[0,0] = a·(rate⁻¹)[0,0]");
    }

    [Fact]
    public void MaxDiff_MeasuresStoredParameters_AsInferNet()
    {
        Assert.Equal(0, Gaussian.FromMeanAndVariance(1, 2).MaxDiff(Gaussian.FromMeanAndVariance(1, 2)));
        AssertClose(0.5, Gaussian.FromNatural(1, 2).MaxDiff(Gaussian.FromNatural(1.5, 1.8)), 1e-15, "Gaussian: max |Δ natural parameter|");
        Assert.Equal(0, Gaussian.PointMass(3).MaxDiff(Gaussian.PointMass(3)));
        Assert.True(double.IsPositiveInfinity(Gaussian.Uniform().MaxDiff(Gamma.Uniform())), "another type differs by +∞");
        AssertClose(1, new Beta(2, 3).MaxDiff(new Beta(2, 4)), 1e-15, "Beta: max |Δ count|");
        AssertClose(0.5 / 2, Gamma.FromShapeAndRate(2, 1).MaxDiff(Gamma.FromShapeAndRate(2.5, 1)), 1e-12, "Gamma: relative difference of shapes");
        AssertClose(0.1, new Discrete(0.2, 0.8).MaxDiff(new Discrete(0.3, 0.7)), 1e-15, "Discrete: max |Δp|");
        AssertClose(0.5, Dirichlet.FromPseudoCounts(1, 2).MaxDiff(Dirichlet.FromPseudoCounts(1.5, 2)), 1e-15, "Dirichlet: max |Δα|");
    }

    [Fact]
    public void Vector_IndexerSetter_SetsAnEntry_AndRefusesNonFiniteValues()
    {
        var v = Vector.Zero(3);
        v[1] = 2.5;
        Assert.True(v.SequenceEqual([0, 2.5, 0]), $"v = {v}");
        Assert.Throws<ArgumentOutOfRangeException>(() => v[0] = double.NaN);
        var copy = VectorGaussian.PointMass(v);
        v[2] = 7;
        Assert.Equal(0, copy.Point[2]);
    }
}
