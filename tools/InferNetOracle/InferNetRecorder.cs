using Microsoft.ML.Probabilistic.Distributions;
using Microsoft.ML.Probabilistic.Math;
using Probabilistic.FactorGraphs.Tests.InferNet.Idioms;

namespace Probabilistic.InferNetOracle;

/// <summary>A result the recorder has no canonical numbers for (a harness bug, not a refusal by Infer.NET).</summary>
public sealed class RecorderException(string message) : Exception(message);

/// <summary>
/// Infer.NET's types as canonical numbers (the keys OurRecorder writes for ours): Gaussian mean/variance, Gamma
/// shape/rate, Beta trueCount/falseCount, Bernoulli p/logOdds, Discrete p[k]/logp[k], Dirichlet alpha[k], VectorGaussian
/// mean[i]/cov[i,j], Wishart shape/rate[i,j], Poisson rate/precision, matrices [i,j].
/// </summary>
public sealed class InferNetRecorder : CanonicalRecorder
{
    /// <inheritdoc/>
    protected override bool AddDistribution(string key, object value, Action<string, double> put)
    {
        switch (value)
        {
            case Gaussian g:
                // from the natural parameters, so that an improper result is recorded rather than refused
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
                for (int k = 0; k < d.Dimension; k++) put(key + ".alpha[" + I(k) + "]", d.PseudoCount[k]);
                return true;
            case VectorGaussian v:
            {
                var mean = v.GetMean();
                var cov = v.GetVariance();
                for (int i = 0; i < mean.Count; i++) put(key + ".mean[" + I(i) + "]", mean[i]);
                PutMatrix(key + ".cov", cov, put);
                return true;
            }
            case Wishart w:
                put(key + ".shape", w.Shape);
                PutMatrix(key + ".rate", w.Rate, put);
                return true;
            case Poisson p:
                put(key + ".rate", p.Rate);
                put(key + ".precision", p.Precision);
                return true;
            case Matrix m:
                PutMatrix(key, m, put);
                return true;
            case Vector v:
                for (int i = 0; i < v.Count; i++) put(key + "[" + I(i) + "]", v[i]);
                return true;
            case IDistribution<double> or IDistribution<int> or IDistribution<bool> or IDistribution<Vector>:
                throw new RecorderException($"'{key}' is an Infer.NET {value.GetType().Name}, which has no canonical numbers yet: "
                    + "add them here and in OurRecorder.");
            default:
                return false;
        }
    }

    private static void PutMatrix(string key, Matrix m, Action<string, double> put)
    {
        for (int i = 0; i < m.Rows; i++)
            for (int j = 0; j < m.Cols; j++) put(key + "[" + I(i) + "," + I(j) + "]", m[i, j]);
    }
}
