using Probabilistic.FactorGraphs.Factors;
using PositiveDefiniteMatrix = Probabilistic.FactorGraphs.LinearAlgebra.PositiveDefiniteMatrix;

namespace Probabilistic.FactorGraphs.Tests;

/// <summary>
/// The Laplace message to a Wishart precision (<see cref="VectorGaussianLaplaceOp"/>) against finite differences of the
/// factor it approximates, log f(Λ) = log N(d; 0, V + Λ⁻¹): at the expansion point R the message's log density has f's
/// gradient and f's second derivative along R.
/// </summary>
public class VectorGaussianLaplaceOpTests
{
    private static readonly double[] Diff = [0.7, -0.4];
    private static readonly double[] V = [0.3, 0.05, 0.05, 0.2];
    private static readonly double[] R = [1.8, 0.3, 0.3, 1.1];

    /// <summary>log N(d; 0, V + Λ⁻¹) up to a constant.</summary>
    private static double LogF(double[] lambda)
    {
        var li = Inverse2(lambda);
        var s = new[] { V[0] + li[0], V[1] + li[1], V[2] + li[2], V[3] + li[3] };
        double det = s[0] * s[3] - s[1] * s[2];
        var si = Inverse2(s);
        double quad = Diff[0] * (si[0] * Diff[0] + si[1] * Diff[1]) + Diff[1] * (si[2] * Diff[0] + si[3] * Diff[1]);
        return -0.5 * Math.Log(det) - 0.5 * quad;
    }

    private static double[] Inverse2(double[] a)
    {
        double det = a[0] * a[3] - a[1] * a[2];
        return [a[3] / det, -a[1] / det, -a[2] / det, a[0] / det];
    }

    private static double LogMessage(Wishart w, double[] lambda) => w.GetLogProb(new PositiveDefiniteMatrix(new double[,] { { lambda[0], lambda[1] }, { lambda[2], lambda[3] } }));

    /// <summary>The derivative of g along the symmetric direction E at R, by central differences.</summary>
    private static double Directional(Func<double[], double> g, double[] e, double h = 1e-5)
    {
        var plus = new double[4];
        var minus = new double[4];
        for (int k = 0; k < 4; k++) { plus[k] = R[k] + h * e[k]; minus[k] = R[k] - h * e[k]; }
        return (g(plus) - g(minus)) / (2 * h);
    }

    [Fact]
    public void Message_HasTheFactorsGradientAtTheExpansionPoint()
    {
        var msg = VectorGaussianLaplaceOp.PrecisionMessage(2, Diff, V, (double[])R.Clone(), forceProper: false);
        foreach (var e in new[] { new double[] { 1, 0, 0, 0 }, new double[] { 0, 1, 1, 0 }, new double[] { 0, 0, 0, 1 }, new double[] { 0.5, -0.3, -0.3, 0.8 } })
        {
            double expected = Directional(LogF, e);
            double actual = Directional(l => LogMessage(msg, l), e);
            Assert.True(Math.Abs(expected - actual) < 1e-7, $"direction [{string.Join(", ", e)}]: factor {expected}, message {actual}");
        }
    }

    [Fact]
    public void Message_HasTheFactorsCurvatureAlongTheExpansionPoint()
    {
        // d²/dt² log f((1 + t)R) at t = 0, by central differences, against the same for the message
        var msg = VectorGaussianLaplaceOp.PrecisionMessage(2, Diff, V, (double[])R.Clone(), forceProper: false);
        static double Second(Func<double[], double> g, double h = 1e-4)
        {
            double At(double t) => g(R.Select(x => x * (1 + t)).ToArray());
            return (At(h) - 2 * At(0) + At(-h)) / (h * h);
        }
        double expected = Second(LogF);
        double actual = Second(l => LogMessage(msg, l));
        Assert.True(Math.Abs(expected - actual) < 1e-5 * Math.Max(1, Math.Abs(expected)), $"factor {expected}, message {actual}");
    }

    [Fact]
    public void ForcedProper_KeepsTheRateNonNegativeDefinite()
    {
        // a sample far from the mean makes the factor's gradient along Λ strongly negative: the unforced message is improper
        double[] far = [6.0, -5.0];
        var unforced = VectorGaussianLaplaceOp.PrecisionMessage(2, far, V, (double[])R.Clone(), forceProper: false);
        var forced = VectorGaussianLaplaceOp.PrecisionMessage(2, far, V, (double[])R.Clone(), forceProper: true);
        var ur = unforced.Rate;
        Assert.True(ur[0, 0] * ur[1, 1] - ur[0, 1] * ur[1, 0] < 0 || ur[0, 0] < 0, $"expected an indefinite unforced rate, got {unforced}");
        var fr = forced.Rate;
        Assert.True(fr[0, 0] >= -1e-12 && fr[1, 1] >= -1e-12 && fr[0, 0] * fr[1, 1] - fr[0, 1] * fr[1, 0] >= -1e-9, $"forced rate not non-negative definite: {forced}");
        Assert.True(forced.Shape >= 1.5, $"forced shape {forced.Shape} below (d+1)/2");
    }
}
