using TorchSharp;
using static TorchSharp.torch;

namespace Probabilistic.Vae;

/// <summary>
/// The terms of the VAE objective, per example in nats (Kingma &amp; Welling 2014, eq. 10):
/// ELBO(x) = E_q[log p(x|z)] − KL(q(z|x) ‖ N(0, I)), with q(z|x) = N(μ, diag exp(log σ²)).
/// Each function takes [B, D] (or [..., B, D]) tensors and returns [B] (or [..., B]) values.
/// </summary>
public static class ElboMath
{
    private const double Log2Pi = Core.Numerics.GaussianMath.Log2Pi;

    /// <summary>KL(N(μ, σ²) ‖ N(0, 1)) summed over latent dimensions: −½ Σ (1 + log σ² − μ² − σ²).</summary>
    public static Tensor GaussianKl(Tensor mean, Tensor logVariance) =>
        (mean.square() + logVariance.exp() - logVariance - 1).sum(-1) * 0.5;

    /// <summary>Σ_d [x log σ(ℓ) + (1 − x) log(1 − σ(ℓ))] = Σ_d [x ℓ − log(1 + e^ℓ)], computed stably.</summary>
    public static Tensor BernoulliLogLikelihood(Tensor logits, Tensor x) =>
        -nn.functional.binary_cross_entropy_with_logits(logits, x.expand_as(logits), reduction: nn.Reduction.None).sum(-1);

    /// <summary>Σ_d log N(x_d; m_d, exp(v_d)).</summary>
    public static Tensor GaussianLogLikelihood(Tensor mean, Tensor logVariance, Tensor x) =>
        ((x - mean).square() / logVariance.exp() + logVariance + Log2Pi).sum(-1) * -0.5;

    /// <summary>log N(z; 0, I) summed over the last dimension.</summary>
    public static Tensor StandardNormalLogDensity(Tensor z) => (z.square() + Log2Pi).sum(-1) * -0.5;

    /// <summary>log N(z; μ, diag exp(v)) given the standardised noise ε = (z − μ)/σ: −½ Σ (log 2π + v + ε²).</summary>
    public static Tensor DiagonalGaussianLogDensityFromNoise(Tensor eps, Tensor logVariance) =>
        (eps.square() + logVariance + Log2Pi).sum(-1) * -0.5;
}
