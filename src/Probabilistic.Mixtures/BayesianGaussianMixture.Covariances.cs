using MathNet.Numerics;
using Probabilistic.Core.Numerics;
using Probabilistic.Mixtures.Kernels;
using Probabilistic.Core.Gaussians;

namespace Probabilistic.Mixtures;

public sealed partial class BayesianGaussianMixture
{
    /// <summary>
    /// The tied, diagonal and spherical posteriors. Each is a Normal-Wishart family: precision blocks
    /// Λ ~ Wishart(ν, W) of dimension p (a Gamma(ν/2, rate W⁻¹/2) when p = 1) and means μ_k | Λ ~ N(m_k, (β_k Λ)⁻¹).
    /// Tied: one D×D block shared by all components, ν = ν₀ + N, W⁻¹ = W₀⁻¹ + Σ_k [N_k S_k + β₀N_k/(β₀+N_k) (x̄_k − m₀)(x̄_k − m₀)ᵀ].
    /// Diagonal: a 1×1 block per component and dimension, ν_k = ν₀ + N_k, w⁻¹_kj = w₀⁻¹_j + N_k S_kjj + β₀N_k/(β₀+N_k) (x̄_kj − m₀j)².
    /// Spherical: one 1×1 block per component shared by its D dimensions (Λ = λ I), ν_k = ν₀ + D N_k,
    /// w⁻¹_k = w₀⁻¹ + Σ_j [N_k S_kjj + β₀N_k/(β₀+N_k) (x̄_kj − m₀j)²].
    /// These are the exact conditionally conjugate updates (Bishop PRML 10.60–10.63 and, for the Gamma cases, Murphy 2007,
    /// "Conjugate Bayesian analysis of the Gaussian distribution", §8). scikit-learn's tied (ν₀ + N/K), diagonal and
    /// spherical (ν₀ + N_k with the Wishart's E[log|Λ|]) updates differ in these places; ours keep the bound exact.
    /// </summary>
    internal sealed partial class State
    {
        private void UpdateOther(Prior p, GaussianStatistics s)
        {
            int k = p.K, d = p.D;
            double total = s.Weight.Sum();
            var diff = new double[d];
            if (Type == CovarianceType.Tied) Array.Copy(p.W0Inv, WInv, d * d);
            for (int c = 0; c < k; c++)
            {
                double nk = s.Weight[c];
                Beta[c] = p.Beta0 + nk;
                for (int i = 0; i < d; i++)
                {
                    double sum = s.First[c * d + i], shift = s.Reference[c * d + i];
                    M[c * d + i] = (p.Beta0 * p.M0[i] + nk * shift + sum) / Beta[c];
                    diff[i] = nk > 1e-12 ? shift + sum / nk - p.M0[i] : 0;
                }
                double coef = p.Beta0 * nk / (p.Beta0 + nk);
                switch (Type)
                {
                    case CovarianceType.Tied:
                        Nu[c] = p.Nu0 + total;
                        for (int i = 0; i < d; i++)
                            for (int j = 0; j < d; j++) WInv[i * d + j] += Scatter(s, c, i, j) + coef * diff[i] * diff[j];
                        break;
                    case CovarianceType.Diagonal:
                        Nu[c] = p.Nu0 + nk;
                        LogDetWInv[c] = 0;
                        ExpLogDetLambda[c] = 0;
                        for (int i = 0; i < d; i++)
                        {
                            double w = WInv[c * d + i] = p.W0Inv[i] + Scatter(s, c, i, i) + coef * diff[i] * diff[i];
                            if (!(w > 0)) throw IllConditionedCovarianceException.ForComponent(c);
                            LogDetWInv[c] += Math.Log(w);
                            ExpLogDetLambda[c] += ExpLogPrecision(Nu[c], Math.Log(w));
                        }
                        break;
                    default:
                        Nu[c] = p.Nu0 + d * nk;
                        double wc = p.W0Inv[0];
                        for (int i = 0; i < d; i++) wc += Scatter(s, c, i, i) + coef * diff[i] * diff[i];
                        if (!(wc > 0)) throw IllConditionedCovarianceException.ForComponent(c);
                        WInv[c] = wc;
                        LogDetWInv[c] = Math.Log(wc);
                        ExpLogDetLambda[c] = d * ExpLogPrecision(Nu[c], LogDetWInv[c]);
                        break;
                }
            }
            if (Type == CovarianceType.Tied)
            {
                var l = (double[])WInv.Clone();
                if (!Cholesky.TryFactor(l, d)) throw IllConditionedCovarianceException.ForComponent(0);
                double logDet = Cholesky.LogDeterminant(l, d);
                double e = d * Math.Log(2) - logDet;
                for (int i = 0; i < d; i++) e += SpecialFunctions.DiGamma(0.5 * (Nu[0] - i));
                Array.Fill(LogDetWInv, logDet);
                Array.Fill(ExpLogDetLambda, e);
            }
        }

        /// <summary>N_k S_k[i, j] = Σₙ r_nk (x_ni − x̄_ki)(x_nj − x̄_kj) from statistics centred at the shift.</summary>
        private static double Scatter(GaussianStatistics s, int c, int i, int j)
        {
            int d = s.Dimension;
            double nk = s.Weight[c];
            if (!(nk > 1e-12)) return 0;
            double second = s.IsFull ? s.Second[(c * d + i) * d + j] : s.Second[c * d + i];
            return second - s.First[c * d + i] * s.First[c * d + j] / nk;
        }

        /// <summary>E[log λ] for λ ~ Gamma(shape ν/2, rate w⁻¹/2): ψ(ν/2) + log 2 − log w⁻¹.</summary>
        private static double ExpLogPrecision(double nu, double logWInv) => SpecialFunctions.DiGamma(0.5 * nu) + Math.Log(2) - logWInv;

        /// <summary>
        /// KL(q‖p) of the tied, diagonal or spherical posterior: the Wishart (Gamma) blocks' KL plus, per component, the
        /// Gaussian means' E_q[log q(μ_k | Λ) − log p(μ_k | Λ)] = D/2 (log(β_k/β₀) − 1 + β₀/β_k) + β₀/2 (m_k − m₀)ᵀ E[Λ] (m_k − m₀)
        /// (the ½ E[log|Λ|] terms of q and p cancel).
        /// </summary>
        private double KlOther(Prior p)
        {
            int d = D;
            double kl = 0;
            for (int c = 0; c < K; c++)
            {
                double quad = 0;
                switch (Type)
                {
                    case CovarianceType.Tied:
                        {
                            var w = Inverse(WInv, d);
                            for (int i = 0; i < d; i++)
                                for (int j = 0; j < d; j++) quad += (M[c * d + i] - p.M0[i]) * Nu[c] * w[i * d + j] * (M[c * d + j] - p.M0[j]);
                            break;
                        }
                    case CovarianceType.Diagonal:
                        for (int i = 0; i < d; i++)
                        {
                            double dm = M[c * d + i] - p.M0[i];
                            quad += dm * dm * Nu[c] / WInv[c * d + i];
                            kl += KlGamma(Nu[c], WInv[c * d + i], p.Nu0, p.W0Inv[i]);
                        }
                        break;
                    default:
                        for (int i = 0; i < d; i++)
                        {
                            double dm = M[c * d + i] - p.M0[i];
                            quad += dm * dm * Nu[c] / WInv[c];
                        }
                        kl += KlGamma(Nu[c], WInv[c], p.Nu0, p.W0Inv[0]);
                        break;
                }
                kl += 0.5 * d * (Math.Log(Beta[c] / p.Beta0) - 1 + p.Beta0 / Beta[c]) + 0.5 * p.Beta0 * quad;
            }
            if (Type == CovarianceType.Tied) kl += KlWishart(p, d);
            return kl;
        }

        /// <summary>KL(Wishart(ν, W) ‖ Wishart(ν₀, W₀)) of the tied precision (Bishop B.79–B.82).</summary>
        private double KlWishart(Prior p, int d)
        {
            double nu = Nu[0], elogdet = ExpLogDetLambda[0];
            var w = Inverse(WInv, d);
            double trace = 0;
            for (int i = 0; i < d; i++)
                for (int j = 0; j < d; j++) trace += p.W0Inv[j * d + i] * w[i * d + j];
            double logQ = LogWishartB(LogDetWInv[0], nu, d) + 0.5 * (nu - d - 1) * elogdet - 0.5 * nu * d;
            double logP = LogWishartB(p.LogDetW0Inv, p.Nu0, d) + 0.5 * (p.Nu0 - d - 1) * elogdet - 0.5 * nu * trace;
            return logQ - logP;
        }

        /// <summary>
        /// KL(Gamma(ν/2, rate w⁻¹/2) ‖ Gamma(ν₀/2, rate w₀⁻¹/2)) with a = ν/2, b = w⁻¹/2:
        /// (a − a₀) ψ(a) − ln Γ(a) + ln Γ(a₀) + a₀ (ln b − ln b₀) + a (b₀ − b) / b.
        /// </summary>
        private static double KlGamma(double nu, double wInv, double nu0, double w0Inv)
        {
            double a = 0.5 * nu, b = 0.5 * wInv, a0 = 0.5 * nu0, b0 = 0.5 * w0Inv;
            return (a - a0) * SpecialFunctions.DiGamma(a) - SpecialFunctions.GammaLn(a) + SpecialFunctions.GammaLn(a0)
                   + a0 * (Math.Log(b) - Math.Log(b0)) + a * (b0 - b) / b;
        }

        private static double[] Inverse(double[] a, int d)
        {
            var l = (double[])a.Clone();
            var inv = new double[d * d];
            var w = new double[d * d];
            if (!Cholesky.TryFactor(l, d)) throw IllConditionedCovarianceException.ForComponent(0);
            Cholesky.InvertLower(l, d, inv);
            for (int i = 0; i < d; i++)
                for (int j = 0; j < d; j++)
                {
                    double s = 0;
                    for (int r = Math.Max(i, j); r < d; r++) s += inv[r * d + i] * inv[r * d + j];
                    w[i * d + j] = s;
                }
            return w;
        }
    }
}
