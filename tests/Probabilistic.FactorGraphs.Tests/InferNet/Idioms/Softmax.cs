#if INFERNET
using Microsoft.ML.Probabilistic.Models; using Microsoft.ML.Probabilistic.Distributions; using Microsoft.ML.Probabilistic.Algorithms; using Microsoft.ML.Probabilistic.Math; using Range = Microsoft.ML.Probabilistic.Models.Range;
#else
using Probabilistic.FactorGraphs.Models; using Probabilistic.FactorGraphs.Distributions; using Probabilistic.FactorGraphs.Algorithms; using Probabilistic.FactorGraphs.LinearAlgebra;
// Range = Probabilistic.FactorGraphs.Models.Range comes from the test project's GlobalUsings.cs (a second alias is CS1537)
#endif

namespace Probabilistic.FactorGraphs.Tests.InferNet.Idioms;

/// <summary>
/// Issue 12 §2: Variable.Softmax with Multinomial counts (VMP), the class scores linear in the input. Softmax with Discrete
/// outcomes is the acceptance sample MultinomialRegression (Samples.cs).
/// Infer.NET's VMP operator for Softmax takes random step sizes (Rand.Double), so a short run depends on its random
/// state; the models run until that no longer shows (fixtures made with --rand-seed 0 and 1 agree to 1e-10).
/// </summary>
public static class Softmax
{
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
