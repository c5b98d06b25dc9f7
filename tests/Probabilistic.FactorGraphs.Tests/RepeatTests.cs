using MathNet.Numerics;
using Normal = MathNet.Numerics.Distributions.Normal;

namespace Probabilistic.FactorGraphs.Tests;

/// <summary>Variable.Repeat (factors raised to a power) against conjugate closed forms and quadrature of the evidence.</summary>
public class RepeatTests
{
    public static TheoryData<string> Algorithms() => ["EP", "VMP"];

    private static InferenceEngine Engine(string algorithm) =>
        algorithm == "EP" ? new InferenceEngine() : new InferenceEngine(new VariationalMessagePassing());

    private static void AssertClose(double expected, double actual, double tolerance, string what) =>
        Assert.True(Math.Abs(expected - actual) <= tolerance * Math.Max(1, Math.Abs(expected)), $"{what}: expected {expected}, got {actual}");

    [Theory]
    [MemberData(nameof(Algorithms))]
    public void WeightedGaussianData_GivesThePoweredPosterior_AndItsEvidence(string algorithm)
    {
        double[] data = [1.0, 2.0, 1.5];
        const double w = 2.5;
        var mean = Variable.GaussianFromMeanAndVariance(0, 10).Named("mean");
        var x = Variable.Observed(data).Named("x");
        Range n = x.Range;
        using (Variable.Repeat(w)) x[n] = Variable.GaussianFromMeanAndVariance(mean, 1).ForEach(n);
        var engine = Engine(algorithm);
        var q = engine.Infer<Gaussian>(mean);
        double precision = 0.1 + w * data.Length;
        AssertClose(w * data.Sum() / precision, q.GetMean(), 1e-12, $"{algorithm} E[mean]");
        AssertClose(1 / precision, q.GetVariance(), 1e-12, $"{algorithm} Var[mean]");
        // log ∫ N(m; 0, 10) Π N(x_i; m, 1)^w dm by quadrature; VMP's bound is exact here (q is the exact posterior)
        double Integrand(double m) => Math.Exp(Normal.PDFLn(0, Math.Sqrt(10), m) + w * data.Sum(xi => Normal.PDFLn(m, 1, xi)));
        double h = 1e-4, z = 0;
        for (double m = -10; m <= 12; m += h) z += Integrand(m) * h;
        AssertClose(Math.Log(z), engine.LastTrace!.FinalElbo, 1e-8, $"{algorithm} log evidence of the powered model");
    }

    [Theory]
    [MemberData(nameof(Algorithms))]
    public void ObservedWeightsPerElement_AddWeightedCounts_WithTheEvidence(string algorithm)
    {
        var p = Variable.Beta(1, 1).Named("p");
        var outcome = Variable.Observed(new[] { true, false, true }).Named("outcome");
        Range n = outcome.Range;
        var weight = Variable.Observed(new[] { 3.0, 1.0, 0.5 }, n).Named("weight");
        using (Variable.ForEach(n))
        using (Variable.Repeat(weight[n]))
            outcome[n] = Variable.Bernoulli(p);
        var engine = Engine(algorithm);
        var q = engine.Infer<Beta>(p);
        AssertClose(4.5, q.TrueCount, 1e-9, $"{algorithm} true count 1 + 3 + 0.5");
        AssertClose(2, q.FalseCount, 1e-9, $"{algorithm} false count 1 + 1");
        // ∫ p^3.5 (1 − p) dp = B(4.5, 2)
        AssertClose(SpecialFunctions.BetaLn(4.5, 2), engine.LastTrace!.FinalElbo, 1e-8, $"{algorithm} log evidence");
    }

    [Theory]
    [MemberData(nameof(Algorithms))]
    public void CountOne_IsTheModelItself_AndCountZero_RemovesTheData(string algorithm)
    {
        Gaussian Run(double? count)
        {
            var mean = Variable.GaussianFromMeanAndVariance(1, 4);
            var x = Variable.Observed(new[] { 3.0, -1.0 });
            Range n = x.Range;
            if (count is double c)
                using (Variable.Repeat(c)) x[n] = Variable.GaussianFromMeanAndVariance(mean, 2).ForEach(n);
            else x[n] = Variable.GaussianFromMeanAndVariance(mean, 2).ForEach(n);
            return Engine(algorithm).Infer<Gaussian>(mean);
        }
        var plain = Run(null);
        var once = Run(1);
        AssertClose(plain.GetMean(), once.GetMean(), 1e-14, $"{algorithm} E[mean], count 1");
        AssertClose(plain.GetVariance(), once.GetVariance(), 1e-14, $"{algorithm} Var[mean], count 1");
        var none = Run(0);
        AssertClose(1, none.GetMean(), 1e-14, $"{algorithm} E[mean], count 0 (the prior)");
        AssertClose(4, none.GetVariance(), 1e-14, $"{algorithm} Var[mean], count 0 (the prior)");
    }

    [Fact]
    public void RandomVariableDefinedInsideTheBlock_IsRefusedNamingTheFactor()
    {
        var mean = Variable.GaussianFromMeanAndVariance(0, 10).Named("mean");
        Variable<double> y;
        using (Variable.Repeat(2)) y = Variable.GaussianFromMeanAndVariance(mean, 1).Named("y");
        var z = Variable.GaussianFromMeanAndVariance(y, 1).Named("z");
        z.ObservedValue = 1;
        var ex = Assert.Throws<NotSupportedException>(() => new InferenceEngine().Infer<Gaussian>(mean));
        Assert.Contains("Repeat", ex.Message);
        Assert.Contains("'y'", ex.Message);
    }
}
