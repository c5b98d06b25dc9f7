using MathNet.Numerics;

namespace Probabilistic.FactorGraphs.Tests.FactorTests;

/// <summary>
/// k ~ Binomial(n, p): observed counts against the conjugate posterior and the beta-binomial evidence, a predicted count
/// against the beta-binomial computed here by quadrature over p, a random trial count against enumeration (EP) and against
/// the mean-field fixed-point equations iterated by hand (VMP), and the refusals.
/// </summary>
public class BinomialTests
{
    private static InferenceEngine Engine(bool vmp) => vmp ? new InferenceEngine(new VariationalMessagePassing()) : new InferenceEngine();

    private static double LogBeta(double a, double b) => SpecialFunctions.GammaLn(a) + SpecialFunctions.GammaLn(b) - SpecialFunctions.GammaLn(a + b);

    private static double LogChoose(int n, int k) => SpecialFunctions.FactorialLn(n) - SpecialFunctions.FactorialLn(k) - SpecialFunctions.FactorialLn(n - k);

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void ObservedCounts_ConjugatePosteriorAndEvidence(bool vmp)
    {
        double a = 2, b = 3;
        int[] successes = [7, 5, 8, 2];
        int[] trials = [10, 6, 12, 4];
        var p = Variable.Beta(a, b).Named("p");
        var n = new Range(successes.Length).Named("n");
        var t = Variable.Observed(trials, n).Named("trials");
        var k = Variable.Array<int>(n).Named("k");
        k[n] = Variable.Binomial(t[n], p);
        k.ObservedValue = successes;
        var engine = Engine(vmp);
        var post = engine.Infer<Beta>(p);
        int sk = successes.Sum(), sn = trials.Sum();
        Assert.Equal(a + sk, post.TrueCount, 1e-10);
        Assert.Equal(b + sn - sk, post.FalseCount, 1e-10);
        double evidence = LogBeta(a + sk, b + sn - sk) - LogBeta(a, b);
        for (int i = 0; i < trials.Length; i++) evidence += LogChoose(trials[i], successes[i]);
        Assert.Equal(evidence, engine.LastTrace!.FinalElbo, 1e-9);
    }

    /// <summary>EP's marginal of an unobserved count is the beta-binomial ∫ Binom(k; n, p) Beta(p) dp (trapezoid over p here).</summary>
    [Fact]
    public void Ep_PredictedCount_IsBetaBinomial()
    {
        var p = Variable.Beta(3, 2).Named("p");
        var seen = Variable.Binomial(8, p).Named("seen");
        seen.ObservedValue = 6;
        var count = Variable.Binomial(6, p).Named("count");
        var engine = new InferenceEngine();
        var post = engine.Infer<Beta>(p);
        Assert.Equal(9, post.TrueCount, 1e-12);
        Assert.Equal(4, post.FalseCount, 1e-12);
        var pred = engine.Infer<Discrete>(count);
        const int grid = 200_000;
        for (int k = 0; k <= 6; k++)
        {
            double s = 0;
            for (int j = 1; j < grid; j++)
            {
                double x = (double)j / grid;
                s += Math.Exp(LogChoose(6, k) + k * Math.Log(x) + (6 - k) * Math.Log(1 - x) + 8 * Math.Log(x) + 3 * Math.Log(1 - x) - LogBeta(9, 4));
            }
            Assert.Equal(s / grid, pred[k], 1e-9);
        }
    }

    /// <summary>EP with a random trial count: its marginal is exact (by enumeration), p's the Beta with the mixture's mean and variance.</summary>
    [Fact]
    public void Ep_RandomTrialCount_ExactTrialsAndProjectedP()
    {
        double a = 3, b = 2;
        double[] prior = [0.1, 0.2, 0.3, 0.4];
        var p = Variable.Beta(a, b).Named("p");
        var trials = Variable.Discrete(prior).Named("trials");
        var count = Variable.Binomial(trials, p).Named("count");
        count.ObservedValue = 1;
        var engine = new InferenceEngine();
        var qn = engine.Infer<Discrete>(trials);
        var qp = engine.Infer<Beta>(p);
        // P(n | k = 1) ∝ prior(n) C(n, 1) B(a + 1, b + n − 1) / B(a, b); p | n ~ Beta(a + 1, b + n − 1)
        var w = new double[4];
        for (int n = 1; n < 4; n++) w[n] = prior[n] * Math.Exp(LogChoose(n, 1) + LogBeta(a + 1, b + n - 1) - LogBeta(a, b));
        double z = w.Sum(), mean = 0, second = 0;
        for (int n = 0; n < 4; n++)
        {
            Assert.Equal(w[n] / z, qn[n], 1e-12);
            if (w[n] == 0) continue;
            double ta = a + 1, tb = b + n - 1;
            mean += w[n] / z * ta / (ta + tb);
            second += w[n] / z * ta * (ta + 1) / ((ta + tb) * (ta + tb + 1));
        }
        Assert.Equal(mean, qp.GetMean(), 1e-12);
        Assert.Equal(second - mean * mean, qp.GetVariance(), 1e-12);
    }

    /// <summary>VMP with a random trial count: q(n) ∝ prior(n) C(n, k) exp((n − k) E[log(1 − p)]), q(p) = Beta(a + k, b + E[n] − k).</summary>
    [Fact]
    public void Vmp_RandomTrialCount_MatchesTheMeanFieldFixedPoint()
    {
        double a = 3, b = 2;
        int k = 2;
        double[] prior = [0, 0.1, 0.3, 0.4, 0.2];
        var p = Variable.Beta(a, b).Named("p");
        var trials = Variable.Discrete(prior).Named("trials");
        var count = Variable.Binomial(trials, p).Named("count");
        count.ObservedValue = k;
        var engine = new InferenceEngine(new VariationalMessagePassing()) { NumberOfIterations = 100 };
        var qn = engine.Infer<Discrete>(trials);
        var qp = engine.Infer<Beta>(p);
        double en = 0, ta = a + k, tb = b;
        var q = new double[prior.Length];
        for (int it = 0; it < 200; it++)
        {
            double elq = SpecialFunctions.DiGamma(tb) - SpecialFunctions.DiGamma(ta + tb);
            for (int n = 0; n < q.Length; n++) q[n] = n < k || prior[n] == 0 ? 0 : prior[n] * Math.Exp(LogChoose(n, k) + (n - k) * elq);
            double z = q.Sum();
            en = 0;
            for (int n = 0; n < q.Length; n++) { q[n] /= z; en += n * q[n]; }
            tb = b + en - k;
        }
        for (int n = 0; n < q.Length; n++) Assert.Equal(q[n], qn[n], 1e-10);
        Assert.Equal(a + k, qp.TrueCount, 1e-10);
        Assert.Equal(b + en - k, qp.FalseCount, 1e-10);
    }

    [Fact]
    public void CountAboveTheTrialCount_IsRefusedNamingTheVariable()
    {
        var p = Variable.Beta(1, 1);
        var k = Variable.Binomial(3, p).Named("hits");
        k.ObservedValue = 5;
        var e = Assert.ThrowsAny<ArgumentException>(() => new InferenceEngine().Infer<Beta>(p));
        Assert.Contains("'hits'", e.Message);
    }
}
