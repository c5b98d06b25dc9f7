#if INFERNET
using Microsoft.ML.Probabilistic.Models; using Microsoft.ML.Probabilistic.Distributions; using Microsoft.ML.Probabilistic.Algorithms; using Microsoft.ML.Probabilistic.Math; using Range = Microsoft.ML.Probabilistic.Models.Range;
#else
using Probabilistic.FactorGraphs.Models; using Probabilistic.FactorGraphs.Distributions; using Probabilistic.FactorGraphs.Algorithms; using Probabilistic.FactorGraphs.LinearAlgebra;
// Range = Probabilistic.FactorGraphs.Models.Range comes from the test project's GlobalUsings.cs (a second alias is CS1537)
#endif

namespace Probabilistic.FactorGraphs.Tests.InferNet.Idioms;

/// <summary>Issue 12 §2: Variable.Copy of a scalar and of an array (a variable with a second identity).</summary>
public static class Copy
{
    /// <summary>A copy of a Gaussian given its own observation; both the original and the copy inferred.</summary>
    [Idiom(IdiomAlgorithm.EP, IdiomAlgorithm.VMP)]
    public static void Scalar(InferenceEngine engine, IIdiomRecorder record)
    {
        Variable<double> x = Variable.GaussianFromMeanAndVariance(0, 4).Named("x");
        Variable<double> copy = Variable.Copy(x).Named("copy");
        Variable<double> y = Variable.GaussianFromMeanAndVariance(copy, 1).Named("y");
        y.ObservedValue = 2.0;
        Variable<double> z = Variable.GaussianFromMeanAndVariance(x, 2).Named("z");
        z.ObservedValue = 1.0;
        record.Add("x", engine.Infer<Gaussian>(x));
        record.Add("copy", engine.Infer<Gaussian>(copy));
    }

    /// <summary>A copy of a Beta-Bernoulli array used as observations' parents.</summary>
    [Idiom(IdiomAlgorithm.EP, IdiomAlgorithm.VMP)]
    public static void Array(InferenceEngine engine, IIdiomRecorder record)
    {
        Range n = new Range(3).Named("n");
        VariableArray<double> p = Variable.Array<double>(n).Named("p");
        p[n] = Variable.Beta(1, 1).ForEach(n);
        VariableArray<double> copy = Variable.Copy(p).Named("copy");
        VariableArray<bool> flips = Variable.Array<bool>(n).Named("flips");
        flips[n] = Variable.Bernoulli(copy[n]);
        flips.ObservedValue = [true, false, true];
        record.Add("p", engine.Infer<Beta[]>(p));
    }
}
