using MathNet.Numerics;
using Probabilistic.FactorGraphs.Factors;

namespace Probabilistic.FactorGraphs.Tests;

/// <summary>Distributions against Math.NET densities, products against completing the square, and moment checks.</summary>
public class DistributionTests
{
    [Fact]
    public void Gaussian_LogProbProductRatio()
    {
        var a = Gaussian.FromMeanAndVariance(1.5, 4);
        Assert.Equal(MathNet.Numerics.Distributions.Normal.PDFLn(1.5, 2, 0.3), a.GetLogProb(0.3), 12);
        var b = Gaussian.FromMeanAndVariance(-1, 2);
        var p = a * b;
        // product of N(1.5,4) and N(−1,2): precision 1/4 + 1/2, mean (1.5/4 − 1/2)/(3/4)
        Assert.Equal(1 / 0.75, p.GetVariance(), 12);
        Assert.Equal((1.5 / 4 - 0.5) / 0.75, p.GetMean(), 12);
        var r = p / b;
        Assert.Equal(a.GetMean(), r.GetMean(), 12);
        Assert.Equal(a.GetVariance(), r.GetVariance(), 12);
        Assert.True(Gaussian.PointMass(2).IsPointMass && Gaussian.Uniform().IsUniform(), "point mass and uniform are values");
        // ∫ N(x;1.5,4) N(x;−1,2) dx = N(1.5; −1, 6)
        Assert.Equal(MathNet.Numerics.Distributions.Normal.PDFLn(-1, Math.Sqrt(6), 1.5), a.GetLogAverageOf(b), 12);
    }

    [Fact]
    public void Gamma_Beta_Dirichlet_LogProbMatchMathNet()
    {
        var g = Gamma.FromShapeAndRate(2.5, 1.5);
        Assert.Equal(MathNet.Numerics.Distributions.Gamma.PDFLn(2.5, 1.5, 0.7), g.GetLogProb(0.7), 12);
        Assert.Equal(SpecialFunctions.DiGamma(2.5) - Math.Log(1.5), g.GetMeanLog(), 12);
        var b = Beta.FromCounts(2, 5);
        Assert.Equal(MathNet.Numerics.Distributions.Beta.PDFLn(2, 5, 0.3), b.GetLogProb(0.3), 12);
        var d = Dirichlet.FromPseudoCounts(1.5, 2, 3);
        double[] x = [0.2, 0.3, 0.5];
        Assert.Equal(new MathNet.Numerics.Distributions.Dirichlet([1.5, 2, 3]).DensityLn(x), d.GetLogProb(x), 10);
        var prod = Gamma.FromShapeAndRate(2, 1) * Gamma.FromShapeAndRate(3, 2);
        Assert.Equal(4, prod.Shape, 12); // 2 + 3 − 1
        Assert.Equal(3, prod.Rate, 12);
    }

    [Fact]
    public void Entropies_MatchMathNet()
    {
        Assert.Equal(-MathNet.Numerics.Distributions.Normal.WithMeanVariance(0, 3).Entropy, Gaussian.FromMeanAndVariance(0, 3).GetAverageLogSelf(), 12);
        Assert.Equal(-new MathNet.Numerics.Distributions.Gamma(2.5, 1.5).Entropy, Gamma.FromShapeAndRate(2.5, 1.5).GetAverageLogSelf(), 10);
        Assert.Equal(-new MathNet.Numerics.Distributions.Beta(2, 5).Entropy, Beta.FromCounts(2, 5).GetAverageLogSelf(), 10);
    }

    [Fact]
    public void Bernoulli_And_Discrete()
    {
        var b = Bernoulli.FromProbTrue(0.2) * Bernoulli.FromProbTrue(0.7);
        Assert.Equal(0.2 * 0.7 / (0.2 * 0.7 + 0.8 * 0.3), b.GetProbTrue(), 12);
        var d = Discrete.FromProbs(1, 2, 7) * Discrete.FromProbs(2, 1, 1);
        // (0.1·0.5, 0.2·0.25, 0.7·0.25) = (0.05, 0.05, 0.175), normalised by 0.275
        Assert.Equal(0.05 / 0.275, d[0], 12);
        Assert.Equal(0.175 / 0.275, d[2], 12);
        Assert.Equal(1.0, d.GetProbs().Sum(), 12);
    }

    [Fact]
    public void IsPositive_MessageMomentsMatchNumericalIntegration()
    {
        // tilted distribution N(x; 0.4, 1.7) · [σ(η) 1(x>0) + (1−σ(η)) 1(x<0)] with soft c, against a quadrature
        var x = Gaussian.FromMeanAndVariance(0.4, 1.7);
        var c = Bernoulli.FromProbTrue(0.8);
        var post = IsPositiveOp.XAverageConditional(c, x) * x;
        double z = 0, m1 = 0, m2 = 0;
        for (int i = -200000; i < 200000; i++) // midpoints: the jump at 0 falls on a cell edge
        {
            double t = (i + 0.5) * 1e-4, w = Math.Exp(x.GetLogProb(t)) * (t > 0 ? 0.8 : 0.2);
            z += w; m1 += w * t; m2 += w * t * t;
        }
        Assert.Equal(m1 / z, post.GetMean(), 6);
        Assert.Equal(m2 / z - (m1 / z) * (m1 / z), post.GetVariance(), 6);
    }

    [Fact]
    public void VectorGaussian_AndWishart_Moments()
    {
        var prec = PositiveDefiniteMatrix.FromArray(new[,] { { 2.0, 0.5 }, { 0.5, 1.0 } });
        var vg = VectorGaussian.FromMeanAndPrecision(Vector.FromArray(1, -2), prec);
        var m = vg.GetMean();
        Assert.Equal(1, m[0], 12);
        Assert.Equal(-2, m[1], 12);
        var cov = vg.GetVariance();
        Assert.Equal(1.0 / 1.75, cov[0, 0], 12); // inverse of [[2,.5],[.5,1]] has det 1.75
        Assert.Equal(-0.5 / 1.75, cov[0, 1], 12);
        var w = Wishart.FromShapeAndScale(5, PositiveDefiniteMatrix.IdentityScaledBy(2, 0.5));
        Assert.Equal(2.5, w.GetMean()[0, 0], 12); // a·S
        Assert.Equal(SpecialFunctions.DiGamma(5) + SpecialFunctions.DiGamma(4.5) + 2 * Math.Log(0.5), w.GetMeanLogDeterminant(), 12);
    }
}
