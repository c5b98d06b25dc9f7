#if INFERNET
using Microsoft.ML.Probabilistic.Models; using Microsoft.ML.Probabilistic.Distributions; using Microsoft.ML.Probabilistic.Algorithms; using Microsoft.ML.Probabilistic.Math; using Range = Microsoft.ML.Probabilistic.Models.Range;
#else
using Probabilistic.FactorGraphs.Models; using Probabilistic.FactorGraphs.Distributions; using Probabilistic.FactorGraphs.Algorithms; using Probabilistic.FactorGraphs.LinearAlgebra;
// Range = Probabilistic.FactorGraphs.Models.Range comes from the test project's GlobalUsings.cs (a second alias is CS1537)
#endif

namespace Probabilistic.FactorGraphs.Tests.InferNet.Idioms;

/// <summary>Issue 12 §2: Variable.Repeat — the factors in its block raised to a power (tempered or weighted data).</summary>
public static class Repeat
{
    /// <summary>Learning a Gaussian mean where the data's likelihood counts 2.5 times.</summary>
    [Idiom(IdiomAlgorithm.EP, IdiomAlgorithm.VMP)]
    public static void WeightedLikelihood(InferenceEngine engine, IIdiomRecorder record)
    {
        Variable<double> mean = Variable.GaussianFromMeanAndVariance(0, 10).Named("mean");
        VariableArray<double> x = Variable.Observed(new[] { 1.0, 2.0, 1.5 }).Named("x");
        Range n = x.Range.Named("n");
        using (Variable.Repeat(2.5))
        {
            x[n] = Variable.GaussianFromMeanAndVariance(mean, 1).ForEach(n);
        }
        // exact: precision 0.1 + 2.5·3 = 7.6, mean 2.5·4.5 / 7.6 = 1.4803
        record.Add("mean", engine.Infer<Gaussian>(mean));
    }

    /// <summary>A Beta-Bernoulli likelihood repeated by an observed count (a variable power), inside ForEach.</summary>
    [Idiom(IdiomAlgorithm.EP, IdiomAlgorithm.VMP)]
    public static void ObservedPowerPerElement(InferenceEngine engine, IIdiomRecorder record)
    {
        Variable<double> p = Variable.Beta(1, 1).Named("p");
        VariableArray<bool> outcome = Variable.Observed(new[] { true, false, true }).Named("outcome");
        Range n = outcome.Range.Named("n");
        VariableArray<double> weight = Variable.Observed(new[] { 3.0, 1.0, 0.5 }, n).Named("weight");
        using (Variable.ForEach(n))
        using (Variable.Repeat(weight[n]))
        {
            outcome[n] = Variable.Bernoulli(p);
        }
        // exact: Beta(1 + 3.5, 1 + 1)
        record.Add("p", engine.Infer<Beta>(p));
    }
}
