#if INFERNET
using Microsoft.ML.Probabilistic.Models; using Microsoft.ML.Probabilistic.Distributions; using Microsoft.ML.Probabilistic.Algorithms; using Microsoft.ML.Probabilistic.Math; using Range = Microsoft.ML.Probabilistic.Models.Range;
#else
using Probabilistic.FactorGraphs.Models; using Probabilistic.FactorGraphs.Distributions; using Probabilistic.FactorGraphs.Algorithms; using Probabilistic.FactorGraphs.LinearAlgebra; using Range = Probabilistic.FactorGraphs.Models.Range;
#endif
// Only the using lines above differ between Infer.NET and this library; tools/InferNetOracle compiles this file against
// Infer.NET (INFERNET defined) to make the fixture Samples.<Name>.<EP|VMP> the tests compare with.

namespace Probabilistic.FactorGraphs.Samples;

/// <summary>
/// Multinomial (softmax) regression: three classes with a weight vector and a bias each (priors N(0, I) and N(0, 1)); the
/// class of an input is drawn from the softmax of the classes' scores. The data are 15 inputs drawn from N(0, I) in two
/// dimensions (seed 61), each labelled by the largest of the scores (0, 1.5·x₀, 1.5·x₁).
/// Runs under VMP with the Knowles–Minka bound on the softmax (Infer.NET's default; neither library runs Softmax under EP),
/// for 500 sweeps: Infer.NET's operator takes random step sizes, and its answer stops depending on them by then.
/// <c>SampleTests</c> checks that the posterior mean weights recover the labelling rule.
/// </summary>
public static class MultinomialRegression
{
    /// <summary>The inputs and their classes (0, 1 or 2).</summary>
    public static (Vector[] Inputs, int[] Classes) Data()
    {
        var rng = new SampleRandom(61);
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

    /// <summary>Builds the model, infers and reports <c>weights</c> (a VectorGaussian per class) and <c>biases</c>.</summary>
    public static void Run(InferenceEngine engine, Action<string, object> report)
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
        report("weights", engine.Infer<VectorGaussian[]>(weights));
        report("biases", engine.Infer<Gaussian[]>(biases));
    }
}
