#if INFERNET
using Microsoft.ML.Probabilistic.Models; using Microsoft.ML.Probabilistic.Distributions; using Microsoft.ML.Probabilistic.Algorithms; using Microsoft.ML.Probabilistic.Math; using Range = Microsoft.ML.Probabilistic.Models.Range;
#else
using Probabilistic.FactorGraphs.Models; using Probabilistic.FactorGraphs.Distributions; using Probabilistic.FactorGraphs.Algorithms; using Probabilistic.FactorGraphs.LinearAlgebra;
// Range = Probabilistic.FactorGraphs.Models.Range comes from the test project's GlobalUsings.cs (a second alias is CS1537)
#endif

namespace Probabilistic.FactorGraphs.Tests.InferNet.Idioms;

/// <summary>Issue 12 §2: Variable.MatrixMultiply of VariableArray2D&lt;double&gt; (a random matrix times an observed one).</summary>
public static class MatrixMultiply
{
    /// <summary>A 2×3 random weight matrix times an observed 3×4 input, observed with noise.</summary>
    [Idiom(IdiomAlgorithm.EP, IdiomAlgorithm.VMP)]
    public static void RandomTimesObserved(InferenceEngine engine, IIdiomRecorder record)
    {
        Range i = new Range(2).Named("i");
        Range k = new Range(3).Named("k");
        Range j = new Range(4).Named("j");
        VariableArray2D<double> w = Variable.Array<double>(i, k).Named("w");
        w[i, k] = Variable.GaussianFromMeanAndVariance(0, 1).ForEach(i, k);
        var inputs = new double[,] { { 1, 0, 2, -1 }, { 0.5, 1, 0, 1 }, { -1, 2, 1, 0 } };
        VariableArray2D<double> x = Variable.Observed(inputs, k, j).Named("x");
        VariableArray2D<double> product = Variable.MatrixMultiply(w, x).Named("product");
        VariableArray2D<double> y = Variable.Array<double>(i, j).Named("y");
        y[i, j] = Variable.GaussianFromMeanAndVariance(product[i, j], 0.1);
        y.ObservedValue = new double[,] { { 1.5, -0.5, 2.0, 0.3 }, { -1.0, 2.5, 0.4, -0.2 } };
        record.Add("w", engine.Infer<Gaussian[,]>(w));
    }
}
