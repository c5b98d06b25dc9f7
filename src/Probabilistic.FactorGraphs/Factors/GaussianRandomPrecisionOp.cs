using Probabilistic.FactorGraphs.Distributions;

namespace Probabilistic.FactorGraphs.Factors;

/// <summary>
/// EP operators for x ~ N(mean, 1/τ) with a Gamma-distributed precision τ, by quadrature over u = log τ (the projection
/// onto Gaussian and Gamma has no closed form). The factor depends on d = x − m only, with d's context
/// N(μx − μm, vx + vm); given τ everything is Gaussian, so each message is a moment match of a τ-mixture.
/// </summary>
/// <remarks>
/// The integrand in u is Ga(e^u; a, b)·e^u·N(md; 0, vd + e^−u). Its width is about σ_u = 1/√(a + ½) (the Gamma in u has
/// curvature a at its mode, the likelihood adds at most ½ shape), so the trapezoid step is h = min(0.2, σ_u/2): the
/// trapezoid rule on an analytic, rapidly decaying integrand errs by about exp(−2π·s/h) with s the half-width of its strip of
/// analyticity (s ≈ π/2 in u for the double-exponential right tail, s ∝ σ_u near the mode), so both caps give errors far
/// below 1e-10 (Trefethen and Weideman, "The exponentially convergent trapezoidal rule", SIAM Review 56, 2014).
/// The range is walked outward from the mode of the conjugate approximation until a bound on the integrand is e^−36 below
/// the largest node seen: the bound log Ga + min(u/2, −½ log vd) − ¼ md² min(1/vd, e^u) (from max(vd, e^−u) ≤ v ≤ 2 max) is
/// concave plus non-increasing, so once it falls in the walking direction nothing beyond can matter. This follows the heavy
/// left tail (slope a + ½) as far as it matters and stops a few σ_u to the right.
/// </remarks>
public static class GaussianRandomPrecisionOp
{
    private const double MaxStep = 0.2;
    private const double StepsPerSigma = 2;
    private const double TailLog = 36;
    private const int MaxNodes = 100_000;
    private const double HalfLog2Pi = Core.Numerics.GaussianMath.HalfLog2Pi;

    /// <summary>The EP messages to sample, mean and precision, and log ∫ f Π contexts (contexts normalised).</summary>
    /// <exception cref="InvalidOperationException">A context is improper, so the projection is undefined.</exception>
    public static (Gaussian ToSample, Gaussian ToMean, Gamma ToPrecision, double LogAverageFactor) Messages(Gaussian sample, Gaussian mean, Gamma precision)
    {
        Check(sample, mean, precision);
        double mx = sample.GetMean(), vx = sample.GetVariance(), mm = mean.GetMean(), vm = mean.GetVariance();
        var q = Integrate(mx, vx, mm, vm, precision.Shape, precision.Rate, moments: true, sampleRandom: !sample.IsPointMass, meanRandom: !mean.IsPointMass);
        double r1 = q.R1 / q.Z;
        var toPrec = Gamma.FromMeanAndVariance(q.Tau0 * (1 + r1), q.Tau0 * q.Tau0 * (q.R2 / q.Z - r1 * r1)) / precision;
        var toSample = sample.IsPointMass ? Gaussian.Uniform() : Project(mx, q.X1, q.X2, q.XV, q.Z) / sample;
        var toMean = mean.IsPointMass ? Gaussian.Uniform() : Project(mm, q.M1, q.M2, q.MV, q.Z) / mean;
        return (toSample, toMean, toPrec, q.LogZ);
    }

    /// <summary>
    /// The messages of <see cref="Messages"/> kept proper, as Infer.NET's GaussianOp keeps them (ForceProper): a point far in
    /// the tail of the Student-t likelihood would otherwise send a negative precision, and a plate of such messages updated
    /// together an improper marginal. Where the exact messages are proper the two agree.
    /// </summary>
    public static (Gaussian ToSample, Gaussian ToMean, Gamma ToPrecision) ProperMessages(Gaussian sample, Gaussian mean, Gamma precision)
    {
        var m = Messages(sample, mean, precision);
        return (sample.IsPointMass ? m.ToSample : Gaussian.ProperRatio(sample * m.ToSample, sample),
                mean.IsPointMass ? m.ToMean : Gaussian.ProperRatio(mean * m.ToMean, mean),
                Gamma.ProperRatio(precision * m.ToPrecision, precision));
    }

    /// <summary>log ∫ f Π contexts (contexts normalised) alone: the EP evidence term, without the moments of the messages.</summary>
    /// <exception cref="InvalidOperationException">A context is improper.</exception>
    public static double LogAverageFactor(Gaussian sample, Gaussian mean, Gamma precision)
    {
        Check(sample, mean, precision);
        return Integrate(sample.GetMean(), sample.GetVariance(), mean.GetMean(), mean.GetVariance(), precision.Shape, precision.Rate,
            moments: false, sampleRandom: false, meanRandom: false).LogZ;
    }

    private static void Check(Gaussian sample, Gaussian mean, Gamma precision)
    {
        if (!precision.IsProper() || !(sample.IsPointMass || sample.IsProper()) || !(mean.IsPointMass || mean.IsProper()))
            throw new InvalidOperationException($"EP for a Gaussian with random precision needs proper contexts (sample {sample}, mean {mean}, precision {precision}); give the mean and precision proper priors, or use VariationalMessagePassing.");
    }

    // Moments of a posterior mean accumulated about the context mean c (E[mpost − c], E[(mpost − c)²], E[vpost]), so a
    // posterior much narrower than |c| keeps its digits.
    private static Gaussian Project(double c, double s1, double s2, double sv, double z)
    {
        double d = s1 / z;
        return Gaussian.FromMeanAndVariance(c + d, sv / z + (s2 / z - d * d));
    }

    private struct Quadrature
    {
        public double Z, R1, R2, X1, X2, XV, M1, M2, MV, LogZ, Tau0;

        public void Scale(double f)
        {
            Z *= f; R1 *= f; R2 *= f; X1 *= f; X2 *= f; XV *= f; M1 *= f; M2 *= f; MV *= f;
        }
    }

    private static Quadrature Integrate(double mx, double vx, double mm, double vm, double a, double b, bool moments, bool sampleRandom, bool meanRandom)
    {
        double md = mx - mm, md2 = md * md, vd = vx + vm;
        // u = uc + δ with uc = log(a/b) the Gamma's mode in u: log[Ga(e^u)·e^u] = a·log(a/b) − a − lnΓ(a) + a·log b − a·(e^δ − 1 − δ)
        double uc = Math.Log(a / b), tauC = a / b;
        double h = Math.Min(MaxStep, 1 / (StepsPerSigma * Math.Sqrt(a + 0.5)));
        double minusHalfLogVd = vd > 0 ? -0.5 * Math.Log(vd) : double.PositiveInfinity;
        double invVd = vd > 0 ? 1 / vd : double.PositiveInfinity;
        double delta0 = Math.Log((a + 0.5) / (b + 0.5 * md2)) - uc;
        // τ's moments are accumulated as τ = τ0·(1 + r) about the walk's start τ0, near the mass, so they keep their digits
        var q = new Quadrature { Tau0 = tauC * Math.Exp(delta0) };
        double maxLog = double.NegativeInfinity;
        int nodes = 0;

        double Bound(double delta, out double concavePart)
        {
            double u = uc + delta, t = tauC * Math.Exp(delta);
            concavePart = -a * (ExpM1(delta) - delta) + Math.Min(0.5 * u, minusHalfLogVd);
            return concavePart - 0.25 * md2 * Math.Min(invVd, t);
        }

        void Add(double delta)
        {
            if (++nodes > MaxNodes)
                throw new InvalidOperationException($"Quadrature for a Gaussian with random precision did not converge (shape {a}, rate {b}, d = {md}, var {vd}).");
            // e^δ − 1 for the Gamma term without cancellation near the mode; τ itself from e^δ away from it, where 1 + (e^δ − 1) would lose digits
            double em1, t;
            if (Math.Abs(delta) > 0.5) { double e = Math.Exp(delta); em1 = e - 1; t = tauC * e; }
            else { em1 = ExpM1(delta); t = tauC * (1 + em1); }
            double v = vd + 1 / t;
            double lw = -a * (em1 - delta) - 0.5 * Math.Log(v) - 0.5 * md2 / v;
            if (double.IsNegativeInfinity(lw) || double.IsNaN(lw)) return;
            if (lw > maxLog)
            {
                if (maxLog > double.NegativeInfinity) q.Scale(Math.Exp(maxLog - lw));
                maxLog = lw;
            }
            double w = Math.Exp(lw - maxLog);
            q.Z += w;
            if (!moments) return;
            double r = ExpM1(delta - delta0);
            q.R1 += w * r; q.R2 += w * r * r;
            // given τ: the message to x is N(mm, vm + 1/τ); x's posterior combines it with x's context (and likewise for m)
            if (sampleRandom)
            {
                double vmsg = vm + 1 / t, vpost = 1 / (1 / vx + 1 / vmsg), dpost = vpost * (mm - mx) / vmsg;
                q.X1 += w * dpost; q.X2 += w * dpost * dpost; q.XV += w * vpost;
            }
            if (meanRandom)
            {
                double vmsg = vx + 1 / t, vpost = 1 / (1 / vm + 1 / vmsg), dpost = vpost * (mx - mm) / vmsg;
                q.M1 += w * dpost; q.M2 += w * dpost * dpost; q.MV += w * vpost;
            }
        }

        // right: stop once the concave part decreases and the bound is negligible; left: once the concave part (which bounds
        // everything to its left there) is negligible and still rising towards the walk's start
        double prev = double.NegativeInfinity;
        for (int j = 0; ; j++)
        {
            double delta = delta0 + j * h;
            double bound = Bound(delta, out double c);
            if (j > 0 && c < prev && bound < maxLog - TailLog) break;
            prev = c;
            Add(delta);
        }
        Bound(delta0, out prev);
        for (int j = 1; ; j++)
        {
            double delta = delta0 - j * h;
            Bound(delta, out double c);
            if (c < prev && c < maxLog - TailLog) break;
            prev = c;
            Add(delta);
        }
        q.LogZ = maxLog + Math.Log(q.Z * h) - HalfLog2Pi + GammaModeLogDensity(a);
        return q;
    }

    // e^x − 1 without cancellation near 0 (.NET's double.ExpM1 is Exp(x) − 1): e^x − 1 = 2 tanh(x/2) / (1 − tanh(x/2))
    private static double ExpM1(double x)
    {
        if (Math.Abs(x) > 0.5) return Math.Exp(x) - 1;
        double t = Math.Tanh(0.5 * x);
        return 2 * t / (1 - t);
    }

    // a·log a − a − lnΓ(a): the log density of Ga(a, b)·τ at τ = a/b, with b cancelled; by Stirling's series for large a, where
    // the direct difference would lose digits.
    private static double GammaModeLogDensity(double a)
    {
        if (a < 10) return a * Math.Log(a) - a - MathNet.Numerics.SpecialFunctions.GammaLn(a);
        double r = 1 / a, r2 = r * r;
        double correction = r * (1.0 / 12 - r2 * (1.0 / 360 - r2 * (1.0 / 1260 - r2 * (1.0 / 1680 - r2 / 1188))));
        return 0.5 * Math.Log(a) - HalfLog2Pi - correction;
    }
}
