#if INFERNET
using Microsoft.ML.Probabilistic.Models; using Microsoft.ML.Probabilistic.Distributions; using Microsoft.ML.Probabilistic.Algorithms; using Microsoft.ML.Probabilistic.Math; using Range = Microsoft.ML.Probabilistic.Models.Range;
#else
using Probabilistic.FactorGraphs.Models; using Probabilistic.FactorGraphs.Distributions; using Probabilistic.FactorGraphs.Algorithms; using Probabilistic.FactorGraphs.LinearAlgebra;
// Range = Probabilistic.FactorGraphs.Models.Range comes from the test project's GlobalUsings.cs (a second alias is CS1537)
#endif

namespace Probabilistic.FactorGraphs.Tests.InferNet.Idioms;

/// <summary>Issue 12 §2: Variable.AllTrue over a VariableArray&lt;bool&gt;.</summary>
public static class AllTrue
{
    /// <summary>A system that works when all three parts work, observed failed: which part broke?</summary>
    [Idiom(IdiomAlgorithm.EP, IdiomAlgorithm.VMP)]
    public static void SeriesSystem(InferenceEngine engine, IIdiomRecorder record)
    {
        Range part = new Range(3).Named("part");
        VariableArray<double> reliability = Variable.Observed(new[] { 0.9, 0.8, 0.95 }, part).Named("reliability");
        VariableArray<bool> works = Variable.Array<bool>(part).Named("works");
        works[part] = Variable.Bernoulli(reliability[part]);
        Variable<bool> systemWorks = Variable.AllTrue(works).Named("systemWorks");
        record.Add("systemWorksPrior", engine.Infer<Bernoulli>(systemWorks));
        systemWorks.ObservedValue = false;
        // exact: P(all) = 0.684; given failure, P(part 0 works) = (0.9 − 0.684)/0.316 = 0.6835
        record.Add("works", engine.Infer<Bernoulli[]>(works));
    }

    /// <summary>AllTrue of Beta-Bernoulli draws observed true, learning the shared probability.</summary>
    [Idiom(IdiomAlgorithm.EP, IdiomAlgorithm.VMP)]
    public static void AllObservedTrue(InferenceEngine engine, IIdiomRecorder record)
    {
        Variable<double> p = Variable.Beta(2, 2).Named("p");
        Range n = new Range(3).Named("n");
        VariableArray<bool> draws = Variable.Array<bool>(n).Named("draws");
        draws[n] = Variable.Bernoulli(p).ForEach(n);
        Variable<bool> all = Variable.AllTrue(draws).Named("all");
        all.ObservedValue = true;
        record.Add("p", engine.Infer<Beta>(p));
    }
}
