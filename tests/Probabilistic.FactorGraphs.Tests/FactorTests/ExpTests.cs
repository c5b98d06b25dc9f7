using MathNet.Numerics;
using Probabilistic.FactorGraphs.Factors;

namespace Probabilistic.FactorGraphs.Tests.FactorTests;

/// <summary>
/// y = e^d (Poisson regression's link): EP's projections against a Simpson rule written here; a Gaussian log-rate with Poisson
/// counts against its exact posterior moments and evidence (one non-Gaussian factor, so EP is exact in moments); VMP's fixed
/// point as a stationary point of the exact bound E[log N] + Σk·m − n·e^(m + v/2) + H (finite differences), with a bound
/// that never falls.
/// </summary>
public class ExpTests
{
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
    [InlineData(12.0, 3.0, 1.0, 0.5)]
    [InlineData(1.5, 0.2, -0.5, 2.0)]
    [InlineData(3.0, 10.0, 2.0, 0.1)]
    public void Ep_Messages_AreMomentMatchesOfTheTiltedDensity(double a, double b, double m, double v)
    {
        var ctxY = Gamma.FromShapeAndRate(a, b);
        var ctxD = Gaussian.FromMeanAndVariance(m, v);
        double F(double d) => Math.Exp((a - 1) * d - b * Math.Exp(d));
        double z = Simpson(F, m, v), mean = Simpson(d => d * F(d), m, v) / z, second = Simpson(d => d * d * F(d), m, v) / z;
        double meanY = Simpson(d => Math.Exp(d) * F(d), m, v) / z;
        var postD = ExpOp.DAverageConditional(ctxY, ctxD) * ctxD;
        Assert.Equal(mean, postD.GetMean(), 1e-10);
        Assert.Equal(second - mean * mean, postD.GetVariance(), 1e-10);
        // y's projection matches E[e^d] and E[d]; its message is kept proper (Infer.NET's ForceProper) when the tilted
        // distribution is wider than the context
        var expected = Gamma.ProperRatio(Gamma.FromMeanAndMeanLog(meanY, mean), ctxY);
        var toY = ExpOp.ExpAverageConditional(ctxY, ctxD);
        Assert.Equal(expected.Shape, toY.Shape, 1e-8 * Math.Abs(expected.Shape));
        Assert.Equal(expected.Rate, toY.Rate, 1e-8 * Math.Abs(expected.Rate) + 1e-12);
        Assert.Equal(Math.Log(z) + ctxD.GetLogNormalizer(), ExpOp.LogAverageFactor(ctxY, ctxD), 1e-10);
    }

    private static (Variable<double> LogRate, Variable<double> Rate) CountsModel(double m0, double v0, int[] counts)
    {
        var logRate = Variable.GaussianFromMeanAndVariance(m0, v0).Named("logRate");
        var rate = Variable.Exp(logRate).Named("rate");
        var n = new Range(counts.Length).Named("n");
        var y = Variable.Array<int>(n).Named("y");
        y[n] = Variable.Poisson(rate).ForEach(n);
        y.ObservedValue = counts;
        return (logRate, rate);
    }

    [Fact]
    public void Ep_LogRateWithPoissonCounts_IsTheExactPosteriorAndEvidence()
    {
        double m0 = 1, v0 = 0.5;
        int[] counts = [4, 2, 5];
        var (logRate, _) = CountsModel(m0, v0, counts);
        var engine = new InferenceEngine();
        var post = engine.Infer<Gaussian>(logRate);
        int sk = counts.Sum(), n = counts.Length;
        double F(double d) => Math.Exp(sk * d - n * Math.Exp(d));
        double z = Simpson(F, m0, v0), mean = Simpson(d => d * F(d), m0, v0) / z, second = Simpson(d => d * d * F(d), m0, v0) / z;
        Assert.Equal(mean, post.GetMean(), 1e-9);
        Assert.Equal(second - mean * mean, post.GetVariance(), 1e-9);
        double logFact = counts.Sum(k => SpecialFunctions.FactorialLn(k));
        Assert.Equal(Math.Log(z) - logFact, engine.LastTrace!.FinalElbo, 1e-9);
    }

    [Fact]
    public void Vmp_LogRateWithPoissonCounts_IsAStationaryPointOfTheBound()
    {
        double m0 = 1, v0 = 0.5;
        int[] counts = [4, 2, 5];
        var (logRate, rate) = CountsModel(m0, v0, counts);
        var engine = new InferenceEngine(new VariationalMessagePassing()) { NumberOfIterations = 300 };
        var q = engine.Infer<Gaussian>(logRate);
        int sk = counts.Sum(), n = counts.Length;
        double L(double m, double v) => -0.5 * ((m - m0) * (m - m0) + v) / v0 + sk * m - n * Math.Exp(m + v / 2) + 0.5 * Math.Log(v);
        double mq = q.GetMean(), vq = q.GetVariance(), h = 1e-5;
        Assert.True(Math.Abs((L(mq + h, vq) - L(mq - h, vq)) / (2 * h)) < 1e-6, "∂L/∂m must vanish at VMP's fixed point");
        Assert.True(Math.Abs((L(mq, vq + h) - L(mq, vq - h)) / (2 * h)) < 1e-6, "∂L/∂v must vanish at VMP's fixed point");
        // the rate's marginal is the Gamma with the lognormal's E[y] and E[log y]
        var qy = engine.Infer<Gamma>(rate);
        Assert.Equal(Math.Exp(mq + vq / 2), qy.GetMean(), 1e-10 * qy.GetMean());
        Assert.Equal(mq, qy.GetMeanLog(), 1e-10);
        var bounds = engine.LastTrace!.Select(s => s.Elbo).ToList();
        for (int k = 1; k < bounds.Count; k++) Assert.True(bounds[k] >= bounds[k - 1] - 1e-12, $"bound fell at sweep {k + 1}");
    }
}
