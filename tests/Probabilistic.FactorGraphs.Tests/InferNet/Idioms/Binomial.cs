#if INFERNET
using Microsoft.ML.Probabilistic.Models; using Microsoft.ML.Probabilistic.Distributions; using Microsoft.ML.Probabilistic.Algorithms; using Microsoft.ML.Probabilistic.Math; using Range = Microsoft.ML.Probabilistic.Models.Range;
#else
using Probabilistic.FactorGraphs.Models; using Probabilistic.FactorGraphs.Distributions; using Probabilistic.FactorGraphs.Algorithms; using Probabilistic.FactorGraphs.LinearAlgebra;
// Range = Probabilistic.FactorGraphs.Models.Range comes from the test project's GlobalUsings.cs (a second alias is CS1537)
#endif

namespace Probabilistic.FactorGraphs.Tests.InferNet.Idioms;

/// <summary>Issue 12 §2: Variable.Binomial with a Beta-distributed probability.</summary>
public static class Binomial
{
    /// <summary>Observed successes out of 10 trials in three batches; the shared Beta probability (exact: conjugate).</summary>
    [Idiom(IdiomAlgorithm.EP, IdiomAlgorithm.VMP)]
    public static void ObservedCounts(InferenceEngine engine, IIdiomRecorder record)
    {
        Variable<double> p = Variable.Beta(1, 1).Named("p");
        VariableArray<int> successes = Variable.Observed(new[] { 7, 5, 8 }).Named("successes");
        Range n = successes.Range.Named("n");
        successes[n] = Variable.Binomial(10, p).ForEach(n);
        // exact: Beta(1 + 20, 1 + 10)
        record.Add("p", engine.Infer<Beta>(p));
    }

    /// <summary>The predictive count of a new batch of 6 trials given one observed batch.</summary>
    [Idiom(IdiomAlgorithm.EP, IdiomAlgorithm.VMP)]
    public static void PredictiveCount(InferenceEngine engine, IIdiomRecorder record)
    {
        Variable<double> p = Variable.Beta(3, 2).Named("p");
        Variable<int> seen = Variable.Binomial(8, p).Named("seen");
        seen.ObservedValue = 6;
        Variable<int> count = Variable.Binomial(6, p).Named("count");
        // exact: p ~ Beta(9, 4); count is beta-binomial(6, 9, 4). Infer.NET (466c26ef) refuses an unobserved Binomial
        // sample: EP throws "Random sample is not yet implemented", VMP has no message to the sample.
        record.Add("p", engine.Infer<Beta>(p));
        record.Add("count", engine.Infer<Discrete>(count));
    }

    /// <summary>A Binomial whose trial count is itself random (Discrete over 0 … 3); one count observed.</summary>
    [Idiom(IdiomAlgorithm.EP, IdiomAlgorithm.VMP)]
    public static void RandomTrialCount(InferenceEngine engine, IIdiomRecorder record)
    {
        Variable<double> p = Variable.Beta(3, 2).Named("p");
        Variable<int> trials = Variable.Discrete(0, 0, 0.5, 0.5).Named("trials");
        Variable<int> count = Variable.Binomial(trials, p).Named("count");
        count.ObservedValue = 2;
        record.Add("trials", engine.Infer<Discrete>(trials));
        record.Add("p", engine.Infer<Beta>(p));
    }
}
