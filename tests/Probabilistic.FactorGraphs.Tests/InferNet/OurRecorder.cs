using Probabilistic.FactorGraphs.Tests.InferNet.Idioms;

namespace Probabilistic.FactorGraphs.Tests.InferNet;

/// <summary>
/// Our distributions as the canonical numbers tools/InferNetOracle's recorder writes for Infer.NET's: Gaussian
/// mean/variance, Gamma shape/rate, Beta trueCount/falseCount, Bernoulli p/logOdds, Discrete p[k]/logp[k], Dirichlet
/// alpha[k], VectorGaussian mean[i]/cov[i,j], Wishart shape/rate[i,j], matrices [i,j].
/// </summary>
public sealed class OurRecorder : CanonicalRecorder
{
    /// <inheritdoc/>
    protected override bool AddDistribution(string key, object value, Action<string, double> put)
    {
        switch (value)
        {
            case Gaussian g:
                // from the natural parameters, as the oracle does, so an improper result is recorded rather than refused
                if (g.IsPointMass) { put(key + ".mean", g.Point); put(key + ".variance", 0); }
                else if (g.Precision == 0)
                {
                    put(key + ".mean", g.MeanTimesPrecision == 0 ? 0 : g.MeanTimesPrecision / 0.0);
                    put(key + ".variance", double.PositiveInfinity);
                }
                else { put(key + ".mean", g.MeanTimesPrecision / g.Precision); put(key + ".variance", 1 / g.Precision); }
                return true;
            case Gamma g:
                put(key + ".shape", g.Shape);
                put(key + ".rate", g.Rate);
                return true;
            case Beta b:
                put(key + ".trueCount", b.TrueCount);
                put(key + ".falseCount", b.FalseCount);
                return true;
            case Bernoulli b:
                put(key + ".p", b.GetProbTrue());
                put(key + ".logOdds", b.LogOdds);
                return true;
            case Discrete d:
                for (int k = 0; k < d.Dimension; k++) put(key + ".p[" + I(k) + "]", d[k]);
                for (int k = 0; k < d.Dimension; k++) put(key + ".logp[" + I(k) + "]", d.GetLogProb(k));
                return true;
            case Dirichlet d:
            {
                var alpha = d.PseudoCount;
                for (int k = 0; k < alpha.Length; k++) put(key + ".alpha[" + I(k) + "]", alpha[k]);
                return true;
            }
            case VectorGaussian v:
            {
                var mean = v.GetMean();
                for (int i = 0; i < mean.Count; i++) put(key + ".mean[" + I(i) + "]", mean[i]);
                PutMatrix(key + ".cov", v.GetVariance(), put);
                return true;
            }
            case Wishart w:
                put(key + ".shape", w.Shape);
                // a point mass keeps its point where the rate is (as Infer.NET does); otherwise rate = scale⁻¹
                PutMatrix(key + ".rate", w.IsPointMass ? w.Point : Inverse(w.GetScale()), put);
                return true;
            case PositiveDefiniteMatrix m:
                PutMatrix(key, m, put);
                return true;
            default:
                return false;
        }
    }

    private static void PutMatrix(string key, PositiveDefiniteMatrix m, Action<string, double> put)
    {
        for (int i = 0; i < m.Dimension; i++)
            for (int j = 0; j < m.Dimension; j++) put(key + "[" + I(i) + "," + I(j) + "]", m[i, j]);
    }

    // Gauss–Jordan with partial pivoting; d is small (the models' matrices are 2×2 to 4×4).
    private static PositiveDefiniteMatrix Inverse(PositiveDefiniteMatrix m)
    {
        int d = m.Dimension;
        var a = new double[d, 2 * d];
        for (int i = 0; i < d; i++)
        {
            for (int j = 0; j < d; j++) a[i, j] = m[i, j];
            a[i, d + i] = 1;
        }
        for (int c = 0; c < d; c++)
        {
            int p = c;
            for (int r = c + 1; r < d; r++) if (Math.Abs(a[r, c]) > Math.Abs(a[p, c])) p = r;
            for (int j = 0; j < 2 * d; j++) (a[c, j], a[p, j]) = (a[p, j], a[c, j]);
            double pivot = a[c, c];
            for (int j = 0; j < 2 * d; j++) a[c, j] /= pivot;
            for (int r = 0; r < d; r++)
            {
                if (r == c || a[r, c] == 0) continue;
                double f = a[r, c];
                for (int j = 0; j < 2 * d; j++) a[r, j] -= f * a[c, j];
            }
        }
        var inv = new double[d, d];
        for (int i = 0; i < d; i++)
            for (int j = 0; j < d; j++) inv[i, j] = 0.5 * (a[i, d + j] + a[j, d + i]); // symmetric up to rounding
        return new PositiveDefiniteMatrix(inv);
    }
}
