using Probabilistic.Core.Gaussians;
using Probabilistic.Core.Inference;

namespace Probabilistic.Hmm;

/// <summary>An HMM emission family with its covariance type (Gaussian and GMM emissions).</summary>
public enum HmmEmission
{
    /// <summary>One symbol per step (<see cref="CategoricalHmm"/>).</summary>
    Categorical,
    /// <summary>A Gaussian per state (<see cref="GaussianHmm"/>).</summary>
    Gaussian,
    /// <summary>A Gaussian mixture per state (<see cref="GmmHmm"/>).</summary>
    GaussianMixture,
    /// <summary>Independent Poisson counts per state (<see cref="PoissonHmm"/>).</summary>
    Poisson,
}

/// <summary>One candidate of an HMM search: the emission family and the options (states, covariance type, ...).</summary>
public sealed record HmmCandidate(HmmEmission Emission, HmmOptions Options)
{
    /// <summary>"K=3 gaussian/diag", "K=2 poisson".</summary>
    public override string ToString() => $"K={Options.States} {Label}";

    /// <summary>The emission and, for Gaussian families, the covariance type: "gaussian/diag", "gmm/full", "poisson".</summary>
    public string Label => Emission switch
    {
        HmmEmission.Gaussian => $"gaussian/{CovarianceName(Options.CovarianceType)}",
        HmmEmission.GaussianMixture => $"gmm/{CovarianceName(Options.CovarianceType)}",
        _ => Emission.ToString().ToLowerInvariant(),
    };

    private static string CovarianceName(CovarianceType type) => type == CovarianceType.Diagonal ? "diag" : type.ToString().ToLowerInvariant();

    /// <summary>Fits this candidate from data alone.</summary>
    public FitResult<IHiddenMarkovModel> Fit(SequenceSet data, FitOptions? fitOptions = null, CancellationToken cancellationToken = default)
    {
        switch (Emission)
        {
            case HmmEmission.Categorical: { var (m, t) = new CategoricalHmm(Options).Fit(data, fitOptions, cancellationToken); return new(m, t); }
            case HmmEmission.Gaussian: { var (m, t) = new GaussianHmm(Options).Fit(data, fitOptions, cancellationToken); return new(m, t); }
            case HmmEmission.GaussianMixture: { var (m, t) = new GmmHmm(Options).Fit(data, fitOptions, cancellationToken); return new(m, t); }
            case HmmEmission.Poisson: { var (m, t) = new PoissonHmm(Options).Fit(data, fitOptions, cancellationToken); return new(m, t); }
            default: throw new ArgumentOutOfRangeException(nameof(Emission), Emission, "Unknown emission family.");
        }
    }
}

/// <summary>
/// Model selection for HMMs: every pair of a number of states and an emission family (with its covariance type) fitted
/// from data alone with the same <see cref="FitOptions"/>, scored by BIC or AIC (hmmlearn's <c>bic</c> / <c>aic</c>: the
/// total log-likelihood and the free parameters of start, transitions and emissions over all observations), or by the
/// held-out log-likelihood per observation of k-fold cross-validation over whole sequences.
/// </summary>
public static class HmmSelection
{
    /// <summary>Searches <paramref name="states"/> × <paramref name="emissions"/> (states varying slowest).</summary>
    /// <param name="data">The sequences.</param>
    /// <param name="states">Numbers of states.</param>
    /// <param name="emissions">Emission families and their covariance types.</param>
    /// <param name="criterion">BIC (default), AIC, or held-out log-likelihood.</param>
    /// <param name="template">Every other setting (regularisation, priors, restarts, threads); States, CovarianceType replaced per candidate.</param>
    /// <param name="fitOptions">Iterations, tolerance and seed shared by every candidate.</param>
    /// <param name="folds">k for cross-validation (at most the number of sequences).</param>
    /// <param name="maxParallelism">Candidates fitted at once.</param>
    /// <param name="progress">Told once per finished candidate.</param>
    /// <param name="cancellationToken">Cancels the search.</param>
    public static SelectionResult<HmmCandidate, IHiddenMarkovModel> Select(SequenceSet data, IEnumerable<int> states,
        IEnumerable<(HmmEmission Emission, CovarianceType CovarianceType)> emissions, SelectionCriterion criterion = SelectionCriterion.Bic,
        HmmOptions? template = null, FitOptions? fitOptions = null, int folds = 5, int? maxParallelism = null,
        IProgress<SelectionRow<HmmCandidate>>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(data);
        template ??= new HmmOptions(1);
        var families = emissions.ToArray();
        // One vocabulary for every fold: held-out sequences may use symbols the training folds lack.
        if (template.Symbols is null && families.Any(e => e.Emission == HmmEmission.Categorical))
            template = template with { Symbols = (int)Math.Min(data.Values.DefaultIfEmpty(0).Max() + 1, int.MaxValue) };
        var grid = ModelSelection.Grid(states, families)
            .Select(c => new HmmCandidate(c.Item2.Emission, template with { States = c.Item1, CovarianceType = c.Item2.CovarianceType })).ToArray();
        FitResult<IHiddenMarkovModel> Fit(HmmCandidate c, FitOptions f, CancellationToken ct) => c.Fit(data, f, ct);
        if (criterion != SelectionCriterion.HeldOutElbo)
            return ModelSelection.ByCriterion(grid, Fit, criterion,
                m => criterion == SelectionCriterion.Bic ? m.Bic(data, template.MaxThreads) : m.Aic(data, template.MaxThreads),
                fitOptions, maxParallelism, progress, cancellationToken);
        var seed = (fitOptions ?? new FitOptions()).ResolveSeed();
        if (data.Count < folds)
            throw new ArgumentException($"{data.Count} sequences cannot fill {folds} folds; cross-validation holds out whole sequences (use fewer folds or BIC).");
        var fold = ModelSelection.Folds(data.Count, folds, seed);
        return ModelSelection.CrossValidate(grid, folds, (c, f, options, ct) =>
        {
            var train = Subset(data, fold, f, heldOut: false);
            var test = Subset(data, fold, f, heldOut: true);
            var (model, trace) = c.Fit(train, options, ct);
            return (trace.Count == 0 ? double.NaN : model.Score(test, c.Options.MaxThreads) / test.TotalLength, trace);
        }, Fit, (fitOptions ?? new FitOptions()) with { Seed = seed }, maxParallelism, progress, cancellationToken);
    }

    private static SequenceSet Subset(SequenceSet data, int[] fold, int f, bool heldOut)
    {
        var sequences = Enumerable.Range(0, data.Count).Where(n => (fold[n] == f) == heldOut).Select(n => data.Sequence(n).ToArray()).ToList();
        return SequenceSet.FromSequences(sequences, data.Dimension).WithSource(data.Source);
    }
}
