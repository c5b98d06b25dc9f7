#if INFERNET
using Microsoft.ML.Probabilistic.Models; using Microsoft.ML.Probabilistic.Distributions; using Microsoft.ML.Probabilistic.Algorithms; using Microsoft.ML.Probabilistic.Math; using Range = Microsoft.ML.Probabilistic.Models.Range;
#else
using Probabilistic.FactorGraphs.Models; using Probabilistic.FactorGraphs.Distributions; using Probabilistic.FactorGraphs.Algorithms; using Probabilistic.FactorGraphs.LinearAlgebra;
// Range = Probabilistic.FactorGraphs.Models.Range comes from the test project's GlobalUsings.cs (a second alias is CS1537)
#endif

namespace Probabilistic.FactorGraphs.Tests.InferNet.Idioms;

/// <summary>
/// Textbook Bayes nets written as conditional probability tables by branch (issue 12 §1.2 and the acceptance samples):
/// sprinkler / wet grass (constant and learned tables), the student network of Koller &amp; Friedman, Monty Hall, and
/// Pearl's burglary / earthquake alarm. Exact answers by enumeration are in the comments.
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

    /// <summary>
    /// Sprinkler / wet grass with learned tables: Beta(1, 1) priors on every entry, 40 fully observed cases drawn from the
    /// textbook tables, and one query case (grass wet, the rest hidden) sharing the learned entries.
    /// </summary>
    [Idiom(IdiomAlgorithm.EP, IdiomAlgorithm.VMP)]
    public static void WetGrassLearnedTables(InferenceEngine engine, IIdiomRecorder record)
    {
        var rng = new IdiomRandom(2024);
        int count = 40;
        bool[] c = new bool[count], s = new bool[count], r = new bool[count], w = new bool[count];
        for (int i = 0; i < count; i++)
        {
            c[i] = rng.Bernoulli(0.5);
            s[i] = rng.Bernoulli(c[i] ? 0.1 : 0.5);
            r[i] = rng.Bernoulli(c[i] ? 0.8 : 0.2);
            w[i] = rng.Bernoulli(s[i] ? (r[i] ? 0.99 : 0.9) : (r[i] ? 0.9 : 0.05));
        }
        Variable<double> pCloudy = Variable.Beta(1, 1).Named("pCloudy");
        var pSprinkler = new[] { Variable.Beta(1, 1).Named("pSprinklerIfCloudy"), Variable.Beta(1, 1).Named("pSprinklerIfClear") };
        var pRain = new[] { Variable.Beta(1, 1).Named("pRainIfCloudy"), Variable.Beta(1, 1).Named("pRainIfClear") };
        var pWet = new Variable<double>[4];
        for (int k = 0; k < 4; k++) pWet[k] = Variable.Beta(1, 1).Named("pWet" + k);

        Range n = new Range(count).Named("n");
        VariableArray<bool> cloudy = Variable.Array<bool>(n).Named("cloudy");
        VariableArray<bool> sprinkler = Variable.Array<bool>(n).Named("sprinkler");
        VariableArray<bool> rain = Variable.Array<bool>(n).Named("rain");
        VariableArray<bool> wet = Variable.Array<bool>(n).Named("wet");
        using (Variable.ForEach(n))
        {
            cloudy[n] = Variable.Bernoulli(pCloudy);
            using (Variable.If(cloudy[n]))
            {
                sprinkler[n] = Variable.Bernoulli(pSprinkler[0]);
                rain[n] = Variable.Bernoulli(pRain[0]);
            }
            using (Variable.IfNot(cloudy[n]))
            {
                sprinkler[n] = Variable.Bernoulli(pSprinkler[1]);
                rain[n] = Variable.Bernoulli(pRain[1]);
            }
            using (Variable.If(sprinkler[n]))
            {
                using (Variable.If(rain[n])) wet[n] = Variable.Bernoulli(pWet[0]);
                using (Variable.IfNot(rain[n])) wet[n] = Variable.Bernoulli(pWet[1]);
            }
            using (Variable.IfNot(sprinkler[n]))
            {
                using (Variable.If(rain[n])) wet[n] = Variable.Bernoulli(pWet[2]);
                using (Variable.IfNot(rain[n])) wet[n] = Variable.Bernoulli(pWet[3]);
            }
        }
        cloudy.ObservedValue = c;
        sprinkler.ObservedValue = s;
        rain.ObservedValue = r;
        wet.ObservedValue = w;

        Variable<bool> qCloudy = Variable.Bernoulli(pCloudy).Named("qCloudy");
        Variable<bool> qSprinkler = Variable.New<bool>().Named("qSprinkler");
        Variable<bool> qRain = Variable.New<bool>().Named("qRain");
        using (Variable.If(qCloudy)) { qSprinkler.SetTo(Variable.Bernoulli(pSprinkler[0])); qRain.SetTo(Variable.Bernoulli(pRain[0])); }
        using (Variable.IfNot(qCloudy)) { qSprinkler.SetTo(Variable.Bernoulli(pSprinkler[1])); qRain.SetTo(Variable.Bernoulli(pRain[1])); }
        Variable<bool> qWet = Variable.New<bool>().Named("qWet");
        using (Variable.If(qSprinkler))
        {
            using (Variable.If(qRain)) qWet.SetTo(Variable.Bernoulli(pWet[0]));
            using (Variable.IfNot(qRain)) qWet.SetTo(Variable.Bernoulli(pWet[1]));
        }
        using (Variable.IfNot(qSprinkler))
        {
            using (Variable.If(qRain)) qWet.SetTo(Variable.Bernoulli(pWet[2]));
            using (Variable.IfNot(qRain)) qWet.SetTo(Variable.Bernoulli(pWet[3]));
        }
        qWet.ObservedValue = true;

        record.Add("pCloudy", engine.Infer<Beta>(pCloudy));
        record.Add("pSprinklerIfCloudy", engine.Infer<Beta>(pSprinkler[0]));
        record.Add("pSprinklerIfClear", engine.Infer<Beta>(pSprinkler[1]));
        record.Add("pRainIfCloudy", engine.Infer<Beta>(pRain[0]));
        record.Add("pRainIfClear", engine.Infer<Beta>(pRain[1]));
        for (int k = 0; k < 4; k++) record.Add("pWet" + k, engine.Infer<Beta>(pWet[k]));
        record.Add("qCloudy", engine.Infer<Bernoulli>(qCloudy));
        record.Add("qSprinkler", engine.Infer<Bernoulli>(qSprinkler));
        record.Add("qRain", engine.Infer<Bernoulli>(qRain));
    }

    /// <summary>
    /// The student network (Koller &amp; Friedman, fig. 3.4): difficulty, intelligence → grade (3 values); intelligence →
    /// SAT; grade → letter. Observed: grade C (2) and a high SAT (exact answers below).
    /// </summary>
    [Idiom(IdiomAlgorithm.EP, IdiomAlgorithm.VMP)]
    public static void StudentNetwork(InferenceEngine engine, IIdiomRecorder record)
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
        Variable<bool> highSat = Table(intelligent, 0.8, 0.05).Named("highSat");
        Variable<bool> strongLetter = Variable.New<bool>().Named("strongLetter");
        using (Variable.Case(grade, 0)) strongLetter.SetTo(Variable.Bernoulli(0.9));
        using (Variable.Case(grade, 1)) strongLetter.SetTo(Variable.Bernoulli(0.6));
        using (Variable.Case(grade, 2)) strongLetter.SetTo(Variable.Bernoulli(0.01));
        grade.ObservedValue = 2;
        highSat.ObservedValue = true;
        // exact: w(i,d) = P(i)P(d)P(g=C|i,d)P(s|i): (¬i,¬d) 0.7·0.6·0.3·0.05 = 0.0063, (¬i,d) 0.7·0.4·0.7·0.05 = 0.0098,
        // (i,¬d) 0.3·0.6·0.02·0.8 = 0.00288, (i,d) 0.3·0.4·0.2·0.8 = 0.0192; total 0.03818:
        // P(intelligent) = 0.02208/0.03818 = 0.5783, P(hard) = 0.029/0.03818 = 0.7596, P(strongLetter) = 0.01
        record.Add("intelligent", engine.Infer<Bernoulli>(intelligent));
        record.Add("hard", engine.Infer<Bernoulli>(hard));
        record.Add("strongLetter", engine.Infer<Bernoulli>(strongLetter));
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

    /// <summary>
    /// Monty Hall: the host opens a door that is neither the guess nor the prize (a table nested two deep in Case blocks).
    /// Guess 0, host opens 2. Exact: P(prize) = (1/3, 2/3, 0).
    /// </summary>
    [Idiom(IdiomAlgorithm.EP, IdiomAlgorithm.VMP)]
    public static void MontyHall(InferenceEngine engine, IIdiomRecorder record)
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
        host.ObservedValue = 2;
        record.Add("prize", engine.Infer<Discrete>(prize));
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
