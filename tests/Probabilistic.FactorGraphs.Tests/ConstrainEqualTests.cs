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
    public void Ep_ContinuousVariableFixedInsideAGate_IsTheProjectionOfTheExactPosterior()
    {
        // c ~ Bernoulli(0.5), x ~ N(0, 4), y ~ N(x, 0.5) observed 0.7, and x = 1 when c. Exactly:
        //   Z_true = 0.5 N(1; 0, 4) N(0.7; 1, 0.5), Z_false = 0.5 N(0.7; 0, 4.5),
        //   p(x | c = false) = N((0.7 / 0.5) / 2.25, 1 / 2.25) (precision 1/4 + 1/0.5),
        // and EP's x is the moment match of the mixture p(c) δ(x − 1) + (1 − p(c)) p(x | c = false): the y factor's message
        // to x does not depend on x, so EP has nothing to approximate but the final projection.
        var c = Variable.Bernoulli(0.5).Named("c");
        var x = Variable.GaussianFromMeanAndVariance(0, 4).Named("x");
        using (Variable.If(c)) Variable.ConstrainEqual(x, 1.0);
        var y = Variable.GaussianFromMeanAndVariance(x, 0.5).Named("y");
        y.ObservedValue = 0.7;
        var engine = new InferenceEngine();

        static double Normal(double v, double mean, double variance) =>
            Math.Exp(-(v - mean) * (v - mean) / (2 * variance)) / Math.Sqrt(2 * Math.PI * variance);
        double zTrue = 0.5 * Normal(1, 0, 4) * Normal(0.7, 1, 0.5), zFalse = 0.5 * Normal(0.7, 0, 4.5);
        double pTrue = zTrue / (zTrue + zFalse);
        double meanFalse = 0.7 / 0.5 / 2.25, varianceFalse = 1 / 2.25;
        double mean = pTrue * 1 + (1 - pTrue) * meanFalse;
        double variance = pTrue * 1 + (1 - pTrue) * (varianceFalse + meanFalse * meanFalse) - mean * mean;

        AssertClose(pTrue, engine.Infer<Bernoulli>(c).GetProbTrue(), 1e-12, "P(c)");
        var qx = engine.Infer<Gaussian>(x);
        AssertClose(mean, qx.GetMean(), 1e-12, "E[x]");
        AssertClose(variance, qx.GetVariance(), 1e-12, "Var[x]");
    }

    [Fact]
    public void Ep_ContinuousVariableFixedInNestedGates_IsTheProjectionOfTheExactPosterior()
    {
        // x = 1 only when both c1 ~ Bernoulli(0.5) and c2 ~ Bernoulli(0.3); otherwise as above. Moment matching is linear in
        // the moments, so the outer gate's projection of the inner one's projection is the projection of the whole mixture.
        var c1 = Variable.Bernoulli(0.5).Named("c1");
        var c2 = Variable.Bernoulli(0.3).Named("c2");
        var x = Variable.GaussianFromMeanAndVariance(0, 4).Named("x");
        using (Variable.If(c1))
        using (Variable.If(c2))
            Variable.ConstrainEqual(x, 1.0);
        var y = Variable.GaussianFromMeanAndVariance(x, 0.5).Named("y");
        y.ObservedValue = 0.7;
        var engine = new InferenceEngine();

        static double Normal(double v, double mean, double variance) =>
            Math.Exp(-(v - mean) * (v - mean) / (2 * variance)) / Math.Sqrt(2 * Math.PI * variance);
        double pinned = Normal(1, 0, 4) * Normal(0.7, 1, 0.5), free = Normal(0.7, 0, 4.5);
        double zTT = 0.5 * 0.3 * pinned, zTF = 0.5 * 0.7 * free, zF = 0.5 * free, z = zTT + zTF + zF;
        double meanFree = 0.7 / 0.5 / 2.25, varianceFree = 1 / 2.25;
        double pPinned = zTT / z;
        double mean = pPinned * 1 + (1 - pPinned) * meanFree;
        double variance = pPinned * 1 + (1 - pPinned) * (varianceFree + meanFree * meanFree) - mean * mean;

        AssertClose((zTT + zTF) / z, engine.Infer<Bernoulli>(c1).GetProbTrue(), 1e-12, "P(c1)");
        AssertClose((zTT + 0.3 * zF) / z, engine.Infer<Bernoulli>(c2).GetProbTrue(), 1e-12, "P(c2)");
        var qx = engine.Infer<Gaussian>(x);
        AssertClose(mean, qx.GetMean(), 1e-12, "E[x]");
        AssertClose(variance, qx.GetVariance(), 1e-12, "Var[x]");
    }
}
