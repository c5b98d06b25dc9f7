#if INFERNET
using Microsoft.ML.Probabilistic.Models; using Microsoft.ML.Probabilistic.Distributions; using Microsoft.ML.Probabilistic.Algorithms; using Microsoft.ML.Probabilistic.Math; using Range = Microsoft.ML.Probabilistic.Models.Range;
#else
using Probabilistic.FactorGraphs.Models; using Probabilistic.FactorGraphs.Distributions; using Probabilistic.FactorGraphs.Algorithms; using Probabilistic.FactorGraphs.LinearAlgebra; using Range = Probabilistic.FactorGraphs.Models.Range;
#endif
// Only the using lines above differ between Infer.NET and this library; tools/InferNetOracle compiles this file against
// Infer.NET (INFERNET defined) to make the fixture Samples.<Name>.<EP|VMP> the tests compare with.

namespace Probabilistic.FactorGraphs.Samples;

/// <summary>
/// Crowdsourcing by Bayesian classifier combination (Dawid &amp; Skene 1979; Kim &amp; Ghahramani 2012), small: six items, each
/// of true class 0 or 1, labelled by three workers. Each worker has a confusion matrix whose row for the true class is a
/// Dirichlet-distributed probability vector over the labels they give, with diagonal-heavy priors Dirichlet(4, 1) and
/// Dirichlet(1, 4) (workers are better than chance), passed in as an observed <c>VariableArray&lt;Dirichlet&gt;</c>.
/// Exact posterior: given the six true classes, everything else is conjugate, so the exact marginals of the truths are a
/// sum over the 2^6 labellings of Dirichlet-multinomial evidences: P(class 1) = (0.2684, 0.9450, 0.2684, 0.7316, 0.0551,
/// 0.7316); EP gives (0.2510, 0.9598, 0.2510, 0.7490, 0.0402, 0.7490) (<c>SampleTests</c>).
/// </summary>
public static class Crowdsourcing
{
    /// <summary>The labels: row = item, column = worker.</summary>
    public static int[,] Labels() => new int[,]
    {
        { 0, 0, 1 }, { 1, 1, 1 }, { 0, 1, 0 }, { 1, 1, 0 }, { 0, 0, 0 }, { 1, 0, 1 },
    };

    /// <summary>
    /// Builds the model, infers and reports <c>truth</c> (each item's class), <c>confusion</c> (each worker's rows) and
    /// <c>classProbs</c>.
    /// </summary>
    public static void Run(InferenceEngine engine, Action<string, object> report)
    {
        int[,] labelData = Labels();
        Range k = new Range(2).Named("k");
        Range w = new Range(labelData.GetLength(1)).Named("w");
        Range n = new Range(labelData.GetLength(0)).Named("n");
        Variable<Vector> classProbs = Variable.DirichletUniform(k).Named("classProbs");
        VariableArray<int> truth = Variable.Array<int>(n).Named("truth");
        truth[n] = Variable.Discrete(classProbs).ForEach(n);
        VariableArray<Dirichlet> rowPrior = Variable.Array<Dirichlet>(k).Named("rowPrior");
        var confusion = Variable.Array(Variable.Array<Vector>(k), w).Named("confusion");
        confusion.SetValueRange(k);
        confusion[w][k] = Variable<Vector>.Random(rowPrior[k]).ForEach(w);
        VariableArray2D<int> labels = Variable.Array<int>(n, w).Named("labels");
        using (Variable.ForEach(n))
        using (Variable.Switch(truth[n]))
        using (Variable.ForEach(w))
            labels[n, w] = Variable.Discrete(confusion[w][truth[n]]);
        rowPrior.ObservedValue = [new Dirichlet(4.0, 1.0), new Dirichlet(1.0, 4.0)];
        labels.ObservedValue = labelData;
        report("truth", engine.Infer<Discrete[]>(truth));
        report("confusion", engine.Infer<Dirichlet[][]>(confusion));
        report("classProbs", engine.Infer<Dirichlet>(classProbs));
    }
}
