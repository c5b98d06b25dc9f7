using System.Diagnostics;

namespace Probabilistic.Core.Inference;

/// <summary>How <see cref="ModelSelection"/> scores a candidate.</summary>
public enum SelectionCriterion
{
    /// <summary>Bayesian information criterion −2 log L + p log n on the training data (lower is better).</summary>
    Bic,
    /// <summary>Akaike information criterion −2 log L + 2p on the training data (lower is better).</summary>
    Aic,
    /// <summary>Mean held-out ELBO per observation over k folds (higher is better); for any family, and the only choice where no likelihood is exact (the VAE).</summary>
    HeldOutElbo,
}

/// <summary>One candidate of a grid: its options, its score, and the fit that produced it.</summary>
/// <param name="Options">The candidate's settings.</param>
/// <param name="Score">BIC or AIC (lower is better), or the mean held-out ELBO per observation (higher is better).</param>
/// <param name="Trace">The trace of the fit on all the data (for cross-validation: of the refit, when the candidate won; else of the first fold).</param>
/// <param name="Elapsed">Wall time of the candidate's fits.</param>
/// <param name="FoldScores">Held-out ELBO per observation of each fold (cross-validation only).</param>
public sealed record SelectionRow<TOptions>(TOptions Options, double Score, ElboTrace Trace, TimeSpan Elapsed, IReadOnlyList<double>? FoldScores = null);

/// <summary>What a search returns: a table in grid order, the best row and its model fitted on all the data.</summary>
/// <param name="Criterion">How the rows were scored.</param>
/// <param name="Table">One row per candidate, in the grid's order.</param>
/// <param name="BestIndex">The best row (the first of equal scores).</param>
/// <param name="Best">The best candidate's model, fitted on all the data.</param>
public sealed record SelectionResult<TOptions, TModel>(SelectionCriterion Criterion, IReadOnlyList<SelectionRow<TOptions>> Table, int BestIndex, TModel Best)
{
    /// <summary>True when a lower score is better (BIC, AIC).</summary>
    public bool LowerIsBetter => Criterion != SelectionCriterion.HeldOutElbo;

    /// <summary>The best row.</summary>
    public SelectionRow<TOptions> BestRow => Table[BestIndex];
}

/// <summary>
/// The hyper-parameter search users do by hand: a grid over a family's options (K and the covariance type for mixtures,
/// the number of states and the emission for HMMs, the latent size for the VAE), each candidate fitted with the same
/// <see cref="FitOptions"/> (so with the same seed) and scored by BIC / AIC where the family has an exact likelihood, or by
/// the held-out ELBO of k-fold cross-validation. Candidates are fitted in parallel, at most one per core by default;
/// the table is in grid order whatever the order they finish in, so the result does not depend on the scheduling.
/// </summary>
public static class ModelSelection
{
    /// <summary>
    /// Fits every candidate on all the data and scores it with <paramref name="criterion"/> (BIC or AIC); returns the table
    /// and the best model (lowest score; the first of equal scores).
    /// </summary>
    /// <param name="grid">The candidates, in the order the table lists them.</param>
    /// <param name="fit">Fits one candidate on all the data.</param>
    /// <param name="criterion">Bic or Aic.</param>
    /// <param name="score">The criterion's value for a fitted model (the family's <c>Bic</c> or <c>Aic</c>).</param>
    /// <param name="fitOptions">Shared by every candidate; a null seed is drawn once, so every candidate starts from the same seed.</param>
    /// <param name="maxParallelism">Candidates fitted at once (null: the number of cores).</param>
    /// <param name="progress">Told once per finished candidate, in the order they finish.</param>
    /// <param name="cancellationToken">Stops at the next step of every running fit; a cancelled search throws <see cref="OperationCanceledException"/>.</param>
    public static SelectionResult<TOptions, TModel> ByCriterion<TOptions, TModel>(IReadOnlyList<TOptions> grid,
        Func<TOptions, FitOptions, CancellationToken, FitResult<TModel>> fit, SelectionCriterion criterion, Func<TModel, double> score,
        FitOptions? fitOptions = null, int? maxParallelism = null, IProgress<SelectionRow<TOptions>>? progress = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(fit);
        ArgumentNullException.ThrowIfNull(score);
        if (criterion == SelectionCriterion.HeldOutElbo)
            throw new ArgumentException("The held-out ELBO needs folds; use CrossValidate.", nameof(criterion));
        var options = Prepare(grid, fitOptions, maxParallelism);
        var rows = new SelectionRow<TOptions>[grid.Count];
        var models = new TModel[grid.Count];
        Run(grid.Count, maxParallelism, cancellationToken, i =>
        {
            var clock = Stopwatch.StartNew();
            var (model, trace) = fit(grid[i], options, cancellationToken);
            ThrowIfCancelled(trace, cancellationToken);
            double s = score(model);
            rows[i] = new SelectionRow<TOptions>(grid[i], s, trace, clock.Elapsed);
            models[i] = model;
            progress?.Report(rows[i]);
        });
        int best = Best(rows, lowerIsBetter: true);
        return new SelectionResult<TOptions, TModel>(criterion, rows, best, models[best]);
    }

    /// <summary>
    /// k-fold cross-validation: for each candidate and fold, fits on the other folds and scores the held-out fold by its
    /// ELBO per observation; a candidate's score is the mean over folds (higher is better). The best candidate is then
    /// fitted on all the data.
    /// </summary>
    /// <param name="grid">The candidates.</param>
    /// <param name="folds">k ≥ 2.</param>
    /// <param name="foldScore">Fits a candidate without fold f and returns the held-out ELBO per observation of fold f, with the fit's trace.</param>
    /// <param name="fit">Fits a candidate on all the data (run once, for the winner).</param>
    /// <param name="fitOptions">Shared by every fit.</param>
    /// <param name="maxParallelism">Fits at once (null: the number of cores).</param>
    /// <param name="progress">Told once per finished candidate.</param>
    /// <param name="cancellationToken">Cancels the search.</param>
    public static SelectionResult<TOptions, TModel> CrossValidate<TOptions, TModel>(IReadOnlyList<TOptions> grid, int folds,
        Func<TOptions, int, FitOptions, CancellationToken, (double HeldOutElboPerObservation, ElboTrace Trace)> foldScore,
        Func<TOptions, FitOptions, CancellationToken, FitResult<TModel>> fit, FitOptions? fitOptions = null, int? maxParallelism = null,
        IProgress<SelectionRow<TOptions>>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(foldScore);
        ArgumentNullException.ThrowIfNull(fit);
        if (folds < 2) throw new ArgumentOutOfRangeException(nameof(folds), folds, "Cross-validation needs at least 2 folds.");
        var options = Prepare(grid, fitOptions, maxParallelism);
        var scores = new double[grid.Count, folds];
        var traces = new ElboTrace[grid.Count];
        var elapsed = new long[grid.Count];
        var remaining = new int[grid.Count];
        Array.Fill(remaining, folds);
        var rows = new SelectionRow<TOptions>[grid.Count];
        Run(grid.Count * folds, maxParallelism, cancellationToken, job =>
        {
            int i = job / folds, f = job % folds;
            var clock = Stopwatch.StartNew();
            var (s, trace) = foldScore(grid[i], f, options, cancellationToken);
            ThrowIfCancelled(trace, cancellationToken);
            scores[i, f] = s;
            if (f == 0) traces[i] = trace;
            Interlocked.Add(ref elapsed[i], clock.Elapsed.Ticks);
            if (Interlocked.Decrement(ref remaining[i]) == 0)
            {
                var each = Enumerable.Range(0, folds).Select(k => scores[i, k]).ToArray();
                rows[i] = new SelectionRow<TOptions>(grid[i], each.Average(), traces[i], TimeSpan.FromTicks(Interlocked.Read(ref elapsed[i])), each);
                progress?.Report(rows[i]);
            }
        });
        int best = Best(rows, lowerIsBetter: false);
        var (model, bestTrace) = fit(grid[best], options, cancellationToken);
        ThrowIfCancelled(bestTrace, cancellationToken);
        rows[best] = rows[best] with { Trace = bestTrace };
        return new SelectionResult<TOptions, TModel>(SelectionCriterion.HeldOutElbo, rows, best, model);
    }

    /// <summary>
    /// The fold of each of <paramref name="count"/> items: a seeded shuffle cut into <paramref name="folds"/> parts whose sizes
    /// differ by at most one (scikit-learn's <c>KFold(shuffle=True)</c>).
    /// </summary>
    public static int[] Folds(int count, int folds, int seed)
    {
        if (folds < 2) throw new ArgumentOutOfRangeException(nameof(folds), folds, "At least 2 folds.");
        if (count < folds) throw new ArgumentException($"{count} items cannot fill {folds} folds; use fewer folds.", nameof(count));
        var order = Enumerable.Range(0, count).ToArray();
        Numerics.Rng.Create(seed).Shuffle(order.AsSpan());
        var fold = new int[count];
        for (int r = 0; r < count; r++) fold[order[r]] = (int)((long)r * folds / count);
        return fold;
    }

    /// <summary>The grid of every pair (a, b), a varying slowest: the table order of a two-option search.</summary>
    public static IReadOnlyList<(TA, TB)> Grid<TA, TB>(IEnumerable<TA> first, IEnumerable<TB> second) =>
        first.SelectMany(a => second.Select(b => (a, b))).ToArray();

    private static FitOptions Prepare<TOptions>(IReadOnlyList<TOptions> grid, FitOptions? fitOptions, int? maxParallelism)
    {
        ArgumentNullException.ThrowIfNull(grid);
        if (grid.Count == 0) throw new ArgumentException("The grid is empty: give at least one candidate.", nameof(grid));
        if (maxParallelism is < 1) throw new ArgumentOutOfRangeException(nameof(maxParallelism), maxParallelism, "At least 1.");
        var options = fitOptions ?? new FitOptions();
        options.Validate();
        // One seed for every candidate, and no per-step progress from fits running side by side.
        return options with { Seed = options.ResolveSeed(), Progress = null };
    }

    private static void Run(int jobs, int? maxParallelism, CancellationToken cancellationToken, Action<int> body)
    {
        var parallel = new ParallelOptions
        {
            MaxDegreeOfParallelism = maxParallelism ?? Environment.ProcessorCount,
            CancellationToken = cancellationToken,
        };
        try { Parallel.For(0, jobs, parallel, body); }
        catch (AggregateException e) when (e.InnerExceptions.Count >= 1)
        {
            // The first failure as it was thrown (a refusal of the data names the file, not "one or more errors").
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(e.InnerExceptions[0]).Throw();
        }
    }

    private static void ThrowIfCancelled(ElboTrace trace, CancellationToken cancellationToken)
    {
        if (trace.StopReason == StopReason.Cancelled) throw new OperationCanceledException("The model search was cancelled.", cancellationToken);
    }

    private static int Best<TOptions>(SelectionRow<TOptions>[] rows, bool lowerIsBetter)
    {
        int best = 0;
        for (int i = 1; i < rows.Length; i++)
            if (lowerIsBetter ? rows[i].Score < rows[best].Score : rows[i].Score > rows[best].Score) best = i;
        return best;
    }
}
