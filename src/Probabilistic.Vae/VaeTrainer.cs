using Probabilistic.Core.Inference;
using Probabilistic.Core.Numerics;
using TorchSharp;
using static TorchSharp.torch;

namespace Probabilistic.Vae;

/// <summary>Progress within an epoch: told after every minibatch.</summary>
/// <param name="Epoch">1 for the first epoch.</param>
/// <param name="Batch">Minibatches done in this epoch.</param>
/// <param name="Batches">Minibatches per epoch.</param>
/// <param name="ElboPerExample">This minibatch's mean one-sample ELBO in nats.</param>
public readonly record struct VaeBatchProgress(int Epoch, int Batch, int Batches, double ElboPerExample);

/// <summary>
/// How the VAE is trained (the family's options record): Adam over shuffled minibatches, one reparameterised sample per
/// example. The number of epochs, the tolerance, the seed of the shuffling and the noise, and the per-epoch progress are
/// the <see cref="FitOptions"/> given to <see cref="VariationalAutoencoder.Fit"/>, as for every family; the weights are
/// seeded when the model is created.
/// </summary>
/// <param name="BatchSize">Examples per minibatch (128 in the PyTorch example).</param>
/// <param name="LearningRate">Adam step size (1e-3 in the PyTorch example).</param>
/// <param name="BatchProgress">Told after each minibatch.</param>
/// <param name="RestoreBest">With a validation set, <see cref="VariationalAutoencoder.Fit"/> leaves the model at the epoch
/// with the best held-out ELBO (as Keras' restore_best_weights), not at the last epoch.</param>
public sealed record VaeTrainingOptions(
    int BatchSize = 128,
    double LearningRate = 1e-3,
    IProgress<VaeBatchProgress>? BatchProgress = null,
    bool RestoreBest = true)
{
    /// <summary>Throws naming the first option out of range.</summary>
    public void Validate()
    {
        if (BatchSize < 1) throw new ArgumentOutOfRangeException(nameof(BatchSize), BatchSize, "Batch size must be at least 1.");
        if (!(LearningRate > 0) || !double.IsFinite(LearningRate))
            throw new ArgumentOutOfRangeException(nameof(LearningRate), LearningRate, "Learning rate must be a positive finite number.");
    }
}

/// <summary>
/// Trains a <see cref="VariationalAutoencoder"/> under Core's <see cref="ElboDriver"/>: one <see cref="Step"/> is one
/// epoch of Adam over a fresh permutation of the training set. The step returns the sum over the epoch's minibatches
/// of the one-sample ELBO (each computed with the parameters of its minibatch, as the PyTorch example's train loss),
/// and, with a validation set, <see cref="HeldOutElboPerObservation"/> is the one-sample ELBO per example on it after
/// the epoch (noise from a fixed seed, so epochs are compared on the same draws).
/// The ELBO is stochastic and not monotone.
/// </summary>
public sealed class VaeTrainer : IElboOptimizer, IDisposable
{
    private readonly VariationalAutoencoder _model;
    private readonly VaeDataset _train;
    private readonly VaeDataset? _validation;
    private readonly VaeTrainingOptions _options;
    private readonly Tensor _data;
    private readonly Generator _shuffle;
    private readonly Generator _noise;
    private readonly IParameterOptimizer _adam;
    private readonly int _validationSeed;
    private int _epoch;
    private Tensor[]? _best;
    private double _bestHeldOut = double.NegativeInfinity;

    /// <summary>
    /// Prepares training: copies the training set to the device once, seeds the shuffling (stream 1 of
    /// <paramref name="seed"/>), the noise (stream 2) and the held-out noise (stream 3), builds Adam (fused on the CPU,
    /// <see cref="CpuAdam"/>; TorchSharp's elsewhere).
    /// </summary>
    public VaeTrainer(VariationalAutoencoder model, VaeDataset train, VaeDataset? validation = null, VaeTrainingOptions? options = null, int seed = 0)
    {
        _model = model ?? throw new ArgumentNullException(nameof(model));
        _options = options ?? new VaeTrainingOptions();
        _options.Validate();
        model.CheckShape(train.Validated("training data"), "training data");
        if (validation is not null) model.CheckShape(validation.Validated("validation data"), "validation data");
        _train = train;
        _validation = validation;
        _data = model.ToDevice(train.Values, train.Count, train.Dimension);
        _shuffle = new Generator((ulong)(uint)Rng.Derive(seed, 1));
        _noise = new Generator((ulong)(uint)Rng.Derive(seed, 2));
        _validationSeed = Rng.Derive(seed, 3);
        var parameters = model.Network.parameters().ToArray();
        _adam = CpuAdam.Supports(parameters) ? new CpuAdam(parameters, _options.LearningRate) : new TorchAdam(parameters, _options.LearningRate);
    }

    /// <inheritdoc/>
    public bool IsMonotone => false;

    /// <inheritdoc/>
    public long ObservationCount => _train.Count;

    /// <inheritdoc/>
    public double? HeldOutElboPerObservation { get; private set; }

    /// <summary>Epochs run so far.</summary>
    public int Epoch => _epoch;

    /// <summary>One epoch; returns the total training ELBO in nats.</summary>
    public double Step(CancellationToken cancellationToken)
    {
        _epoch++;
        int n = _train.Count, bs = _options.BatchSize, l = _model.Architecture.LatentSize;
        int batches = (n + bs - 1) / bs;
        _model.Network.train();
        // Interrupted mid-epoch, the model goes back to the end of the last completed epoch (what a saved model holds).
        var start = cancellationToken.CanBeCanceled ? Snapshot() : null;
        try { return RunEpoch(n, bs, l, batches, cancellationToken); }
        catch (OperationCanceledException) when (start is not null)
        {
            Restore(start);
            _epoch--;
            throw;
        }
        finally
        {
            if (start is not null) foreach (var t in start) t.Dispose();
        }
    }

    private Tensor[] Snapshot()
    {
        using var _ = no_grad();
        return _model.Network.parameters().Select(p => p.detach().clone()).ToArray();
    }

    private void Restore(Tensor[] saved)
    {
        using var _ = no_grad();
        foreach (var (p, b) in _model.Network.parameters().Zip(saved)) p.copy_(b);
        _model.Network.eval();
    }

    private double RunEpoch(int n, int bs, int l, int batches, CancellationToken cancellationToken)
    {
        double total = 0;
        using var perm = randperm(n, generator: _shuffle).to(_model.Device);
        for (int b = 0; b < batches; b++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            using var scope = NewDisposeScope();
            int start = b * bs, count = Math.Min(bs, n - start);
            var x = _data.index_select(0, perm.narrow(0, start, count));
            var eps = randn([count, l], generator: _noise).to(_model.Device);
            _adam.ZeroGrad();
            var (elbo, _, _) = _model.ElboTerms(x, eps);
            var loss = -elbo.sum();
            loss.backward();
            _adam.Step();
            double batchLoss = loss.item<float>();
            total -= batchLoss;
            _options.BatchProgress?.Report(new VaeBatchProgress(_epoch, b + 1, batches, -batchLoss / count));
        }
        _model.Network.eval();
        HeldOutElboPerObservation = _validation is null ? null : _model.MeanElbo(_validation, _validationSeed, cancellationToken: cancellationToken);
        if (HeldOutElboPerObservation is double h && h > _bestHeldOut && _options.RestoreBest)
        {
            _bestHeldOut = h;
            if (_best is not null) foreach (var t in _best) t.Dispose();
            using var _ = no_grad();
            _best = _model.Network.parameters().Select(p => p.detach().clone()).ToArray();
        }
        return total;
    }

    /// <summary>Copies back the parameters of the epoch with the best held-out ELBO; false when there is none to restore.</summary>
    public bool RestoreBestParameters()
    {
        if (_best is null) return false;
        using var _ = no_grad();
        foreach (var (p, b) in _model.Network.parameters().Zip(_best)) p.copy_(b);
        return true;
    }

    /// <summary>The one-sample held-out ELBO per example as the trainer computes it (same noise every epoch).</summary>
    public static double HeldOutElbo(VariationalAutoencoder model, VaeDataset validation, int trainingSeed) =>
        model.MeanElbo(validation, Rng.Derive(trainingSeed, 3));

    /// <summary>Releases the device copy of the data and the optimiser state.</summary>
    public void Dispose()
    {
        _data.Dispose();
        _shuffle.Dispose();
        _noise.Dispose();
        _adam.Dispose();
        if (_best is not null) foreach (var t in _best) t.Dispose();
    }
}
