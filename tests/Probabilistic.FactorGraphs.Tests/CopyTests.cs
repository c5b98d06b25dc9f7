using Normal = MathNet.Numerics.Distributions.Normal;

namespace Probabilistic.FactorGraphs.Tests;

/// <summary>Variable.Copy against conjugate closed forms and enumeration, with their evidence.</summary>
public class CopyTests
{
    public static TheoryData<string> Algorithms() => ["EP", "VMP"];

    private static InferenceEngine Engine(string algorithm) =>
        algorithm == "EP" ? new InferenceEngine() : new InferenceEngine(new VariationalMessagePassing());

    // |actual − expected| ≤ tolerance·max(1, |expected|)
    private static void AssertClose(double expected, double actual, double tolerance, string what) =>
        Numbers.AssertClose(expected, actual, tolerance, tolerance, what);

    [Theory]
    [MemberData(nameof(Algorithms))]
    public void GaussianCopy_SharesThePosterior_AndTheEvidence(string algorithm)
    {
        var evidence = Variable.Bernoulli(0.5).Named("evidence");
        Variable<double> x, copy;
        using (Variable.If(evidence))
        {
            x = Variable.GaussianFromMeanAndVariance(0, 4).Named("x");
            copy = Variable.Copy(x).Named("copy");
            var y = Variable.GaussianFromMeanAndVariance(copy, 1).Named("y");
            y.ObservedValue = 2.0;
            var z = Variable.GaussianFromMeanAndVariance(x, 2).Named("z");
            z.ObservedValue = 1.0;
        }
        var engine = Engine(algorithm);
        // precision 1/4 + 1 + 1/2, mean (2 + 1/2)/precision; evidence N((2, 1); 0, [[5, 4], [4, 6]])
        double precision = 1.75, mean = 2.5 / precision;
        foreach (var v in new[] { x, copy })
        {
            var q = engine.Infer<Gaussian>(v);
            AssertClose(mean, q.GetMean(), 1e-12, $"{algorithm} E[{v.Name}]");
            AssertClose(1 / precision, q.GetVariance(), 1e-12, $"{algorithm} Var[{v.Name}]");
        }
        double det = 5 * 6 - 16, quad = (6 * 4 - 2 * 4 * 2 * 1 + 5 * 1) / det;
        double logZ = -Math.Log(2 * Math.PI) - 0.5 * Math.Log(det) - 0.5 * quad;
        AssertClose(logZ, engine.Infer<Bernoulli>(evidence).LogOdds, 1e-10, $"{algorithm} log evidence");
    }

    [Theory]
    [MemberData(nameof(Algorithms))]
    public void BoolCopyAsSelector_AgreesWithEnumeration(string algorithm)
    {
        var a = Variable.Bernoulli(0.3).Named("a");
        var c = Variable.Copy(a).Named("c");
        var y = Variable.New<bool>().Named("y");
        using (Variable.If(c)) y.SetTo(Variable.Bernoulli(0.9));
        using (Variable.IfNot(c)) y.SetTo(Variable.Bernoulli(0.2));
        y.ObservedValue = true;
        double exact = 0.3 * 0.9 / (0.3 * 0.9 + 0.7 * 0.2);
        AssertClose(exact, Engine(algorithm).Infer<Bernoulli>(a).GetProbTrue(), 1e-10, $"{algorithm} P(a | y)");
    }

    [Theory]
    [MemberData(nameof(Algorithms))]
    public void ObservedCopy_PinsTheOriginal(string algorithm)
    {
        var x = Variable.GaussianFromMeanAndVariance(0, 1).Named("x");
        var copy = Variable.Copy(x).Named("copy");
        copy.ObservedValue = 0.7;
        var q = Engine(algorithm).Infer<Gaussian>(x);
        Assert.True(q.IsPointMass && q.Point == 0.7, $"{algorithm}: x given its observed copy is {q}");
    }

    [Fact]
    public void CopyOfAnObservedVariable_IsRefusedNamingIt()
    {
        var x = Variable.Observed(1.5).Named("x");
        var copy = Variable.Copy(x).Named("copy");
        var y = Variable.GaussianFromMeanAndVariance(copy, 1).Named("y");
        var ex = Assert.ThrowsAny<Exception>(() => new InferenceEngine().Infer<Gaussian>(y));
        Assert.Contains("'x'", ex.Message);
    }
}
