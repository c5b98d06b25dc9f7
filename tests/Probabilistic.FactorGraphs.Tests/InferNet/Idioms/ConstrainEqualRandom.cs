#if INFERNET
using Microsoft.ML.Probabilistic.Models; using Microsoft.ML.Probabilistic.Distributions; using Microsoft.ML.Probabilistic.Algorithms; using Microsoft.ML.Probabilistic.Math; using Range = Microsoft.ML.Probabilistic.Models.Range;
#else
using Probabilistic.FactorGraphs.Models; using Probabilistic.FactorGraphs.Distributions; using Probabilistic.FactorGraphs.Algorithms; using Probabilistic.FactorGraphs.LinearAlgebra;
// Range = Probabilistic.FactorGraphs.Models.Range comes from the test project's GlobalUsings.cs (a second alias is CS1537)
#endif

namespace Probabilistic.FactorGraphs.Tests.InferNet.Idioms;

/// <summary>Issue 12 §2: Variable.ConstrainEqualRandom with a constant distribution and with a distribution variable.</summary>
public static class ConstrainEqualRandom
{
    /// <summary>Soft evidence on a Gaussian and a bool from constant distributions.</summary>
    [Idiom(IdiomAlgorithm.EP, IdiomAlgorithm.VMP)]
    public static void ConstantDistributions(InferenceEngine engine, IIdiomRecorder record)
    {
        Variable<double> x = Variable.GaussianFromMeanAndVariance(0, 10).Named("x");
        Variable.ConstrainEqualRandom(x, Gaussian.FromMeanAndVariance(2, 1));
        Variable<bool> b = Variable.Bernoulli(0.3).Named("b");
        Variable.ConstrainEqualRandom(b, new Bernoulli(0.8));
        // exact: x ~ N(20/11, 10/11); P(b) = 0.24 / (0.24 + 0.14) = 0.6316
        record.Add("x", engine.Infer<Gaussian>(x));
        record.Add("b", engine.Infer<Bernoulli>(b));
    }

    /// <summary>Soft evidence from an observed Variable&lt;Gaussian&gt;, changed and re-inferred.</summary>
    [Idiom(IdiomAlgorithm.EP, IdiomAlgorithm.VMP)]
    public static void DistributionVariable(InferenceEngine engine, IIdiomRecorder record)
    {
        Variable<double> x = Variable.GaussianFromMeanAndVariance(1, 4).Named("x");
        Variable<double> y = Variable.GaussianFromMeanAndVariance(x, 1).Named("y");
        Variable<Gaussian> soft = Variable.New<Gaussian>().Named("soft");
        Variable.ConstrainEqualRandom(y, soft);
        soft.ObservedValue = Gaussian.FromMeanAndVariance(3, 0.5);
        record.Add("x", engine.Infer<Gaussian>(x));
        soft.ObservedValue = Gaussian.FromMeanAndVariance(-2, 2);
        record.Add("xAgain", engine.Infer<Gaussian>(x));
    }

    /// <summary>Per-element soft evidence from an observed VariableArray&lt;Gaussian&gt; inside ForEach.</summary>
    [Idiom(IdiomAlgorithm.EP, IdiomAlgorithm.VMP)]
    public static void PerElement(InferenceEngine engine, IIdiomRecorder record)
    {
        Range n = new Range(3).Named("n");
        Variable<double> mean = Variable.GaussianFromMeanAndVariance(0, 100).Named("mean");
        VariableArray<Gaussian> soft = Variable.Array<Gaussian>(n).Named("soft");
        using (Variable.ForEach(n))
        {
            Variable<double> x = Variable.GaussianFromMeanAndVariance(mean, 1);
            Variable.ConstrainEqualRandom(x, soft[n]);
        }
        soft.ObservedValue =
            [Gaussian.FromMeanAndVariance(1, 0.5), Gaussian.FromMeanAndVariance(2, 2), Gaussian.FromMeanAndVariance(1.5, 1)];
        record.Add("mean", engine.Infer<Gaussian>(mean));
    }
}
