#if INFERNET
using Microsoft.ML.Probabilistic.Models; using Microsoft.ML.Probabilistic.Distributions; using Microsoft.ML.Probabilistic.Algorithms; using Microsoft.ML.Probabilistic.Math; using Range = Microsoft.ML.Probabilistic.Models.Range;
#else
using Probabilistic.FactorGraphs.Models; using Probabilistic.FactorGraphs.Distributions; using Probabilistic.FactorGraphs.Algorithms; using Probabilistic.FactorGraphs.LinearAlgebra; using Range = Probabilistic.FactorGraphs.Models.Range;
#endif
// Only the using lines above differ between Infer.NET and this library; tools/InferNetOracle compiles this file against
// Infer.NET (INFERNET defined) to make the fixture Samples.<Name>.<EP|VMP> the tests compare with.

namespace Probabilistic.FactorGraphs.Samples;

/// <summary>
/// A click model for search results: a result is clicked when the user examines its position (probability by position,
/// prior Beta(2, 1): users usually look) and the document attracts them (probability by document, prior Beta(1, 1)).
/// The data are 12 impressions of 3 documents at 2 positions, with their clicks, written below.
/// Exact posterior: each of the 7 unclicked impressions was not examined, or examined and not attracted, so the posterior
/// is a mixture of 2^7 products of Betas; its means are
/// attractiveness (0.7674, 0.4673, 0.4673) and examination (0.8210, 0.5369); EP gives (0.7703, 0.4634, 0.4634) and
/// (0.8232, 0.5284) (<c>SampleTests</c>).
/// </summary>
public static class ClickModel
{
    /// <summary>The impressions: which document, at which position, and whether it was clicked.</summary>
    public static (int[] Documents, int[] Positions, bool[] Clicks) Data() =>
    (
        [0, 1, 2, 0, 1, 2, 0, 2, 1, 0, 2, 1],
        [0, 1, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1],
        [true, false, false, true, true, false, true, false, false, false, true, false]
    );

    /// <summary>Builds the model, infers and reports <c>attractiveness</c> (per document) and <c>examination</c> (per position).</summary>
    public static void Run(InferenceEngine engine, Action<string, object> report)
    {
        var (docs, positions, clicks) = Data();
        Range doc = new Range(3).Named("doc");
        Range pos = new Range(2).Named("pos");
        VariableArray<double> attractiveness = Variable.Array<double>(doc).Named("attractiveness");
        attractiveness[doc] = Variable.Beta(1, 1).ForEach(doc);
        VariableArray<double> examination = Variable.Array<double>(pos).Named("examination");
        examination[pos] = Variable.Beta(2, 1).ForEach(pos);
        Range n = new Range(docs.Length).Named("n");
        VariableArray<int> docOf = Variable.Observed(docs, n).Named("docOf");
        VariableArray<int> posOf = Variable.Observed(positions, n).Named("posOf");
        VariableArray<bool> click = Variable.Array<bool>(n).Named("click");
        using (Variable.ForEach(n))
        {
            Variable<bool> examined = Variable.Bernoulli(examination[posOf[n]]).Named("examined");
            Variable<bool> attracted = Variable.Bernoulli(attractiveness[docOf[n]]).Named("attracted");
            click[n] = examined & attracted;
        }
        click.ObservedValue = clicks;
        report("attractiveness", engine.Infer<Beta[]>(attractiveness));
        report("examination", engine.Infer<Beta[]>(examination));
    }
}
