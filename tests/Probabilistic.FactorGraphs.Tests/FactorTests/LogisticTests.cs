using MathNet.Numerics;
using Probabilistic.FactorGraphs.Factors;

namespace Probabilistic.FactorGraphs.Tests.FactorTests;

/// <summary>
/// p = σ(x) and BernoulliFromLogOdds: EP's projections against a Simpson rule written here, EP's posterior of a log-odds with
/// Bernoulli observations against the exact posterior moments (one non-Gaussian factor, so EP is exact in moments), the
/// Saul–Jordan bound against brute-force minimisation and quadrature, VMP's fixed point as a stationary point of its bound
/// (finite differences), Beta.FromMeanLogs and the Beta message's two conditions.
/// </summary>
public class LogisticTests
{
    private static double Sigma(double x) => 1 / (1 + Math.Exp(-x));

    /// <summary>∫ g(x) N(x; m, v) dx by Simpson's rule over ±14 standard deviations.</summary>
    private static double Simpson(Func<double, double> g, double m, double v, int n = 20000)
    {
        double sd = Math.Sqrt(v), lo = m - 14 * sd, h = 28 * sd / n, s = 0;
        for (int k = 0; k <= n; k++)
        {
            double x = lo + k * h, w = k == 0 || k == n ? 1 : k % 2 == 1 ? 4 : 2;
            s += w * g(x) * Math.Exp(-0.5 * (x - m) * (x - m) / v) / Math.Sqrt(2 * Math.PI * v);
        }
        return s * h / 3;
    }

    [Theory]
    [InlineData(2.0, 1.0, 0.5, 2.0)]
    [InlineData(1.0, 2.0, -1.0, 0.3)]
    [InlineData(5.0, 2.0, 0.2, 4.0)]
    [InlineData(1.5, 3.5, 3.0, 1.0)]
    public void Ep_MessageToX_IsTheMomentMatchOfTheTiltedDensity(double a, double b, double m, double v)
    {
        var ctx = Gaussian.FromMeanAndVariance(m, v);
        var msg = LogisticOp.XAverageConditional(Beta.FromCounts(a, b), ctx);
        var post = msg * ctx;
        double F(double x) => Math.Pow(Sigma(x), a - 1) * Math.Pow(Sigma(-x), b - 1);
        double z = Simpson(F, m, v), mean = Simpson(x => x * F(x), m, v) / z, second = Simpson(x => x * x * F(x), m, v) / z;
        Assert.Equal(mean, post.GetMean(), 1e-10);
        Assert.Equal(second - mean * mean, post.GetVariance(), 1e-10);
        // the evidence term: log ∫ p^(a−1)(1−p)^(b−1) at p = σ(x), against the context (unnormalised)
        Assert.Equal(Math.Log(z) + ctx.GetLogNormalizer(), LogisticOp.LogAverageFactor(Beta.FromCounts(a, b), ctx), 1e-10);
    }

    /// <summary>
    /// A log-odds shared by five Bernoulli outcomes: its posterior is N(0, 1)·σ(x)⁴σ(−x). EP sees one Logistic factor with
    /// a Beta(5, 2) context, so its answer is the exact posterior's moments. (Infer.NET's power-EP update gives 0.71806 /
    /// 0.49499 for this model, the answer of EP with five separate factors.)
    /// </summary>
    [Fact]
    public void Ep_SharedLogOdds_IsTheExactPosteriorMoments()
    {
        var logOdds = Variable.GaussianFromMeanAndVariance(0, 1).Named("logOdds");
        var y = Variable.Observed(new[] { true, true, false, true, true }).Named("y");
        var n = y.Range;
        y[n] = Variable.BernoulliFromLogOdds(logOdds).ForEach(n);
        var post = new InferenceEngine().Infer<Gaussian>(logOdds);
        double F(double x) => Math.Pow(Sigma(x), 4) * Sigma(-x);
        double z = Simpson(F, 0, 1), mean = Simpson(x => x * F(x), 0, 1) / z, second = Simpson(x => x * x * F(x), 0, 1) / z;
        Assert.Equal(mean, post.GetMean(), 1e-9);
        Assert.Equal(second - mean * mean, post.GetVariance(), 1e-9);
    }

    /// <summary>The prior probability of an outcome, E[σ(x)], and its posterior after observing it (exact moments).</summary>
    [Fact]
    public void Ep_LogisticOfGaussian_PredictiveAndPosteriorAreExact()
    {
        var score = Variable.GaussianFromMeanAndVariance(0.5, 2).Named("score");
        var p = Variable.Logistic(score).Named("p");
        var outcome = Variable.Bernoulli(p).Named("outcome");
        var engine = new InferenceEngine();
        Assert.Equal(Simpson(Sigma, 0.5, 2), engine.Infer<Bernoulli>(outcome).GetProbTrue(), 1e-10);
        outcome.ObservedValue = true;
        var post = engine.Infer<Gaussian>(score);
        double z = Simpson(Sigma, 0.5, 2), mean = Simpson(x => x * Sigma(x), 0.5, 2) / z, second = Simpson(x => x * x * Sigma(x), 0.5, 2) / z;
        Assert.Equal(mean, post.GetMean(), 1e-9);
        Assert.Equal(second - mean * mean, post.GetVariance(), 1e-9);
        Assert.Equal(Math.Log(z), engine.LastTrace!.FinalElbo, 1e-9);
    }

    [Theory]
    [InlineData(0.3, 1.0)]
    [InlineData(-2.0, 0.5)]
    [InlineData(4.0, 9.0)]
    public void SaulJordan_IsTheMinimumOverAOfAnUpperBound(double m, double v)
    {
        var (bound, a) = LogisticOp.SaulJordan(m, v);
        double B(double t) => t * t * v / 2 + Math.Log(1 + Math.Exp(m + (1 - 2 * t) * v / 2));
        double best = double.PositiveInfinity, arg = 0;
        for (int k = 1; k < 100000; k++) { double t = k / 100000.0, bt = B(t); if (bt < best) { best = bt; arg = t; } }
        Assert.Equal(best, bound, 1e-9);
        Assert.Equal(arg, a, 1e-4);
        Assert.True(bound >= Simpson(x => Math.Log(1 + Math.Exp(x)), m, v), "the bound must lie above E[log(1 + e^x)]");
    }

    /// <summary>
    /// VMP on score ~ N(m0, v0), outcome = true ~ Bernoulli(σ(score)): the fixed point maximises the Saul–Jordan bound
    /// L(m, v) = E[log N(x; m0, v0)] + m − F(m, v) + ½ log v, so both partial derivatives vanish there.
    /// </summary>
    [Fact]
    public void Vmp_FixedPoint_IsAStationaryPointOfTheSaulJordanBound()
    {
        double m0 = 0.5, v0 = 2;
        var score = Variable.GaussianFromMeanAndVariance(m0, v0).Named("score");
        var outcome = Variable.BernoulliFromLogOdds(score).Named("outcome");
        outcome.ObservedValue = true;
        var engine = new InferenceEngine(new VariationalMessagePassing()) { NumberOfIterations = 300 };
        var q = engine.Infer<Gaussian>(score);
        double L(double m, double v)
        {
            double f = double.PositiveInfinity;
            for (int k = 1; k < 20000; k++) { double t = k / 20000.0; f = Math.Min(f, t * t * v / 2 + Math.Log(1 + Math.Exp(m + (1 - 2 * t) * v / 2))); }
            return -0.5 * ((m - m0) * (m - m0) + v) / v0 + m - f + 0.5 * Math.Log(v);
        }
        double mq = q.GetMean(), vq = q.GetVariance(), h = 1e-3;
        Assert.True(Math.Abs((L(mq + h, vq) - L(mq - h, vq)) / (2 * h)) < 1e-5, "∂L/∂m must vanish at VMP's fixed point");
        Assert.True(Math.Abs((L(mq, vq + h) - L(mq, vq - h)) / (2 * h)) < 1e-5, "∂L/∂v must vanish at VMP's fixed point");
        var bounds = engine.LastTrace!.Select(s => s.Elbo).ToList();
        for (int k = 1; k < bounds.Count; k++) Assert.True(bounds[k] >= bounds[k - 1] - 1e-12, $"bound fell at sweep {k + 1}");
    }

    [Theory]
    [InlineData(2.0, 3.0)]
    [InlineData(0.3, 0.8)]
    [InlineData(50.0, 7.0)]
    public void BetaFromMeanLogs_RoundTrips(double a, double b)
    {
        var (l1, l0) = Beta.FromCounts(a, b).GetMeanLogs();
        var back = Beta.FromMeanLogs(l1, l0);
        Assert.Equal(a, back.TrueCount, a * 1e-10);
        Assert.Equal(b, back.FalseCount, b * 1e-10);
    }

    [Theory]
    [InlineData(0.6, 1.0, 0.0)]
    [InlineData(0.3, 0.0, 1.0)]
    [InlineData(0.55, 4.0, 1.0)]
    public void BetaFromMeanAndIntegral_MeetsBothConditions(double mean, double a, double b)
    {
        // a logZ attained by some Beta(α, β): take α = 2.5 and the β the mean condition gives
        double alpha = 2.5, beta = (alpha + a) / mean - (alpha + a + b);
        double LogB(double x, double y) => SpecialFunctions.GammaLn(x) + SpecialFunctions.GammaLn(y) - SpecialFunctions.GammaLn(x + y);
        double logZ = LogB(alpha + a, beta + b) - LogB(alpha, beta);
        var r = LogisticOp.BetaFromMeanAndIntegral(mean, logZ, a, b);
        Assert.Equal(logZ, LogB(r.TrueCount + a, r.FalseCount + b) - LogB(r.TrueCount, r.FalseCount), 1e-10);
        Assert.Equal(mean, (r.TrueCount + a) / (r.TrueCount + r.FalseCount + a + b), 1e-12);
    }
}
