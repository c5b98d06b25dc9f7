using Normal = MathNet.Numerics.Distributions.Normal;

namespace Probabilistic.FactorGraphs.Tests;

/// <summary>Variable.ConstrainEqual against closed forms, quadrature and enumeration; evidence; the refusals.</summary>
public class ConstrainEqualTests
{
    private static void AssertClose(double expected, double actual, double tolerance, string what) =>
        Assert.True(Math.Abs(expected - actual) <= tolerance * Math.Max(1, Math.Abs(expected)), $"{what}: expected {expected}, got {actual}");

    [Fact]
    public void Ep_TwoGaussians_AreTheProductOfTheirPriors_WithTheEvidence()
    {
        var evidence = Variable.Bernoulli(0.5).Named("evidence");
        Variable<double> a, b;
        using (Variable.If(evidence))
        {
            a = Variable.GaussianFromMeanAndVariance(1, 2).Named("a");
            b = Variable.GaussianFromMeanAndVariance(4, 1).Named("b");
            Variable.ConstrainEqual(a, b);
        }
        var engine = new InferenceEngine();
        foreach (var v in new[] { a, b })
        {
            var q = engine.Infer<Gaussian>(v);
            AssertClose(3, q.GetMean(), 1e-12, $"E[{v.Name}]");
            AssertClose(2.0 / 3, q.GetVariance(), 1e-12, $"Var[{v.Name}]");
        }
        AssertClose(Normal.PDFLn(4, Math.Sqrt(3), 1), engine.Infer<Bernoulli>(evidence).LogOdds, 1e-10, "log ∫ N(x; 1, 2) N(x; 4, 1) dx");
    }

    [Fact]
    public void Vmp_TwoRandomVariables_AreRefusedNamingBoth()
    {
        var a = Variable.GaussianFromMeanAndVariance(1, 2).Named("a");
        var b = Variable.GaussianFromMeanAndVariance(4, 1).Named("b");
        Variable.ConstrainEqual(a, b);
        var ex = Assert.Throws<NotSupportedException>(() => new InferenceEngine(new VariationalMessagePassing()).Infer<Gaussian>(a));
        Assert.True(ex.Message.Contains("'a'") && ex.Message.Contains("'b'"), ex.Message);
    }

    [Fact]
    public void Ep_BoolsAndInts_AgreeWithEnumeration()
    {
        var a = Variable.Bernoulli(0.3).Named("a");
        var b = Variable.Bernoulli(0.6).Named("b");
        Variable.ConstrainEqual(a, b);
        var c = Variable.Discrete(0.2, 0.3, 0.5).Named("c");
        var d = Variable.Discrete(0.5, 0.4, 0.1).Named("d");
        Variable.ConstrainEqual(c, d);
        var engine = new InferenceEngine();
        AssertClose(0.18 / (0.18 + 0.28), engine.Infer<Bernoulli>(a).GetProbTrue(), 1e-12, "P(a)");
        double[] w = [0.1, 0.12, 0.05];
        var qc = engine.Infer<Discrete>(c);
        for (int k = 0; k < 3; k++) AssertClose(w[k] / w.Sum(), qc[k], 1e-12, $"P(c = {k})");
    }

    [Theory]
    [InlineData("EP")]
    [InlineData("VMP")]
    public void ConstantSide_PinsTheVariable_WithItsPriorProbabilityAsEvidence(string algorithm)
    {
        var evidence = Variable.Bernoulli(0.5).Named("evidence");
        Variable<int> e;
        using (Variable.If(evidence))
        {
            e = Variable.Discrete(0.2, 0.3, 0.5).Named("e");
            Variable.ConstrainEqual(e, 1);
        }
        var engine = algorithm == "EP" ? new InferenceEngine() : new InferenceEngine(new VariationalMessagePassing());
        var q = engine.Infer<Discrete>(e);
        Assert.True(q.IsPointMass && q.Point == 1, $"{algorithm}: e = {q}");
        AssertClose(Math.Log(0.3), engine.Infer<Bernoulli>(evidence).LogOdds, 1e-10, $"{algorithm} log evidence = log P(e = 1)");
    }

    [Fact]
    public void Ep_InsideIf_GivesTheExactSelectorPosterior()
    {
        var same = Variable.Bernoulli(0.5).Named("same");
        var a = Variable.GaussianFromMeanAndVariance(0, 1).Named("a");
        var b = Variable.GaussianFromMeanAndVariance(0, 1).Named("b");
        using (Variable.If(same)) Variable.ConstrainEqual(a, b);
        var ya = Variable.GaussianFromMeanAndVariance(a, 0.1).Named("ya");
        var yb = Variable.GaussianFromMeanAndVariance(b, 0.1).Named("yb");
        ya.ObservedValue = 0.8;
        yb.ObservedValue = 1.1;
        double sd = Math.Sqrt(0.1);
        double Joint(double t) => Normal.PDF(0, 1, t) * Normal.PDF(0, 1, t) * Normal.PDF(t, sd, 0.8) * Normal.PDF(t, sd, 1.1);
        double h = 1e-3, zSame = 0, m1Same = 0;
        for (double t = -8; t <= 8; t += h) { zSame += Joint(t) * h; m1Same += t * Joint(t) * h; }
        double zApart = Normal.PDF(0, Math.Sqrt(1.1), 0.8) * Normal.PDF(0, Math.Sqrt(1.1), 1.1);
        double p = zSame / (zSame + zApart);
        var engine = new InferenceEngine();
        AssertClose(p, engine.Infer<Bernoulli>(same).GetProbTrue(), 1e-8, "P(same | ya, yb) against quadrature");
        double meanApart = 0.8 / 1.1;
        AssertClose(p * m1Same / zSame + (1 - p) * meanApart, engine.Infer<Gaussian>(a).GetMean(), 1e-8, "E[a] (the mixture's mean)");
    }

    [Fact]
    public void Ep_DiscreteFixedPerCase_AgreesWithEnumeration()
    {
        var c = Variable.Discrete(0.2, 0.5, 0.3).Named("c");
        var d = Variable.Discrete(0.6, 0.3, 0.1).Named("d");
        for (int k = 0; k < 3; k++)
            using (Variable.Case(c, k)) Variable.ConstrainEqual(d, k);
        var engine = new InferenceEngine();
        double[] w = [0.12, 0.15, 0.03];
        var qc = engine.Infer<Discrete>(c);
        var qd = engine.Infer<Discrete>(d);
        for (int k = 0; k < 3; k++)
        {
            AssertClose(w[k] / w.Sum(), qc[k], 1e-10, $"P(c = {k})");
            AssertClose(w[k] / w.Sum(), qd[k], 1e-10, $"P(d = {k})");
        }
    }

    [Fact]
    public void Ep_ContinuousVariableFixedInsideAGate_IsRefusedNamingIt()
    {
        var c = Variable.Bernoulli(0.5).Named("c");
        var x = Variable.GaussianFromMeanAndVariance(0, 4).Named("x");
        using (Variable.If(c)) Variable.ConstrainEqual(x, 1.0);
        var ex = Assert.Throws<NotSupportedException>(() => new InferenceEngine().Infer<Bernoulli>(c));
        Assert.Contains("'x'", ex.Message);
        Assert.Contains("ConstrainEqualRandom", ex.Message);
    }
}
