#if INFERNET
using Microsoft.ML.Probabilistic.Models; using Microsoft.ML.Probabilistic.Distributions; using Microsoft.ML.Probabilistic.Algorithms; using Microsoft.ML.Probabilistic.Math; using Range = Microsoft.ML.Probabilistic.Models.Range;
#else
using Probabilistic.FactorGraphs.Models; using Probabilistic.FactorGraphs.Distributions; using Probabilistic.FactorGraphs.Algorithms; using Probabilistic.FactorGraphs.LinearAlgebra;
// Range = Probabilistic.FactorGraphs.Models.Range comes from the test project's GlobalUsings.cs (a second alias is CS1537)
#endif

namespace Probabilistic.FactorGraphs.Tests.InferNet.Idioms;

/// <summary>Issue 12 §1.3 and §2: Variable.ConstrainEqual between variables and with constants, also inside gates.</summary>
public static class ConstrainEqual
{
    /// <summary>Two Gaussians constrained equal (exact: the product of their priors).</summary>
    [Idiom(IdiomAlgorithm.EP, IdiomAlgorithm.VMP)]
    public static void TwoGaussians(InferenceEngine engine, IIdiomRecorder record)
    {
        Variable<double> a = Variable.GaussianFromMeanAndVariance(1, 2).Named("a");
        Variable<double> b = Variable.GaussianFromMeanAndVariance(4, 1).Named("b");
        Variable.ConstrainEqual(a, b);
        // exact: N(3, 2/3)
        record.Add("a", engine.Infer<Gaussian>(a));
        record.Add("b", engine.Infer<Gaussian>(b));
    }

    /// <summary>Bools and ints constrained equal to each other and an int to a constant.</summary>
    [Idiom(IdiomAlgorithm.EP, IdiomAlgorithm.VMP)]
    public static void BoolsAndInts(InferenceEngine engine, IIdiomRecorder record)
    {
        Variable<bool> a = Variable.Bernoulli(0.3).Named("a");
        Variable<bool> b = Variable.Bernoulli(0.6).Named("b");
        Variable.ConstrainEqual(a, b);
        Variable<int> c = Variable.Discrete(0.2, 0.3, 0.5).Named("c");
        Variable<int> d = Variable.Discrete(0.5, 0.4, 0.1).Named("d");
        Variable.ConstrainEqual(c, d);
        Variable<int> e = Variable.Discrete(0.2, 0.3, 0.5).Named("e");
        Variable.ConstrainEqual(e, 1);
        // exact: P(a) = 0.18/(0.18 + 0.28) = 0.3913; c ∝ (0.1, 0.12, 0.05)
        record.Add("a", engine.Infer<Bernoulli>(a));
        record.Add("c", engine.Infer<Discrete>(c));
        record.Add("e", engine.Infer<Discrete>(e));
    }

    /// <summary>ConstrainEqual inside If: two measurements agree only when the selector is true.</summary>
    [Idiom(IdiomAlgorithm.EP, IdiomAlgorithm.VMP)]
    public static void InsideIf(InferenceEngine engine, IIdiomRecorder record)
    {
        Variable<bool> same = Variable.Bernoulli(0.5).Named("same");
        Variable<double> a = Variable.GaussianFromMeanAndVariance(0, 1).Named("a");
        Variable<double> b = Variable.GaussianFromMeanAndVariance(0, 1).Named("b");
        using (Variable.If(same)) Variable.ConstrainEqual(a, b);
        Variable<double> ya = Variable.GaussianFromMeanAndVariance(a, 0.1).Named("ya");
        Variable<double> yb = Variable.GaussianFromMeanAndVariance(b, 0.1).Named("yb");
        ya.ObservedValue = 0.8;
        yb.ObservedValue = 1.1;
        record.Add("same", engine.Infer<Bernoulli>(same));
        record.Add("a", engine.Infer<Gaussian>(a));
    }

    /// <summary>ConstrainEqual to a different constant in each Case of a selector.</summary>
    [Idiom(IdiomAlgorithm.EP, IdiomAlgorithm.VMP)]
    public static void InsideCase(InferenceEngine engine, IIdiomRecorder record)
    {
        Variable<int> c = Variable.Discrete(0.3, 0.3, 0.4).Named("c");
        Variable<double> x = Variable.GaussianFromMeanAndVariance(0, 4).Named("x");
        for (int k = 0; k < 3; k++)
            using (Variable.Case(c, k)) Variable.ConstrainEqual(x, k - 1.0);
        Variable<double> y = Variable.GaussianFromMeanAndVariance(x, 0.5).Named("y");
        y.ObservedValue = 0.7;
        record.Add("c", engine.Infer<Discrete>(c));
        record.Add("x", engine.Infer<Gaussian>(x));
    }
}
