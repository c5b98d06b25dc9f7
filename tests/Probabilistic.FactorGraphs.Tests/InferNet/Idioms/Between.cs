#if INFERNET
using Microsoft.ML.Probabilistic.Models; using Microsoft.ML.Probabilistic.Distributions; using Microsoft.ML.Probabilistic.Algorithms; using Microsoft.ML.Probabilistic.Math; using Range = Microsoft.ML.Probabilistic.Models.Range;
#else
using Probabilistic.FactorGraphs.Models; using Probabilistic.FactorGraphs.Distributions; using Probabilistic.FactorGraphs.Algorithms; using Probabilistic.FactorGraphs.LinearAlgebra;
// Range = Probabilistic.FactorGraphs.Models.Range comes from the test project's GlobalUsings.cs (a second alias is CS1537)
#endif

namespace Probabilistic.FactorGraphs.Tests.InferNet.Idioms;

/// <summary>
/// Issue 12 §1.3 and §2: Variable.ConstrainBetween and Variable.IsBetween with constant and random bounds, and IsBetween
/// observed inside If and Case.
/// </summary>
public static class Between
{
    /// <summary>ConstrainBetween with constant bounds (a Gaussian truncated to [−0.5, 1]).</summary>
    [Idiom(IdiomAlgorithm.EP, IdiomAlgorithm.VMP)]
    public static void ConstrainBetweenConstant(InferenceEngine engine, IIdiomRecorder record)
    {
        Variable<double> x = Variable.GaussianFromMeanAndVariance(0.3, 2).Named("x");
        Variable.ConstrainBetween(x, -0.5, 1.0);
        record.Add("x", engine.Infer<Gaussian>(x));
    }

    /// <summary>ConstrainBetween with Gaussian-distributed bounds.</summary>
    [Idiom(IdiomAlgorithm.EP, IdiomAlgorithm.VMP)]
    public static void ConstrainBetweenRandomBounds(InferenceEngine engine, IIdiomRecorder record)
    {
        Variable<double> x = Variable.GaussianFromMeanAndVariance(0, 4).Named("x");
        Variable<double> lower = Variable.GaussianFromMeanAndVariance(-1, 0.5).Named("lower");
        Variable<double> upper = Variable.GaussianFromMeanAndVariance(1, 0.5).Named("upper");
        Variable.ConstrainBetween(x, lower, upper);
        record.Add("x", engine.Infer<Gaussian>(x));
        record.Add("lower", engine.Infer<Gaussian>(lower));
        record.Add("upper", engine.Infer<Gaussian>(upper));
    }

    /// <summary>IsBetween with constant bounds, observed true for one variable and false for another; one left free.</summary>
    [Idiom(IdiomAlgorithm.EP, IdiomAlgorithm.VMP)]
    public static void IsBetweenConstant(InferenceEngine engine, IIdiomRecorder record)
    {
        Variable<double> x = Variable.GaussianFromMeanAndVariance(0, 1).Named("x");
        Variable<bool> inside = Variable.IsBetween(x, -1.0, 0.5).Named("inside");
        inside.ObservedValue = true;
        Variable<double> y = Variable.GaussianFromMeanAndVariance(0, 1).Named("y");
        Variable<bool> yInside = Variable.IsBetween(y, -1.0, 0.5).Named("yInside");
        yInside.ObservedValue = false;
        Variable<double> z = Variable.GaussianFromMeanAndVariance(0.2, 1).Named("z");
        Variable<bool> zInside = Variable.IsBetween(z, -1.0, 0.5).Named("zInside");
        record.Add("x", engine.Infer<Gaussian>(x));
        record.Add("y", engine.Infer<Gaussian>(y));
        record.Add("zInside", engine.Infer<Bernoulli>(zInside));
    }

    /// <summary>IsBetween with random bounds, observed true.</summary>
    [Idiom(IdiomAlgorithm.EP, IdiomAlgorithm.VMP)]
    public static void IsBetweenRandomBounds(InferenceEngine engine, IIdiomRecorder record)
    {
        Variable<double> x = Variable.GaussianFromMeanAndVariance(1, 1).Named("x");
        Variable<double> lower = Variable.GaussianFromMeanAndVariance(0, 0.25).Named("lower");
        Variable<double> upper = Variable.GaussianFromMeanAndVariance(2, 0.25).Named("upper");
        Variable<bool> inside = Variable.IsBetween(x, lower, upper).Named("inside");
        inside.ObservedValue = true;
        record.Add("x", engine.Infer<Gaussian>(x));
        record.Add("lower", engine.Infer<Gaussian>(lower));
        record.Add("upper", engine.Infer<Gaussian>(upper));
    }

    /// <summary>IsBetween observed true inside If: an interval constraint that holds in one branch only.</summary>
    [Idiom(IdiomAlgorithm.EP, IdiomAlgorithm.VMP)]
    public static void IsBetweenInsideIf(InferenceEngine engine, IIdiomRecorder record)
    {
        Variable<double> x = Variable.GaussianFromMeanAndVariance(0, 1).Named("x");
        Variable<bool> s = Variable.Bernoulli(0.5).Named("s");
        using (Variable.If(s))
        {
            Variable<bool> inside = Variable.IsBetween(x, 0.0, 1.0).Named("inside");
            inside.ObservedValue = true;
        }
        // exact: P(s) = 0.3413 / 1.3413 = 0.2545
        record.Add("s", engine.Infer<Bernoulli>(s));
        record.Add("x", engine.Infer<Gaussian>(x));
    }

    /// <summary>A different interval per Case: which bin does a noisy reading fall in?</summary>
    [Idiom(IdiomAlgorithm.EP, IdiomAlgorithm.VMP)]
    public static void IsBetweenInsideCase(InferenceEngine engine, IIdiomRecorder record)
    {
        Variable<int> bin = Variable.DiscreteUniform(3).Named("bin");
        Variable<double> x = Variable.GaussianFromMeanAndVariance(0, 4).Named("x");
        double[] edges = [-10, -1, 1, 10];
        for (int k = 0; k < 3; k++)
            using (Variable.Case(bin, k))
            {
                Variable<bool> inside = Variable.IsBetween(x, edges[k], edges[k + 1]);
                inside.ObservedValue = true;
            }
        Variable<double> reading = Variable.GaussianFromMeanAndVariance(x, 1).Named("reading");
        reading.ObservedValue = 0.8;
        record.Add("bin", engine.Infer<Discrete>(bin));
        record.Add("x", engine.Infer<Gaussian>(x));
    }
}
