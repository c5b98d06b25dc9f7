using MathNet.Numerics;
using Probabilistic.FactorGraphs.Factors;

namespace Probabilistic.FactorGraphs.Tests;

/// <summary>
/// c = a·b of two random doubles under VMP, against mean-field coordinate ascent written here from the textbook updates
/// (Bishop 2006 §10.1; for y ~ N(a b, 1/τ): q(a) has precision p_a + E τ E[b²] and linear term h_a + E τ y E b, and
/// E[(y − a b)²] = y² − 2 y E a E b + E[a²] E[b²]); EP's moment match against a 2-D grid, and EP with one side observed (a scale).
/// </summary>
public class ProductTests
{
    private const double HalfLog2Pi = 0.91893853320467274178;

    private static InferenceEngine Vmp(int iterations) => new(new VariationalMessagePassing()) { NumberOfIterations = iterations };

    private static void AssertMonotone(InferenceEngine engine)
    {
        var trace = engine.LastTrace!;
        Assert.True(trace.IsBound);
        for (int i = 1; i < trace.Count; i++)
            Assert.True(trace[i].Elbo >= trace[i - 1].Elbo - 1e-10 * Math.Abs(trace[i].Elbo), $"ELBO fell at sweep {i + 1}: {trace[i - 1].Elbo} -> {trace[i].Elbo}");
    }

    /// <summary>E_q[log N(x; μ, v)] for q(x) with mean m and variance s.</summary>
    private static double AvgLogN(double m, double s, double mu, double v) => -HalfLog2Pi - 0.5 * Math.Log(v) - 0.5 * (s + (m - mu) * (m - mu)) / v;

    private static double Entropy(double v) => 0.5 * Math.Log(2 * Math.PI * Math.E * v);

    [Fact]
    public void ProductOfTwoGaussians_OneObservation_EqualsCoordinateAscentAndItsBound()
    {
        double ma = 0.8, va = 2, mb = -0.6, vb = 1.5, yObs = -1.7, noise = 1;
        var a = Variable.GaussianFromMeanAndVariance(ma, va).Named("a");
        var b = Variable.GaussianFromMeanAndVariance(mb, vb).Named("b");
        var c = (a * b).Named("c");
        var y = Variable.GaussianFromMeanAndVariance(c, noise).Named("y");
        y.ObservedValue = yObs;
        var engine = Vmp(400);
        var qa = engine.Infer<Gaussian>(a);
        var qb = engine.Infer<Gaussian>(b);
        var qc = engine.Infer<Gaussian>(c);
        AssertMonotone(engine);

        // the engine's schedule: q(a) then q(b), both starting from their priors
        double ea = ma, sa = va, eb = mb, sb = vb;
        for (int it = 0; it < 10_000; it++)
        {
            double pa = 1 / va + (sb + eb * eb) / noise; ea = (ma / va + yObs * eb / noise) / pa; sa = 1 / pa;
            double pb = 1 / vb + (sa + ea * ea) / noise; eb = (mb / vb + yObs * ea / noise) / pb; sb = 1 / pb;
        }
        Assert.Equal(ea, qa.GetMean(), 1e-8); Assert.Equal(sa, qa.GetVariance(), 1e-8);
        Assert.Equal(eb, qb.GetMean(), 1e-8); Assert.Equal(sb, qb.GetVariance(), 1e-8);
        // the collapsed product: E c = E a E b, E c² = E a² E b²
        Assert.Equal(ea * eb, qc.GetMean(), 1e-8);
        Assert.Equal((sa + ea * ea) * (sb + eb * eb) - ea * ea * eb * eb, qc.GetVariance(), 1e-8);

        double r2 = yObs * yObs - 2 * yObs * ea * eb + (sa + ea * ea) * (sb + eb * eb);
        double elbo = AvgLogN(ea, sa, ma, va) + AvgLogN(eb, sb, mb, vb) - HalfLog2Pi - 0.5 * Math.Log(noise) - 0.5 * r2 / noise + Entropy(sa) + Entropy(sb);
        Assert.Equal(elbo, engine.LastTrace!.FinalElbo, 1e-8);
    }

    [Fact]
    public void RankOneMatrixFactorisation_EqualsCoordinateAscentAndItsBound()
    {
        // y[i, j] ~ N(u[i] v[j], 1/τ), u[i] ~ N(mu, vu), v[j] ~ N(mv, vv), τ ~ Gamma(a0, b0)
        double[,] data =
        {
            { 1.9, -0.4, 1.1, 2.6 },
            { 0.9, -0.1, 0.4, 1.2 },
            { -1.1, 0.5, -0.7, -1.6 },
        };
        int rowsN = data.GetLength(0), colsN = data.GetLength(1);
        double mu = 0.5, vu = 1, mv = 0.3, vv = 2, a0 = 2, b0 = 0.5;
        Range rows = new Range(rowsN).Named("i");
        Range cols = new Range(colsN).Named("j");
        var u = Variable.Array<double>(rows).Named("u");
        u[rows] = Variable.GaussianFromMeanAndVariance(mu, vu).ForEach(rows);
        var v = Variable.Array<double>(cols).Named("v");
        v[cols] = Variable.GaussianFromMeanAndVariance(mv, vv).ForEach(cols);
        var tau = Variable.GammaFromShapeAndRate(a0, b0).Named("tau");
        var y = Variable.Array<double>(rows, cols).Named("y");
        using (Variable.ForEach(rows))
        using (Variable.ForEach(cols))
            y[rows, cols] = Variable.GaussianFromMeanAndPrecision(u[rows] * v[cols], tau);
        y.ObservedValue = data;
        var engine = Vmp(500);
        var qu = engine.Infer<Gaussian[]>(u);
        var qv = engine.Infer<Gaussian[]>(v);
        var qt = engine.Infer<Gamma>(tau);
        AssertMonotone(engine);

        // coordinate ascent in the engine's order (u, v, τ), from the priors
        var eu = Enumerable.Repeat(mu, rowsN).ToArray(); var su = Enumerable.Repeat(vu, rowsN).ToArray();
        var ev = Enumerable.Repeat(mv, colsN).ToArray(); var sv = Enumerable.Repeat(vv, colsN).ToArray();
        double shape = a0, rate = b0;
        double Residual2(int i, int j) => data[i, j] * data[i, j] - 2 * data[i, j] * eu[i] * ev[j] + (su[i] + eu[i] * eu[i]) * (sv[j] + ev[j] * ev[j]);
        for (int it = 0; it < 20_000; it++)
        {
            double et = shape / rate;
            for (int i = 0; i < rowsN; i++)
            {
                double p = 1 / vu, h = mu / vu;
                for (int j = 0; j < colsN; j++) { p += et * (sv[j] + ev[j] * ev[j]); h += et * data[i, j] * ev[j]; }
                su[i] = 1 / p; eu[i] = h / p;
            }
            for (int j = 0; j < colsN; j++)
            {
                double p = 1 / vv, h = mv / vv;
                for (int i = 0; i < rowsN; i++) { p += et * (su[i] + eu[i] * eu[i]); h += et * data[i, j] * eu[i]; }
                sv[j] = 1 / p; ev[j] = h / p;
            }
            shape = a0 + 0.5 * rowsN * colsN;
            double ss = 0;
            for (int i = 0; i < rowsN; i++) for (int j = 0; j < colsN; j++) ss += Residual2(i, j);
            rate = b0 + 0.5 * ss;
        }
        for (int i = 0; i < rowsN; i++) { Assert.Equal(eu[i], qu[i].GetMean(), 1e-8); Assert.Equal(su[i], qu[i].GetVariance(), 1e-8); }
        for (int j = 0; j < colsN; j++) { Assert.Equal(ev[j], qv[j].GetMean(), 1e-8); Assert.Equal(sv[j], qv[j].GetVariance(), 1e-8); }
        Assert.Equal(shape, qt.Shape, 1e-8);
        Assert.Equal(rate, qt.Rate, 1e-8);

        // the bound: priors, likelihood and entropies under the fixed point
        double elogt = SpecialFunctions.DiGamma(shape) - Math.Log(rate), etau = shape / rate;
        double elbo = 0;
        for (int i = 0; i < rowsN; i++) elbo += AvgLogN(eu[i], su[i], mu, vu) + Entropy(su[i]);
        for (int j = 0; j < colsN; j++) elbo += AvgLogN(ev[j], sv[j], mv, vv) + Entropy(sv[j]);
        elbo += (a0 - 1) * elogt - b0 * etau + a0 * Math.Log(b0) - SpecialFunctions.GammaLn(a0);
        elbo -= (shape - 1) * elogt - rate * etau + shape * Math.Log(rate) - SpecialFunctions.GammaLn(shape);
        for (int i = 0; i < rowsN; i++)
            for (int j = 0; j < colsN; j++) elbo += 0.5 * elogt - HalfLog2Pi - 0.5 * etau * Residual2(i, j);
        Assert.Equal(elbo, engine.LastTrace!.FinalElbo, 1e-8);
    }

    /// <summary>Moments of ∫∫ N(a; ma, va) N(b; mb, vb) N(y; ab, vy) over a dense 2-D grid: the exact posterior, independently of ProductOp.</summary>
    private static (double LogZ, double MeanA, double VarA, double MeanB, double VarB, double MeanC, double VarC) BruteForce(
        double ma, double va, double mb, double vb, double y, double vy)
    {
        int n = 1600;
        double sa = Math.Sqrt(va), sb = Math.Sqrt(vb), ha = 24 * sa / n, hb = 24 * sb / n;
        double z = 0, a1 = 0, a2 = 0, b1 = 0, b2 = 0, c1 = 0, c2 = 0;
        for (int i = 0; i <= n; i++)
        {
            double a = ma - 12 * sa + i * ha;
            double pa = Math.Exp(-0.5 * (a - ma) * (a - ma) / va) / Math.Sqrt(2 * Math.PI * va);
            for (int j = 0; j <= n; j++)
            {
                double b = mb - 12 * sb + j * hb, c = a * b;
                double w = pa * Math.Exp(-0.5 * (b - mb) * (b - mb) / vb - 0.5 * (y - c) * (y - c) / vy) / (2 * Math.PI * Math.Sqrt(vb * vy)) * ha * hb;
                z += w; a1 += w * a; a2 += w * a * a; b1 += w * b; b2 += w * b * b; c1 += w * c; c2 += w * c * c;
            }
        }
        double mA = a1 / z, mB = b1 / z, mC = c1 / z;
        return (Math.Log(z), mA, a2 / z - mA * mA, mB, b2 / z - mB * mB, mC, c2 / z - mC * mC);
    }

    [Theory]
    [InlineData(0.0, 1.0, 1.0, 1.0, 0.5, 1.0)]
    [InlineData(1.0, 1.0, 0.0, 1.0, 1.5, 0.1)]   // Infer.NET's fixture InitialiseToVariable.ScalarGaussian's model
    [InlineData(0.0, 1.0, 0.0, 1.0, 2.0, 0.05)]  // symmetric: a bimodal posterior in a and b
    [InlineData(-0.3, 4.0, 2.0, 0.25, -3.0, 0.5)]
    [InlineData(0.01, 1.0, -0.02, 0.9, 0.3, 3.0)]   // a Matchbox trait product: zero-mean traits, a wide context from the sum
    [InlineData(0.001, 0.95, 0.002, 0.97, 1.2, 2.0)]
    public void ProductOfTwoRandomDoubles_UnderEp_IsTheMomentMatchOfTheExactPosterior(double ma, double va, double mb, double vb, double y, double vy)
    {
        // a and b with Gaussian priors, y ~ N(a·b, vy) observed: a tree whose one non-Gaussian factor sees exact cavities
        // (the priors and y's message), so EP's marginals are the moment matches of the exact posterior and its evidence is
        // exact; both from a 2-D grid here. Plain moment matching (a posterior wider than the prior, as in the symmetric
        // case, needs an improper message, which Infer.NET's default forces proper)
        var a = Variable.GaussianFromMeanAndVariance(ma, va).Named("a");
        var b = Variable.GaussianFromMeanAndVariance(mb, vb).Named("b");
        Variable.GaussianFromMeanAndVariance(a * b, vy).ObservedValue = y;
        var engine = new InferenceEngine(new ExpectationPropagation { ForceProperMessages = false }) { NumberOfIterations = 20 };
        var qa = engine.Infer<Gaussian>(a);
        var qb = engine.Infer<Gaussian>(b);
        // the evidence from the same model inside If(evidence): its log-odds is log p(y)
        var a2 = Variable.GaussianFromMeanAndVariance(ma, va);
        var b2 = Variable.GaussianFromMeanAndVariance(mb, vb);
        var evidence = Variable.Bernoulli(0.5).Named("evidence");
        using (Variable.If(evidence)) Variable.GaussianFromMeanAndVariance(a2 * b2, vy).ObservedValue = y;
        double logZ = new InferenceEngine(new ExpectationPropagation { ForceProperMessages = false }) { NumberOfIterations = 20 }.Infer<Bernoulli>(evidence).LogOdds;
        var exact = BruteForce(ma, va, mb, vb, y, vy);
        Assert.True(Math.Abs(qa.GetMean() - exact.MeanA) < 1e-7, $"E[a] {qa.GetMean()} vs {exact.MeanA}");
        Assert.True(Math.Abs(qa.GetVariance() / exact.VarA - 1) < 1e-6, $"Var[a] {qa.GetVariance()} vs {exact.VarA}");
        Assert.True(Math.Abs(qb.GetMean() - exact.MeanB) < 1e-7, $"E[b] {qb.GetMean()} vs {exact.MeanB}");
        Assert.True(Math.Abs(qb.GetVariance() / exact.VarB - 1) < 1e-6, $"Var[b] {qb.GetVariance()} vs {exact.VarB}");
        Assert.True(Math.Abs(logZ - exact.LogZ) < 1e-7, $"log evidence {logZ} vs {exact.LogZ}");

        // the operator's tilted product against the same grid, with c's context N(y, vy)
        var t = ProductOp.EpMoments(Gaussian.FromMeanAndVariance(y, vy), Gaussian.FromMeanAndVariance(ma, va), Gaussian.FromMeanAndVariance(mb, vb));
        // the tilted c has density ∝ N(c; y, vy)·p(c): its moments differ from E[ab] under the grid only through that weight,
        // which the grid includes, so they must agree
        Assert.True(Math.Abs(t.Product.GetMean() - exact.MeanC) < 1e-7, $"E[c] {t.Product.GetMean()} vs {exact.MeanC}");
        Assert.True(Math.Abs(t.Product.GetVariance() / exact.VarC - 1) < 1e-6, $"Var[c] {t.Product.GetVariance()} vs {exact.VarC}");
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void ProductWithASideObservedAfterwards_IsExactScale(bool vmp)
    {
        // k is random-looking when the product is written and observed before inference: y ~ N(k a, s2) is then linear-Gaussian
        double ma = 0.4, va = 1.5, s2 = 0.5, k = -2.5, yObs = 1.3;
        var a = Variable.GaussianFromMeanAndVariance(ma, va).Named("a");
        var kv = Variable.New<double>().Named("k");
        var y = Variable.GaussianFromMeanAndVariance(Variable.Product(a, kv), s2).Named("y");
        kv.ObservedValue = k;
        y.ObservedValue = yObs;
        var engine = vmp ? Vmp(50) : new InferenceEngine();
        var qa = engine.Infer<Gaussian>(a);
        double p = 1 / va + k * k / s2;
        Assert.Equal((ma / va + k * yObs / s2) / p, qa.GetMean(), 1e-10);
        Assert.Equal(1 / p, qa.GetVariance(), 1e-10);
        // exact evidence: y ~ N(k ma, k² va + s2)
        double v = k * k * va + s2;
        Assert.Equal(-HalfLog2Pi - 0.5 * Math.Log(v) - 0.5 * (yObs - k * ma) * (yObs - k * ma) / v, engine.LastTrace!.FinalElbo, 1e-10);
    }

    [Fact]
    public void ProductObservedExactly_UnderVmp_IsRefusedNamingTheOutput()
    {
        var a = Variable.GaussianFromMeanAndVariance(1, 1).Named("a");
        var b = Variable.GaussianFromMeanAndVariance(2, 1).Named("b");
        var area = Variable.Product(a, b).Named("area");
        area.ObservedValue = 3;
        var e = Assert.Throws<NotSupportedException>(() => Vmp(10).Infer<Gaussian>(a));
        Assert.Contains("'area'", e.Message);
        Assert.Contains("noise", e.Message);
    }

    [Fact]
    public void ProductOfAVariableWithItself_UnderVmp_IsRefused()
    {
        var a = Variable.GaussianFromMeanAndVariance(1, 1).Named("a");
        var y = Variable.GaussianFromMeanAndVariance(a * a, 1).Named("y");
        y.ObservedValue = 2;
        var e = Assert.Throws<NotSupportedException>(() => Vmp(10).Infer<Gaussian>(a));
        Assert.Contains("'a'", e.Message);
    }
}
