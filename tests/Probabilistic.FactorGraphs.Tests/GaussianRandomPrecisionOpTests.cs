using Probabilistic.FactorGraphs.Factors;

namespace Probabilistic.FactorGraphs.Tests;

/// <summary>
/// The EP operator for a Gaussian with Gamma precision (quadrature over log τ) against closed forms where the factor is
/// conjugate or the precision is known, and against a dense 20,000-node trapezoid grid written here.
/// </summary>
public class GaussianRandomPrecisionOpTests
{
    private const double HalfLog2Pi = 0.91893853320467274178;

    [Theory]
    [InlineData(1.3, -0.4, 2.5, 1.7)]
    [InlineData(0.0, 0.0, 0.3, 2.0)]
    [InlineData(25.0, 1.0, 40.0, 4.0)]
    [InlineData(-0.01, 0.02, 1e4, 3e3)]
    public void PointMassSampleAndMean_AreConjugate(double x, double m, double shape, double rate)
    {
        // τ^(1/2) exp(−τ d²/2) is a Gamma message with shape − 1 = 1/2 and rate d²/2, and ∫ Ga(τ; a, b) N(d; 0, 1/τ) dτ is
        // Student-t: Γ(a + ½)/(Γ(a) √(2πb)) (1 + d²/(2b))^−(a+½)
        var prior = Gamma.FromShapeAndRate(shape, rate);
        var r = GaussianRandomPrecisionOp.Messages(Gaussian.PointMass(x), Gaussian.PointMass(m), prior);
        double d = x - m;
        var exactPost = Gamma.FromShapeAndRate(shape + 0.5, rate + 0.5 * d * d);
        var post = r.ToPrecision * prior;
        AssertRel(exactPost.GetMean(), post.GetMean(), 1e-11, "posterior E[τ]");
        AssertRel(exactPost.GetVariance(), post.GetVariance(), 1e-11, "posterior Var[τ]");
        // the message itself, whose shape − 1 is the small difference of two shapes ≈ a
        Assert.True(Math.Abs(r.ToPrecision.Shape - 1.5) < 1e-11 * (shape + 1), $"message shape {r.ToPrecision.Shape} vs 1.5");
        Assert.True(Math.Abs(r.ToPrecision.Rate - 0.5 * d * d) < 1e-11 * (rate + d * d), $"message rate {r.ToPrecision.Rate} vs d²/2 = {0.5 * d * d}");
        double logT = MathNet.Numerics.SpecialFunctions.GammaLn(shape + 0.5) - MathNet.Numerics.SpecialFunctions.GammaLn(shape)
            - 0.5 * Math.Log(2 * Math.PI * rate) - (shape + 0.5) * Math.Log(1 + d * d / (2 * rate));
        Assert.True(Math.Abs(r.LogAverageFactor - logT) < 1e-10, $"log Z {r.LogAverageFactor} vs Student-t log density {logT}");
        Assert.True(Math.Abs(GaussianRandomPrecisionOp.LogAverageFactor(Gaussian.PointMass(x), Gaussian.PointMass(m), prior) - logT) < 1e-10,
            "LogAverageFactor alone vs Student-t log density");
        Assert.True(r.ToSample.IsUniform() && r.ToMean.IsUniform(), "point-mass ports get uniform messages");
    }

    [Theory]
    [InlineData(0.7, 0.5, -0.2, 2.0, 3.0)]
    [InlineData(10.0, 1e-3, 0.0, 1e-2, 0.02)]
    [InlineData(-3.0, 4.0, 2.0, 0.25, 250.0)]
    public void NearPointMassPrecision_ReducesToKnownPrecision(double mx, double vx, double mm, double vm, double tau)
    {
        // Ga(a, a/τ) with a = 1e9 has relative spread 3e-5 about τ: the messages are those of N(x; m, 1/τ) to O(1/a)
        const double a = 1e9;
        var sample = Gaussian.FromMeanAndVariance(mx, vx);
        var mean = Gaussian.FromMeanAndVariance(mm, vm);
        var r = GaussianRandomPrecisionOp.Messages(sample, mean, Gamma.FromShapeAndRate(a, a / tau));
        var xPost = r.ToSample * sample;
        var xExact = GaussianOp.SampleAverageConditional(mean, tau) * sample;
        AssertRel(xExact.GetMean(), xPost.GetMean(), 1e-7, "x posterior mean", scale: Math.Sqrt(xExact.GetVariance()));
        AssertRel(xExact.GetVariance(), xPost.GetVariance(), 1e-7, "x posterior variance");
        var mPost = r.ToMean * mean;
        var mExact = GaussianOp.MeanAverageConditional(sample, tau) * mean;
        AssertRel(mExact.GetMean(), mPost.GetMean(), 1e-7, "m posterior mean", scale: Math.Sqrt(mExact.GetVariance()));
        AssertRel(mExact.GetVariance(), mPost.GetVariance(), 1e-7, "m posterior variance");
        // log ∫∫ N(x; mx, vx) N(m; mm, vm) N(x; m, 1/τ) = log N(mx − mm; 0, vx + vm + 1/τ)
        double v = vx + vm + 1 / tau, d = mx - mm;
        double exactLogZ = -HalfLog2Pi - 0.5 * Math.Log(v) - 0.5 * d * d / v;
        Assert.True(Math.Abs(r.LogAverageFactor - exactLogZ) < 1e-7, $"log Z {r.LogAverageFactor} vs known-precision {exactLogZ}");
    }

    public static TheoryData<double> Shapes => new() { 0.3, 1, 3, 10, 50, 300, 3000, 1e5 };

    [Theory]
    [MemberData(nameof(Shapes))]
    public void Messages_MatchDenseReferenceGrid(double shape)
    {
        // contexts: (mx, vx, mm, vm) × prior mean of τ, including point masses, an outlier (d² τ ≫ 1) and a context wider than 1/τ
        (double mx, double vx, double mm, double vm)[] contexts =
        [
            (0.3, 0.2, -0.1, 0.5), (1.0, 0, 0.5, 0.1), (2.0, 0.3, 0, 0), (40.0, 0.5, 0, 1.0), (0.01, 100, 0, 20), (-5, 1e-4, 5, 1e-4),
        ];
        foreach (double tauMean in new[] { 0.01, 1.0, 100.0 })
            foreach (var (mx, vx, mm, vm) in contexts)
            {
                var prior = Gamma.FromShapeAndRate(shape, shape / tauMean);
                var sample = vx == 0 ? Gaussian.PointMass(mx) : Gaussian.FromMeanAndVariance(mx, vx);
                var mean = vm == 0 ? Gaussian.PointMass(mm) : Gaussian.FromMeanAndVariance(mm, vm);
                string at = $"shape {shape}, E[τ] {tauMean}, x {sample}, m {mean}";
                var r = GaussianRandomPrecisionOp.Messages(sample, mean, prior);
                var refs = Reference(mx, vx, mm, vm, shape, shape / tauMean);
                Assert.True(Math.Abs(r.LogAverageFactor - refs.LogZ) < 1e-10 * Math.Max(1, Math.Abs(refs.LogZ)), $"log Z {r.LogAverageFactor} vs reference {refs.LogZ} at {at}");
                Assert.True(Math.Abs(GaussianRandomPrecisionOp.LogAverageFactor(sample, mean, prior) - refs.LogZ) < 1e-10 * Math.Max(1, Math.Abs(refs.LogZ)),
                    $"LogAverageFactor vs reference {refs.LogZ} at {at}");
                var tPost = r.ToPrecision * prior;
                AssertRel(refs.TauMean, tPost.GetMean(), 1e-10, $"E[τ] at {at}");
                AssertRel(refs.TauVar, tPost.GetVariance(), 1e-10, $"Var[τ] at {at}");
                if (vx > 0)
                {
                    var xPost = r.ToSample * sample;
                    AssertRel(refs.XMean, xPost.GetMean(), 1e-10, $"E[x] at {at}", scale: Math.Sqrt(refs.XVar));
                    AssertRel(refs.XVar, xPost.GetVariance(), 1e-10, $"Var[x] at {at}");
                }
                if (vm > 0)
                {
                    var mPost = r.ToMean * mean;
                    AssertRel(refs.MMean, mPost.GetMean(), 1e-10, $"E[m] at {at}", scale: Math.Sqrt(refs.MVar));
                    AssertRel(refs.MVar, mPost.GetVariance(), 1e-10, $"Var[m] at {at}");
                }
            }
    }

    private static void AssertRel(double expected, double actual, double tol, string what, double scale = 0)
    {
        double err = Math.Abs(actual - expected), allowed = tol * Math.Max(Math.Abs(expected), scale);
        Assert.True(err <= allowed, $"{what}: {actual} vs {expected} (error {err:E2}, allowed {allowed:E2})");
    }

    private sealed record Moments(double LogZ, double TauMean, double TauVar, double XMean, double XVar, double MMean, double MVar);

    // 20,000-node trapezoid over u = log τ on a range fixed from the prior and the conjugate posterior, wide enough for both
    // tails (the left tail falls like e^((a+½)u)); moments in two passes about their means. Z = E_Ga[N(d; 0, vd + 1/τ)] is
    // the ratio of two sums on the grid (with and without the likelihood), so it needs no lnΓ(a) (whose rounding at a = 1e5
    // is 2e-10).
    private static Moments Reference(double mx, double vx, double mm, double vm, double a, double b)
    {
        const int n = 20_000;
        double md = mx - mm, vd = vx + vm, sigma = 1 / Math.Sqrt(a + 0.5);
        double uPrior = Math.Log(a / b), uPost = Math.Log((a + 0.5) / (b + 0.5 * md * md));
        double lo = Math.Min(uPrior, uPost) - Math.Max(20 * sigma, 60 / (a + 0.5)) - (vd > 0 ? Math.Max(0, Math.Log(vd * a / b)) : 0);
        double hi = Math.Max(uPrior, uPost) + Math.Max(20 * sigma, 5 / Math.Sqrt(Math.Min(a, 1)));
        double h = (hi - lo) / (n - 1);
        var logW = new double[n];
        var tau = new double[n];
        double max = double.NegativeInfinity;
        var logPrior = new double[n];
        double maxPrior = double.NegativeInfinity;
        for (int j = 0; j < n; j++)
        {
            double u = lo + j * h, t = Math.Exp(u), v = vd + 1 / t;
            tau[j] = t;
            logPrior[j] = a * u - b * t;
            logW[j] = logPrior[j] - 0.5 * Math.Log(v) - 0.5 * md * md / v;
            max = Math.Max(max, logW[j]);
            maxPrior = Math.Max(maxPrior, logPrior[j]);
        }
        var w = logW.Select(l => Math.Exp(l - max)).ToArray();
        double z = w.Sum();
        double Mean(Func<int, double> f) { double s = 0; for (int j = 0; j < n; j++) s += w[j] * f(j); return s / z; }
        double tm = Mean(j => tau[j]), tv = Mean(j => (tau[j] - tm) * (tau[j] - tm));
        double XPost(int j, out double vp)
        {
            double vmsg = vm + 1 / tau[j];
            vp = 1 / (1 / vx + 1 / vmsg);
            return vp * (mx / vx + mm / vmsg);
        }
        double MPost(int j, out double vp)
        {
            double vmsg = vx + 1 / tau[j];
            vp = 1 / (1 / vm + 1 / vmsg);
            return vp * (mm / vm + mx / vmsg);
        }
        double xm = double.NaN, xv = double.NaN, mmean = double.NaN, mv = double.NaN;
        if (vx > 0)
        {
            xm = Mean(j => XPost(j, out _));
            xv = Mean(j => { double p = XPost(j, out double vp); return vp + (p - xm) * (p - xm); });
        }
        if (vm > 0)
        {
            mmean = Mean(j => MPost(j, out _));
            mv = Mean(j => { double p = MPost(j, out double vp); return vp + (p - mmean) * (p - mmean); });
        }
        double zPrior = logPrior.Sum(l => Math.Exp(l - maxPrior));
        double logZ = max - maxPrior + Math.Log(z / zPrior) - HalfLog2Pi;
        return new Moments(logZ, tm, tv, xm, xv, mmean, mv);
    }
}
