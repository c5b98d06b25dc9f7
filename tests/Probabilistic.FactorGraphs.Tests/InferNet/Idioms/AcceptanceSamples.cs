#if INFERNET
using Microsoft.ML.Probabilistic.Models; using Microsoft.ML.Probabilistic.Distributions; using Microsoft.ML.Probabilistic.Algorithms; using Microsoft.ML.Probabilistic.Math; using Range = Microsoft.ML.Probabilistic.Models.Range;
#else
using Probabilistic.FactorGraphs.Models; using Probabilistic.FactorGraphs.Distributions; using Probabilistic.FactorGraphs.Algorithms; using Probabilistic.FactorGraphs.LinearAlgebra;
// Range = Probabilistic.FactorGraphs.Models.Range comes from the test project's GlobalUsings.cs (a second alias is CS1537)
#endif

namespace Probabilistic.FactorGraphs.Tests.InferNet.Idioms;

/// <summary>
/// Acceptance samples that compile against our API: a click model (examination × attractiveness, learned by position
/// and document) and TrueSkill through time written as a chain of yearly skills.
/// </summary>
public static class AcceptanceSamples
{
    /// <summary>
    /// A click model: a result is clicked when it is examined (probability by position, Beta-distributed) and the document
    /// attracts (probability by document, Beta-distributed); 12 impressions of 3 documents at 2 positions.
    /// </summary>
    [Idiom(IdiomAlgorithm.EP, IdiomAlgorithm.VMP)]
    public static void ClickModel(InferenceEngine engine, IIdiomRecorder record)
    {
        int[] docs = [0, 1, 2, 0, 1, 2, 0, 2, 1, 0, 2, 1];
        int[] positions = [0, 1, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1];
        bool[] clicks = [true, false, false, true, true, false, true, false, false, false, true, false];
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
        record.Add("attractiveness", engine.Infer<Beta[]>(attractiveness));
        record.Add("examination", engine.Infer<Beta[]>(examination));
    }

    /// <summary>
    /// TrueSkill through time: three players' skills over three years, each year's skill Gaussian around the previous
    /// year's (dynamics variance 1), games each year compared by noisy performance; all years inferred jointly.
    /// </summary>
    [Idiom(IdiomAlgorithm.EP, IdiomAlgorithm.VMP)]
    public static void TrueSkillThroughTime(InferenceEngine engine, IIdiomRecorder record)
    {
        int[][] winners = [[0, 0, 1], [1, 1, 2], [2, 2, 1]];
        int[][] losers = [[1, 2, 2], [0, 2, 0], [0, 1, 0]];
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
        for (int year = 0; year < winners.Length; year++) record.Add("skills" + year, engine.Infer<Gaussian[]>(skills[year]));
    }
}
