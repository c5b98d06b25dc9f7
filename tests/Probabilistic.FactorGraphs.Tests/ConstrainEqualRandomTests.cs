using Normal = MathNet.Numerics.Distributions.Normal;

namespace Probabilistic.FactorGraphs.Tests;

/// <summary>Variable.ConstrainEqualRandom (soft evidence) against closed forms and enumeration, with its evidence.</summary>
public class ConstrainEqualRandomTests
{
    public static TheoryData<string> Algorithms() => ["EP", "VMP"];

    private static InferenceEngine Engine(string algorithm) =>
        algorithm == "EP" ? new InferenceEngine() : new InferenceEngine(new VariationalMessagePassing());

    private static void AssertClose(double expected, double actual, double tolerance, string what) =>
        Assert.True(Math.Abs(expected - actual) <= tolerance * Math.Max(1, Math.Abs(expected)), $"{what}: expected {expected}, got {actual}");

    [Theory]
    [MemberData(nameof(Algorithms))]
    public void Gaussian_SoftEvidence_IsTheProductOfDensities_WithItsEvidence(string algorithm)
    {
        var evidence = Variable.Bernoulli(0.5).Named("evidence");
        Variable<double> x;
        using (Variable.If(evidence))
        {
            x = Variable.GaussianFromMeanAndVariance(0, 10).Named("x");
            Variable.ConstrainEqualRandom(x, Gaussian.FromMeanAndVariance(2, 1));
        }
        var engine = Engine(algorithm);
        var q = engine.Infer<Gaussian>(x);
        // N(x; 0, 10) N(x; 2, 1) = N(2; 0, 11) N(x; 20/11, 10/11)
        AssertClose(20.0 / 11, q.GetMean(), 1e-12, $"{algorithm} E[x]");
        AssertClose(10.0 / 11, q.GetVariance(), 1e-12, $"{algorithm} Var[x]");
        AssertClose(Normal.PDFLn(0, Math.Sqrt(11), 2), engine.Infer<Bernoulli>(evidence).LogOdds, 1e-10, $"{algorithm} log evidence");
    }

    [Theory]
    [MemberData(nameof(Algorithms))]
    public void BoolAndDiscrete_SoftEvidence_AgreesWithEnumeration(string algorithm)
    {
        var b = Variable.Bernoulli(0.3).Named("b");
        Variable.ConstrainEqualRandom(b, new Bernoulli(0.8));
        var c = Variable.Discrete(0.2, 0.3, 0.5).Named("c");
        Variable.ConstrainEqualRandom(c, new Discrete(0.6, 0.3, 0.1));
        var engine = Engine(algorithm);
        AssertClose(0.24 / (0.24 + 0.14), engine.Infer<Bernoulli>(b).GetProbTrue(), 1e-12, $"{algorithm} P(b)");
        double[] w = [0.12, 0.09, 0.05];
        var qc = engine.Infer<Discrete>(c);
        for (int k = 0; k < 3; k++) AssertClose(w[k] / w.Sum(), qc[k], 1e-12, $"{algorithm} P(c = {k})");
    }

    [Fact]
    public void Ep_SoftEvidenceInsideIf_GivesTheExactSelectorPosterior()
    {
        var s = Variable.Bernoulli(0.4).Named("s");
        var x = Variable.GaussianFromMeanAndVariance(0, 10).Named("x");
        using (Variable.If(s)) Variable.ConstrainEqualRandom(x, Gaussian.FromMeanAndVariance(2, 1));
        var engine = new InferenceEngine();
        // p(s = true | ·) ∝ 0.4 N(2; 0, 11), p(s = false | ·) ∝ 0.6; x's posterior is the mixture, EP keeps its moments
        double z1 = Normal.PDF(0, Math.Sqrt(11), 2), w = 0.4 * z1 / (0.4 * z1 + 0.6);
        AssertClose(w, engine.Infer<Bernoulli>(s).GetProbTrue(), 1e-12, "P(s)");
        double m1 = 20.0 / 11, v1 = 10.0 / 11, mean = w * m1, second = w * (v1 + m1 * m1) + (1 - w) * 10;
        var qx = engine.Infer<Gaussian>(x);
        AssertClose(mean, qx.GetMean(), 1e-12, "E[x] (mixture)");
        AssertClose(second - mean * mean, qx.GetVariance(), 1e-12, "Var[x] (mixture)");
    }

    [Theory]
    [MemberData(nameof(Algorithms))]
    public void DistributionVariable_Reobserved_GivesEachPosterior(string algorithm)
    {
        var x = Variable.GaussianFromMeanAndVariance(1, 4).Named("x");
        var soft = Variable.New<Gaussian>().Named("soft");
        Variable.ConstrainEqualRandom(x, soft);
        var engine = Engine(algorithm);
        foreach (var (m, v) in new[] { (3.0, 0.5), (-2.0, 2.0) })
        {
            soft.ObservedValue = Gaussian.FromMeanAndVariance(m, v);
            var q = engine.Infer<Gaussian>(x);
            double precision = 1 / 4.0 + 1 / v;
            AssertClose((1 / 4.0 + m / v) / precision, q.GetMean(), 1e-12, $"{algorithm} E[x] with soft evidence N({m}, {v})");
            AssertClose(1 / precision, q.GetVariance(), 1e-12, $"{algorithm} Var[x] with soft evidence N({m}, {v})");
        }
    }

    [Fact]
    public void SoftEvidenceOfAnotherType_IsRefusedNamingTheVariable()
    {
        var p = Variable.Beta(2, 2).Named("p");
        Variable.ConstrainEqualRandom(p, Gaussian.FromMeanAndVariance(0.5, 1));
        var ex = Assert.ThrowsAny<Exception>(() => new InferenceEngine().Infer<Beta>(p));
        Assert.Contains("'p'", ex.Message);
    }
}
