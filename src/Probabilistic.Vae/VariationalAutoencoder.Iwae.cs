using TorchSharp;
using static TorchSharp.torch;

namespace Probabilistic.Vae;

public sealed partial class VariationalAutoencoder
{
    /// <summary>
    /// The importance-weighted bound of Burda et al. (2015), per example in nats:
    /// L_K(x) = log (1/K) Σ_k p(x, z_k) / q(z_k | x), z_k ~ q(z|x). L_1 is the ELBO in expectation, L_K grows with K
    /// and tends to log p(x). The K samples are processed in chunks of at most <paramref name="maxRowsPerChunk"/>
    /// decoder rows, so memory stays bounded for K in the thousands.
    /// </summary>
    public double[] IwaePerExample(VaeDataset data, int k, int seed, int batchSize = 100, int maxRowsPerChunk = 16384,
        IProgress<int>? examplesDone = null, CancellationToken cancellationToken = default)
    {
        CheckShape(data, nameof(data));
        if (k < 1) throw new ArgumentOutOfRangeException(nameof(k), k, "K (importance samples) must be at least 1.");
        int l = Architecture.LatentSize;
        var result = new double[data.Count];
        using var g = new Generator((ulong)(uint)seed);
        using var _ = no_grad();
        for (int start = 0; start < data.Count; start += batchSize)
        {
            cancellationToken.ThrowIfCancellationRequested();
            using var scope = NewDisposeScope();
            int b = Math.Min(batchSize, data.Count - start);
            var x = Slice(data, start, b);
            var (mean, logVar) = Network.Encode(x);
            var std = (logVar * 0.5).exp();
            int chunk = Math.Max(1, Math.Min(k, maxRowsPerChunk / b));
            Tensor? running = null;
            for (int done = 0; done < k; done += chunk)
            {
                cancellationToken.ThrowIfCancellationRequested();
                using var inner = NewDisposeScope();
                int kc = Math.Min(chunk, k - done);
                var eps = randn([kc, b, l], generator: g).to(Device);
                var z = mean + eps * std;                                    // [kc, b, l]
                var raw = Network.DecodeRaw(z);                              // [kc, b, D]
                var logW = Network.LogLikelihood(raw, x)                     // log p(x|z)
                         + ElboMath.StandardNormalLogDensity(z)              // + log p(z)
                         - ElboMath.DiagonalGaussianLogDensityFromNoise(eps, logVar); // − log q(z|x)
                var lse = logW.to(ScalarType.Float64).logsumexp(0);          // [b]
                var next = running is null ? lse : stack([running, lse]).logsumexp(0);
                running?.Dispose();
                running = next.MoveToOuterDisposeScope();
            }
            ToDoubles(running! - Math.Log(k)).CopyTo(result, start);
            examplesDone?.Report(start + b);
        }
        return result;
    }

    /// <summary>Mean of <see cref="IwaePerExample"/>: the K-sample estimate of the test log-likelihood per example.</summary>
    public double MeanIwae(VaeDataset data, int k, int seed, int batchSize = 100, int maxRowsPerChunk = 16384,
        CancellationToken cancellationToken = default) =>
        IwaePerExample(data, k, seed, batchSize, maxRowsPerChunk, null, cancellationToken).Average();
}
