#if INFERNET
using Microsoft.ML.Probabilistic.Models; using Microsoft.ML.Probabilistic.Distributions; using Microsoft.ML.Probabilistic.Algorithms; using Microsoft.ML.Probabilistic.Math; using Range = Microsoft.ML.Probabilistic.Models.Range;
#else
using Probabilistic.FactorGraphs.Models; using Probabilistic.FactorGraphs.Distributions; using Probabilistic.FactorGraphs.Algorithms; using Probabilistic.FactorGraphs.LinearAlgebra; using Range = Probabilistic.FactorGraphs.Models.Range;
#endif
// Only the using lines above differ between Infer.NET and this library; tools/InferNetOracle compiles this file against
// Infer.NET (INFERNET defined) to make the fixture Samples.<Name>.<EP|VMP> the tests compare with.

namespace Probabilistic.FactorGraphs.Samples;

/// <summary>
/// The student network (Koller &amp; Friedman, fig. 3.4): difficulty and intelligence → grade (A, B, C); intelligence → SAT;
/// grade → the strength of the recommendation letter. Observed: grade C and a high SAT.
/// Exact (by enumeration): P(intelligent) = 0.02208 / 0.03818 = 0.57832, P(hard) = 0.029 / 0.03818 = 0.75956,
/// P(strongLetter) = 0.01. With the grade observed the graph is a tree, so EP gives these exactly.
/// </summary>
public static class StudentNetwork
{
    /// <summary>Builds the network, infers and reports <c>intelligent</c>, <c>hard</c> and <c>strongLetter</c>.</summary>
    public static void Run(InferenceEngine engine, Action<string, object> report)
    {
        Variable<bool> hard = Variable.Bernoulli(0.4).Named("hard");
        Variable<bool> intelligent = Variable.Bernoulli(0.3).Named("intelligent");
        Variable<int> grade = Variable.New<int>().Named("grade");
        using (Variable.IfNot(intelligent))
        {
            using (Variable.IfNot(hard)) grade.SetTo(Variable.Discrete(0.3, 0.4, 0.3));
            using (Variable.If(hard)) grade.SetTo(Variable.Discrete(0.05, 0.25, 0.7));
        }
        using (Variable.If(intelligent))
        {
            using (Variable.IfNot(hard)) grade.SetTo(Variable.Discrete(0.9, 0.08, 0.02));
            using (Variable.If(hard)) grade.SetTo(Variable.Discrete(0.5, 0.3, 0.2));
        }
        Variable<bool> highSat = Variable.New<bool>().Named("highSat");
        using (Variable.If(intelligent)) highSat.SetTo(Variable.Bernoulli(0.8));
        using (Variable.IfNot(intelligent)) highSat.SetTo(Variable.Bernoulli(0.05));
        Variable<bool> strongLetter = Variable.New<bool>().Named("strongLetter");
        using (Variable.Case(grade, 0)) strongLetter.SetTo(Variable.Bernoulli(0.9));
        using (Variable.Case(grade, 1)) strongLetter.SetTo(Variable.Bernoulli(0.6));
        using (Variable.Case(grade, 2)) strongLetter.SetTo(Variable.Bernoulli(0.01));
        grade.ObservedValue = 2;
        highSat.ObservedValue = true;
        report("intelligent", engine.Infer<Bernoulli>(intelligent));
        report("hard", engine.Infer<Bernoulli>(hard));
        report("strongLetter", engine.Infer<Bernoulli>(strongLetter));
    }
}
