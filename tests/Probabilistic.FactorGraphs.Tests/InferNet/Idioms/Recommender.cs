#if INFERNET
using Microsoft.ML.Probabilistic.Models; using Microsoft.ML.Probabilistic.Distributions; using Microsoft.ML.Probabilistic.Algorithms; using Microsoft.ML.Probabilistic.Math; using Range = Microsoft.ML.Probabilistic.Models.Range;
#else
using Probabilistic.FactorGraphs.Models; using Probabilistic.FactorGraphs.Distributions; using Probabilistic.FactorGraphs.Algorithms; using Probabilistic.FactorGraphs.LinearAlgebra;
// Range = Probabilistic.FactorGraphs.Models.Range comes from the test project's GlobalUsings.cs (a second alias is CS1537)
#endif

namespace Probabilistic.FactorGraphs.Tests.InferNet.Idioms;

/// <summary>
/// Acceptance sample: a small Matchbox-style recommender. Needs Variable.Sum over a VariableArray&lt;double&gt;, the EP
/// product of two random doubles and InitialiseTo of a jagged double array.
/// </summary>
public static class Recommender
{
    /// <summary>
    /// A small Matchbox-style recommender: users and items with two traits and a bias each; affinity = Σ traits products
    /// + biases (Variable.Sum); a like when the noisy affinity is positive; item traits initialised to break symmetry.
    /// </summary>
    [Idiom(IdiomAlgorithm.EP, IdiomAlgorithm.VMP)]
    public static void Matchbox(InferenceEngine engine, IIdiomRecorder record)
    {
        int[] users = [0, 0, 1, 1, 2, 2, 0, 1, 2, 2];
        int[] items = [0, 1, 1, 2, 0, 3, 3, 0, 2, 1];
        bool[] likes = [true, false, false, true, true, false, true, false, true, false];
        Range u = new Range(3).Named("u");
        Range it = new Range(4).Named("it");
        Range t = new Range(2).Named("t");
        var userTraits = Variable.Array(Variable.Array<double>(t), u).Named("userTraits");
        userTraits[u][t] = Variable.GaussianFromMeanAndVariance(0, 1).ForEach(u, t);
        var itemTraits = Variable.Array(Variable.Array<double>(t), it).Named("itemTraits");
        itemTraits[it][t] = Variable.GaussianFromMeanAndVariance(0, 1).ForEach(it, t);
        VariableArray<double> userBias = Variable.Array<double>(u).Named("userBias");
        userBias[u] = Variable.GaussianFromMeanAndVariance(0, 1).ForEach(u);
        VariableArray<double> itemBias = Variable.Array<double>(it).Named("itemBias");
        itemBias[it] = Variable.GaussianFromMeanAndVariance(0, 1).ForEach(it);
        Range n = new Range(users.Length).Named("n");
        VariableArray<int> userOf = Variable.Observed(users, n).Named("userOf");
        VariableArray<int> itemOf = Variable.Observed(items, n).Named("itemOf");
        VariableArray<bool> liked = Variable.Array<bool>(n).Named("liked");
        using (Variable.ForEach(n))
        {
            VariableArray<double> products = Variable.Array<double>(t).Named("products");
            products[t] = userTraits[userOf[n]][t] * itemTraits[itemOf[n]][t];
            Variable<double> affinity = Variable.Sum(products) + userBias[userOf[n]] + itemBias[itemOf[n]];
            liked[n] = Variable.GaussianFromMeanAndVariance(affinity, 1) > 0;
        }
        liked.ObservedValue = likes;
        var rng = new IdiomRandom(99);
        var init = new Gaussian[4][];
        for (int j = 0; j < 4; j++)
            init[j] = [Gaussian.FromMeanAndVariance(rng.Normal(), 1), Gaussian.FromMeanAndVariance(rng.Normal(), 1)];
        itemTraits.InitialiseTo(Distribution<double>.Array(init));
        record.Add("userBias", engine.Infer<Gaussian[]>(userBias));
        record.Add("itemBias", engine.Infer<Gaussian[]>(itemBias));
        record.Add("userTraits", engine.Infer<Gaussian[][]>(userTraits));
    }
}
