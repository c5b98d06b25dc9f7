using Probabilistic.Vae;
using TorchSharp;
using static TorchSharp.torch;

namespace Probabilistic.Vae.Tests;

public class ElboTests
{
    /// <summary>Reads a parameter of the network as a double matrix [rows, cols] (a vector is [n, 1]).</summary>
    private static double[,] Param(VariationalAutoencoder m, string name)
    {
        var p = m.Network.named_parameters().FirstOrDefault(t => t.name == name).parameter
            ?? throw new InvalidOperationException($"no parameter {name}; have {string.Join(", ", m.Network.named_parameters().Select(t => t.name))}");
        var v = p.to(ScalarType.Float64).data<double>().ToArray();
        long rows = p.shape[0], cols = p.dim() == 1 ? 1 : p.shape[1];
        var r = new double[rows, cols];
        for (int i = 0; i < rows; i++) for (int j = 0; j < cols; j++) r[i, j] = v[i * cols + j];
        return r;
    }

    /// <summary>y = W x + b for a Linear layer by hand.</summary>
    private static double[] Affine(double[,] w, double[,] b, double[] x)
    {
        var y = new double[w.GetLength(0)];
        for (int i = 0; i < y.Length; i++)
        {
            double s = b[i, 0];
            for (int j = 0; j < x.Length; j++) s += w[i, j] * x[j];
            y[i] = s;
        }
        return y;
    }

    private static double[] Relu(double[] v) => v.Select(a => Math.Max(0, a)).ToArray();

    /// <summary>Everything by hand in double: encoder, reparameterisation, decoder, closed-form KL, Bernoulli/Gaussian log-likelihood.</summary>
    private static double HandElbo(VariationalAutoencoder m, double[] x, double[] eps)
    {
        var h = Relu(Affine(Param(m, "encoderBody.0.weight"), Param(m, "encoderBody.0.bias"), x));
        var mu = Affine(Param(m, "encoderMean.weight"), Param(m, "encoderMean.bias"), h);
        var lv = Affine(Param(m, "encoderLogVariance.weight"), Param(m, "encoderLogVariance.bias"), h);
        // KL(N(mu, s^2) || N(0,1)) = 1/2 sum (mu^2 + s^2 - log s^2 - 1)   (Kingma & Welling 2014, appendix B)
        double kl = 0;
        for (int i = 0; i < mu.Length; i++) kl += 0.5 * (mu[i] * mu[i] + Math.Exp(lv[i]) - lv[i] - 1);
        var z = mu.Select((u, i) => u + eps[i] * Math.Exp(0.5 * lv[i])).ToArray();
        var hd = Relu(Affine(Param(m, "decoderBody.0.weight"), Param(m, "decoderBody.0.bias"), z));
        var outp = Affine(Param(m, "decoderBody.2.weight"), Param(m, "decoderBody.2.bias"), hd);
        double ll = 0;
        if (m.Architecture.Likelihood == DecoderLikelihood.Bernoulli)
        {
            for (int d = 0; d < x.Length; d++)
            {
                double p = 1 / (1 + Math.Exp(-outp[d]));
                ll += x[d] * Math.Log(p) + (1 - x[d]) * Math.Log(1 - p);
            }
        }
        else
        {
            var v = Param(m, "outputLogVariance");
            for (int d = 0; d < x.Length; d++)
                ll += -0.5 * (Math.Log(2 * Math.PI) + v[d, 0] + (x[d] - outp[d]) * (x[d] - outp[d]) / Math.Exp(v[d, 0]));
        }
        return ll - kl;
    }

    [Theory]
    [InlineData(DecoderLikelihood.Bernoulli)]
    [InlineData(DecoderLikelihood.Gaussian)]
    public void ElboOfTinyModelEqualsHandComputation(DecoderLikelihood likelihood)
    {
        var arch = new VaeArchitecture(NetworkKind.Mlp, 1, 5, [3], 2, likelihood);
        using var m = VariationalAutoencoder.Create(arch, seed: 3);
        if (likelihood == DecoderLikelihood.Gaussian)
            using (no_grad())
                m.Network.named_parameters().First(t => t.name == "outputLogVariance").parameter
                    .copy_(tensor(new float[] { -0.5f, 0.2f, 0f, 0.7f, -1.1f }));
        float[] xs = [0f, 0.3f, 1f, 0.8f, 0.05f, 1f, 1f, 0f, 0f, 0.5f, 0.9f, 0.1f, 0.6f, 0.4f, 0.2f];
        float[] eps = [0.3f, -1.2f, 1.5f, 0.4f, -0.7f, -0.1f];
        var data = new VaeDataset(xs, 3, 1, 5);
        var elbo = m.ElboPerExample(data, eps);
        for (int i = 0; i < 3; i++)
        {
            double hand = HandElbo(m, xs[(i * 5)..(i * 5 + 5)].Select(v => (double)v).ToArray(), [eps[2 * i], eps[2 * i + 1]]);
            Assert.True(Math.Abs(hand - elbo[i]) < 1e-4 * Math.Max(1, Math.Abs(hand)),
                $"example {i}: ELBO from the model {elbo[i]:R} vs hand computation {hand:R} ({likelihood})");
        }
    }

    [Fact]
    public void GaussianKlMatchesClosedForm()
    {
        // KL(N(0.5, 2) || N(0, 1)) = 1/2 (0.25 + 2 - ln 2 - 1); KL(N(-1, e^-1) || N(0, 1)) = 1/2 (1 + e^-1 + 1 - 1)
        double expected = 0.5 * (0.25 + 2 - Math.Log(2) - 1) + 0.5 * (1 + Math.Exp(-1) + 1 - 1);
        using var mean = tensor(new[] { 0.5, -1.0 }).reshape(1, 2);
        using var lv = tensor(new[] { Math.Log(2), -1.0 }).reshape(1, 2);
        using var kl = ElboMath.GaussianKl(mean, lv);
        Assert.Equal(expected, kl.item<double>(), 12);
    }

    [Fact]
    public void BernoulliLogLikelihoodFromLogitsMatchesDefinition()
    {
        double[] logits = [-30, -2, 0, 1.5, 40];
        double[] x = [0, 1, 0.25, 1, 0.5];
        double expected = 0;
        for (int i = 0; i < x.Length; i++)  // x log sigma(l) + (1-x) log(1 - sigma(l)), with log sigma(l) = -log(1 + e^-l)
            expected += x[i] * -Math.Log(1 + Math.Exp(-logits[i])) + (1 - x[i]) * -Math.Log(1 + Math.Exp(logits[i]));
        using var l = tensor(logits).reshape(1, 5);
        using var t = tensor(x).reshape(1, 5);
        using var ll = ElboMath.BernoulliLogLikelihood(l, t);
        Assert.Equal(expected, ll.item<double>(), 10);
    }
}
