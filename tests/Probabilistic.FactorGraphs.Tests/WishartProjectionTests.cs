using PositiveDefiniteMatrix = Probabilistic.FactorGraphs.LinearAlgebra.PositiveDefiniteMatrix;

namespace Probabilistic.FactorGraphs.Tests;

/// <summary>The Wishart moment projection and forced-proper ratio an EP gate uses, against their defining properties.</summary>
public class WishartProjectionTests
{
    private static readonly Wishart A = Wishart.FromShapeAndRate(7.5, new PositiveDefiniteMatrix(new double[,] { { 3.0, 0.4 }, { 0.4, 2.0 } }));
    private static readonly Wishart B = Wishart.FromShapeAndRate(4.2, new PositiveDefiniteMatrix(new double[,] { { 1.5, -0.3 }, { -0.3, 2.5 } }));

    [Fact]
    public void ProjectMixture_MatchesTheMixturesMeanAndTheTraceOfItsVariance()
    {
        double w = 0.3;
        var q = Wishart.ProjectMixture([w, 1 - w], [A, B]);
        var ma = A.GetMean();
        var mb = B.GetMean();
        var m = q.GetMean();
        for (int i = 0; i < 2; i++)
            for (int j = 0; j < 2; j++)
                Assert.Equal(w * ma[i, j] + (1 - w) * mb[i, j], m[i, j], 12);
        // law of total variance on the diagonal entries, whose sum a Wishart can match with its one spread parameter
        var va = A.GetVariance();
        var vb = B.GetVariance();
        var v = q.GetVariance();
        double expected = 0;
        for (int i = 0; i < 2; i++)
        {
            double mean = w * ma[i, i] + (1 - w) * mb[i, i];
            expected += w * (va[i, i] + Math.Pow(ma[i, i] - mean, 2)) + (1 - w) * (vb[i, i] + Math.Pow(mb[i, i] - mean, 2));
        }
        Assert.Equal(expected, v[0, 0] + v[1, 1], 10);
    }

    [Fact]
    public void ProjectMixture_OfOneDistribution_IsThatDistribution()
    {
        var q = Wishart.ProjectMixture([0.4, 0.6], [A, A]);
        Assert.Equal(A.Shape, q.Shape);
        Assert.Equal(A.Rate[0, 1], q.Rate[0, 1]);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void ProperRatio_IsProper_AndKeepsTheNumeratorsMeanWhenMultipliedBack(bool aOverB)
    {
        var (num, den) = aOverB ? (A, B) : (B, A);
        var r = Wishart.ProperRatio(num, den);
        var rate = r.Rate;
        Assert.True(r.Shape >= 1.5 - 1e-12, $"shape {r.Shape}");
        Assert.True(rate[0, 0] >= -1e-12 && rate[0, 0] * rate[1, 1] - rate[0, 1] * rate[1, 0] >= -1e-9, $"rate not non-negative definite: {r}");
        var back = (r * den).GetMean();
        var expected = num.GetMean();
        for (int i = 0; i < 2; i++)
            for (int j = 0; j < 2; j++)
                Assert.Equal(expected[i, j], back[i, j], 10);
    }
}

/// <summary>
/// Precisions stay exactly symmetric through inversion: an asymmetry in the last bits, multiplied into marginals over many
/// EP sweeps, once made P·m differ from h by 4e-8 and drove the mixture-of-Gaussians tutorial under EP unstable.
/// </summary>
public class SymmetricInverseTests
{
    [Fact]
    public void FromMeanAndVariance_GivesAnExactlySymmetricPrecision()
    {
        var rng = new Random(3);
        for (int trial = 0; trial < 200; trial++)
        {
            int d = 2 + trial % 4;
            var a = new double[d, d];
            for (int i = 0; i < d; i++)
                for (int j = 0; j < d; j++) a[i, j] = rng.NextDouble() - 0.5;
            var v = new double[d, d];
            for (int i = 0; i < d; i++)
                for (int j = 0; j < d; j++)
                {
                    double s = i == j ? 0.1 : 0;
                    for (int k = 0; k < d; k++) s += a[i, k] * a[j, k];
                    v[i, j] = s;
                }
            var g = VectorGaussian.FromMeanAndVariance(Vector.Zero(d), new PositiveDefiniteMatrix(v));
            var p = g.Precision;
            for (int i = 0; i < d; i++)
                for (int j = i + 1; j < d; j++) Assert.True(p[i, j] == p[j, i], $"trial {trial}: P[{i},{j}] = {p[i, j]:R}, P[{j},{i}] = {p[j, i]:R}");
        }
    }
}
