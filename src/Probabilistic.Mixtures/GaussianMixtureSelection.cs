using Probabilistic.Core.Data;
using Probabilistic.Core.Gaussians;
using Probabilistic.Core.Inference;

namespace Probabilistic.Mixtures;

/// <summary>
/// Model selection for Gaussian mixtures (what scikit-learn's user guide does by hand in "GMM model selection"): every
/// pair of K and covariance type is fitted with the same <see cref="FitOptions"/> and scored by BIC (or AIC) on the data,
/// or by the held-out log-likelihood per row of k-fold cross-validation. Built on Core's <see cref="ModelSelection"/>.
/// </summary>
public static class GaussianMixtureSelection
{
    /// <summary>Searches K in <paramref name="components"/> × <paramref name="covarianceTypes"/> (K varying slowest).</summary>
    /// <param name="data">The rows.</param>
    /// <param name="components">The K values.</param>
    /// <param name="covarianceTypes">The covariance types.</param>
    /// <param name="criterion">BIC (default, lower is better), AIC, or the held-out log-likelihood per row.</param>
    /// <param name="template">Every other setting (regularisation, restarts, start, backend); its K and type are replaced per candidate.</param>
    /// <param name="fitOptions">Iterations, tolerance and seed shared by every candidate.</param>
    /// <param name="folds">k for <see cref="SelectionCriterion.HeldOutElbo"/>.</param>
    /// <param name="maxParallelism">Candidates fitted at once (null: the number of cores).</param>
    /// <param name="progress">Told once per finished candidate.</param>
    /// <param name="cancellationToken">Cancels the search.</param>
    public static SelectionResult<GaussianMixtureOptions, GaussianMixture> Select(NumericTable data, IEnumerable<int> components,
        IEnumerable<CovarianceType> covarianceTypes, SelectionCriterion criterion = SelectionCriterion.Bic, GaussianMixtureOptions? template = null,
        FitOptions? fitOptions = null, int folds = 5, int? maxParallelism = null, IProgress<SelectionRow<GaussianMixtureOptions>>? progress = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(data);
        template ??= new GaussianMixtureOptions(1);
        var grid = ModelSelection.Grid(components, covarianceTypes)
            .Select(c => template with { Components = c.Item1, CovarianceType = c.Item2 }).ToArray();
        FitResult<GaussianMixture> Fit(GaussianMixtureOptions o, FitOptions f, CancellationToken ct) => new GaussianMixture(o).Fit(data, f, ct);
        if (criterion != SelectionCriterion.HeldOutElbo)
            return ModelSelection.ByCriterion(grid, Fit, criterion,
                m => criterion == SelectionCriterion.Bic ? m.Bic(data) : m.Aic(data), fitOptions, maxParallelism, progress, cancellationToken);
        var seed = (fitOptions ?? new FitOptions()).ResolveSeed();
        var fold = ModelSelection.Folds(data.Rows, folds, seed);
        return ModelSelection.CrossValidate(grid, folds, (o, f, options, ct) =>
        {
            var train = data.SelectRows(Enumerable.Range(0, data.Rows).Where(i => fold[i] != f).ToArray());
            var test = data.SelectRows(Enumerable.Range(0, data.Rows).Where(i => fold[i] == f).ToArray());
            var (model, trace) = new GaussianMixture(o).Fit(train, options, ct);
            return (trace.Count == 0 ? double.NaN : model.ScorePerObservation(test), trace);
        }, Fit, (fitOptions ?? new FitOptions()) with { Seed = seed }, maxParallelism, progress, cancellationToken);
    }
}
