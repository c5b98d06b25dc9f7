#if INFERNET
using Microsoft.ML.Probabilistic.Models; using Microsoft.ML.Probabilistic.Distributions; using Microsoft.ML.Probabilistic.Algorithms; using Microsoft.ML.Probabilistic.Math; using Range = Microsoft.ML.Probabilistic.Models.Range;
#else
using Probabilistic.FactorGraphs.Models; using Probabilistic.FactorGraphs.Distributions; using Probabilistic.FactorGraphs.Algorithms; using Probabilistic.FactorGraphs.LinearAlgebra;
// Range = Probabilistic.FactorGraphs.Models.Range comes from the test project's GlobalUsings.cs (a second alias is CS1537)
#endif

namespace Probabilistic.FactorGraphs.Tests.InferNet.Idioms;

/// <summary>
/// Acceptance sample: latent Dirichlet allocation, small. Needs DirichletSymmetric(Range, α) (value ranges for Switch)
/// and InitialiseTo of a jagged int array.
/// </summary>
public static class Lda
{
    /// <summary>
    /// Latent Dirichlet allocation: three short documents over six words, two topics, DirichletSymmetric(Range, α) priors,
    /// topic assignments initialised by our generator to break symmetry.
    /// </summary>
    [Idiom(IdiomAlgorithm.EP, IdiomAlgorithm.VMP)]
    public static void ThreeDocuments(InferenceEngine engine, IIdiomRecorder record)
    {
        int[][] words = [[0, 1, 0, 2, 1, 0], [3, 4, 5, 3, 5], [0, 1, 4, 5, 3, 2, 1]];
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
        var rng = new IdiomRandom(88);
        var init = words.Select(doc => doc.Select(_ => Discrete.PointMass(rng.Int(2), 2)).ToArray()).ToArray();
        z.InitialiseTo(Distribution<int>.Array(init));
        record.Add("phi", engine.Infer<Dirichlet[]>(phi));
        record.Add("theta", engine.Infer<Dirichlet[]>(theta));
    }
}
