using MathNet.Numerics;
using Probabilistic.FactorGraphs.Factors;

namespace Probabilistic.FactorGraphs.Tests.FactorTests;

/// <summary>
/// Softmax (VMP) and Multinomial: the Knowles–Minka bound against a 2-D quadrature of E[log Σ e^x] and a finite-difference
/// check of its minimiser, VMP's fixed point for class biases as a stationary point of the bounded ELBO (finite differences,
/// the bound recomputed here), Dirichlet.FromMeanLog, Multinomial counts with a Dirichlet prior against the conjugate
/// posterior and the Dirichlet-multinomial evidence, and the refusals.
/// </summary>
public class SoftmaxTests
{
    /// <summary>½ Σ a²v + log Σ e^(m + (1 − 2a)v/2), minimised over a by many fixed-point sweeps with damping.</summary>
    private static double KnowlesMinka(double[] m, double[] v)
    {
        int k = m.Length;
        var a = Enumerable.Repeat(1.0 / k, k).ToArray();
        for (int it = 0; it < 20000; it++)
        {
            var e = m.Select((mi, i) => mi + (1 - 2 * a[i]) * v[i] / 2).ToArray();
            double z = e.Max(), s = e.Sum(x => Math.Exp(x - z));
            for (int i = 0; i < k; i++) a[i] = 0.5 * a[i] + 0.5 * Math.Exp(e[i] - z) / s;
        }
        var ee = m.Select((mi, i) => mi + (1 - 2 * a[i]) * v[i] / 2).ToArray();
        double zz = ee.Max();
        return 0.5 * a.Select((ai, i) => ai * ai * v[i]).Sum() + zz + Math.Log(ee.Sum(x => Math.Exp(x - zz)));
    }

    [Theory]
    [InlineData(0.2, -0.5, 1.0, 0.3)]
    [InlineData(2.0, 1.0, 0.1, 3.0)]
    public void Bound_IsAboveTheExpectedLogSumExpAndMinimalInA(double m1, double m2, double v1, double v2)
    {
        double[] m = [m1, m2], v = [v1, v2];
        var (bound, a) = SoftmaxOp.Bound(m, v);
        Assert.Equal(KnowlesMinka(m, v), bound, 1e-9);
        Assert.Equal(1, a.Sum(), 1e-12);
        // E[log(e^x1 + e^x2)] by a 2-D Simpson rule
        double e = 0;
        int n = 400;
        double s1 = Math.Sqrt(v1), s2 = Math.Sqrt(v2), h1 = 20 * s1 / n, h2 = 20 * s2 / n;
        for (int i = 0; i <= n; i++)
            for (int j = 0; j <= n; j++)
            {
                double x1 = m1 - 10 * s1 + i * h1, x2 = m2 - 10 * s2 + j * h2;
                double w = (i == 0 || i == n ? 1 : i % 2 == 1 ? 4 : 2) * (j == 0 || j == n ? 1 : j % 2 == 1 ? 4 : 2);
                double p = Math.Exp(-0.5 * (x1 - m1) * (x1 - m1) / v1 - 0.5 * (x2 - m2) * (x2 - m2) / v2) / (2 * Math.PI * s1 * s2);
                e += w * p * (Math.Max(x1, x2) + Math.Log(1 + Math.Exp(-Math.Abs(x1 - x2))));
            }
        e *= h1 * h2 / 9;
        Assert.True(bound >= e - 1e-9, $"the bound {bound} must lie above E[log Σ e^x] = {e}");
    }

    [Fact]
    public void DirichletFromMeanLog_RoundTrips()
    {
        double[] alpha = [0.7, 3.0, 12.5, 1.2];
        var back = Dirichlet.FromMeanLog(new Dirichlet(alpha).GetMeanLog());
        for (int k = 0; k < alpha.Length; k++) Assert.Equal(alpha[k], back[k], alpha[k] * 1e-10);
    }

    /// <summary>
    /// Class biases b_k ~ N(0, 1) and one observed class y = 1 ~ Discrete(softmax(b)): VMP maximises
    /// L(m, v) = Σ_k (−(m_k² + v_k)/2 + ½ log v_k) + m_1 − bound(m, v), so every partial derivative vanishes at its fixed point.
    /// </summary>
    [Fact]
    public void Vmp_ClassBiases_AreAStationaryPointOfTheBoundedElbo()
    {
        var c = new Range(3).Named("c");
        var b = Variable.Array<double>(c).Named("b");
        b[c] = Variable.GaussianFromMeanAndVariance(0, 1).ForEach(c);
        var y = Variable.Discrete(Variable.Softmax(b)).Named("y");
        y.ObservedValue = 1;
        var engine = new InferenceEngine(new VariationalMessagePassing()) { NumberOfIterations = 300 };
        var q = engine.Infer<Gaussian[]>(b);
        var m = q.Select(g => g.GetMean()).ToArray();
        var v = q.Select(g => g.GetVariance()).ToArray();
        double L(double[] mm, double[] vv) => mm.Select((x, k) => -(x * x + vv[k]) / 2 + 0.5 * Math.Log(vv[k])).Sum() + mm[1] - KnowlesMinka(mm, vv);
        const double h = 1e-4;
        for (int k = 0; k < 3; k++)
        {
            var mp = (double[])m.Clone(); mp[k] += h;
            var mn = (double[])m.Clone(); mn[k] -= h;
            Assert.True(Math.Abs((L(mp, v) - L(mn, v)) / (2 * h)) < 1e-6, $"∂L/∂m[{k}] must vanish at VMP's fixed point");
            var vp = (double[])v.Clone(); vp[k] += h;
            var vn = (double[])v.Clone(); vn[k] -= h;
            Assert.True(Math.Abs((L(m, vp) - L(m, vn)) / (2 * h)) < 1e-6, $"∂L/∂v[{k}] must vanish at VMP's fixed point");
        }
        var bounds = engine.LastTrace!.Select(s => s.Elbo).ToList();
        for (int k = 1; k < bounds.Count; k++) Assert.True(bounds[k] >= bounds[k - 1] - 1e-12, $"bound fell at sweep {k + 1}");
    }

    /// <summary>Multinomial counts with a Dirichlet prior: posterior Dirichlet(α + Σ counts), evidence Π Dirichlet-multinomial.</summary>
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Multinomial_DirichletPrior_ConjugatePosteriorAndEvidence(bool vmp)
    {
        double[] alpha = [1.5, 2, 0.8];
        int[][] counts = [[3, 1, 0], [2, 2, 2]];
        var c = new Range(3).Named("c");
        var p = Variable.Dirichlet(c, alpha).Named("p");
        var n = new Range(2).Named("n");
        var trials = Variable.Observed(counts.Select(r => r.Sum()).ToArray(), n).Named("trials");
        var y = Variable.Array(Variable.Array<int>(c), n).Named("y");
        using (Variable.ForEach(n)) y[n] = Variable.Multinomial(trials[n], p);
        y.ObservedValue = counts;
        var engine = vmp ? new InferenceEngine(new VariationalMessagePassing()) : new InferenceEngine();
        var post = engine.Infer<Dirichlet>(p);
        for (int k = 0; k < 3; k++) Assert.Equal(alpha[k] + counts.Sum(r => r[k]), post[k], 1e-10);
        double LogB(double[] a) => a.Sum(SpecialFunctions.GammaLn) - SpecialFunctions.GammaLn(a.Sum());
        var total = alpha.Select((a, k) => a + counts.Sum(r => r[k])).ToArray();
        double evidence = LogB(total) - LogB(alpha);
        foreach (var r in counts) evidence += SpecialFunctions.FactorialLn(r.Sum()) - r.Sum(x => SpecialFunctions.FactorialLn(x));
        Assert.Equal(evidence, engine.LastTrace!.FinalElbo, 1e-9);
    }

    [Fact]
    public void Softmax_UnderEp_IsRefusedNamingItsArgument()
    {
        var c = new Range(3);
        var scores = Variable.Array<double>(c).Named("scores");
        scores[c] = Variable.GaussianFromMeanAndVariance(0, 1).ForEach(c);
        var y = Variable.Discrete(Variable.Softmax(scores));
        y.ObservedValue = 0;
        var e = Assert.Throws<NotSupportedException>(() => new InferenceEngine().Infer<Gaussian[]>(scores));
        Assert.Contains("'scores'", e.Message);
        Assert.Contains("VariationalMessagePassing", e.Message);
    }

    [Fact]
    public void Multinomial_CountsNotAddingUpToTheTrials_AreRefused()
    {
        var c = new Range(2);
        var p = Variable.DirichletUniform(c).Named("p");
        var y = Variable.Multinomial(Variable.Constant(5), p).Named("draws");
        y.ObservedValue = [1, 2];
        var e = Assert.ThrowsAny<ArgumentException>(() => new InferenceEngine().Infer<Dirichlet>(p));
        Assert.Contains("add up to 3", e.Message);
    }
}
