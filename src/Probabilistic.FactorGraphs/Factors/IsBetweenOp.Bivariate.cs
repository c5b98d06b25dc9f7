using MathNet.Numerics;

namespace Probabilistic.FactorGraphs.Factors;

public static partial class IsBetweenOp
{
    private const double TwoPi = 2 * Math.PI;

    /// <summary>Φ(z), the standard normal CDF.</summary>
    internal static double Phi(double z) => 0.5 * SpecialFunctions.Erfc(-z / Math.Sqrt(2));

    /// <summary>φ(z), the standard normal density.</summary>
    internal static double SmallPhi(double z) => Math.Exp(-0.5 * z * z) / Math.Sqrt(TwoPi);

    // Gauss–Legendre abscissae and weights on [−1, 1] (positive half) with 6, 12 and 20 points
    private static readonly double[][] Weights =
    [
        [0.1713244923791705, 0.3607615730481384, 0.4679139345726904],
        [0.04717533638651177, 0.1069393259953183, 0.1600783285433464, 0.2031674267230659, 0.2334925365383547, 0.2491470458134029],
        [0.01761400713915212, 0.04060142980038694, 0.06267204833410906, 0.08327674157670475, 0.1019301198172404,
            0.1181945319615184, 0.1316886384491766, 0.1420961093183821, 0.1491729864726037, 0.1527533871307259],
    ];

    private static readonly double[][] Abscissae =
    [
        [0.9324695142031522, 0.6612093864662647, 0.2386191860831970],
        [0.9815606342467191, 0.9041172563704750, 0.7699026741943050, 0.5873179542866171, 0.3678314989981802, 0.1252334085114692],
        [0.9931285991850949, 0.9639719272779138, 0.9122344282513259, 0.8391169718222188, 0.7463319064601508,
            0.6360536807265150, 0.5108670019508271, 0.3737060887154196, 0.2277858511416451, 0.07652652113349733],
    ];

    /// <summary>
    /// P(W₁ &gt; h, W₂ &gt; k) for a standard bivariate normal with correlation ρ: Genz's algorithm (Drezner and Wesolowsky's
    /// integral over asin ρ by Gauss–Legendre quadrature for |ρ| &lt; 0.925, and the expansion about |ρ| = 1 above;
    /// A. Genz, "Numerical computation of rectangular bivariate and trivariate normal and t probabilities", Statistics and
    /// Computing 14, 2004), accurate to about 1e−15.
    /// </summary>
    public static double BivariateNormalUpper(double h, double k, double rho)
    {
        if (double.IsPositiveInfinity(h) || double.IsPositiveInfinity(k)) return 0;
        if (double.IsNegativeInfinity(h)) return double.IsNegativeInfinity(k) ? 1 : Phi(-k);
        if (double.IsNegativeInfinity(k)) return Phi(-h);
        if (rho == 0) return Phi(-h) * Phi(-k);
        int set = Math.Abs(rho) < 0.3 ? 0 : Math.Abs(rho) < 0.75 ? 1 : 2;
        var w = Weights[set];
        var x = Abscissae[set];
        double hk = h * k, bvn = 0;
        if (Math.Abs(rho) < 0.925)
        {
            double hs = (h * h + k * k) / 2, asr = Math.Asin(rho) / 2;
            for (int i = 0; i < x.Length; i++)
                foreach (double point in (ReadOnlySpan<double>)[1 - x[i], 1 + x[i]])
                {
                    double sn = Math.Sin(asr * point);
                    bvn += w[i] * Math.Exp((sn * hk - hs) / (1 - sn * sn));
                }
            return Math.Clamp(bvn * asr / TwoPi + Phi(-h) * Phi(-k), 0, 1);
        }
        if (rho < 0) { k = -k; hk = -hk; }
        if (Math.Abs(rho) < 1)
        {
            double a2 = (1 - rho) * (1 + rho), a = Math.Sqrt(a2), bs = (h - k) * (h - k);
            double c = (4 - hk) / 8, d = (12 - hk) / 80, asr = -(bs / a2 + hk) / 2;
            if (asr > -100) bvn = a * Math.Exp(asr) * (1 - c * (bs - a2) * (1 - d * bs) / 3 + c * d * a2 * a2);
            if (hk > -100)
            {
                double b = Math.Sqrt(bs), sp = Math.Sqrt(TwoPi) * Phi(-b / a);
                bvn -= Math.Exp(-hk / 2) * sp * b * (1 - c * bs * (1 - d * bs) / 3);
            }
            a /= 2;
            double sum = 0;
            for (int i = 0; i < x.Length; i++)
                foreach (double point in (ReadOnlySpan<double>)[1 - x[i], 1 + x[i]])
                {
                    double xs = a * point * a * point;
                    double e = -(bs / xs + hk) / 2;
                    if (e <= -100) continue;
                    double sp = 1 + c * xs * (1 + 5 * d * xs), rs = Math.Sqrt(1 - xs);
                    double ep = Math.Exp(-(hk / 2) * xs / ((1 + rs) * (1 + rs))) / rs;
                    sum += w[i] * Math.Exp(e) * (sp - ep);
                }
            bvn = (a * sum - bvn) / TwoPi;
        }
        if (rho > 0) bvn += Phi(-Math.Max(h, k));
        else if (h >= k) bvn = -bvn;
        else bvn = (h < 0 ? Phi(k) - Phi(h) : Phi(-h) - Phi(-k)) - bvn;
        return Math.Clamp(bvn, 0, 1);
    }
}
