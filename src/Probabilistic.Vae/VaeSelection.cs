using Probabilistic.Core.Inference;

namespace Probabilistic.Vae;

/// <summary>
/// Model selection for the VAE over the latent size: a VAE has no exact likelihood, so each candidate is scored by the
/// held-out ELBO per example of k-fold cross-validation (every candidate trained with the same <see cref="FitOptions"/>,
/// weights seeded from the fit's seed), and the best is trained on all the data. Built on Core's <see cref="ModelSelection"/>;
/// candidates run one at a time by default because TorchSharp already spreads one fit over the cores.
/// </summary>
public static class VaeSelection
{
    /// <summary>Searches <paramref name="latentSizes"/> with every other setting of <paramref name="template"/>.</summary>
    /// <param name="data">The images.</param>
    /// <param name="latentSizes">The latent sizes to try.</param>
    /// <param name="template">The architecture; its latent size is replaced per candidate.</param>
    /// <param name="training">Batch size and learning rate (default: 128, Adam 1e-3).</param>
    /// <param name="fitOptions">Epochs (MaxIterations), tolerance and seed shared by every fit.</param>
    /// <param name="folds">k.</param>
    /// <param name="maxParallelism">Fits at once (default 1).</param>
    /// <param name="cancellationToken">Cancels the search.</param>
    /// <returns>The table (held-out ELBO per example, higher is better) and the best architecture's model trained on all the data; dispose it.</returns>
    public static SelectionResult<VaeArchitecture, VariationalAutoencoder> SelectLatentSize(VaeDataset data, IEnumerable<int> latentSizes,
        VaeArchitecture template, VaeTrainingOptions? training = null, FitOptions? fitOptions = null, int folds = 3, int? maxParallelism = 1,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(template);
        var grid = latentSizes.Select(l => template with { LatentSize = l }).ToArray();
        foreach (var a in grid) a.Validate();
        var options = fitOptions ?? new FitOptions();
        int seed = options.ResolveSeed();
        options = options with { Seed = seed };
        var fold = ModelSelection.Folds(data.Count, folds, seed);
        VaeDataset Rows(Func<int, bool> keep)
        {
            var rows = Enumerable.Range(0, data.Count).Where(keep).ToArray();
            var values = new float[rows.Length * data.Dimension];
            for (int r = 0; r < rows.Length; r++) data.Values.AsSpan(rows[r] * data.Dimension, data.Dimension).CopyTo(values.AsSpan(r * data.Dimension));
            return new VaeDataset(values, rows.Length, data.Height, data.Width);
        }
        return ModelSelection.CrossValidate(grid, folds, (architecture, f, fit, ct) =>
        {
            var train = Rows(i => fold[i] != f);
            var test = Rows(i => fold[i] == f);
            using var model = VariationalAutoencoder.Create(architecture, fit.Seed!.Value, training: training);
            var (_, trace) = model.Fit(train, fit, ct);
            return (trace.Count == 0 ? double.NaN : model.ScorePerObservation(test, fit.Seed!.Value), trace);
        }, (architecture, fit, ct) => VariationalAutoencoder.Create(architecture, fit.Seed!.Value, training: training).Fit(data, fit, ct),
            options, maxParallelism, cancellationToken: cancellationToken);
    }
}
