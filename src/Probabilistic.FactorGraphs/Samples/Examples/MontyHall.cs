#if INFERNET
using Microsoft.ML.Probabilistic.Models; using Microsoft.ML.Probabilistic.Distributions; using Microsoft.ML.Probabilistic.Algorithms; using Microsoft.ML.Probabilistic.Math; using Range = Microsoft.ML.Probabilistic.Models.Range;
#else
using Probabilistic.FactorGraphs.Models; using Probabilistic.FactorGraphs.Distributions; using Probabilistic.FactorGraphs.Algorithms; using Probabilistic.FactorGraphs.LinearAlgebra; using Range = Probabilistic.FactorGraphs.Models.Range;
#endif
// Only the using lines above differ between Infer.NET and this library; tools/InferNetOracle compiles this file against
// Infer.NET (INFERNET defined) to make the fixture Samples.<Name>.<EP|VMP> the tests compare with.

namespace Probabilistic.FactorGraphs.Samples;

/// <summary>
/// Monty Hall: the prize is behind one of three doors, the contestant guesses one, and the host opens a door that is neither
/// the guess nor the prize (a table nested two deep in <c>Case</c> blocks). Guess 0, the host opens door 2.
/// Exact (by enumeration): P(prize) = (1/3, 2/3, 0): switching doubles the chance.
/// </summary>
public static class MontyHall
{
    /// <summary>Builds the model, infers and reports <c>prize</c> (a Discrete over the three doors).</summary>
    public static void Run(InferenceEngine engine, Action<string, object> report)
    {
        Variable<int> prize = Variable.DiscreteUniform(3).Named("prize");
        Variable<int> guess = Variable.DiscreteUniform(3).Named("guess");
        Variable<int> host = Variable.New<int>().Named("host");
        for (int p = 0; p < 3; p++)
            using (Variable.Case(prize, p))
                for (int g = 0; g < 3; g++)
                    using (Variable.Case(guess, g))
                    {
                        // the host opens, uniformly, any door that is neither the prize nor the guess
                        var probs = new double[3];
                        for (int d = 0; d < 3; d++) probs[d] = d != p && d != g ? 1 : 0;
                        host.SetTo(Variable.Discrete(probs));
                    }
        guess.ObservedValue = 0;
        host.ObservedValue = 2;
        report("prize", engine.Infer<Discrete>(prize));
    }
}
