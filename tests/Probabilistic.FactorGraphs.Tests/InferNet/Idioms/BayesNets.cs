#if INFERNET
using Microsoft.ML.Probabilistic.Models; using Microsoft.ML.Probabilistic.Distributions; using Microsoft.ML.Probabilistic.Algorithms; using Microsoft.ML.Probabilistic.Math; using Range = Microsoft.ML.Probabilistic.Models.Range;
#else
using Probabilistic.FactorGraphs.Models; using Probabilistic.FactorGraphs.Distributions; using Probabilistic.FactorGraphs.Algorithms; using Probabilistic.FactorGraphs.LinearAlgebra;
// Range = Probabilistic.FactorGraphs.Models.Range comes from the test project's GlobalUsings.cs (a second alias is CS1537)
#endif

namespace Probabilistic.FactorGraphs.Tests.InferNet.Idioms;

/// <summary>
/// Textbook Bayes nets written as conditional probability tables by branch (issue 12 §1.2): sprinkler / wet grass with
/// constant tables, the student network of Koller &amp; Friedman queried from the letter, Monty Hall before the host acts,
/// and Pearl's burglary / earthquake alarm. Exact answers by enumeration are in the comments. The acceptance samples
/// (wet grass with learned tables, the student network, Monty Hall) are in Samples.cs.
/// </summary>
public static class BayesNets
{
    private static Variable<bool> Table(Variable<bool> parent, double ifTrue, double ifFalse)
    {
        Variable<bool> child = Variable.New<bool>();
        using (Variable.If(parent)) child.SetTo(Variable.Bernoulli(ifTrue));
        using (Variable.IfNot(parent)) child.SetTo(Variable.Bernoulli(ifFalse));
        return child;
    }

    private static Variable<bool> Table(Variable<bool> a, Variable<bool> b, double tt, double tf, double ft, double ff)
    {
        Variable<bool> child = Variable.New<bool>();
        using (Variable.If(a))
        {
            using (Variable.If(b)) child.SetTo(Variable.Bernoulli(tt));
            using (Variable.IfNot(b)) child.SetTo(Variable.Bernoulli(tf));
        }
        using (Variable.IfNot(a))
        {
            using (Variable.If(b)) child.SetTo(Variable.Bernoulli(ft));
            using (Variable.IfNot(b)) child.SetTo(Variable.Bernoulli(ff));
        }
        return child;
    }

    /// <summary>
    /// Sprinkler / wet grass with constant tables, the grass observed wet. Exact: P(cloudy) = 0.57580,
    /// P(sprinkler) = 0.42976, P(rain) = 0.70793. The graph has a loop (cloudy → sprinkler, rain → wet), so EP is loopy
    /// belief propagation here: Infer.NET's EP answer (466c26ef) is 0.60356, 0.40404, 0.78407, not the exact one.
    /// </summary>
    [Idiom(IdiomAlgorithm.EP, IdiomAlgorithm.VMP)]
    public static void WetGrass(InferenceEngine engine, IIdiomRecorder record)
    {
        Variable<bool> cloudy = Variable.Bernoulli(0.5).Named("cloudy");
        Variable<bool> sprinkler = Table(cloudy, 0.1, 0.5).Named("sprinkler");
        Variable<bool> rain = Table(cloudy, 0.8, 0.2).Named("rain");
        Variable<bool> wet = Table(sprinkler, rain, 0.99, 0.9, 0.9, 0.0).Named("wet");
        wet.ObservedValue = true;
        record.Add("cloudy", engine.Infer<Bernoulli>(cloudy));
        record.Add("sprinkler", engine.Infer<Bernoulli>(sprinkler));
        record.Add("rain", engine.Infer<Bernoulli>(rain));
    }

    /// <summary>The student network queried from the other end: a strong letter observed, the grade hidden.</summary>
    [Idiom(IdiomAlgorithm.EP, IdiomAlgorithm.VMP)]
    public static void StudentNetworkLetter(InferenceEngine engine, IIdiomRecorder record)
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
        Variable<bool> strongLetter = Variable.New<bool>().Named("strongLetter");
        using (Variable.Case(grade, 0)) strongLetter.SetTo(Variable.Bernoulli(0.9));
        using (Variable.Case(grade, 1)) strongLetter.SetTo(Variable.Bernoulli(0.6));
        using (Variable.Case(grade, 2)) strongLetter.SetTo(Variable.Bernoulli(0.01));
        strongLetter.ObservedValue = true;
        record.Add("intelligent", engine.Infer<Bernoulli>(intelligent));
        record.Add("hard", engine.Infer<Bernoulli>(hard));
        record.Add("grade", engine.Infer<Discrete>(grade));
    }

    /// <summary>Monty Hall before the host acts: the host's door marginal given guess 0.</summary>
    [Idiom(IdiomAlgorithm.EP, IdiomAlgorithm.VMP)]
    public static void MontyHallHost(InferenceEngine engine, IIdiomRecorder record)
    {
        Variable<int> prize = Variable.DiscreteUniform(3).Named("prize");
        Variable<int> guess = Variable.DiscreteUniform(3).Named("guess");
        Variable<int> host = Variable.New<int>().Named("host");
        for (int p = 0; p < 3; p++)
            using (Variable.Case(prize, p))
                for (int g = 0; g < 3; g++)
                    using (Variable.Case(guess, g))
                    {
                        var probs = new double[3];
                        for (int d = 0; d < 3; d++) probs[d] = d != p && d != g ? 1 : 0;
                        host.SetTo(Variable.Discrete(probs));
                    }
        guess.ObservedValue = 0;
        // exact: P(host) = (0, 1/2, 1/2)
        record.Add("host", engine.Infer<Discrete>(host));
        record.Add("prize", engine.Infer<Discrete>(prize));
    }

    /// <summary>
    /// Pearl's alarm: burglary and earthquake → alarm → John calls, Mary calls; both called. Exact: P(burglary) = 0.28417,
    /// P(earthquake) = 0.17607, P(alarm) = 0.76069 (a polytree: EP is exact).
    /// </summary>
    [Idiom(IdiomAlgorithm.EP, IdiomAlgorithm.VMP)]
    public static void AlarmNetwork(InferenceEngine engine, IIdiomRecorder record)
    {
        Variable<bool> burglary = Variable.Bernoulli(0.001).Named("burglary");
        Variable<bool> earthquake = Variable.Bernoulli(0.002).Named("earthquake");
        Variable<bool> alarm = Table(burglary, earthquake, 0.95, 0.94, 0.29, 0.001).Named("alarm");
        Variable<bool> johnCalls = Table(alarm, 0.9, 0.05).Named("johnCalls");
        Variable<bool> maryCalls = Table(alarm, 0.7, 0.01).Named("maryCalls");
        johnCalls.ObservedValue = true;
        maryCalls.ObservedValue = true;
        record.Add("burglary", engine.Infer<Bernoulli>(burglary));
        record.Add("earthquake", engine.Infer<Bernoulli>(earthquake));
        record.Add("alarm", engine.Infer<Bernoulli>(alarm));
    }

    /// <summary>The alarm network with only John's call observed, and the model's evidence through If(evidence).</summary>
    [Idiom(IdiomAlgorithm.EP, IdiomAlgorithm.VMP)]
    public static void AlarmNetworkEvidence(InferenceEngine engine, IIdiomRecorder record)
    {
        Variable<bool> evidence = Variable.Bernoulli(0.5).Named("evidence");
        Variable<bool> burglary;
        using (Variable.If(evidence))
        {
            burglary = Variable.Bernoulli(0.001).Named("burglary");
            Variable<bool> earthquake = Variable.Bernoulli(0.002).Named("earthquake");
            Variable<bool> alarm = Table(burglary, earthquake, 0.95, 0.94, 0.29, 0.001).Named("alarm");
            Variable<bool> johnCalls = Table(alarm, 0.9, 0.05).Named("johnCalls");
            johnCalls.ObservedValue = true;
        }
        // exact: P(john) = 0.052139, P(burglary | john) = 0.016284, so P(evidence) = 0.052139 / 1.052139 = 0.049555
        record.Add("burglary", engine.Infer<Bernoulli>(burglary));
        record.Add("evidence", engine.Infer<Bernoulli>(evidence));
    }
}
