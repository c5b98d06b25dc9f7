namespace Probabilistic.FactorGraphs.Tests;

/// <summary>Variable.AllTrue under EP against enumeration of every assignment, with its evidence; VMP's refusal.</summary>
public class AllTrueTests
{
    // |actual − expected| ≤ tolerance·max(1, |expected|)
    private static void AssertClose(double expected, double actual, double tolerance, string what) =>
        Numbers.AssertClose(expected, actual, tolerance, tolerance, what);

    private static readonly double[] Reliability = [0.9, 0.8, 0.95, 0.6];

    // Σ over the 2^n assignments of Π_i P(x_i), keeping those with all(x) == allTrue; returns P(x_i | all(x) = allTrue) and the mass
    private static (double[] Marginals, double Mass) Enumerate(bool allTrue)
    {
        int n = Reliability.Length;
        var m = new double[n];
        double mass = 0;
        for (int bits = 0; bits < 1 << n; bits++)
        {
            double p = 1;
            for (int i = 0; i < n; i++) p *= (bits >> i & 1) == 1 ? Reliability[i] : 1 - Reliability[i];
            if ((bits == (1 << n) - 1) != allTrue) continue;
            mass += p;
            for (int i = 0; i < n; i++) if ((bits >> i & 1) == 1) m[i] += p;
        }
        return (m.Select(x => x / mass).ToArray(), mass);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Ep_ObservedResult_AgreesWithEnumeration_WithItsEvidence(bool observed)
    {
        var evidence = Variable.Bernoulli(0.5).Named("evidence");
        VariableArray<bool> works;
        using (Variable.If(evidence))
        {
            Range part = new Range(Reliability.Length);
            works = Variable.Array<bool>(part).Named("works");
            works[part] = Variable.Bernoulli(Variable.Observed(Reliability, part)[part]);
            var all = Variable.AllTrue(works).Named("all");
            all.ObservedValue = observed;
        }
        var engine = new InferenceEngine();
        var (marginals, mass) = Enumerate(observed);
        var q = engine.Infer<Bernoulli[]>(works);
        for (int i = 0; i < marginals.Length; i++) AssertClose(marginals[i], q[i].GetProbTrue(), 1e-12, $"P(works[{i}] | all = {observed})");
        AssertClose(Math.Log(mass), engine.Infer<Bernoulli>(evidence).LogOdds, 1e-10, $"log P(all = {observed})");
    }

    [Fact]
    public void Ep_RandomResult_IsTheProductOfProbabilities()
    {
        Range part = new Range(Reliability.Length);
        var works = Variable.Array<bool>(part).Named("works");
        works[part] = Variable.Bernoulli(Variable.Observed(Reliability, part)[part]);
        var all = Variable.AllTrue(works).Named("all");
        AssertClose(Reliability.Aggregate(1.0, (a, b) => a * b), new InferenceEngine().Infer<Bernoulli>(all).GetProbTrue(), 1e-12, "P(all)");
    }

    [Fact]
    public void Ep_AllTrueInsideIf_GivesTheExactSelectorPosterior()
    {
        var s = Variable.Bernoulli(0.5).Named("s");
        Range part = new Range(Reliability.Length);
        var works = Variable.Array<bool>(part).Named("works");
        works[part] = Variable.Bernoulli(Variable.Observed(Reliability, part)[part]);
        using (Variable.If(s)) Variable.ConstrainTrue(Variable.AllTrue(works));
        var engine = new InferenceEngine();
        double all = Reliability.Aggregate(1.0, (a, b) => a * b), ps = all / (all + 1);
        AssertClose(ps, engine.Infer<Bernoulli>(s).GetProbTrue(), 1e-12, "P(s)");
        var q = engine.Infer<Bernoulli[]>(works);
        for (int i = 0; i < Reliability.Length; i++)
            AssertClose(ps + (1 - ps) * Reliability[i], q[i].GetProbTrue(), 1e-12, $"P(works[{i}]) (mixture over s)");
    }

    [Fact]
    public void Ep_AllObservedTrue_CountsEveryDraw()
    {
        var p = Variable.Beta(2, 2).Named("p");
        Range n = new Range(3);
        var draws = Variable.Array<bool>(n).Named("draws");
        draws[n] = Variable.Bernoulli(p).ForEach(n);
        var all = Variable.AllTrue(draws).Named("all");
        all.ObservedValue = true;
        var q = new InferenceEngine().Infer<Beta>(p);
        AssertClose(5, q.TrueCount, 1e-9, "true count 2 + 3");
        AssertClose(2, q.FalseCount, 1e-9, "false count");
    }

    [Fact]
    public void Vmp_IsRefusedNamingTheArray()
    {
        Range n = new Range(2);
        var x = Variable.Array<bool>(n).Named("parts");
        x[n] = Variable.Bernoulli(0.5).ForEach(n);
        var all = Variable.AllTrue(x).Named("all");
        var ex = Assert.Throws<NotSupportedException>(() => new InferenceEngine(new VariationalMessagePassing()).Infer<Bernoulli>(all));
        Assert.Contains("'parts'", ex.Message);
    }
}
