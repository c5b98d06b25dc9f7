#if INFERNET
using Microsoft.ML.Probabilistic.Models; using Microsoft.ML.Probabilistic.Distributions; using Microsoft.ML.Probabilistic.Algorithms; using Microsoft.ML.Probabilistic.Math; using Range = Microsoft.ML.Probabilistic.Models.Range;
#else
using Probabilistic.FactorGraphs.Models; using Probabilistic.FactorGraphs.Distributions; using Probabilistic.FactorGraphs.Algorithms; using Probabilistic.FactorGraphs.LinearAlgebra;
// Range = Probabilistic.FactorGraphs.Models.Range comes from the test project's GlobalUsings.cs (a second alias is CS1537)
#endif

namespace Probabilistic.FactorGraphs.Tests.InferNet.Idioms;

/// <summary>
/// Issue 12 §2 and the acceptance sample "multinomial regression": Variable.Softmax with Discrete outcomes and with
/// Multinomial counts (VMP), the class scores linear in the inputs.
/// Infer.NET's VMP operator for Softmax takes random step sizes (Rand.Double), so a short run depends on its random
/// state; the models run until that no longer shows (fixtures made with --rand-seed 0 and 1 agree to 1e-10).
/// </summary>
public static class Softmax
{
    private static (Vector[] Inputs, int[] Classes) Data()
    {
        var rng = new IdiomRandom(61);
        var inputs = new Vector[15];
        var classes = new int[15];
        for (int i = 0; i < inputs.Length; i++)
        {
            double u = rng.Normal(), v = rng.Normal();
            inputs[i] = Vector.FromArray(u, v);
            double[] g = [0, 1.5 * u, 1.5 * v];
            classes[i] = g[0] >= g[1] && g[0] >= g[2] ? 0 : g[1] >= g[2] ? 1 : 2;
        }
        return (inputs, classes);
    }

    /// <summary>Multinomial (softmax) regression with one Discrete class per input.</summary>
    [Idiom(IdiomAlgorithm.EP, IdiomAlgorithm.VMP, NumberOfIterations = 500)]
    public static void DiscreteOutcomes(InferenceEngine engine, IIdiomRecorder record)
    {
        var (inputs, classes) = Data();
        Range c = new Range(3).Named("c");
        Range n = new Range(inputs.Length).Named("n");
        VariableArray<Vector> weights = Variable.Array<Vector>(c).Named("weights");
        weights[c] = Variable.VectorGaussianFromMeanAndPrecision(Vector.Zero(2), PositiveDefiniteMatrix.Identity(2)).ForEach(c);
        VariableArray<double> biases = Variable.Array<double>(c).Named("biases");
        biases[c] = Variable.GaussianFromMeanAndVariance(0, 1).ForEach(c);
        VariableArray<Vector> x = Variable.Observed(inputs, n).Named("x");
        VariableArray<int> y = Variable.Array<int>(n).Named("y");
        using (Variable.ForEach(n))
        {
            VariableArray<double> g = Variable.Array<double>(c).Named("g");
            g[c] = Variable.InnerProduct(weights[c], x[n]) + biases[c];
            y[n] = Variable.Discrete(Variable.Softmax(g));
        }
        y.ObservedValue = classes;
        record.Add("weights", engine.Infer<VectorGaussian[]>(weights));
        record.Add("biases", engine.Infer<Gaussian[]>(biases));
    }

    /// <summary>Softmax probabilities with Multinomial counts per input (a count of trials per input observed).</summary>
    [Idiom(IdiomAlgorithm.EP, IdiomAlgorithm.VMP, NumberOfIterations = 3000)]
    public static void MultinomialCounts(InferenceEngine engine, IIdiomRecorder record)
    {
        double[] inputs = [-1.0, -0.3, 0.4, 1.2, 2.0];
        int[][] counts = [[6, 3, 1], [4, 4, 2], [3, 4, 3], [1, 4, 5], [0, 3, 7]];
        Range c = new Range(3).Named("c");
        Range n = new Range(inputs.Length).Named("n");
        VariableArray<double> slope = Variable.Array<double>(c).Named("slope");
        slope[c] = Variable.GaussianFromMeanAndVariance(0, 1).ForEach(c);
        VariableArray<double> bias = Variable.Array<double>(c).Named("bias");
        bias[c] = Variable.GaussianFromMeanAndVariance(0, 1).ForEach(c);
        VariableArray<double> x = Variable.Observed(inputs, n).Named("x");
        VariableArray<int> trials = Variable.Observed(counts.Select(r => r.Sum()).ToArray(), n).Named("trials");
        var y = Variable.Array(Variable.Array<int>(c), n).Named("y");
        using (Variable.ForEach(n))
        {
            VariableArray<double> g = Variable.Array<double>(c).Named("g");
            g[c] = slope[c] * x[n] + bias[c];
            y[n] = Variable.Multinomial(trials[n], Variable.Softmax(g));
        }
        y.ObservedValue = counts;
        record.Add("slope", engine.Infer<Gaussian[]>(slope));
        record.Add("bias", engine.Infer<Gaussian[]>(bias));
    }
}
