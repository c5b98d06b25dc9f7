#if INFERNET
using Microsoft.ML.Probabilistic.Models; using Microsoft.ML.Probabilistic.Distributions; using Microsoft.ML.Probabilistic.Algorithms; using Microsoft.ML.Probabilistic.Math; using Range = Microsoft.ML.Probabilistic.Models.Range;
#else
using Probabilistic.FactorGraphs.Models; using Probabilistic.FactorGraphs.Distributions; using Probabilistic.FactorGraphs.Algorithms; using Probabilistic.FactorGraphs.LinearAlgebra; using Range = Probabilistic.FactorGraphs.Models.Range;
#endif
// Only the using lines above differ between Infer.NET and this library; tools/InferNetOracle compiles this file against
// Infer.NET (INFERNET defined) to make the fixture Samples.<Name>.<EP|VMP> the tests compare with.

namespace Probabilistic.FactorGraphs.Samples;

/// <summary>
/// Poisson regression: counts y[n] ~ Poisson(exp(w·x[n] + b)) with priors w, b ~ N(0, 1), six observed (x, count) pairs
/// written below. EP moment-matches the tilted density of each exp link; VMP uses the exact E[log f] of the link.
/// The exact posterior is two-dimensional; on a grid its means are E[w] = 1.0941, E[b] = 0.4595 and its variances 0.0949,
/// 0.1239. EP gives means 1.0688, 0.4798 and narrower variances, 0.0636 and 0.0813, because it keeps w and b independent
/// (<c>SampleTests</c>).
/// </summary>
public static class PoissonRegression
{
    /// <summary>The inputs and their counts.</summary>
    public static (double[] Inputs, int[] Counts) Data() => ([-1.0, -0.5, 0.0, 0.5, 1.0, 1.5], [1, 0, 2, 3, 5, 9]);

    /// <summary>Builds the model, infers and reports <c>w</c> and <c>bias</c>.</summary>
    public static void Run(InferenceEngine engine, Action<string, object> report)
    {
        var (inputs, counts) = Data();
        Range n = new Range(inputs.Length).Named("n");
        VariableArray<double> x = Variable.Observed(inputs, n).Named("x");
        Variable<double> w = Variable.GaussianFromMeanAndVariance(0, 1).Named("w");
        Variable<double> bias = Variable.GaussianFromMeanAndVariance(0, 1).Named("bias");
        VariableArray<int> y = Variable.Array<int>(n).Named("y");
        y[n] = Variable.Poisson(Variable.Exp(w * x[n] + bias));
        y.ObservedValue = counts;
        report("w", engine.Infer<Gaussian>(w));
        report("bias", engine.Infer<Gaussian>(bias));
    }
}
