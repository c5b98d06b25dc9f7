using Probabilistic.FactorGraphs.Algorithms;
using Probabilistic.FactorGraphs.Distributions;
using Probabilistic.FactorGraphs.LinearAlgebra;
using Probabilistic.FactorGraphs.Models;
using Range = Probabilistic.FactorGraphs.Models.Range;

namespace Probabilistic.FactorGraphs.Tests;

/// <summary>Bayes point machine (Infer.NET tutorial 4) and Bayesian linear regression, with VectorGaussian weights.</summary>
public class LinearModelTests
{
    // Infer.NET's Bayes point machine tutorial, with only the using lines changed.
    private static void BayesPointMachine(double[] incomes, double[] ages, Variable<Vector> w, VariableArray<bool> y)
    {
        // Create x vector, augmented by 1
        Range j = y.Range.Named("person");
        Vector[] xdata = new Vector[incomes.Length];
        for (int i = 0; i < xdata.Length; i++)
        {
            xdata[i] = Vector.FromArray(incomes[i], ages[i], 1);
        }

        VariableArray<Vector> x = Variable.Observed(xdata, j).Named("x");

        // Bayes Point Machine
        double noise = 0.1;
        y[j] = Variable.GaussianFromMeanAndVariance(Variable.InnerProduct(w, x[j]).Named("innerProduct"), noise) > 0;
    }

    [Fact]
    public void BayesPointMachine_PredictsAsInferNetDocumentation()
    {
        // data
        double[] incomes = { 63, 16, 28, 55, 22, 20 };
        double[] ages = { 38, 23, 40, 27, 18, 40 };
        bool[] willBuy = { true, false, true, true, false, false };

        // Create target y
        VariableArray<bool> y = Variable.Observed(willBuy).Named("y");
        Variable<Vector> w = Variable.Random(new VectorGaussian(Vector.Zero(3), PositiveDefiniteMatrix.Identity(3))).Named("w");
        BayesPointMachine(incomes, ages, w, y);

        InferenceEngine engine = new InferenceEngine();
        Assert.False(engine.Algorithm is Algorithms.GibbsSampling, "the default algorithm is EP, as in Infer.NET");
        VectorGaussian wPosterior = engine.Infer<VectorGaussian>(w);

        double[] incomesTest = { 58, 18, 22 };
        double[] agesTest = { 36, 24, 37 };
        VariableArray<bool> ytest = Variable.Array<bool>(new Range(agesTest.Length)).Named("ytest");
        BayesPointMachine(incomesTest, agesTest, Variable.Random(wPosterior).Named("w"), ytest);
        var output = engine.Infer<Bernoulli[]>(ytest);
        // Infer.NET's BPM tutorial documents: [0] Bernoulli(0.9555) [1] Bernoulli(0.1565) [2] Bernoulli(0.287)
        double[] documented = [0.9555, 0.1565, 0.287];
        for (int i = 0; i < 3; i++)
            Assert.True(Math.Abs(output[i].GetProbTrue() - documented[i]) < 5e-4, $"prediction {i}: {output[i]} vs documented Bernoulli({documented[i]})");
        var printed = ("output=\n" + engine.Infer(ytest)).Split('\n').Select(l => l.TrimEnd('\r')).ToArray();
        Assert.Equal(["output=", "[0] Bernoulli(0.9555)", "[1] Bernoulli(0.1565)", "[2] Bernoulli(0.287)"], printed);
    }

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
