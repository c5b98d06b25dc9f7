using Probabilistic.FactorGraphs.Factors;
using MathNet.Numerics;

namespace Probabilistic.FactorGraphs.Tests.FactorTests;

/// <summary>
/// GammaFromMeanAndVariance, DirichletUniform(Range), and GammaFromShapeAndRate with a random rate: its EP operator against a
/// two-dimensional trapezoid integration written here (in log x and log r), the conjugate cases against their closed forms,
/// and VMP against the mean-field fixed-point equations iterated by hand.
/// </summary>
public class FactoriesTests
{
    private static InferenceEngine Engine(bool vmp) => vmp ? new InferenceEngine(new VariationalMessagePassing()) : new InferenceEngine();

    [Fact]
    public void GammaFromMeanAndVariance_HasThatMeanAndVariance()
    {
        var g = new InferenceEngine().Infer<Gamma>(Variable.GammaFromMeanAndVariance(3, 0.75));
        Assert.Equal(3, g.GetMean(), 1e-12);
        Assert.Equal(0.75, g.GetVariance(), 1e-12);
        Assert.Throws<ArgumentOutOfRangeException>(() => Variable.GammaFromMeanAndVariance(-1, 1));
    }

    [Fact]
    public void DirichletUniformOverRange_HasTheRangesDimension()
    {
        var k = new Range(4).Named("k");
        var d = new InferenceEngine().Infer<Dirichlet>(Variable.DirichletUniform(k));
        Assert.Equal([1.0, 1, 1, 1], d.PseudoCount);
    }

    [Theory]
    [InlineData(0.5, 2.0)]
    [InlineData(3.7, 1.2)]
    [InlineData(40, 0.1)]
    [InlineData(1e-3, 5)]
    public void GammaFromMeanAndMeanLog_MatchesBothStatistics(double shape, double rate)
    {
        var g = Gamma.FromShapeAndRate(shape, rate);
        var back = Gamma.FromMeanAndMeanLog(g.GetMean(), g.GetMeanLog());
        Assert.Equal(shape, back.Shape, shape * 1e-10);
        Assert.Equal(rate, back.Rate, rate * 1e-10);
    }

    /// <summary>Observed sample: the rate's posterior is conjugate, Gamma(a + s, b + x), and the evidence closed form.</summary>
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void ObservedSample_RandomRate_ConjugatePosteriorAndEvidence(bool vmp)
    {
        double a = 2.5, b = 1.5, s = 3, x0 = 0.8;
        var rate = Variable.GammaFromShapeAndRate(a, b).Named("rate");
        var x = Variable.GammaFromShapeAndRate(s, rate).Named("x");
        x.ObservedValue = x0;
        var engine = Engine(vmp);
        var post = engine.Infer<Gamma>(rate);
        Assert.Equal(a + s, post.Shape, 1e-10);
        Assert.Equal(b + x0, post.Rate, 1e-10);
        // p(x0) = ∫ Ga(x0; s, r) Ga(r; a, b) dr = x0^(s−1) b^a Γ(a + s) / (Γ(s) Γ(a) (b + x0)^(a+s))
        double evidence = (s - 1) * Math.Log(x0) + a * Math.Log(b) + SpecialFunctions.GammaLn(a + s)
            - SpecialFunctions.GammaLn(s) - SpecialFunctions.GammaLn(a) - (a + s) * Math.Log(b + x0);
        Assert.Equal(evidence, engine.LastTrace!.FinalElbo, 1e-9);
    }

    /// <summary>
    /// The EP projections with both sample and rate random: the tilted moments E[x], E[log x], E[r], E[log r] and log Z from a
    /// 2-D trapezoid rule over (log x, log r), written here independently of the operator's 1-D reduction.
    /// </summary>
    [Theory]
    [InlineData(2.0, 4.5, 0.6, 3.0, 3.0)]
    [InlineData(0.7, 3.0, 2.0, 5.0, 1.5)]
    [InlineData(5.0, 1.3, 0.2, 2.2, 0.9)]
    public void EpMessages_MatchTwoDimensionalQuadrature(double s, double alpha, double c, double a, double b)
    {
        var ctxX = Gamma.FromShapeAndRate(alpha, c);
        var ctxR = Gamma.FromShapeAndRate(a, b);
        var (postX, postR, logZ) = GammaFromShapeAndRateOp.Projections(ctxX, s, ctxR);

        // unnormalised contexts x^(α−1) e^(−c x), r^(a−1) e^(−b r); f = r^s x^(s−1) e^(−r x)/Γ(s); in y = log x, u = log r
        double LogIntegrand(double y, double u) =>
            (alpha - 2 + s) * y - c * Math.Exp(y) + (a - 1 + s) * u - b * Math.Exp(u) - Math.Exp(u + y) - SpecialFunctions.GammaLn(s) + y + u;
        double h = 0.01, max = double.NegativeInfinity;
        var ys = Enumerable.Range(-2000, 3201).Select(k => k * h).ToArray();
        foreach (var y in ys) foreach (var u in ys) max = Math.Max(max, LogIntegrand(y, u));
        double z = 0, ex = 0, elx = 0, er = 0, elr = 0;
        foreach (var y in ys)
            foreach (var u in ys)
            {
                double w = Math.Exp(LogIntegrand(y, u) - max);
                if (w < 1e-300) continue;
                z += w; ex += w * Math.Exp(y); elx += w * y; er += w * Math.Exp(u); elr += w * u;
            }
        Assert.Equal(Math.Log(z * h * h) + max, logZ, 1e-8);
        Assert.Equal(ex / z, postX.GetMean(), 1e-8 * (ex / z));
        Assert.Equal(elx / z, postX.GetMeanLog(), 1e-8);
        Assert.Equal(er / z, postR.GetMean(), 1e-8 * (er / z));
        Assert.Equal(elr / z, postR.GetMeanLog(), 1e-8);
    }

    /// <summary>
    /// VMP on τ_g ~ Gamma(s, r), x_gm ~ N(0, 1/τ_g), r ~ Gamma(a0, b0): the mean-field updates, iterated here by hand,
    /// q(τ_g) = Ga(s + n_g/2, E[r] + S_g/2), q(r) = Ga(a0 + G s, b0 + Σ E[τ_g]).
    /// </summary>
    [Fact]
    public void Vmp_HierarchicalPrecisions_MatchTheMeanFieldFixedPoint()
    {
        double s = 2, a0 = 3, b0 = 3;
        double[][] data = [[0.5, -0.3, 0.8, 1.1], [2.1, -1.7], [0.1, 0.2, -0.1]];
        var rate = Variable.GammaFromShapeAndRate(a0, b0).Named("rate");
        var g = new Range(data.Length).Named("g");
        var precisions = Variable.Array<double>(g).Named("precisions");
        precisions[g] = Variable.GammaFromShapeAndRate(s, rate).ForEach(g);
        var sizes = Variable.Observed(data.Select(r => r.Length).ToArray(), g).Named("sizes");
        var m = new Range(sizes[g]).Named("m");
        var x = Variable.Array(Variable.Array<double>(m), g).Named("x");
        x[g][m] = Variable.GaussianFromMeanAndPrecision(0, precisions[g]).ForEach(m);
        x.ObservedValue = data;
        var engine = new InferenceEngine(new VariationalMessagePassing()) { NumberOfIterations = 200 };
        var qr = engine.Infer<Gamma>(rate);
        var qt = engine.Infer<Gamma[]>(precisions);

        double er = a0 / b0;
        var shapes = data.Select(r => s + r.Length / 2.0).ToArray();
        var halfSums = data.Select(r => r.Sum(v => v * v) / 2).ToArray();
        for (int it = 0; it < 500; it++)
        {
            double sumTau = 0;
            for (int k = 0; k < data.Length; k++) sumTau += shapes[k] / (er + halfSums[k]);
            er = (a0 + data.Length * s) / (b0 + sumTau);
        }
        double bRate = (a0 + data.Length * s) / er;
        Assert.Equal(a0 + data.Length * s, qr.Shape, 1e-10);
        Assert.Equal(bRate, qr.Rate, 1e-9);
        for (int k = 0; k < data.Length; k++)
        {
            Assert.Equal(shapes[k], qt[k].Shape, 1e-10);
            Assert.Equal(er + halfSums[k], qt[k].Rate, 1e-9);
        }
    }

    [Fact]
    public void RandomShape_IsRefusedNamingIt()
    {
        var shape = Variable.GammaFromShapeAndRate(2, 1).Named("shapeVar");
        var x = Variable.GammaFromShapeAndRate(shape, Variable.GammaFromShapeAndRate(1, 1)).Named("x");
        var e = Assert.Throws<NotSupportedException>(() => new InferenceEngine(new VariationalMessagePassing()).Infer<Gamma>(x));
        Assert.Contains("'shapeVar'", e.Message);
    }
}
