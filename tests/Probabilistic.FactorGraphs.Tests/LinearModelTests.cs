using Probabilistic.FactorGraphs.Algorithms;
using Probabilistic.FactorGraphs.Distributions;
using Probabilistic.FactorGraphs.LinearAlgebra;
using Probabilistic.FactorGraphs.Models;
using Range = Probabilistic.FactorGraphs.Models.Range;

namespace Probabilistic.FactorGraphs.Tests;

/// <summary>Bayesian linear regression with VectorGaussian weights (the Bayes point machine runs as a sample in TutorialSampleTests).</summary>
public class LinearModelTests
{
    [Fact]
    public void BayesianLinearRegression_EqualsClosedFormPosterior()
    {
        // w ~ N(0, I/α), y_n ~ N(wᵀx_n, σ²): posterior precision αI + XᵀX/σ², mean P⁻¹ Xᵀy/σ².
        double alpha = 0.5, noise = 0.25;
        double[][] xs = [[1, 0.5], [1, -1.2], [1, 2.0], [1, 0.3], [1, -0.7]];
        double[] ys = [1.9, -0.4, 4.1, 1.5, 0.2];
        Range n = new Range(xs.Length);
        VariableArray<Vector> x = Variable.Observed(xs.Select(r => Vector.FromArray(r)).ToArray(), n);
        Variable<Vector> w = Variable.VectorGaussianFromMeanAndPrecision(Vector.Zero(2), PositiveDefiniteMatrix.IdentityScaledBy(2, alpha));
        VariableArray<double> y = Variable.Array<double>(n);
        y[n] = Variable.GaussianFromMeanAndVariance(Variable.InnerProduct(w, x[n]), noise);
        y.ObservedValue = ys;
        var post = new InferenceEngine().Infer<VectorGaussian>(w);

        double p00 = alpha, p01 = 0, p11 = alpha, b0 = 0, b1 = 0;
        for (int i = 0; i < xs.Length; i++)
        {
            p00 += xs[i][0] * xs[i][0] / noise; p01 += xs[i][0] * xs[i][1] / noise; p11 += xs[i][1] * xs[i][1] / noise;
            b0 += xs[i][0] * ys[i] / noise; b1 += xs[i][1] * ys[i] / noise;
        }
        double det = p00 * p11 - p01 * p01;
        double m0 = (p11 * b0 - p01 * b1) / det, m1 = (p00 * b1 - p01 * b0) / det;
        var mean = post.GetMean();
        var cov = post.GetVariance();
        Assert.Equal(m0, mean[0], 9);
        Assert.Equal(m1, mean[1], 9);
        Assert.Equal(p11 / det, cov[0, 0], 9);
        Assert.Equal(-p01 / det, cov[0, 1], 9);
        Assert.Equal(p00 / det, cov[1, 1], 9);
    }
}
