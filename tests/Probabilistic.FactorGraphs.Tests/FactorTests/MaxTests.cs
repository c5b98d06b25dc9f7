using Probabilistic.FactorGraphs.Factors;
using MathNet.Numerics.Distributions;

namespace Probabilistic.FactorGraphs.Tests.FactorTests;

/// <summary>
/// m = max(a, b): the prior of m against Clark's (1961) closed-form moments of the max of two Gaussians, the EP projections
/// against a 2-D trapezoid integration written here, an observed argument (a ReLU) against its closed form, and the VMP
/// refusal.
/// </summary>
public class MaxTests
{
    [Theory]
    [InlineData(0.0, 1.0, 1.0, 2.0)]
    [InlineData(-3.0, 0.5, 2.0, 0.1)]
    [InlineData(1.0, 4.0, 1.0, 4.0)]
    public void PriorOfMax_IsClarksMoments(double m1, double v1, double m2, double v2)
    {
        var a = Variable.GaussianFromMeanAndVariance(m1, v1);
        var b = Variable.GaussianFromMeanAndVariance(m2, v2);
        var max = new InferenceEngine().Infer<Gaussian>(Variable.Max(a, b));
        double theta = Math.Sqrt(v1 + v2), alpha = (m1 - m2) / theta;
        double p = Normal.CDF(0, 1, alpha), q = Normal.CDF(0, 1, -alpha), phi = Normal.PDF(0, 1, alpha);
        double mean = m1 * p + m2 * q + theta * phi;
        double second = (v1 + m1 * m1) * p + (v2 + m2 * m2) * q + (m1 + m2) * theta * phi;
        Assert.Equal(mean, max.GetMean(), 1e-12);
        Assert.Equal(second - mean * mean, max.GetVariance(), 1e-12);
    }

    /// <summary>The projections of the tilted distributions of max, a and b, and log Z, by a 2-D grid over (a, b).</summary>
    [Theory]
    [InlineData(2.0, 0.1, 0.0, 1.0, 1.0, 2.0)]
    [InlineData(-1.0, 0.5, 0.3, 0.7, -0.2, 1.5)]
    [InlineData(0.5, 3.0, 1.0, 0.2, 0.8, 0.3)]
    public void Projections_MatchTwoDimensionalQuadrature(double mm, double vm, double m1, double v1, double m2, double v2)
    {
        var ctxM = Gaussian.FromMeanAndVariance(mm, vm);
        var ctxA = Gaussian.FromMeanAndVariance(m1, v1);
        var ctxB = Gaussian.FromMeanAndVariance(m2, v2);
        var t = MaxOp.Moments(ctxM, ctxA, ctxB);
        // unnormalised contexts exp(h x − p x²/2); outer trapezoid over a (smooth after the inner integral), inner Simpson
        // over b on each side of the kink b = a
        double L(Gaussian g, double x) => g.MeanTimesPrecision * x - 0.5 * g.Precision * x * x;
        double z = 0, sa = 0, saa = 0, sb = 0, sbb = 0, sm = 0, smm = 0;
        double sdA = Math.Sqrt(v1), sdB = Math.Sqrt(v2), lo = m2 - 12 * sdB, hi = m2 + 12 * sdB, h = sdA / 40;
        for (double x = m1 - 12 * sdA; x <= m1 + 12 * sdA; x += h)
        {
            foreach (var (p0, p1) in new[] { (lo, Math.Clamp(x, lo, hi)), (Math.Clamp(x, lo, hi), hi) })
            {
                const int n = 2000;
                double step = (p1 - p0) / n;
                if (step <= 0) continue;
                for (int k = 0; k <= n; k++)
                {
                    double y = p0 + k * step, mx = Math.Max(x, y);
                    double c = (k == 0 || k == n ? 1 : k % 2 == 1 ? 4 : 2) * step / 3 * h;
                    double w = c * Math.Exp(L(ctxM, mx) + L(ctxA, x) + L(ctxB, y));
                    z += w; sa += w * x; saa += w * x * x; sb += w * y; sbb += w * y * y; sm += w * mx; smm += w * mx * mx;
                }
            }
        }
        Assert.Equal(Math.Log(z), t.LogZ, 1e-8);
        Assert.Equal(sa / z, t.A.GetMean(), 1e-8);
        Assert.Equal(saa / z - sa * sa / (z * z), t.A.GetVariance(), 1e-8);
        Assert.Equal(sb / z, t.B.GetMean(), 1e-8);
        Assert.Equal(sbb / z - sb * sb / (z * z), t.B.GetVariance(), 1e-8);
        Assert.Equal(sm / z, t.Max.GetMean(), 1e-8);
        Assert.Equal(smm / z - sm * sm / (z * z), t.Max.GetVariance(), 1e-8);
    }

    /// <summary>
    /// A ReLU y = max(x, 0) + noise with y observed: x's posterior is a two-piece mixture with closed-form moments, and EP on a
    /// tree with a single non-Gaussian factor gives exactly that projection after one sweep (its message is exact in moments).
    /// </summary>
    [Fact]
    public void Relu_ObservedWithNoise_PosteriorOfXIsTheExactProjection()
    {
        double m0 = 0.3, v0 = 1.2, noise = 0.25, y0 = 0.9;
        var x = Variable.GaussianFromMeanAndVariance(m0, v0).Named("x");
        var relu = Variable.Max(x, Variable.Constant(0.0)).Named("relu");
        var y = Variable.GaussianFromMeanAndVariance(relu, noise).Named("y");
        y.ObservedValue = y0;
        var engine = new InferenceEngine();
        var post = engine.Infer<Gaussian>(x);
        // p(x | y) ∝ N(x; m0, v0) [1(x > 0) N(y0; x, noise) + 1(x ≤ 0) N(y0; 0, noise)]
        double vp = v0 * noise / (v0 + noise), mp = (m0 * noise + y0 * v0) / (v0 + noise), sp = Math.Sqrt(vp), s0 = Math.Sqrt(v0);
        double wPos = Normal.PDF(m0, Math.Sqrt(v0 + noise), y0) * Normal.CDF(0, 1, mp / sp);
        double wNeg = Normal.PDF(0, Math.Sqrt(noise), y0) * Normal.CDF(0, 1, -m0 / s0);
        double lp = Normal.PDF(0, 1, mp / sp) / Normal.CDF(0, 1, mp / sp), ln = Normal.PDF(0, 1, m0 / s0) / Normal.CDF(0, 1, -m0 / s0);
        double meanPos = mp + sp * lp, varPos = vp * (1 - lp * (lp + mp / sp));
        double meanNeg = m0 - s0 * ln, varNeg = v0 * (1 - ln * (ln - m0 / s0));
        double w1 = wPos / (wPos + wNeg), w2 = 1 - w1;
        double mean = w1 * meanPos + w2 * meanNeg;
        double variance = w1 * varPos + w2 * varNeg + w1 * w2 * (meanPos - meanNeg) * (meanPos - meanNeg);
        Assert.Equal(mean, post.GetMean(), 1e-10);
        Assert.Equal(variance, post.GetVariance(), 1e-10);
        // evidence: p(y0) = wPos + wNeg (both terms already normalised)
        Assert.Equal(Math.Log(wPos + wNeg), engine.LastTrace!.FinalElbo, 1e-10);
    }

    [Fact]
    public void Vmp_IsRefusedNamingTheArguments()
    {
        var a = Variable.GaussianFromMeanAndVariance(0, 1).Named("left");
        var b = Variable.GaussianFromMeanAndVariance(0, 1).Named("right");
        var m = Variable.Max(a, b).Named("m");
        var e = Assert.Throws<NotSupportedException>(() => new InferenceEngine(new VariationalMessagePassing()).Infer<Gaussian>(m));
        Assert.Contains("'left'", e.Message);
        Assert.Contains("'right'", e.Message);
        Assert.Contains("ExpectationPropagation", e.Message);
    }
}
