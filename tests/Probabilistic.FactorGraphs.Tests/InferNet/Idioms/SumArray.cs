#if INFERNET
using Microsoft.ML.Probabilistic.Models; using Microsoft.ML.Probabilistic.Distributions; using Microsoft.ML.Probabilistic.Algorithms; using Microsoft.ML.Probabilistic.Math; using Range = Microsoft.ML.Probabilistic.Models.Range;
#else
using Probabilistic.FactorGraphs.Models; using Probabilistic.FactorGraphs.Distributions; using Probabilistic.FactorGraphs.Algorithms; using Probabilistic.FactorGraphs.LinearAlgebra;
// Range = Probabilistic.FactorGraphs.Models.Range comes from the test project's GlobalUsings.cs (a second alias is CS1537)
#endif

namespace Probabilistic.FactorGraphs.Tests.InferNet.Idioms;

/// <summary>Issue 12 §2: Variable.Sum over a VariableArray&lt;double&gt;.</summary>
public static class SumArray
{
    /// <summary>Four Gaussians whose sum is observed exactly (exact: a Gaussian conditioning).</summary>
    [Idiom(IdiomAlgorithm.EP, IdiomAlgorithm.VMP)]
    public static void ObservedTotal(InferenceEngine engine, IIdiomRecorder record)
    {
        Range n = new Range(4).Named("n");
        VariableArray<double> means = Variable.Observed(new[] { 1.0, 2.0, 0.0, -1.0 }, n).Named("means");
        VariableArray<double> x = Variable.Array<double>(n).Named("x");
        x[n] = Variable.GaussianFromMeanAndVariance(means[n], 1);
        Variable<double> total = Variable.Sum(x).Named("total");
        record.Add("totalPrior", engine.Infer<Gaussian>(total));
        total.ObservedValue = 6.0;
        // exact: x[i] | total ~ N(m_i + (6 − 2)/4, 3/4)
        record.Add("x", engine.Infer<Gaussian[]>(x));
    }

    /// <summary>A sum observed with noise, the summands sharing a random mean.</summary>
    [Idiom(IdiomAlgorithm.EP, IdiomAlgorithm.VMP)]
    public static void NoisyTotalSharedMean(InferenceEngine engine, IIdiomRecorder record)
    {
        Variable<double> mean = Variable.GaussianFromMeanAndVariance(0, 10).Named("mean");
        Range n = new Range(3).Named("n");
        VariableArray<double> x = Variable.Array<double>(n).Named("x");
        x[n] = Variable.GaussianFromMeanAndVariance(mean, 1).ForEach(n);
        Variable<double> reading = Variable.GaussianFromMeanAndVariance(Variable.Sum(x), 0.5).Named("reading");
        reading.ObservedValue = 7.5;
        record.Add("mean", engine.Infer<Gaussian>(mean));
        record.Add("x", engine.Infer<Gaussian[]>(x));
    }
}
