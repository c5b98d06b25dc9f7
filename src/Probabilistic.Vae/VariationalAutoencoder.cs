using Probabilistic.Core.Inference;
using TorchSharp;
using static TorchSharp.torch;

namespace Probabilistic.Vae;

/// <summary>The approximate posterior of a batch: q(z|x) = N(Mean, diag exp(LogVariance)), rows of <see cref="LatentSize"/>.</summary>
public sealed record LatentCode(float[] Mean, float[] LogVariance, int Count, int LatentSize)
{
    /// <summary>The posterior means as a double-precision table, one row per example (to fit a mixture or an HMM on the codes).</summary>
    public Core.Data.NumericTable MeanTable() => Core.Data.NumericTable.FromSingles(Mean, Count, LatentSize);
}

/// <summary>
/// A variational autoencoder (Kingma &amp; Welling 2014): Gaussian encoder q(z|x), standard normal prior,
/// Bernoulli (logits) or Gaussian decoder p(x|z). Built from a <see cref="VaeArchitecture"/>, trained with
/// <see cref="VaeTrainer"/> through Core's ElboDriver, evaluated by the ELBO and the importance-weighted bound
/// (Burda et al. 2015), saved with <see cref="VaeFile"/>.
/// </summary>
/// <example>
/// <code>
/// var data = MnistData.Load("datasets/mnist-sample", MnistSplit.Train);
/// var (model, trace) = VariationalAutoencoder.Create(VaeArchitecture.Mlp(28, 28, 400, 20), seed: 0).Fit(data, new FitOptions(MaxIterations: 2, Seed: 0));
/// double score = model.Score(data);
/// model.Save("mnist.vae");
/// var loaded = VariationalAutoencoder.Load("mnist.vae");
/// </code>
/// </example>
public sealed partial class VariationalAutoencoder : IDisposable
{
    internal VaeNetwork Network { get; }

    /// <summary>The networks' shape and likelihood.</summary>
    public VaeArchitecture Architecture => Network.Architecture;

    /// <summary>Where the parameters live.</summary>
    public ComputeDevice DeviceKind { get; }

    internal Device Device { get; }

    /// <summary>How <see cref="Fit"/> trains: batch size, learning rate, restoring the best held-out epoch.</summary>
    public VaeTrainingOptions Training { get; private init; } = new();

    internal VariationalAutoencoder(VaeNetwork network, ComputeDevice device)
    {
        Network = network;
        DeviceKind = device;
        Device = TorchRuntime.Resolve(device);
        if (device != ComputeDevice.Cpu) Network.to(Device);
    }

    /// <summary>
    /// A new VAE with weights drawn from PyTorch's default initialisation under <paramref name="seed"/>, trained by
    /// <see cref="Fit"/> with <paramref name="training"/> (default: batch 128, Adam 1e-3, as the PyTorch example).
    /// </summary>
    public static VariationalAutoencoder Create(VaeArchitecture architecture, int seed, ComputeDevice device = ComputeDevice.Cpu,
        VaeTrainingOptions? training = null)
    {
        ArgumentNullException.ThrowIfNull(architecture);
        (training ?? new VaeTrainingOptions()).Validate();
        var network = new VaeNetwork(architecture);
        using (var g = new Generator((ulong)(uint)seed))
            network.Initialize(g);
        return new VariationalAutoencoder(network, device) { Training = training ?? new VaeTrainingOptions() };
    }

    /// <summary>
    /// Trains this model on <paramref name="train"/> with <see cref="Training"/> under Core's <see cref="ElboDriver"/>: one
    /// step is one epoch (pass Tolerance = 0 to run exactly <see cref="FitOptions.MaxIterations"/> epochs); the fit's seed
    /// (drawn and recorded when null) seeds the shuffling and the noise. With <paramref name="validation"/>, the trace holds
    /// the held-out ELBO, <see cref="FitOptions.Patience"/> stops early, and the best held-out epoch is restored when
    /// <see cref="VaeTrainingOptions.RestoreBest"/>. Cancelled mid-epoch, the model keeps the last completed epoch.
    /// </summary>
    /// <returns>This model, trained, and the trace (total training ELBO in nats per epoch).</returns>
    public FitResult<VariationalAutoencoder> Fit(VaeDataset train, FitOptions? fitOptions = null, CancellationToken cancellationToken = default,
        VaeDataset? validation = null)
    {
        var fit = fitOptions ?? new FitOptions();
        fit.Validate();
        fit = fit with { Seed = fit.ResolveSeed() };
        using var trainer = new VaeTrainer(this, train, validation, Training, fit.Seed!.Value);
        var trace = ElboDriver.Fit(trainer, fit, cancellationToken);
        if (Training.RestoreBest) trainer.RestoreBestParameters();
        return new(this, trace);
    }

    /// <summary>Saves the model atomically (a JSON header, then the TorchSharp state; see <see cref="VaeFile"/>).</summary>
    public void Save(string path) => VaeFile.Save(this, path);

    /// <summary>Loads a model saved by <see cref="Save"/>; wrong, corrupt or inconsistent files are refused with the reason.</summary>
    /// <exception cref="Core.IO.ModelFormatException">The file is not a valid VAE model file.</exception>
    /// <exception cref="Core.ResourceLimitException">The network would need more memory than <paramref name="budget"/> allows.</exception>
    public static VariationalAutoencoder Load(string path, ComputeDevice device = ComputeDevice.Cpu, Core.MemoryBudget? budget = null) =>
        VaeFile.Load(path, device, budget);

    /// <summary>Total one-sample Monte-Carlo ELBO in nats over the examples (noise from <paramref name="seed"/>).</summary>
    public double Score(VaeDataset data, int seed = 0) => ElboPerExample(data, seed).Sum();

    /// <summary>The one-sample ELBO of each example in nats (noise from <paramref name="seed"/>).</summary>
    public double[] ScoreSamples(VaeDataset data, int seed = 0) => ElboPerExample(data, seed);

    /// <summary><see cref="Score"/> per example (the PyTorch example's "test loss" is its negative).</summary>
    public double ScorePerObservation(VaeDataset data, int seed = 0) => MeanElbo(data, seed);

    /// <summary>Number of trainable scalars.</summary>
    public long ParameterCount => Network.parameters().Sum(p => p.numel());

    /// <summary>
    /// Per-example ELBO terms with the given standard-normal noise ε ([B, Latent]): z = μ + ε·σ,
    /// ELBO = log p(x|z) − KL(q(z|x) ‖ N(0, I)). Returns [B] tensors.
    /// </summary>
    internal (Tensor Elbo, Tensor LogLikelihood, Tensor Kl) ElboTerms(Tensor x, Tensor eps)
    {
        var (mean, logVar) = Network.Encode(x);
        using var std = (logVar * 0.5).exp();
        using var z = mean + eps * std;
        using var raw = Network.DecodeRaw(z);
        var logLik = Network.LogLikelihood(raw, x);
        var kl = ElboMath.GaussianKl(mean, logVar);
        mean.Dispose(); logVar.Dispose();
        return (logLik - kl, logLik, kl);
    }

    internal Tensor ToDevice(float[] values, long rows, long columns) =>
        tensor(values, [rows, columns], ScalarType.Float32).to(Device, disposeAfter: true);

    internal static float[] ToArray(Tensor t)
    {
        using var cpu = t.to(ScalarType.Float32).cpu();
        return cpu.data<float>().ToArray();
    }

    internal static double[] ToDoubles(Tensor t)
    {
        using var cpu = t.to(ScalarType.Float64).cpu();
        return cpu.data<double>().ToArray();
    }

    internal void CheckShape(VaeDataset data, string what)
    {
        if (data.Height != Architecture.Height || data.Width != Architecture.Width)
            throw new ArgumentException($"{what}: the data are {data.Height}×{data.Width} but the model was built for {Architecture.Height}×{Architecture.Width}.");
    }

    /// <summary>
    /// One-sample ELBO per example in nats with explicit noise <paramref name="noise"/> (Count × Latent, row-major):
    /// deterministic, for checks against a hand computation.
    /// </summary>
    public double[] ElboPerExample(VaeDataset data, float[] noise)
    {
        CheckShape(data, nameof(data));
        if (noise.Length != data.Count * Architecture.LatentSize)
            throw new ArgumentException($"Noise holds {noise.Length} values; {data.Count} examples × latent {Architecture.LatentSize} are needed.");
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        var x = ToDevice(data.Values, data.Count, data.Dimension);
        var eps = ToDevice(noise, data.Count, Architecture.LatentSize);
        return ToDoubles(ElboTerms(x, eps).Elbo);
    }

    /// <summary>One-sample Monte-Carlo ELBO per example in nats (noise drawn from <paramref name="seed"/>).</summary>
    public double[] ElboPerExample(VaeDataset data, int seed, int batchSize = 1000, CancellationToken cancellationToken = default)
    {
        CheckShape(data, nameof(data));
        var result = new double[data.Count];
        using var g = new Generator((ulong)(uint)seed);
        using var _ = no_grad();
        for (int start = 0; start < data.Count; start += batchSize)
        {
            cancellationToken.ThrowIfCancellationRequested();
            using var scope = NewDisposeScope();
            int b = Math.Min(batchSize, data.Count - start);
            var x = Slice(data, start, b);
            var eps = randn([b, Architecture.LatentSize], generator: g).to(Device);
            ToDoubles(ElboTerms(x, eps).Elbo).CopyTo(result, start);
        }
        return result;
    }

    /// <summary>Mean one-sample ELBO per example in nats (the PyTorch example's "test loss" is its negative).</summary>
    public double MeanElbo(VaeDataset data, int seed, int batchSize = 1000, CancellationToken cancellationToken = default) =>
        ElboPerExample(data, seed, batchSize, cancellationToken).Average();

    /// <summary>
    /// Bytes <see cref="Sample"/> needs for <paramref name="count"/> samples: the latent draws and the decoded images in
    /// float32 (twice: the tensor and its copy), plus the decoder's widest activation.
    /// </summary>
    public double SampleBytes(long count)
    {
        var a = Architecture;
        double widest = Math.Max(a.InputSize, (a.HiddenSizes ?? []).DefaultIfEmpty(0).Max());
        return 4.0 * count * (2 * a.LatentSize + 3.0 * a.InputSize + 2 * widest);
    }

    internal Tensor Slice(VaeDataset data, int start, int count) =>
        ToDevice(data.Values[(start * data.Dimension)..((start + count) * data.Dimension)], count, data.Dimension);

    /// <summary>q(z|x) for every example.</summary>
    public LatentCode Encode(VaeDataset data, int batchSize = 1000, CancellationToken cancellationToken = default)
    {
        CheckShape(data, nameof(data));
        int l = Architecture.LatentSize;
        var mean = new float[data.Count * l];
        var logVar = new float[data.Count * l];
        using var _ = no_grad();
        for (int start = 0; start < data.Count; start += batchSize)
        {
            cancellationToken.ThrowIfCancellationRequested();
            using var scope = NewDisposeScope();
            int b = Math.Min(batchSize, data.Count - start);
            var (m, v) = Network.Encode(Slice(data, start, b));
            ToArray(m).CopyTo(mean, start * l);
            ToArray(v).CopyTo(logVar, start * l);
        }
        return new LatentCode(mean, logVar, data.Count, l);
    }

    /// <summary>The mean of p(x|z) (pixel probabilities for a Bernoulli decoder) for each latent row of <paramref name="z"/>.</summary>
    public VaeDataset Decode(float[] z, int count)
    {
        if (z.Length != count * Architecture.LatentSize)
            throw new ArgumentException($"z holds {z.Length} values; {count} rows of latent size {Architecture.LatentSize} are needed.");
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        using var raw = Network.DecodeRaw(ToDevice(z, count, Architecture.LatentSize));
        return new VaeDataset(ToArray(Network.MeanFromRaw(raw)), count, Architecture.Height, Architecture.Width);
    }

    /// <summary>Draws z ~ N(0, I) under <paramref name="seed"/> and returns the decoder means.</summary>
    /// <exception cref="Core.ResourceLimitException">The samples need more memory than <paramref name="budget"/> allows (default: the memory available now).</exception>
    public VaeDataset Sample(int count, int seed, Core.MemoryBudget? budget = null)
    {
        if (count < 1) throw new ArgumentOutOfRangeException(nameof(count), count, "Sample at least one example.");
        (budget ?? Core.MemoryBudget.Available()).Require(SampleBytes(count), $"{count:N0} samples of {Architecture.Height}×{Architecture.Width}", "the number of samples");
        if ((long)count * Architecture.InputSize > Array.MaxLength)
            throw new ArgumentOutOfRangeException(nameof(count), count, $"{count:N0} samples of {Architecture.InputSize} values are more than one array holds.");
        using var g = new Generator((ulong)(uint)seed);
        using var z = randn([count, Architecture.LatentSize], generator: g);
        return Decode(z.data<float>().ToArray(), count);
    }

    /// <summary>Decoder means at the encoder means: x → E[q(z|x)] → E[p(x|z)].</summary>
    public VaeDataset Reconstruct(VaeDataset data)
    {
        var code = Encode(data);
        var result = Decode(code.Mean, code.Count);
        return result with { Labels = data.Labels };
    }

    /// <summary>Releases the native tensors.</summary>
    public void Dispose() => Network.Dispose();
}
