namespace Probabilistic.FactorGraphs.Tests;

/// <summary>
/// Conditional probability tables by branch under VMP, against mean-field coordinate ascent written out by hand.
/// </summary>
public class BayesNetVmpTests
{
    private static Variable<bool> Table(Variable<bool> parent, double ifTrue, double ifFalse)
    {
        var child = Variable.New<bool>();
        using (Variable.If(parent)) child.SetTo(Variable.Bernoulli(ifTrue));
        using (Variable.IfNot(parent)) child.SetTo(Variable.Bernoulli(ifFalse));
        return child;
    }

    private static (Variable<bool> Cloudy, Variable<bool> Sprinkler, Variable<bool> Rain) WetGrass()
    {
        var cloudy = Variable.Bernoulli(0.5).Named("cloudy");
        var sprinkler = Table(cloudy, 0.1, 0.5).Named("sprinkler");
        var rain = Table(cloudy, 0.8, 0.2).Named("rain");
        var wet = Variable.New<bool>().Named("wet");
        using (Variable.If(sprinkler))
        {
            using (Variable.If(rain)) wet.SetTo(Variable.Bernoulli(0.99));
            using (Variable.IfNot(rain)) wet.SetTo(Variable.Bernoulli(0.9));
        }
        using (Variable.IfNot(sprinkler))
        {
            using (Variable.If(rain)) wet.SetTo(Variable.Bernoulli(0.9));
            using (Variable.IfNot(rain)) wet.SetTo(Variable.Bernoulli(0.0));
        }
        wet.ObservedValue = true;
        return (cloudy, sprinkler, rain);
    }

    [Fact]
    public void WetGrass_WithAnImpossibleRow_AvoidsItWithAFiniteRisingBound_AndIsAFixedPoint()
    {
        // Sprinkler / wet grass with P(wet | no sprinkler, no rain) = 0, the grass observed wet: the InferNet fixture
        // BayesNets.WetGrass.VMP, where Infer.NET 466c26ef returns NaN (0 · log 0). A factorised q must give the
        // impossible row (no sprinkler, no rain) no mass, or the bound is −∞; the engine's bound must be finite, never
        // fall, and the answer must be a fixed point of further sweeps.
        var (cloudy, sprinkler, rain) = WetGrass();
        var engine = new InferenceEngine(new VariationalMessagePassing()) { NumberOfIterations = 50 };
        double qs = engine.Infer<Bernoulli>(sprinkler).GetProbTrue();
        double qr = engine.Infer<Bernoulli>(rain).GetProbTrue();
        double qc = engine.Infer<Bernoulli>(cloudy).GetProbTrue();
        Assert.Equal(0.0, (1 - qs) * (1 - qr));
        Assert.True(double.IsFinite(qc) && qc > 0 && qc < 1, $"q(cloudy) {qc}");
        var trace = engine.LastTrace!;
        Assert.All(trace, t => Assert.True(double.IsFinite(t.Elbo), $"bound {t.Elbo}"));
        for (int i = 1; i < trace.Count; i++) Assert.True(trace[i].Elbo >= trace[i - 1].Elbo - 1e-12, $"bound fell at sweep {i}: {trace[i - 1].Elbo} -> {trace[i].Elbo}");

        var longer = new InferenceEngine(new VariationalMessagePassing()) { NumberOfIterations = 200 };
        var (c2, s2, r2) = WetGrass();
        Assert.True(Math.Abs(longer.Infer<Bernoulli>(c2).GetProbTrue() - qc) < 1e-12, "cloudy moved after 50 sweeps");
        Assert.True(Math.Abs(longer.Infer<Bernoulli>(r2).GetProbTrue() - qr) < 1e-12, "rain moved after 50 sweeps");
        Assert.Equal(qs, longer.Infer<Bernoulli>(s2).GetProbTrue());
    }
}
