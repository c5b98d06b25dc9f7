#if INFERNET
using Microsoft.ML.Probabilistic.Models; using Microsoft.ML.Probabilistic.Distributions; using Microsoft.ML.Probabilistic.Algorithms; using Microsoft.ML.Probabilistic.Math; using Range = Microsoft.ML.Probabilistic.Models.Range;
#else
using Probabilistic.FactorGraphs.Models; using Probabilistic.FactorGraphs.Distributions; using Probabilistic.FactorGraphs.Algorithms; using Probabilistic.FactorGraphs.LinearAlgebra;
// Range = Probabilistic.FactorGraphs.Models.Range comes from the test project's GlobalUsings.cs (a second alias is CS1537)
#endif

namespace Probabilistic.FactorGraphs.Tests.InferNet.Idioms;

/// <summary>Issue 12 §2: Variable.Max of two doubles.</summary>
public static class Max
{
    /// <summary>The larger of two Gaussians observed with noise.</summary>
    [Idiom(IdiomAlgorithm.EP, IdiomAlgorithm.VMP)]
    public static void NoisyMax(InferenceEngine engine, IIdiomRecorder record)
    {
        Variable<double> a = Variable.GaussianFromMeanAndVariance(0, 1).Named("a");
        Variable<double> b = Variable.GaussianFromMeanAndVariance(1, 2).Named("b");
        Variable<double> m = Variable.Max(a, b).Named("m");
        record.Add("mPrior", engine.Infer<Gaussian>(m));
        Variable<double> y = Variable.GaussianFromMeanAndVariance(m, 0.1).Named("y");
        y.ObservedValue = 2.0;
        record.Add("a", engine.Infer<Gaussian>(a));
        record.Add("b", engine.Infer<Gaussian>(b));
        record.Add("m", engine.Infer<Gaussian>(m));
    }
}
