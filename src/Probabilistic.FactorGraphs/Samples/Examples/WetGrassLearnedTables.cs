#if INFERNET
using Microsoft.ML.Probabilistic.Models; using Microsoft.ML.Probabilistic.Distributions; using Microsoft.ML.Probabilistic.Algorithms; using Microsoft.ML.Probabilistic.Math; using Range = Microsoft.ML.Probabilistic.Models.Range;
#else
using Probabilistic.FactorGraphs.Models; using Probabilistic.FactorGraphs.Distributions; using Probabilistic.FactorGraphs.Algorithms; using Probabilistic.FactorGraphs.LinearAlgebra; using Range = Probabilistic.FactorGraphs.Models.Range;
#endif
// Only the using lines above differ between Infer.NET and this library; tools/InferNetOracle compiles this file against
// Infer.NET (INFERNET defined) to make the fixture Samples.<Name>.<EP|VMP> the tests compare with.

namespace Probabilistic.FactorGraphs.Samples;

/// <summary>
/// Sprinkler / wet grass with learned tables: cloudy → sprinkler, cloudy → rain, (sprinkler, rain) → wet grass, every table
/// entry a probability with a Beta(1, 1) prior. The data are 40 fully observed days drawn (seed 2024) from the textbook tables
/// P(cloudy) = 0.5, P(sprinkler | cloudy) = 0.1 / 0.5, P(rain | cloudy) = 0.8 / 0.2, P(wet | sprinkler, rain) = 0.99, 0.9,
/// 0.9, 0.05; then one more day on which only the wet grass is seen, sharing the learned entries.
/// The fully observed days alone give each entry the conjugate Beta(1 + times true, 1 + times false); the query day adds
/// at most one more case to each, so every posterior mean lies between a / (a + b + 1) and (a + 1) / (a + b + 1) for those
/// counts (checked in <c>SampleTests</c>). The query day's graph has a loop, so EP is loopy belief propagation for it.
/// </summary>
public static class WetGrassLearnedTables
{
    /// <summary>The 40 fully observed days: whether it was cloudy, the sprinkler ran, it rained, the grass was wet.</summary>
    public static (bool[] Cloudy, bool[] Sprinkler, bool[] Rain, bool[] Wet) Data()
    {
        var rng = new SampleRandom(2024);
        int count = 40;
        bool[] c = new bool[count], s = new bool[count], r = new bool[count], w = new bool[count];
        for (int i = 0; i < count; i++)
        {
            c[i] = rng.Bernoulli(0.5);
            s[i] = rng.Bernoulli(c[i] ? 0.1 : 0.5);
            r[i] = rng.Bernoulli(c[i] ? 0.8 : 0.2);
            w[i] = rng.Bernoulli(s[i] ? (r[i] ? 0.99 : 0.9) : (r[i] ? 0.9 : 0.05));
        }
        return (c, s, r, w);
    }

    /// <summary>
    /// Builds the model, infers and reports the nine table entries (<c>pCloudy</c>, <c>pSprinklerIfCloudy</c>,
    /// <c>pSprinklerIfClear</c>, <c>pRainIfCloudy</c>, <c>pRainIfClear</c>, <c>pWet0</c> … <c>pWet3</c> for (sprinkler, rain) =
    /// (on, rain), (on, dry), (off, rain), (off, dry)) and the query day's <c>qCloudy</c>, <c>qSprinkler</c>, <c>qRain</c>.
    /// </summary>
    public static void Run(InferenceEngine engine, Action<string, object> report)
    {
        var (c, s, r, w) = Data();
        Variable<double> pCloudy = Variable.Beta(1, 1).Named("pCloudy");
        var pSprinkler = new[] { Variable.Beta(1, 1).Named("pSprinklerIfCloudy"), Variable.Beta(1, 1).Named("pSprinklerIfClear") };
        var pRain = new[] { Variable.Beta(1, 1).Named("pRainIfCloudy"), Variable.Beta(1, 1).Named("pRainIfClear") };
        var pWet = new Variable<double>[4];
        for (int k = 0; k < 4; k++) pWet[k] = Variable.Beta(1, 1).Named("pWet" + k);

        Range n = new Range(c.Length).Named("n");
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

        // the query day: the grass is wet; was it the sprinkler or the rain?
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

        report("pCloudy", engine.Infer<Beta>(pCloudy));
        report("pSprinklerIfCloudy", engine.Infer<Beta>(pSprinkler[0]));
        report("pSprinklerIfClear", engine.Infer<Beta>(pSprinkler[1]));
        report("pRainIfCloudy", engine.Infer<Beta>(pRain[0]));
        report("pRainIfClear", engine.Infer<Beta>(pRain[1]));
        for (int k = 0; k < 4; k++) report("pWet" + k, engine.Infer<Beta>(pWet[k]));
        report("qCloudy", engine.Infer<Bernoulli>(qCloudy));
        report("qSprinkler", engine.Infer<Bernoulli>(qSprinkler));
        report("qRain", engine.Infer<Bernoulli>(qRain));
    }
}
