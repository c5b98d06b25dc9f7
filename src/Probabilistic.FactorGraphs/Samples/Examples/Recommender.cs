#if INFERNET
using Microsoft.ML.Probabilistic.Models; using Microsoft.ML.Probabilistic.Distributions; using Microsoft.ML.Probabilistic.Algorithms; using Microsoft.ML.Probabilistic.Math; using Range = Microsoft.ML.Probabilistic.Models.Range;
#else
using Probabilistic.FactorGraphs.Models; using Probabilistic.FactorGraphs.Distributions; using Probabilistic.FactorGraphs.Algorithms; using Probabilistic.FactorGraphs.LinearAlgebra; using Range = Probabilistic.FactorGraphs.Models.Range;
#endif
// Only the using lines above differ between Infer.NET and this library; tools/InferNetOracle compiles this file against
// Infer.NET (INFERNET defined) to make the fixture Samples.<Name>.<EP|VMP> the tests compare with.

namespace Probabilistic.FactorGraphs.Samples;

/// <summary>
/// A small Matchbox-style recommender (Stern, Herbrich &amp; Graepel 2009): three users and four items, each with two traits
/// and a bias, all N(0, 1) a priori; a user's affinity for an item is the inner product of their traits plus both biases
/// (<c>Variable.Sum</c> of the trait products), and a like is a noisy affinity (variance 1) above zero. Ten likes and
/// dislikes are written below; the item traits start from seeded random means to break the symmetry between traits.
/// Runs under VMP by default, where this engine and Infer.NET agree to 1e-6 (under EP both answer, but Infer.NET's quadrature
/// for the trait products is off by up to 2e-4 on these contexts, see the FactorGraphs README). On ten ratings VMP switches the traits off (their posterior means are 0, in
/// Infer.NET's answer too), so the biases carry the likes: they are then a probit regression's mean-field fixed point,
/// which <c>SampleTests</c> computes in closed form.
/// </summary>
public static class Recommender
{
    /// <summary>The ratings: user, item, and whether the user liked it.</summary>
    public static (int[] Users, int[] Items, bool[] Likes) Data() =>
    (
        [0, 0, 1, 1, 2, 2, 0, 1, 2, 2],
        [0, 1, 1, 2, 0, 3, 3, 0, 2, 1],
        [true, false, false, true, true, false, true, false, true, false]
    );

    /// <summary>Builds the model, infers and reports <c>userBias</c>, <c>itemBias</c> and <c>userTraits</c>.</summary>
    public static void Run(InferenceEngine engine, Action<string, object> report)
    {
        var (users, items, likes) = Data();
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
        var rng = new SampleRandom(99);
        var init = new Gaussian[4][];
        for (int j = 0; j < 4; j++)
            init[j] = [Gaussian.FromMeanAndVariance(rng.Normal(), 1), Gaussian.FromMeanAndVariance(rng.Normal(), 1)];
        itemTraits.InitialiseTo(Distribution<double>.Array(init));
        report("userBias", engine.Infer<Gaussian[]>(userBias));
        report("itemBias", engine.Infer<Gaussian[]>(itemBias));
        report("userTraits", engine.Infer<Gaussian[][]>(userTraits));
    }
}
