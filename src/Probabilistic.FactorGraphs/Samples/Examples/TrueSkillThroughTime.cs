#if INFERNET
using Microsoft.ML.Probabilistic.Models; using Microsoft.ML.Probabilistic.Distributions; using Microsoft.ML.Probabilistic.Algorithms; using Microsoft.ML.Probabilistic.Math; using Range = Microsoft.ML.Probabilistic.Models.Range;
#else
using Probabilistic.FactorGraphs.Models; using Probabilistic.FactorGraphs.Distributions; using Probabilistic.FactorGraphs.Algorithms; using Probabilistic.FactorGraphs.LinearAlgebra; using Range = Probabilistic.FactorGraphs.Models.Range;
#endif
// Only the using lines above differ between Infer.NET and this library; tools/InferNetOracle compiles this file against
// Infer.NET (INFERNET defined) to make the fixture Samples.<Name>.<EP|VMP> the tests compare with.

namespace Probabilistic.FactorGraphs.Samples;

/// <summary>
/// TrueSkill through time (Dangauthier et al. 2007), small: three players over three years; a player's skill starts at
/// N(25, 25) and drifts each year by N(0, 1); in each game each player performs around their skill with variance 4, and the
/// winner performed better. All years are inferred jointly, so later games inform earlier skills (smoothing, not only
/// filtering). The games (winner, loser) of each year are written below.
/// <c>SampleTests</c> compares EP's posterior means with the exact ones, computed by importance sampling from the prior
/// (within 0.07). EP's variances (about 3.2) are far below the exact marginals' (about 10): the games identify only
/// differences of skills, and the exact marginals keep the prior's uncertainty about their common level, which a posterior
/// factorised by player cannot.
/// </summary>
public static class TrueSkillThroughTime
{
    /// <summary>Each year's games: the winners and the losers, game by game.</summary>
    public static (int[][] Winners, int[][] Losers) Games() =>
    (
        [[0, 0, 1], [1, 1, 2], [2, 2, 1]],
        [[1, 2, 2], [0, 2, 0], [0, 1, 0]]
    );

    /// <summary>Builds the model, infers and reports each year's skills, <c>skills0</c> … <c>skills2</c>.</summary>
    public static void Run(InferenceEngine engine, Action<string, object> report)
    {
        var (winners, losers) = Games();
        Range player = new Range(3).Named("player");
        var skills = new VariableArray<double>[winners.Length];
        for (int year = 0; year < winners.Length; year++)
        {
            skills[year] = Variable.Array<double>(player).Named("skills" + year);
            if (year == 0) skills[year][player] = Variable.GaussianFromMeanAndVariance(25, 25).ForEach(player);
            else skills[year][player] = Variable.GaussianFromMeanAndVariance(skills[year - 1][player], 1);
            Range game = new Range(winners[year].Length).Named("game" + year);
            VariableArray<int> winner = Variable.Observed(winners[year], game).Named("winner" + year);
            VariableArray<int> loser = Variable.Observed(losers[year], game).Named("loser" + year);
            using (Variable.ForEach(game))
            {
                Variable<double> winnerPerformance = Variable.GaussianFromMeanAndVariance(skills[year][winner[game]], 4);
                Variable<double> loserPerformance = Variable.GaussianFromMeanAndVariance(skills[year][loser[game]], 4);
                Variable.ConstrainTrue(winnerPerformance > loserPerformance);
            }
        }
        for (int year = 0; year < winners.Length; year++) report("skills" + year, engine.Infer<Gaussian[]>(skills[year]));
    }
}
