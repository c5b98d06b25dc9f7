using Probabilistic.FactorGraphs.Factors;
using Normal = MathNet.Numerics.Distributions.Normal;

namespace Probabilistic.FactorGraphs.Tests;

/// <summary>
/// Variable.IsBetween / ConstrainBetween against quadrature: the bivariate normal probability, truncated moments with
/// constant bounds (EP and VMP), the joint posterior with random bounds, the evidence, gates, and the refusals.
/// </summary>
public class IsBetweenTests
{
    private static void AssertClose(double expected, double actual, double tolerance, string what) =>
        Assert.True(Math.Abs(expected - actual) <= tolerance * Math.Max(1, Math.Abs(expected)), $"{what}: expected {expected}, got {actual}");

    // composite Simpson's rule of f on [a, b] with n (even) intervals
    private static double Integrate(Func<double, double> f, double a, double b, int n = 40000)
    {
        double h = (b - a) / n, s = f(a) + f(b);
        for (int i = 1; i < n; i++) s += (i % 2 == 1 ? 4 : 2) * f(a + i * h);
        return s * h / 3;
    }

    [Theory]
    [InlineData(0.3, -0.2, 0.1)]
    [InlineData(-1.0, 0.5, -0.6)]
    [InlineData(0.4, 1.1, 0.8)]
    [InlineData(-0.7, -0.3, 0.97)]
    [InlineData(0.2, -1.5, -0.95)]
    [InlineData(1.3, 0.9, -0.99)]
    public void BivariateNormalUpper_AgreesWithQuadrature(double h, double k, double rho)
    {
        double s = Math.Sqrt(1 - rho * rho);
        // P(W1 > h, W2 > k) = ∫_h^∞ φ(w) P(W2 > k | W1 = w) dw
        double expected = Integrate(w => Normal.PDF(0, 1, w) * (1 - Normal.CDF(0, 1, (k - rho * w) / s)), h, h + 40);
        AssertClose(expected, IsBetweenOp.BivariateNormalUpper(h, k, rho), 1e-12, $"P(W1 > {h}, W2 > {k}; ρ = {rho})");
    }

    [Theory]
    [InlineData("EP")]
    [InlineData("VMP")]
    public void ConstantBounds_TruncateTheGaussian(string algorithm)
    {
        var x = Variable.GaussianFromMeanAndVariance(0.3, 2).Named("x");
        Variable.ConstrainBetween(x, -0.5, 1.0);
        var engine = algorithm == "EP" ? new InferenceEngine() : new InferenceEngine(new VariationalMessagePassing());
        var q = engine.Infer<Gaussian>(x);
        double sd = Math.Sqrt(2);
        double z = Integrate(t => Normal.PDF(0.3, sd, t), -0.5, 1);
        double m = Integrate(t => t * Normal.PDF(0.3, sd, t), -0.5, 1) / z;
        double v = Integrate(t => t * t * Normal.PDF(0.3, sd, t), -0.5, 1) / z - m * m;
        AssertClose(m, q.GetMean(), 1e-10, $"{algorithm} E[x | −0.5 ≤ x < 1]");
        AssertClose(v, q.GetVariance(), 1e-10, $"{algorithm} Var[x | −0.5 ≤ x < 1]");
        AssertClose(Math.Log(z), engine.LastTrace!.FinalElbo, 1e-10, $"{algorithm} log evidence (VMP's bound is exact: q is the truncated posterior)");
    }

    [Fact]
    public void Vmp_AffineArgument_TruncatesTheVariableItIsAFunctionOf()
    {
        var x = Variable.GaussianFromMeanAndVariance(0, 1).Named("x");
        Variable.ConstrainBetween(Variable.Product(x, Variable.Observed(2.0)) + Variable.Observed(1.0), 0.0, 2.0);
        var q = new InferenceEngine(new VariationalMessagePassing()).Infer<Gaussian>(x);
        double z = Integrate(t => Normal.PDF(0, 1, t), -0.5, 0.5);
        double v = Integrate(t => t * t * Normal.PDF(0, 1, t), -0.5, 0.5) / z;
        AssertClose(0, q.GetMean(), 1e-12, "E[x | 0 ≤ 2x + 1 < 2]");
        AssertClose(v, q.GetVariance(), 1e-10, "Var[x | 0 ≤ 2x + 1 < 2]");
    }

    [Fact]
    public void Ep_RandomBounds_MatchTheJointPosteriorMoments_AndTheEvidence()
    {
        var evidence = Variable.Bernoulli(0.5).Named("evidence");
        Variable<double> x, lower, upper;
        using (Variable.If(evidence))
        {
            x = Variable.GaussianFromMeanAndVariance(1, 1).Named("x");
            lower = Variable.GaussianFromMeanAndVariance(0, 0.25).Named("lower");
            upper = Variable.GaussianFromMeanAndVariance(2.2, 0.5).Named("upper");
            Variable.ConstrainBetween(x, lower, upper);
        }
        var engine = new InferenceEngine();
        double sl = 0.5, su = Math.Sqrt(0.5);
        // integrate over x the probability and partial moments of l ≤ x and u > x in closed form
        double Pl(double t) => Normal.CDF(0, sl, t);
        double Pu(double t) => 1 - Normal.CDF(2.2, su, t);
        double Nx(double t) => Normal.PDF(1, 1, t);
        double L1(double t) => 0 * Pl(t) - sl * Normal.PDF(0, 1, t / sl);
        double L2(double t) => (0 + 0.25) * Pl(t) - sl * (t + 0) * Normal.PDF(0, 1, t / sl);
        double U1(double t) => 2.2 * Pu(t) + su * Normal.PDF(0, 1, (t - 2.2) / su);
        double U2(double t) => (2.2 * 2.2 + 0.5) * Pu(t) + su * (t + 2.2) * Normal.PDF(0, 1, (t - 2.2) / su);
        double Z = Integrate(t => Nx(t) * Pl(t) * Pu(t), -12, 14);
        (double, double) Moments(Func<double, double> first, Func<double, double> second) =>
            (Integrate(first, -12, 14) / Z, Integrate(second, -12, 14) / Z);
        var (mx, sx) = Moments(t => t * Nx(t) * Pl(t) * Pu(t), t => t * t * Nx(t) * Pl(t) * Pu(t));
        var (ml, sl2) = Moments(t => Nx(t) * L1(t) * Pu(t), t => Nx(t) * L2(t) * Pu(t));
        var (mu, su2) = Moments(t => Nx(t) * Pl(t) * U1(t), t => Nx(t) * Pl(t) * U2(t));
        foreach (var (v, m, second) in new[] { (x, mx, sx), (lower, ml, sl2), (upper, mu, su2) })
        {
            var q = engine.Infer<Gaussian>(v);
            AssertClose(m, q.GetMean(), 1e-9, $"E[{v.Name}]");
            AssertClose(second - m * m, q.GetVariance(), 1e-9, $"Var[{v.Name}]");
        }
        AssertClose(Math.Log(Z), engine.Infer<Bernoulli>(evidence).LogOdds, 1e-9, "log P(lower ≤ x < upper)");
    }

    [Fact]
    public void Ep_RandomResult_IsTheIntervalProbability()
    {
        var x = Variable.GaussianFromMeanAndVariance(0.2, 1).Named("x");
        var inside = Variable.IsBetween(x, -1.0, 0.5).Named("inside");
        double p = Normal.CDF(0.2, 1, 0.5) - Normal.CDF(0.2, 1, -1);
        AssertClose(p, new InferenceEngine().Infer<Bernoulli>(inside).GetProbTrue(), 1e-12, "P(−1 ≤ x < 0.5)");
    }

    [Fact]
    public void Ep_InsideIf_GivesTheExactMixture()
    {
        var x = Variable.GaussianFromMeanAndVariance(0, 1).Named("x");
        var s = Variable.Bernoulli(0.5).Named("s");
        using (Variable.If(s))
        {
            var inside = Variable.IsBetween(x, 0.0, 1.0);
            inside.ObservedValue = true;
        }
        var engine = new InferenceEngine();
        double z = Normal.CDF(0, 1, 1) - 0.5, w = z / (z + 1);
        AssertClose(w, engine.Infer<Bernoulli>(s).GetProbTrue(), 1e-12, "P(s)");
        double m1 = Integrate(t => t * Normal.PDF(0, 1, t), 0, 1) / z, e2 = Integrate(t => t * t * Normal.PDF(0, 1, t), 0, 1) / z;
        double mean = w * m1, second = w * e2 + (1 - w);
        var q = engine.Infer<Gaussian>(x);
        AssertClose(mean, q.GetMean(), 1e-10, "E[x] (mixture)");
        AssertClose(second - mean * mean, q.GetVariance(), 1e-10, "Var[x] (mixture)");
    }

    [Fact]
    public void Vmp_RandomBounds_AndObservedFalse_AreRefused()
    {
        var x = Variable.GaussianFromMeanAndVariance(0, 4).Named("x");
        var lower = Variable.GaussianFromMeanAndVariance(-1, 0.5).Named("lower");
        Variable.ConstrainBetween(x, lower, 1.0);
        var ex = Assert.Throws<NotSupportedException>(() => new InferenceEngine(new VariationalMessagePassing()).Infer<Gaussian>(x));
        Assert.Contains("'lower'", ex.Message);

        var y = Variable.GaussianFromMeanAndVariance(0, 1).Named("y");
        var inside = Variable.IsBetween(y, -1.0, 0.5).Named("inside");
        inside.ObservedValue = false;
        Assert.Throws<NotSupportedException>(() => new InferenceEngine(new VariationalMessagePassing()).Infer<Gaussian>(y));
    }
}
