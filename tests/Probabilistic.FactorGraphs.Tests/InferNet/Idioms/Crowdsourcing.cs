#if INFERNET
using Microsoft.ML.Probabilistic.Models; using Microsoft.ML.Probabilistic.Distributions; using Microsoft.ML.Probabilistic.Algorithms; using Microsoft.ML.Probabilistic.Math; using Range = Microsoft.ML.Probabilistic.Models.Range;
#else
using Probabilistic.FactorGraphs.Models; using Probabilistic.FactorGraphs.Distributions; using Probabilistic.FactorGraphs.Algorithms; using Probabilistic.FactorGraphs.LinearAlgebra;
// Range = Probabilistic.FactorGraphs.Models.Range comes from the test project's GlobalUsings.cs (a second alias is CS1537)
#endif

namespace Probabilistic.FactorGraphs.Tests.InferNet.Idioms;

/// <summary>
/// Acceptance sample: crowdsourcing (Dawid–Skene / BCC), small. Needs SetValueRange on a jagged Vector array,
/// Variable.Array&lt;Dirichlet&gt; priors with Variable&lt;Vector&gt;.Random, DirichletUniform(Range) and
/// VariableArray2D&lt;int&gt; labels.
/// </summary>
public static class Crowdsourcing
{
    /// <summary>
    /// Crowdsourcing (Dawid–Skene, Bayesian classifier combination): six items, three workers, two classes; each worker has a
    /// confusion matrix (Dirichlet rows, diagonal-heavy priors given as an observed Variable.Array&lt;Dirichlet&gt;).
    /// </summary>
    [Idiom(IdiomAlgorithm.EP, IdiomAlgorithm.VMP)]
    public static void DawidSkene(InferenceEngine engine, IIdiomRecorder record)
    {
        int[,] labelData =
        {
            { 0, 0, 1 }, { 1, 1, 1 }, { 0, 1, 0 }, { 1, 1, 0 }, { 0, 0, 0 }, { 1, 0, 1 },
        };
        Range k = new Range(2).Named("k");
        Range w = new Range(3).Named("w");
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
        record.Add("truth", engine.Infer<Discrete[]>(truth));
        record.Add("confusion", engine.Infer<Dirichlet[][]>(confusion));
        record.Add("classProbs", engine.Infer<Dirichlet>(classProbs));
    }
}
