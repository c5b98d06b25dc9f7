#if INFERNET
using Microsoft.ML.Probabilistic.Models; using Microsoft.ML.Probabilistic.Distributions; using Microsoft.ML.Probabilistic.Algorithms; using Microsoft.ML.Probabilistic.Math; using Range = Microsoft.ML.Probabilistic.Models.Range;
#else
using Probabilistic.FactorGraphs.Models; using Probabilistic.FactorGraphs.Distributions; using Probabilistic.FactorGraphs.Algorithms; using Probabilistic.FactorGraphs.LinearAlgebra;
// Range = Probabilistic.FactorGraphs.Models.Range comes from the test project's GlobalUsings.cs (a second alias is CS1537)
#endif

namespace Probabilistic.FactorGraphs.Tests.InferNet.Idioms;

/// <summary>
/// Issue 12 §2: Variable.Logistic (EP), logistic regression and the logistic of a Gaussian.
/// Infer.NET's VMP operator for Logistic takes random step sizes (Rand.Double), so a short run depends on its random
/// state; the models run until that no longer shows (fixtures made with --rand-seed 0 and 1 agree to 1e-10).
/// </summary>
public static class Logistic
{
    private static readonly double[] Inputs = [-2.0, -1.0, -0.5, 0.0, 0.5, 1.0, 1.5, 2.5];
    private static readonly bool[] Labels = [false, false, true, false, true, true, false, true];

    /// <summary>Logistic regression with one input and a bias: y[n] ~ Bernoulli(Logistic(w·x[n] + b)).</summary>
    [Idiom(IdiomAlgorithm.EP, IdiomAlgorithm.VMP, NumberOfIterations = 500)]
    public static void LogisticRegression(InferenceEngine engine, IIdiomRecorder record)
    {
        Range n = new Range(Inputs.Length).Named("n");
        VariableArray<double> x = Variable.Observed(Inputs, n).Named("x");
        Variable<double> w = Variable.GaussianFromMeanAndVariance(0, 4).Named("w");
        Variable<double> bias = Variable.GaussianFromMeanAndVariance(0, 4).Named("bias");
        VariableArray<bool> y = Variable.Array<bool>(n).Named("y");
        y[n] = Variable.Bernoulli(Variable.Logistic(w * x[n] + bias));
        y.ObservedValue = Labels;
        record.Add("w", engine.Infer<Gaussian>(w));
        record.Add("bias", engine.Infer<Gaussian>(bias));
    }

    /// <summary>The logistic of a Gaussian as a probability (its marginal is a Beta), with one observed outcome.</summary>
    [Idiom(IdiomAlgorithm.EP, IdiomAlgorithm.VMP, NumberOfIterations = 500)]
    public static void LogisticOfGaussian(InferenceEngine engine, IIdiomRecorder record)
    {
        Variable<double> score = Variable.GaussianFromMeanAndVariance(0.5, 2).Named("score");
        Variable<double> p = Variable.Logistic(score).Named("p");
        Variable<bool> outcome = Variable.Bernoulli(p).Named("outcome");
        record.Add("outcomePrior", engine.Infer<Bernoulli>(outcome));
        outcome.ObservedValue = true;
        record.Add("score", engine.Infer<Gaussian>(score));
        record.Add("p", engine.Infer<Beta>(p));
    }
}
