using MathNet.Numerics.LinearAlgebra;

namespace Probabilistic.FactorGraphs.Tests.FactorTests;

/// <summary>
/// Variable.MatrixMultiply with one side observed, against the linear-Gaussian posterior and evidence computed here with
/// dense linear algebra, and the refusal of two random matrices.
/// </summary>
public class MatrixMultiplyTests
{
    private static InferenceEngine Make(bool vmp, int iterations = 50)
    {
        var e = vmp ? new InferenceEngine(new VariationalMessagePassing()) : new InferenceEngine();
        e.NumberOfIterations = iterations;
        return e;
    }

    private static readonly double[,] Inputs = { { 1, 0, 2, -1 }, { 0.5, 1, 0, 1 }, { -1, 2, 1, 0 } };
    private static readonly double[,] Outputs = { { 1.5, -0.5, 2.0, 0.3 }, { -1.0, 2.5, 0.4, -0.2 } };

    private static (VariableArray2D<double> W, VariableArray2D<double> Product) Regression(double priorVariance, double noise)
    {
        var i = new Range(2).Named("i");
        var k = new Range(3).Named("k");
        var j = new Range(4).Named("j");
        var w = Variable.Array<double>(i, k).Named("w");
        w[i, k] = Variable.GaussianFromMeanAndVariance(0, priorVariance).ForEach(i, k);
        var x = Variable.Observed(Inputs, k, j).Named("x");
        var product = Variable.MatrixMultiply(w, x).Named("product");
        var y = Variable.Array<double>(i, j).Named("y");
        y[i, j] = Variable.GaussianFromMeanAndVariance(product[i, j], noise);
        y.ObservedValue = Outputs;
        return (w, product);
    }

    /// <summary>
    /// Y = W X + noise with X observed: each row of W has the Gaussian posterior with precision I/σ₀² + X Xᵀ/σ²; EP (a row
    /// projected jointly, as Infer.NET does) gives its exact marginals and the exact evidence, VMP its exact means with
    /// variances 1/P_kk.
    /// </summary>
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void MatrixMultiply_RandomTimesObserved_MatchesTheLinearGaussianPosterior(bool vmp)
    {
        double v0 = 2, noise = 0.1;
        var (w, _) = Regression(v0, noise);
        var engine = Make(vmp, 100);
        var post = engine.Infer<Gaussian[,]>(w);
        var x = Matrix<double>.Build.DenseOfArray(Inputs);
        var p = Matrix<double>.Build.DenseIdentity(3) / v0 + x * x.Transpose() / noise;
        var cov = p.Inverse();
        double evidence = 0;
        for (int r = 0; r < 2; r++)
        {
            var yr = Vector<double>.Build.Dense(4, c => Outputs[r, c]);
            var mean = cov * (x * yr) / noise;
            for (int c = 0; c < 3; c++)
            {
                Assert.Equal(mean[c], post[r, c].GetMean(), 1e-9);
                Assert.Equal(vmp ? 1 / p[c, c] : cov[c, c], post[r, c].GetVariance(), 1e-12);
            }
            // y_r ~ N(0, σ₀² XᵀX + σ² I)
            var s = x.Transpose() * x * v0 + Matrix<double>.Build.DenseIdentity(4) * noise;
            evidence += -2 * Math.Log(2 * Math.PI) - 0.5 * Math.Log(s.Determinant()) - 0.5 * yr * s.Solve(yr);
        }
        if (!vmp) Assert.Equal(evidence, engine.LastTrace!.FinalElbo, 1e-9);
    }

    [Fact]
    public void MatrixMultiply_OfTwoRandomMatrices_IsRefused()
    {
        var i = new Range(2);
        var k = new Range(2);
        var j = new Range(3);
        var a = Variable.Array<double>(i, k).Named("left");
        a[i, k] = Variable.GaussianFromMeanAndVariance(0, 1).ForEach(i, k);
        var b = Variable.Array<double>(k, j).Named("right");
        b[k, j] = Variable.GaussianFromMeanAndVariance(0, 1).ForEach(k, j);
        var c = Variable.MatrixMultiply(a, b).Named("c");
        var e = Assert.Throws<NotSupportedException>(() => Make(vmp: false).Infer<Gaussian[,]>(c));
        Assert.Contains("'left'", e.Message);
        Assert.Contains("'right'", e.Message);
    }
}
