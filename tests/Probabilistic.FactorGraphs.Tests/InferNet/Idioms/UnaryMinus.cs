#if INFERNET
using Microsoft.ML.Probabilistic.Models; using Microsoft.ML.Probabilistic.Distributions; using Microsoft.ML.Probabilistic.Algorithms; using Microsoft.ML.Probabilistic.Math; using Range = Microsoft.ML.Probabilistic.Models.Range;
#else
using Probabilistic.FactorGraphs.Models; using Probabilistic.FactorGraphs.Distributions; using Probabilistic.FactorGraphs.Algorithms; using Probabilistic.FactorGraphs.LinearAlgebra;
// Range = Probabilistic.FactorGraphs.Models.Range comes from the test project's GlobalUsings.cs (a second alias is CS1537)
#endif

namespace Probabilistic.FactorGraphs.Tests.InferNet.Idioms;

/// <summary>Issue 12 §2: unary minus on a Variable&lt;double&gt;.</summary>
public static class UnaryMinus
{
    /// <summary>y = −x + noise observed; x's posterior and the prior of −x.</summary>
    [Idiom(IdiomAlgorithm.EP, IdiomAlgorithm.VMP)]
    public static void Negation(InferenceEngine engine, IIdiomRecorder record)
    {
        Variable<double> x = Variable.GaussianFromMeanAndVariance(1, 2).Named("x");
        Variable<double> negated = (-x).Named("negated");
        Variable<double> y = Variable.GaussianFromMeanAndVariance(negated, 1).Named("y");
        y.ObservedValue = 0.5;
        // exact: x | y ~ N((0.5 − 0.5)/1.5, 2/3) = N(0, 2/3)
        record.Add("x", engine.Infer<Gaussian>(x));
        record.Add("negated", engine.Infer<Gaussian>(negated));
    }
}
