using MathNet.Numerics;
using Probabilistic.Core.Inference;
using Probabilistic.Core.IO;
using Probabilistic.Core.Numerics;
using Probabilistic.Mixtures.Kernels;
using Probabilistic.Core.Gaussians;

namespace Probabilistic.Mixtures;

public sealed partial class BayesianGaussianMixture
{
    /// <summary>
    /// The kind written in model files. A Bayesian mixture is its own kind, so <see cref="GaussianMixture.Load"/> refuses
    /// it by name ("holds a 'bayesian-gaussian-mixture' model, not a 'gaussian-mixture' model") instead of misreading it.
    /// </summary>
    public const string ModelKind = "bayesian-gaussian-mixture";

    /// <summary>The model-file version this build writes and reads.</summary>
    public const int ModelVersion = 1;

    /// <summary>What a model file holds: the variational posterior (enough to predict exactly as the fitted model) and its summary.</summary>
    /// <param name="CovarianceType">The covariance type.</param>
    /// <param name="WeightPrior">Dirichlet distribution or process.</param>
    /// <param name="Components">K.</param>
    /// <param name="Dimension">D.</param>
    /// <param name="Weights">Posterior mean weights [K].</param>
    /// <param name="Means">Posterior means m_k [K][D].</param>
    /// <param name="Covariances">(ν W)⁻¹ in the layout of <see cref="CovarianceLayout.Length"/>.</param>
    /// <param name="WeightConcentration">Dirichlet α_k, or the sticks' Beta first parameters [K].</param>
    /// <param name="StickConcentration">The sticks' Beta second parameters [K] (Dirichlet process; zeros otherwise).</param>
    /// <param name="MeanPrecision">β_k [K].</param>
    /// <param name="DegreesOfFreedom">ν_k [K] (Tied: K equal values).</param>
    /// <param name="PrecisionScaleInverse">W⁻¹ in the covariance layout.</param>
    /// <param name="ElboTrace">The bound after each step, nats per point (null when not fitted here).</param>
    /// <param name="Converged">Whether the fit met its tolerance.</param>
    public sealed record ModelDocument(CovarianceType CovarianceType, WeightPrior WeightPrior, int Components, int Dimension,
        double[] Weights, double[][] Means, double[] Covariances, double[] WeightConcentration, double[] StickConcentration,
        double[] MeanPrecision, double[] DegreesOfFreedom, double[] PrecisionScaleInverse, double[]? ElboTrace, bool Converged);

    /// <summary>Whether the fit met its tolerance.</summary>
    public bool Converged => Trace?.StopReason == StopReason.Converged;

    /// <summary>K of the fitted or loaded model.</summary>
    public int Components => _state?.K ?? throw new InvalidOperationException("Fit or load the model first.");

    /// <summary>D of the fitted or loaded model.</summary>
    public int Dimension => _state?.D ?? throw new InvalidOperationException("Fit or load the model first.");

    /// <summary>Saves the fitted model atomically as versioned JSON.</summary>
    public void Save(string path)
    {
        var s = _state ?? throw new InvalidOperationException("Fit the model before saving it.");
        var means = Enumerable.Range(0, s.K).Select(c => Means.AsSpan(c * s.D, s.D).ToArray()).ToArray();
        var doc = new ModelDocument(s.Type, Options.WeightPrior, s.K, s.D, Weights, means, Covariances, s.A, s.B, s.Beta, s.Nu, s.WInv,
            Trace?.Select(t => t.ElboPerObservation).ToArray(), Converged);
        ModelFile.Save(path, ModelKind, ModelVersion, doc);
    }

    /// <summary>Loads a model saved by <see cref="Save"/>, refusing wrong, corrupt or inconsistent files.</summary>
    /// <exception cref="ModelFormatException">The file is not a valid Bayesian Gaussian-mixture model file.</exception>
    public static BayesianGaussianMixture Load(string path, Core.MemoryBudget? budget = null)
    {
        var doc = ModelFile.Load<ModelDocument>(path, ModelKind, ModelVersion, budget);
        try
        {
            int k = doc.Components, d = doc.Dimension;
            if (k < 1 || d < 1) throw new ArgumentException($"components {k} and dimension {d} must be at least 1");
            void Check(double[]? a, int length, string name, bool positive)
            {
                if (a is null || a.Length != length) throw new ArgumentException($"{name} must have {length} values (got {a?.Length.ToString() ?? "none"})");
                for (int i = 0; i < length; i++)
                    if (!double.IsFinite(a[i]) || (positive && !(a[i] > 0))) throw new ArgumentException($"{name}[{i}] = {a[i]} must be finite{(positive ? " and > 0" : "")}");
            }
            int covLength = CovarianceLayout.Length(doc.CovarianceType, k, d);
            if (doc.Means is null || doc.Means.Length != k || doc.Means.Any(m => m is null || m.Length != d)) throw new ArgumentException($"means must be {k}x{d}");
            Check(doc.Weights, k, "weights", false);
            Check(doc.Covariances, covLength, "covariances", false);
            Check(doc.WeightConcentration, k, "weightConcentration", true);
            Check(doc.StickConcentration, k, "stickConcentration", doc.WeightPrior == WeightPrior.DirichletProcess);
            Check(doc.MeanPrecision, k, "meanPrecision", true);
            Check(doc.DegreesOfFreedom, k, "degreesOfFreedom", true);
            Check(doc.PrecisionScaleInverse, covLength, "precisionScaleInverse", false);
            if (doc.CovarianceType is CovarianceType.Full or CovarianceType.Tied)
                for (int c = 0; c < (doc.CovarianceType == CovarianceType.Full ? k : 1); c++)
                {
                    CovarianceLayout.RequireSymmetric(doc.Covariances!, c * d * d, d, $"covariances of component {c}");
                    CovarianceLayout.RequireSymmetric(doc.PrecisionScaleInverse!, c * d * d, d, $"precisionScaleInverse of component {c}");
                }
            var state = new State
            {
                K = k, D = d, Type = doc.CovarianceType, A = doc.WeightConcentration, B = doc.StickConcentration, Beta = doc.MeanPrecision,
                Nu = doc.DegreesOfFreedom, M = doc.Means.SelectMany(m => m).ToArray(), WInv = doc.PrecisionScaleInverse,
            };
            state.DeriveExpectations(doc.WeightPrior);
            var model = new BayesianGaussianMixture(new BayesianGaussianMixtureOptions(k, doc.WeightPrior, CovarianceType: doc.CovarianceType))
            {
                _state = state,
                Weights = doc.Weights,
                Means = state.M,
                Covariances = doc.Covariances,
            };
            return model;
        }
        catch (Exception e) when (e is ArgumentException or IllConditionedCovarianceException)
        {
            throw new ModelFormatException(path, $"inconsistent Bayesian Gaussian-mixture parameters: {e.Message}", e);
        }
    }

    internal sealed partial class State
    {
        /// <summary>log|W⁻¹|, E[log|Λ|] and E[log π] of a loaded posterior (the formulas of the updates).</summary>
        public void DeriveExpectations(WeightPrior prior)
        {
            LogDetWInv = new double[K];
            ExpLogDetLambda = new double[K];
            ExpLogPi = new double[K];
            int d = D;
            for (int c = 0; c < K; c++)
            {
                switch (Type)
                {
                    case CovarianceType.Full or CovarianceType.Tied:
                        {
                            var l = WInv.AsSpan(Type == CovarianceType.Full ? c * d * d : 0, d * d).ToArray();
                            if (!Cholesky.TryFactor(l, d)) throw new ArgumentException($"precisionScaleInverse of component {c} is not positive definite");
                            LogDetWInv[c] = Cholesky.LogDeterminant(l, d);
                            double e = d * Math.Log(2) - LogDetWInv[c];
                            for (int i = 0; i < d; i++) e += SpecialFunctions.DiGamma(0.5 * (Nu[c] - i));
                            ExpLogDetLambda[c] = e;
                            break;
                        }
                    case CovarianceType.Diagonal:
                        for (int i = 0; i < d; i++)
                        {
                            double w = WInv[c * d + i];
                            if (!(w > 0)) throw new ArgumentException($"precisionScaleInverse[{c * d + i}] = {w} must be > 0");
                            LogDetWInv[c] += Math.Log(w);
                            ExpLogDetLambda[c] += ExpLogPrecision(Nu[c], Math.Log(w));
                        }
                        break;
                    default:
                        if (!(WInv[c] > 0)) throw new ArgumentException($"precisionScaleInverse[{c}] = {WInv[c]} must be > 0");
                        LogDetWInv[c] = Math.Log(WInv[c]);
                        ExpLogDetLambda[c] = d * ExpLogPrecision(Nu[c], LogDetWInv[c]);
                        break;
                }
            }
            if (prior == WeightPrior.DirichletDistribution)
            {
                double total = A.Sum();
                for (int c = 0; c < K; c++) ExpLogPi[c] = SpecialFunctions.DiGamma(A[c]) - SpecialFunctions.DiGamma(total);
            }
            else
            {
                double cumulative = 0;
                for (int c = 0; c < K; c++)
                {
                    double dg = SpecialFunctions.DiGamma(A[c] + B[c]);
                    ExpLogPi[c] = SpecialFunctions.DiGamma(A[c]) - dg + cumulative;
                    cumulative += SpecialFunctions.DiGamma(B[c]) - dg;
                }
            }
        }
    }
}
