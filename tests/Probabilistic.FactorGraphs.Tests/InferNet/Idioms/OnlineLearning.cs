#if INFERNET
using Microsoft.ML.Probabilistic.Models; using Microsoft.ML.Probabilistic.Distributions; using Microsoft.ML.Probabilistic.Algorithms; using Microsoft.ML.Probabilistic.Math; using Range = Microsoft.ML.Probabilistic.Models.Range;
#else
using Probabilistic.FactorGraphs.Models; using Probabilistic.FactorGraphs.Distributions; using Probabilistic.FactorGraphs.Algorithms; using Probabilistic.FactorGraphs.LinearAlgebra;
// Range = Probabilistic.FactorGraphs.Models.Range comes from the test project's GlobalUsings.cs (a second alias is CS1537)
#endif
using Probabilistic.FactorGraphs.Samples; // SampleRandom, the seeded generator of our own

namespace Probabilistic.FactorGraphs.Tests.InferNet.Idioms;

/// <summary>
/// Issue 12 §2: online learning, the posterior of one batch fed back as the prior of the next through observed
/// distribution variables, re-inferring the same compiled model per batch. The online Gaussian is the acceptance sample
/// OnlineGaussian (Samples.cs).
/// </summary>
public static class OnlineLearning
{
    /// <summary>A coin's bias learned online with a Beta prior variable, five batches of four tosses.</summary>
    [Idiom(IdiomAlgorithm.EP, IdiomAlgorithm.VMP)]
    public static void OnlineCoin(InferenceEngine engine, IIdiomRecorder record)
    {
        var rng = new SampleRandom(45);
        Variable<Beta> prior = Variable.New<Beta>().Named("prior");
        Variable<double> p = Variable<double>.Random(prior).Named("p");
        Range n = new Range(4).Named("n");
        VariableArray<bool> tosses = Variable.Array<bool>(n).Named("tosses");
        tosses[n] = Variable.Bernoulli(p).ForEach(n);
        Beta posterior = new Beta(1, 1);
        for (int batch = 0; batch < 5; batch++)
        {
            prior.ObservedValue = posterior;
            var t = new bool[4];
            for (int i = 0; i < 4; i++) t[i] = rng.Bernoulli(0.7);
            tosses.ObservedValue = t;
            posterior = engine.Infer<Beta>(p);
            record.Add("p" + batch, posterior);
        }
    }

    /// <summary>
    /// TrueSkill through time, online: each period's skill posteriors, widened by a dynamics variance, are the next period's
    /// priors (a VariableArray&lt;Gaussian&gt; of per-player priors), four players, three periods of games.
    /// </summary>
    [Idiom(IdiomAlgorithm.EP)]
    public static void TrueSkillOnline(InferenceEngine engine, IIdiomRecorder record)
    {
        int[][] winners = [[0, 1, 0], [2, 2, 1], [3, 2, 0]];
        int[][] losers = [[1, 2, 3], [0, 3, 3], [0, 1, 1]];
        Range player = new Range(4).Named("player");
        VariableArray<Gaussian> skillPriors = Variable.Array<Gaussian>(player).Named("skillPriors");
        VariableArray<double> skills = Variable.Array<double>(player).Named("skills");
        skills[player] = Variable<double>.Random(skillPriors[player]);
        Range game = new Range(3).Named("game");
        VariableArray<int> winner = Variable.Array<int>(game).Named("winner");
        VariableArray<int> loser = Variable.Array<int>(game).Named("loser");
        using (Variable.ForEach(game))
        {
            Variable<double> winnerPerformance = Variable.GaussianFromMeanAndVariance(skills[winner[game]], 1.0);
            Variable<double> loserPerformance = Variable.GaussianFromMeanAndVariance(skills[loser[game]], 1.0);
            Variable.ConstrainTrue(winnerPerformance > loserPerformance);
        }
        var current = new Gaussian[4];
        for (int i = 0; i < 4; i++) current[i] = Gaussian.FromMeanAndVariance(6, 9);
        for (int period = 0; period < 3; period++)
        {
            var priors = new Gaussian[4];
            for (int i = 0; i < 4; i++)
                priors[i] = Gaussian.FromMeanAndVariance(current[i].GetMean(), current[i].GetVariance() + 0.25);
            skillPriors.ObservedValue = priors;
            winner.ObservedValue = winners[period];
            loser.ObservedValue = losers[period];
            current = engine.Infer<Gaussian[]>(skills);
            record.Add("skills" + period, current);
        }
    }
}
