using Probabilistic.FactorGraphs.Distributions;

namespace Probabilistic.FactorGraphs.Factors;

/// <summary>
/// EP operators for x ~ N(mean, 1/τ) with a Gamma-distributed precision τ, by quadrature over log τ (the projection
/// onto Gaussian and Gamma has no closed form). The factor depends on d = x − m only, with d's context
/// N(μx − μm, vx + vm); given τ everything is Gaussian, so each message is a moment match of a τ-mixture.
/// </summary>
public static class GaussianRandomPrecisionOp
{
    private const int Nodes = 240;

    /// <summary>The EP messages to sample, mean and precision, and log ∫ f Π contexts (contexts normalised).</summary>
    /// <exception cref="InvalidOperationException">A context is improper, so the projection is undefined.</exception>
    public static (Gaussian ToSample, Gaussian ToMean, Gamma ToPrecision, double LogAverageFactor) Messages(Gaussian sample, Gaussian mean, Gamma precision)
    {
        if (!precision.IsProper() || !(sample.IsPointMass || sample.IsProper()) || !(mean.IsPointMass || mean.IsProper()))
            throw new InvalidOperationException($"EP for a Gaussian with random precision needs proper contexts (sample {sample}, mean {mean}, precision {precision}); give the mean and precision proper priors, or use VariationalMessagePassing.");
        double mx = sample.GetMean(), vx = sample.GetVariance(), mm = mean.GetMean(), vm = mean.GetVariance();
        double md = mx - mm, vd = vx + vm;
        double a = precision.Shape, b = precision.Rate;
        double mode = Math.Log(a / b);
        double lo = mode - Math.Max(10 / Math.Sqrt(a), 30 / a), hi = mode + 8 / Math.Sqrt(a) + 0.5;
        double h = (hi - lo) / (Nodes - 1);
        Span<double> logW = stackalloc double[Nodes];
        Span<double> tau = stackalloc double[Nodes];
        double maxLog = double.NegativeInfinity;
        for (int j = 0; j < Nodes; j++)
        {
            double u = lo + j * h, t = Math.Exp(u);
            tau[j] = t;
            double v = vd + 1 / t;
            // Gamma density in u = log τ (Jacobian τ), times N(md; 0, vd + 1/τ)
            logW[j] = a * u - b * t - 0.5 * Math.Log(v) - 0.5 * md * md / v;
            if (logW[j] > maxLog) maxLog = logW[j];
        }
        double z = 0, e1 = 0, e2 = 0, xm1 = 0, xm2 = 0, mm1 = 0, mm2 = 0;
        for (int j = 0; j < Nodes; j++)
        {
            double w = Math.Exp(logW[j] - maxLog), t = tau[j];
            z += w; e1 += w * t; e2 += w * t * t;
            // given τ: message to x is N(mm, vm + 1/τ); posterior of x combines it with the context
            if (!sample.IsPointMass)
            {
                double vmsg = vm + 1 / t;
                double vpost = 1 / (1 / vx + 1 / vmsg);
                double mpost = vpost * (mx / vx + mm / vmsg);
                xm1 += w * mpost; xm2 += w * (vpost + mpost * mpost);
            }
            if (!mean.IsPointMass)
            {
                double vmsg = vx + 1 / t;
                double vpost = 1 / (1 / vm + 1 / vmsg);
                double mpost = vpost * (mm / vm + mx / vmsg);
                mm1 += w * mpost; mm2 += w * (vpost + mpost * mpost);
            }
        }
        double logZ = maxLog + Math.Log(z * h) - 0.5 * Math.Log(2 * Math.PI) + a * Math.Log(b) - MathNet.Numerics.SpecialFunctions.GammaLn(a);
        double tMean = e1 / z, tVar = e2 / z - tMean * tMean;
        var toPrec = Gamma.FromMeanAndVariance(tMean, tVar) / precision;
        var toSample = sample.IsPointMass ? Gaussian.Uniform()
            : Gaussian.FromMeanAndVariance(xm1 / z, xm2 / z - (xm1 / z) * (xm1 / z)) / sample;
        var toMean = mean.IsPointMass ? Gaussian.Uniform()
            : Gaussian.FromMeanAndVariance(mm1 / z, mm2 / z - (mm1 / z) * (mm1 / z)) / mean;
        return (toSample, toMean, toPrec, logZ);
    }
}
