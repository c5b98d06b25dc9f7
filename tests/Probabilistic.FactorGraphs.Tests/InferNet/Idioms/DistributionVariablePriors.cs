#if INFERNET
using Microsoft.ML.Probabilistic.Models; using Microsoft.ML.Probabilistic.Distributions; using Microsoft.ML.Probabilistic.Algorithms; using Microsoft.ML.Probabilistic.Math; using Range = Microsoft.ML.Probabilistic.Models.Range;
#else
using Probabilistic.FactorGraphs.Models; using Probabilistic.FactorGraphs.Distributions; using Probabilistic.FactorGraphs.Algorithms; using Probabilistic.FactorGraphs.LinearAlgebra;
// Range = Probabilistic.FactorGraphs.Models.Range comes from the test project's GlobalUsings.cs (a second alias is CS1537)
#endif
using Probabilistic.FactorGraphs.Samples; // SampleRandom, the seeded generator of our own

namespace Probabilistic.FactorGraphs.Tests.InferNet.Idioms;

/// <summary>
/// Issue 12 §2: priors given as observed distribution variables — <c>Variable&lt;T&gt;.Random(Variable&lt;TDist&gt;)</c>,
/// <c>Variable.New&lt;TDist&gt;()</c>, <c>Variable.Observed(dist)</c> and per-element prior arrays
/// <c>Variable.Array&lt;Gaussian&gt;(n)</c>. Missing from our API: Random(Variable&lt;TDist&gt;) and distribution-valued variables.
/// </summary>
public static class DistributionVariablePriors
{
    /// <summary>A Gaussian mean whose prior is an observed Variable&lt;Gaussian&gt; made with Variable.New.</summary>
    [Idiom(IdiomAlgorithm.EP, IdiomAlgorithm.VMP)]
    public static void GaussianPriorVariable(InferenceEngine engine, IIdiomRecorder record)
    {
        Variable<Gaussian> meanPrior = Variable.New<Gaussian>().Named("meanPrior");
        Variable<double> mean = Variable<double>.Random(meanPrior).Named("mean");
        VariableArray<double> x = Variable.Observed(new[] { 1.9, 2.4, 2.2 }).Named("x");
        Range n = x.Range.Named("n");
        x[n] = Variable.GaussianFromMeanAndVariance(mean, 1).ForEach(n);
        meanPrior.ObservedValue = Gaussian.FromMeanAndVariance(1, 4);
        record.Add("mean", engine.Infer<Gaussian>(mean));
        // the same compiled model with a new prior value
        meanPrior.ObservedValue = Gaussian.FromMeanAndVariance(-3, 0.5);
        record.Add("meanAgain", engine.Infer<Gaussian>(mean));
    }

    /// <summary>Mean and precision priors given as Variable.Observed distributions (Gaussian and Gamma).</summary>
    [Idiom(IdiomAlgorithm.EP, IdiomAlgorithm.VMP)]
    public static void GaussianAndGammaPriorVariables(InferenceEngine engine, IIdiomRecorder record)
    {
        Variable<Gaussian> meanPrior = Variable.Observed(Gaussian.FromMeanAndVariance(0, 10)).Named("meanPrior");
        Variable<Gamma> precisionPrior = Variable.Observed(Gamma.FromShapeAndRate(2, 1)).Named("precisionPrior");
        Variable<double> mean = Variable<double>.Random(meanPrior).Named("mean");
        Variable<double> precision = Variable<double>.Random(precisionPrior).Named("precision");
        VariableArray<double> x = Variable.Observed(new SampleRandom(31).Normals(20, 3, 0.8)).Named("x");
        Range n = x.Range.Named("n");
        x[n] = Variable.GaussianFromMeanAndPrecision(mean, precision).ForEach(n);
        record.Add("mean", engine.Infer<Gaussian>(mean));
        record.Add("precision", engine.Infer<Gamma>(precision));
    }

    /// <summary>Beta and Dirichlet priors as observed distribution variables.</summary>
    [Idiom(IdiomAlgorithm.EP, IdiomAlgorithm.VMP)]
    public static void BetaAndDirichletPriorVariables(InferenceEngine engine, IIdiomRecorder record)
    {
        Variable<Beta> betaPrior = Variable.New<Beta>().Named("betaPrior");
        Variable<double> p = Variable<double>.Random(betaPrior).Named("p");
        VariableArray<bool> coins = Variable.Observed(new[] { true, true, false, true }).Named("coins");
        Range i = coins.Range.Named("i");
        coins[i] = Variable.Bernoulli(p).ForEach(i);
        betaPrior.ObservedValue = new Beta(2, 3);

        Variable<Dirichlet> dirichletPrior = Variable.New<Dirichlet>().Named("dirichletPrior");
        Variable<Vector> probs = Variable<Vector>.Random(dirichletPrior).Named("probs");
        VariableArray<int> rolls = Variable.Observed(new[] { 0, 2, 2, 1, 2 }).Named("rolls");
        Range j = rolls.Range.Named("j");
        rolls[j] = Variable.Discrete(probs).ForEach(j);
        dirichletPrior.ObservedValue = new Dirichlet(1.0, 2.0, 1.5);
        record.Add("p", engine.Infer<Beta>(p));
        record.Add("probs", engine.Infer<Dirichlet>(probs));
    }

    /// <summary>Per-element priors: a VariableArray&lt;Gaussian&gt; observed, x[n] = Variable&lt;double&gt;.Random(priors[n]).</summary>
    [Idiom(IdiomAlgorithm.EP, IdiomAlgorithm.VMP)]
    public static void PriorArray(InferenceEngine engine, IIdiomRecorder record)
    {
        Range n = new Range(4).Named("n");
        VariableArray<Gaussian> priors = Variable.Array<Gaussian>(n).Named("priors");
        VariableArray<double> x = Variable.Array<double>(n).Named("x");
        x[n] = Variable<double>.Random(priors[n]);
        VariableArray<double> y = Variable.Array<double>(n).Named("y");
        y[n] = Variable.GaussianFromMeanAndVariance(x[n], 1);
        priors.ObservedValue =
        [
            Gaussian.FromMeanAndVariance(0, 1), Gaussian.FromMeanAndVariance(2, 4),
            Gaussian.FromMeanAndVariance(-1, 0.25), Gaussian.FromMeanAndVariance(5, 9),
        ];
        y.ObservedValue = [0.5, 1.0, -2.0, 3.0];
        record.Add("x", engine.Infer<Gaussian[]>(x));
    }
}
