#if INFERNET
using Microsoft.ML.Probabilistic.Models; using Microsoft.ML.Probabilistic.Distributions; using Microsoft.ML.Probabilistic.Algorithms; using Microsoft.ML.Probabilistic.Math; using Range = Microsoft.ML.Probabilistic.Models.Range;
#else
using Probabilistic.FactorGraphs.Models; using Probabilistic.FactorGraphs.Distributions; using Probabilistic.FactorGraphs.Algorithms; using Probabilistic.FactorGraphs.LinearAlgebra; using Range = Probabilistic.FactorGraphs.Models.Range;
#endif
// Only the using lines above differ between Infer.NET and this library; tools/InferNetOracle compiles this file against
// Infer.NET (INFERNET defined) to make the fixture Samples.<Name>.<EP|VMP> the tests compare with.

namespace Probabilistic.FactorGraphs.Samples;

/// <summary>
/// Latent Dirichlet allocation (Blei, Ng &amp; Jordan 2003), small: three short documents over a vocabulary of six words, two
/// topics; each topic's word probabilities <c>phi</c> have a symmetric Dirichlet(0.5) prior, each document's topic
/// proportions <c>theta</c> a Dirichlet(1, 1). Document 0 uses words 0–2, document 1 words 3–5, document 2 both. Each word's
/// topic starts from a seeded random hard assignment, which breaks the symmetry between the two topics (the exact posterior
/// is symmetric in them, so each algorithm finds one of its two mirrored modes).
/// <c>SampleTests</c> checks that the topics separate words 0–2 from words 3–5 and, under VMP, that every word is counted
/// exactly once across the topics.
/// </summary>
public static class Lda
{
    /// <summary>The documents, as word indices.</summary>
    public static int[][] Documents() => [[0, 1, 0, 2, 1, 0], [3, 4, 5, 3, 5], [0, 1, 4, 5, 3, 2, 1]];

    /// <summary>Builds the model, infers and reports <c>phi</c> (per topic) and <c>theta</c> (per document).</summary>
    public static void Run(InferenceEngine engine, Action<string, object> report)
    {
        int[][] words = Documents();
        Range d = new Range(words.Length).Named("d");
        VariableArray<int> lengths = Variable.Observed(words.Select(x => x.Length).ToArray(), d).Named("lengths");
        Range i = new Range(lengths[d]).Named("i");
        Range topic = new Range(2).Named("topic");
        Range vocabulary = new Range(6).Named("vocabulary");
        VariableArray<Vector> phi = Variable.Array<Vector>(topic).Named("phi");
        phi[topic] = Variable.DirichletSymmetric(vocabulary, 0.5).ForEach(topic);
        VariableArray<Vector> theta = Variable.Array<Vector>(d).Named("theta");
        theta[d] = Variable.DirichletSymmetric(topic, 1.0).ForEach(d);
        var w = Variable.Array(Variable.Array<int>(i), d).Named("w");
        var z = Variable.Array(Variable.Array<int>(i), d).Named("z");
        using (Variable.ForEach(d))
        using (Variable.ForEach(i))
        {
            z[d][i] = Variable.Discrete(theta[d]);
            using (Variable.Switch(z[d][i])) w[d][i] = Variable.Discrete(phi[z[d][i]]);
        }
        w.ObservedValue = words;
        var rng = new SampleRandom(88);
        var init = words.Select(doc => doc.Select(_ => Discrete.PointMass(rng.Int(2), 2)).ToArray()).ToArray();
        z.InitialiseTo(Distribution<int>.Array(init));
        report("phi", engine.Infer<Dirichlet[]>(phi));
        report("theta", engine.Infer<Dirichlet[]>(theta));
    }
}
