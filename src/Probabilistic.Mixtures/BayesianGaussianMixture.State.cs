using MathNet.Numerics;
using Probabilistic.Core.Numerics;
using Probabilistic.Mixtures.Kernels;
using Probabilistic.Core.Gaussians;

namespace Probabilistic.Mixtures;

public sealed partial class BayesianGaussianMixture
{
    /// <summary>The priors, resolved against the data; <see cref="W0Inv"/> in the covariance layout of one component.</summary>
    internal sealed record Prior(WeightPrior Type, double Gamma, double Beta0, double[] M0, double Nu0, double[] W0Inv, double LogDetW0Inv, int K, int D,
        CovarianceType Covariance)
    {
        public static Prior From(BayesianGaussianMixtureOptions o, double[] x, int n, int d)
        {
            double gamma = o.WeightConcentration ?? 1.0 / o.Components;
            if (!(gamma > 0)) throw new ArgumentOutOfRangeException(nameof(o.WeightConcentration), gamma, "The weight concentration must be > 0.");
            if (!(o.MeanPrecision > 0)) throw new ArgumentOutOfRangeException(nameof(o.MeanPrecision), o.MeanPrecision, "The mean precision must be > 0.");
            var type = o.CovarianceType;
            bool matrix = type is CovarianceType.Full or CovarianceType.Tied;
            if (!matrix && type is not (CovarianceType.Diagonal or CovarianceType.Spherical))
                throw new ArgumentOutOfRangeException(nameof(o.CovarianceType), type, "Unknown covariance type.");
            double nu0 = o.DegreesOfFreedom ?? d;
            if (matrix && !(nu0 > d - 1)) throw new ArgumentOutOfRangeException(nameof(o.DegreesOfFreedom), nu0, $"The degrees of freedom must exceed D − 1 = {d - 1}.");
            if (!matrix && !(nu0 > 0)) throw new ArgumentOutOfRangeException(nameof(o.DegreesOfFreedom), nu0, $"The degrees of freedom of a {type} covariance must be > 0.");
            var mean = new double[d];
            for (int i = 0; i < n; i++) for (int j = 0; j < d; j++) mean[j] += x[i * d + j] / n;
            var m0 = o.MeanPrior ?? mean;
            if (m0.Length != d) throw new ArgumentException($"MeanPrior has {m0.Length} values; D = {d}.");
            double[] w0Inv;
            int length = CovarianceLayout.Length(type, 1, d);
            if (o.CovariancePrior is { } cp)
            {
                if (cp.Length != length) throw new ArgumentException($"CovariancePrior has {cp.Length} values; a {type} covariance in D = {d} needs {length}.");
                w0Inv = (double[])cp.Clone();
            }
            else
            {
                w0Inv = new double[d * d];
                for (int i = 0; i < n; i++)
                    for (int a = 0; a < d; a++)
                        for (int b = 0; b < d; b++) w0Inv[a * d + b] += (x[i * d + a] - mean[a]) * (x[i * d + b] - mean[b]) / Math.Max(1, n - 1);
                // A constant column would make the prior singular; give it a tiny variance as reg_covar does.
                for (int a = 0; a < d; a++) w0Inv[a * d + a] += 1e-6;
                if (!matrix)
                {
                    var diagonal = Enumerable.Range(0, d).Select(a => w0Inv[a * d + a]).ToArray();
                    w0Inv = type == CovarianceType.Diagonal ? diagonal : [diagonal.Average()];
                }
            }
            if (!matrix)
            {
                double logDet = 0;
                for (int i = 0; i < length; i++)
                {
                    if (!(w0Inv[i] > 0) || !double.IsFinite(w0Inv[i])) throw new ArgumentException($"CovariancePrior[{i}] = {w0Inv[i]} must be positive and finite.");
                    logDet += Math.Log(w0Inv[i]);
                }
                return new Prior(o.WeightPrior, gamma, o.MeanPrecision, m0, nu0, w0Inv, logDet, o.Components, d, type);
            }
            var l = (double[])w0Inv.Clone();
            if (!Cholesky.TryFactor(l, d)) throw new ArgumentException("The covariance prior is not positive definite.");
            return new Prior(o.WeightPrior, gamma, o.MeanPrecision, m0, nu0, w0Inv, Cholesky.LogDeterminant(l, d), o.Components, d, type);
        }
    }

    /// <summary>The variational posterior: weight parameters, and Normal-Wishart (m, β, W⁻¹, ν) per component.</summary>
    internal sealed partial class State
    {
        public int K, D;
        public double[] A = [], B = [];            // Dirichlet α (A) or Beta(a, b) sticks
        public double[] Beta = [], Nu = [], M = [], WInv = [];
        public double[] LogDetWInv = [], ExpLogDetLambda = [], ExpLogPi = [];

        public CovarianceType Type;

        public static State Update(Prior p, GaussianStatistics s)
        {
            int k = p.K, d = p.D;
            var st = new State { K = k, D = d, Type = p.Covariance, A = new double[k], B = new double[k], Beta = new double[k], Nu = new double[k], M = new double[k * d], WInv = new double[CovarianceLayout.Length(p.Covariance, k, d)], LogDetWInv = new double[k], ExpLogDetLambda = new double[k], ExpLogPi = new double[k] };
            if (p.Covariance == CovarianceType.Full) st.UpdateFull(p, s);
            else st.UpdateOther(p, s);
            st.UpdateWeights(p, s);
            return st;
        }

        /// <summary>q(μ_k, Λ_k) = Normal-Wishart per component (Bishop 10.60–10.63).</summary>
        private void UpdateFull(Prior p, GaussianStatistics s)
        {
            int k = p.K, d = p.D;
            var st = this;
            var xbarMinusM0 = new double[d];
            for (int c = 0; c < k; c++)
            {
                double nk = s.Weight[c];
                st.Beta[c] = p.Beta0 + nk;
                st.Nu[c] = p.Nu0 + nk;
                for (int i = 0; i < d; i++)
                {
                    double sum = s.First[c * d + i], shift = s.Reference[c * d + i];
                    // N_k x̄_k = N_k m + S1 (statistics centred at the shift m).
                    st.M[c * d + i] = (p.Beta0 * p.M0[i] + nk * shift + sum) / st.Beta[c];
                    xbarMinusM0[i] = nk > 1e-12 ? shift + sum / nk - p.M0[i] : 0;
                }
                double coef = p.Beta0 * nk / (p.Beta0 + nk);
                for (int i = 0; i < d; i++)
                    for (int j = 0; j < d; j++)
                    {
                        // N_k S_k = Σ r (x − x̄)(x − x̄)ᵀ = S2 − S1 S1ᵀ / N_k.
                        double scatter = nk > 1e-12 ? s.Second[(c * d + i) * d + j] - s.First[c * d + i] * s.First[c * d + j] / nk : 0;
                        st.WInv[(c * d + i) * d + j] = p.W0Inv[i * d + j] + scatter + coef * xbarMinusM0[i] * xbarMinusM0[j];
                    }
                var l = st.WInv.AsSpan(c * d * d, d * d).ToArray();
                if (!Cholesky.TryFactor(l, d)) throw IllConditionedCovarianceException.ForComponent(c);
                st.LogDetWInv[c] = Cholesky.LogDeterminant(l, d);
                double e = d * Math.Log(2) - st.LogDetWInv[c];
                for (int i = 0; i < d; i++) e += SpecialFunctions.DiGamma(0.5 * (st.Nu[c] - i));
                st.ExpLogDetLambda[c] = e;
            }
        }

        /// <summary>q(π): Dirichlet, or Beta sticks of the truncated Dirichlet process.</summary>
        private void UpdateWeights(Prior p, GaussianStatistics s)
        {
            int k = p.K;
            var st = this;
            if (p.Type == WeightPrior.DirichletDistribution)
            {
                double total = 0;
                for (int c = 0; c < k; c++) total += st.A[c] = p.Gamma + s.Weight[c];
                for (int c = 0; c < k; c++) st.ExpLogPi[c] = SpecialFunctions.DiGamma(st.A[c]) - SpecialFunctions.DiGamma(total);
            }
            else
            {
                double tail = 0, cumulative = 0;
                for (int c = k - 1; c >= 0; c--) { st.B[c] = p.Gamma + tail; tail += s.Weight[c]; }
                for (int c = 0; c < k; c++)
                {
                    st.A[c] = 1 + s.Weight[c];
                    double dg = SpecialFunctions.DiGamma(st.A[c] + st.B[c]);
                    st.ExpLogPi[c] = SpecialFunctions.DiGamma(st.A[c]) - dg + cumulative;
                    cumulative += SpecialFunctions.DiGamma(st.B[c]) - dg;
                }
            }
        }

        /// <summary>
        /// E-step factors: ‖L⁻¹(x − m)‖² = ν (x − m)ᵀ W (x − m), and log normaliser
        /// E[log π_k] + ½ E[log |Λ_k|] − D/2 log 2π − D / (2 β_k), so the backend's log-sum-exp is Σₙ log Σ_k ρ_nk.
        /// </summary>
        public PrecisionFactors Factors()
        {
            var cov = Covariances();
            var p = new GaussianMixtureParameters(Type, K, D, Enumerable.Repeat(1.0 / K, K).ToArray(), M, cov);
            var f = PrecisionFactors.Compute(p);
            for (int c = 0; c < K; c++)
            {
                // Compute() used log(1/K) − D/2 log 2π + ½ log|νW|; replace with the expectations.
                f.LogNormalizers[c] = ExpLogPi[c] + 0.5 * ExpLogDetLambda[c] - 0.5 * D * GaussianMath.Log2Pi - 0.5 * D / Beta[c];
            }
            return f;
        }

        public double KlWeights(Prior p)
        {
            if (p.Type == WeightPrior.DirichletDistribution)
            {
                double sumA = A.Sum(), sumA0 = K * p.Gamma, kl = SpecialFunctions.GammaLn(sumA) - SpecialFunctions.GammaLn(sumA0);
                for (int c = 0; c < K; c++)
                    kl += -SpecialFunctions.GammaLn(A[c]) + SpecialFunctions.GammaLn(p.Gamma) + (A[c] - p.Gamma) * (SpecialFunctions.DiGamma(A[c]) - SpecialFunctions.DiGamma(sumA));
                return kl;
            }
            double total = 0;
            for (int c = 0; c < K; c++) total += KlBeta(A[c], B[c], 1, p.Gamma);
            return total;
        }

        private static double KlBeta(double a, double b, double a0, double b0)
        {
            double lnB(double x, double y) => SpecialFunctions.GammaLn(x) + SpecialFunctions.GammaLn(y) - SpecialFunctions.GammaLn(x + y);
            double dab = SpecialFunctions.DiGamma(a + b);
            return lnB(a0, b0) - lnB(a, b) + (a - a0) * (SpecialFunctions.DiGamma(a) - dab) + (b - b0) * (SpecialFunctions.DiGamma(b) - dab);
        }

        /// <summary>Σ_k KL(q(μ_k, Λ_k) ‖ p(μ_k, Λ_k)) for Normal-Wishart q and p (Bishop 10.74, 10.77).</summary>
        public double KlComponents(Prior p)
        {
            if (Type != CovarianceType.Full) return KlOther(p);
            int d = D;
            double kl = 0;
            var w = new double[d * d];
            var tmp = new double[d * d];
            for (int c = 0; c < K; c++)
            {
                double elogdet = ExpLogDetLambda[c];
                // W_k = (W_k⁻¹)⁻¹.
                var l = WInv.AsSpan(c * d * d, d * d).ToArray();
                Cholesky.TryFactor(l, d);
                Cholesky.InvertLower(l, d, tmp);
                for (int i = 0; i < d; i++)
                    for (int j = 0; j < d; j++)
                    {
                        double s = 0;
                        for (int r = Math.Max(i, j); r < d; r++) s += tmp[r * d + i] * tmp[r * d + j];
                        w[i * d + j] = s;
                    }
                double traceW0InvW = 0, maha = 0;
                for (int i = 0; i < d; i++)
                    for (int j = 0; j < d; j++)
                    {
                        traceW0InvW += p.W0Inv[j * d + i] * w[i * d + j];
                        maha += (M[c * d + i] - p.M0[i]) * w[i * d + j] * (M[c * d + j] - p.M0[j]);
                    }
                // E_q[log p(μ, Λ)].
                double logP = 0.5 * d * Math.Log(p.Beta0 / (2 * Math.PI)) + 0.5 * elogdet - 0.5 * d * p.Beta0 / Beta[c]
                              - 0.5 * p.Beta0 * Nu[c] * maha
                              + LogWishartB(p.LogDetW0Inv, p.Nu0, d) + 0.5 * (p.Nu0 - d - 1) * elogdet - 0.5 * Nu[c] * traceW0InvW;
                // E_q[log q(μ, Λ)] = ½ E[log|Λ|] + D/2 log(β/2π) − D/2 − H[q(Λ)].
                double entropyWishart = -LogWishartB(LogDetWInv[c], Nu[c], d) - 0.5 * (Nu[c] - d - 1) * elogdet + 0.5 * Nu[c] * d;
                double logQ = 0.5 * elogdet + 0.5 * d * Math.Log(Beta[c] / (2 * Math.PI)) - 0.5 * d - entropyWishart;
                kl += logQ - logP;
            }
            return kl;
        }

        /// <summary>log B(W, ν) of the Wishart normaliser, from log|W⁻¹| (Bishop B.79).</summary>
        private static double LogWishartB(double logDetWInv, double nu, int d)
        {
            double s = 0.5 * nu * logDetWInv - 0.5 * nu * d * Math.Log(2) - 0.25 * d * (d - 1) * Math.Log(Math.PI);
            for (int i = 0; i < d; i++) s -= SpecialFunctions.GammaLn(0.5 * (nu - i));
            return s;
        }

        public (double[] Weights, double[] Means, double[] Covariances) Summary(Prior p)
        {
            var weights = new double[K];
            if (p.Type == WeightPrior.DirichletDistribution)
            {
                double total = A.Sum();
                for (int c = 0; c < K; c++) weights[c] = A[c] / total;
            }
            else
            {
                double remaining = 1;
                for (int c = 0; c < K; c++)
                {
                    double v = A[c] / (A[c] + B[c]);
                    weights[c] = remaining * v;
                    remaining *= 1 - v;
                }
                double total = weights.Sum();
                for (int c = 0; c < K; c++) weights[c] /= total;
            }
            return (weights, (double[])M.Clone(), Covariances());
        }

        /// <summary>(ν W)⁻¹ in the layout of the covariance type (Tied: ν is the same for every component).</summary>
        public double[] Covariances()
        {
            var cov = new double[WInv.Length];
            int block = Type switch { CovarianceType.Full => D * D, CovarianceType.Diagonal => D, CovarianceType.Spherical => 1, _ => D * D };
            for (int i = 0; i < cov.Length; i++) cov[i] = WInv[i] / Nu[i / block];
            return cov;
        }
    }
}
