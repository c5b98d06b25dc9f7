using System.Globalization;
using Probabilistic.Core.Data;
using Probabilistic.Core.Gaussians;
using Probabilistic.Core.Inference;
using Probabilistic.Core.Numerics;
using Probabilistic.Hmm.Emissions;

namespace Probabilistic.Hmm;

/// <summary>
/// HMM fits from sequences left on disk (<see cref="SequenceSource"/>): the starts <see cref="HmmStart"/> draws in memory,
/// computed from passes over the data with the same draws and sums in the same order (so the same seed gives the same
/// start), and <see cref="OutOfCoreBaumWelch{TEmission, TStats}"/> on <see cref="ElboDriver"/> with restarts, tolerance,
/// cancellation and progress as <see cref="HmmEstimator{TEmission, TStats}.Fit(SequenceSet, FitOptions?, CancellationToken)"/>.
/// </summary>
public static class OutOfCoreHmm
{
    /// <summary>
    /// Baum-Welch from <paramref name="start"/>(seed), <paramref name="options"/>.Restarts times (restart r from
    /// <c>Rng.Derive(seed, r)</c> when several; <paramref name="restarts"/> overrides), keeping the highest final objective.
    /// </summary>
    public static FitResult<HiddenMarkovModel<TEmission, TStats>> Fit<TEmission, TStats>(SequenceSource data, HmmOptions options,
        Func<int, HiddenMarkovModel<TEmission, TStats>> start, FitOptions? fitOptions = null, int? restarts = null, int? rowsPerChunk = null,
        CancellationToken cancellationToken = default)
        where TEmission : IEmissionModel<TEmission, TStats>
        where TStats : class
    {
        ArgumentNullException.ThrowIfNull(data);
        return Fit(options, start, s => new OutOfCoreBaumWelch<TEmission, TStats>(s, data, options.Priors, options.MaxThreads, rowsPerChunk,
            options.Budget, cancellationToken), fitOptions, restarts, cancellationToken);
    }

    /// <summary>
    /// Baum-Welch from <paramref name="start"/>(seed) as <see cref="Fit{TEmission, TStats}(SequenceSource, HmmOptions, Func{int, HiddenMarkovModel{TEmission, TStats}}, FitOptions?, int?, int?, CancellationToken)"/>
    /// runs it, on the optimiser <paramref name="optimizer"/> makes for each start (for instance one whose E-steps run on
    /// partitions of the sequences held elsewhere, <see cref="PartitionedBaumWelch{TEmission, TStats}"/>).
    /// </summary>
    public static FitResult<HiddenMarkovModel<TEmission, TStats>> Fit<TEmission, TStats>(HmmOptions options,
        Func<int, HiddenMarkovModel<TEmission, TStats>> start, Func<HiddenMarkovModel<TEmission, TStats>, BaumWelchOptimizer<TEmission, TStats>> optimizer,
        FitOptions? fitOptions = null, int? restarts = null, CancellationToken cancellationToken = default)
        where TEmission : IEmissionModel<TEmission, TStats>
        where TStats : class
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(start);
        ArgumentNullException.ThrowIfNull(optimizer);
        options.Validate();
        var fit = fitOptions ?? new FitOptions();
        fit.Validate();
        fit = fit with { Seed = fit.ResolveSeed() };
        HiddenMarkovModel<TEmission, TStats>? first = null;
        var best = ElboDriver.FitBest(restarts ?? options.Restarts, seed =>
        {
            var s = start(seed);
            if (s.StateCount != options.States)
                throw new ArgumentException($"The start point has {s.StateCount} states but the options ask for {options.States}.", nameof(start));
            first ??= s;
            return optimizer(s);
        }, fit, cancellationToken);
        var model = best.Optimizer?.Model ?? first;
        if (model is null) throw new OperationCanceledException("The fit was cancelled before its start point was drawn.", cancellationToken);
        return new(model, best.Trace);
    }

    /// <summary>
    /// The log prior density (up to a constant) of <paramref name="model"/> under <paramref name="priors"/> and its emission's
    /// prior: the part of the Baum-Welch objective that is not the log-likelihood, so a trace value minus this is the data's
    /// log-likelihood without another pass over them.
    /// </summary>
    public static double LogPrior<TEmission, TStats>(HiddenMarkovModel<TEmission, TStats> model, HmmPriors? priors)
        where TEmission : IEmissionModel<TEmission, TStats>
        where TStats : class
    {
        ArgumentNullException.ThrowIfNull(model);
        return BaumWelchSteps.LogPrior(model, priors ?? HmmPriors.None);
    }

    /// <summary>A Gaussian HMM fitted from the start <see cref="HmmStart.Gaussian"/> would draw in memory.</summary>
    public static FitResult<HiddenMarkovModel<GaussianEmission, GaussianStatistics>> FitGaussian(SequenceSource data, HmmOptions options,
        FitOptions? fitOptions = null, int? rowsPerChunk = null, CancellationToken cancellationToken = default) =>
        Fit(data, options, seed => GaussianStart(data, options.States, options.CovarianceType, options.Regularization, seed,
            rowsPerChunk, cancellationToken), fitOptions, null, rowsPerChunk, cancellationToken);

    /// <summary>A categorical HMM fitted from the start <see cref="HmmStart.Categorical"/> would draw in memory.</summary>
    public static FitResult<HiddenMarkovModel<CategoricalEmission, CategoricalStatistics>> FitCategorical(SequenceSource data, HmmOptions options,
        FitOptions? fitOptions = null, int? rowsPerChunk = null, CancellationToken cancellationToken = default) =>
        Fit(data, options, seed => CategoricalStart(data, options.States, seed, options.Symbols, options.EmissionPseudocount, rowsPerChunk),
            fitOptions, null, rowsPerChunk, cancellationToken);

    /// <summary>A Poisson HMM fitted from the start <see cref="HmmStart.Poisson"/> would draw in memory.</summary>
    public static FitResult<HiddenMarkovModel<PoissonEmission, PoissonStatistics>> FitPoisson(SequenceSource data, HmmOptions options,
        FitOptions? fitOptions = null, int? rowsPerChunk = null, CancellationToken cancellationToken = default) =>
        Fit(data, options, seed => PoissonStart(data, options.States, seed, rowsPerChunk, cancellationToken), fitOptions, null, rowsPerChunk, cancellationToken);

    /// <summary>A GMM-HMM fitted from the start <see cref="HmmStart.GaussianMixture"/> would draw in memory.</summary>
    public static FitResult<HiddenMarkovModel<GaussianMixtureEmission, GaussianMixtureStatistics>> FitGaussianMixture(SequenceSource data,
        HmmOptions options, FitOptions? fitOptions = null, int? rowsPerChunk = null, CancellationToken cancellationToken = default) =>
        Fit(data, options, seed => GaussianMixtureStart(data, options.States, options.ComponentsPerState, options.CovarianceType,
            options.Regularization, seed, options.EmissionPseudocount, rowsPerChunk, cancellationToken), fitOptions, null, rowsPerChunk, cancellationToken);

    /// <summary>
    /// <see cref="HmmStart.Poisson"/> from passes over the rows: each row checked to be counts (integers ≥ 0, refused naming the
    /// shard and row), then rates at the k-means++ / Lloyd centres (<see cref="StreamingKMeans"/>) plus ½.
    /// </summary>
    public static HiddenMarkovModel<PoissonEmission, PoissonStatistics> PoissonStart(SequenceSource data, int states, int seed,
        int? rowsPerChunk = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(data);
        if (states < 1) throw new ArgumentOutOfRangeException(nameof(states), states, "At least one state.");
        var rows = data.Rows;
        int d = rows.Columns, block = rowsPerChunk ?? OutOfCoreBaumWelch<PoissonEmission, PoissonStatistics>.DefaultRowsPerChunk(d);
        rows.ForEachBlock(block, (first, count, x) =>
        {
            for (int i = 0; i < count * d; i++)
                if (!(x[i] >= 0) || x[i] != Math.Floor(x[i]))
                {
                    var (shard, row) = rows.Locate(first + i / d);
                    throw new DataFormatException(shard.Path, null, string.Create(CultureInfo.InvariantCulture,
                        $"row {row + 1}, value {i % d + 1} is {x[i]}; Poisson observations are counts (integers >= 0)"));
                }
        }, cancellationToken);
        RequireDistinctRows(rows, states, block);
        var centres = StreamingKMeans.Fit(rows, states, seed, block, cancellationToken: cancellationToken).Centers;
        return new(HmmStart.UniformStart(states), HmmStart.StickyTransitions(states), PoissonEmission.FromRates(states, d, centres.Select(c => c + 0.5).ToArray()));
    }

    /// <summary>
    /// <see cref="HmmStart.GaussianMixture"/> from passes over the rows: <see cref="GaussianStart"/> with K·M centres, centre
    /// k·M + m the mean of component m of state k, equal mixture weights.
    /// </summary>
    public static HiddenMarkovModel<GaussianMixtureEmission, GaussianMixtureStatistics> GaussianMixtureStart(SequenceSource data, int states,
        int componentsPerState, CovarianceType type, double regularization, int seed, double weightPseudocount = 0, int? rowsPerChunk = null,
        CancellationToken cancellationToken = default)
    {
        if (componentsPerState < 1) throw new ArgumentOutOfRangeException(nameof(componentsPerState), componentsPerState, "At least one component per state.");
        var components = GaussianStart(data, states * componentsPerState, type, regularization, seed, rowsPerChunk, cancellationToken).Emission;
        return new(HmmStart.UniformStart(states), HmmStart.StickyTransitions(states),
            GaussianMixtureEmission.Create(states, componentsPerState, Enumerable.Repeat(1.0 / componentsPerState, states * componentsPerState).ToArray(),
                components, weightPseudocount));
    }

    /// <summary>
    /// <see cref="HmmStart.Gaussian"/> from passes over the rows: k-means++ / Lloyd centres by <see cref="StreamingKMeans"/>
    /// (12 bytes a row), the data's mean and covariance (+ r·I) summed row by row in row order.
    /// </summary>
    public static HiddenMarkovModel<GaussianEmission, GaussianStatistics> GaussianStart(SequenceSource data, int states, CovarianceType type,
        double regularization, int seed, int? rowsPerChunk = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(data);
        if (states < 1) throw new ArgumentOutOfRangeException(nameof(states), states, "At least one state.");
        var rows = data.Rows;
        int d = rows.Columns, block = rowsPerChunk ?? OutOfCoreBaumWelch<GaussianEmission, GaussianStatistics>.DefaultRowsPerChunk(d);
        RequireDistinctRows(rows, states, block);
        var means = StreamingKMeans.Fit(rows, states, seed, block, cancellationToken: cancellationToken).Centers;
        long n = rows.Rows;
        var mean = new double[d];
        rows.ForEachBlock(block, (_, count, x) =>
        {
            for (int i = 0; i < count; i++) for (int a = 0; a < d; a++) mean[a] += x[i * d + a] / n;
        }, cancellationToken);
        var cov = new double[d * d];
        rows.ForEachBlock(block, (_, count, x) =>
        {
            for (int i = 0; i < count; i++)
                for (int a = 0; a < d; a++)
                    for (int b = 0; b < d; b++) cov[a * d + b] += (x[i * d + a] - mean[a]) * (x[i * d + b] - mean[b]) / n;
        }, cancellationToken);
        for (int a = 0; a < d; a++) cov[a * d + a] += Math.Max(regularization, 1e-9);
        double[] one = type switch
        {
            CovarianceType.Full or CovarianceType.Tied => cov,
            CovarianceType.Diagonal => Enumerable.Range(0, d).Select(a => cov[a * d + a]).ToArray(),
            _ => [Enumerable.Range(0, d).Average(a => cov[a * d + a])],
        };
        var emission = GaussianEmission.FromParameters(states, d, type, means,
            type == CovarianceType.Tied ? one : Enumerable.Repeat(one, states).SelectMany(c => c).ToArray(), regularization);
        return new(HmmStart.UniformStart(states), HmmStart.StickyTransitions(states), emission);
    }

    /// <summary><see cref="HmmStart.Categorical"/>: the vocabulary (when not given) is the largest code + 1, found in one pass.</summary>
    public static HiddenMarkovModel<CategoricalEmission, CategoricalStatistics> CategoricalStart(SequenceSource data, int states, int seed,
        int? symbols = null, double pseudocount = 0, int? rowsPerChunk = null)
    {
        ArgumentNullException.ThrowIfNull(data);
        if (states < 1) throw new ArgumentOutOfRangeException(nameof(states), states, "At least one state.");
        int v = symbols ?? 0;
        if (symbols is null)
        {
            double max = double.NegativeInfinity;
            data.Rows.ForEachBlock(rowsPerChunk ?? OutOfCoreBaumWelch<CategoricalEmission, CategoricalStatistics>.DefaultRowsPerChunk(data.Dimension),
                (_, count, x) => { for (int i = 0; i < count * data.Dimension; i++) max = Math.Max(max, x[i]); });
            v = (int)Math.Min(max + 1, int.MaxValue);
        }
        return new(HmmStart.UniformStart(states), HmmStart.StickyTransitions(states), CategoricalEmission.Random(states, v, seed, pseudocount));
    }

    /// <summary>As <see cref="HmmStart"/>: fewer distinct observations than centres cannot seed them (read from the first rows until enough are seen).</summary>
    private static void RequireDistinctRows(NpyRowSource rows, int k, int block)
    {
        int d = rows.Columns;
        var seen = new HashSet<string>();
        var buffer = new double[(long)block * d];
        for (long at = 0; at < rows.Rows && seen.Count < k; at += block)
        {
            int count = (int)Math.Min(block, rows.Rows - at);
            rows.ReadRows(at, count, buffer);
            for (int i = 0; i < count && seen.Count < k; i++)
                seen.Add(string.Join(",", buffer.AsSpan(i * d, d).ToArray().Select(BitConverter.DoubleToInt64Bits)));
        }
        if (seen.Count < k)
            throw new DataFormatException(rows.Name, null, string.Create(CultureInfo.InvariantCulture,
                $"{seen.Count} distinct observation{(seen.Count == 1 ? "" : "s")} cannot seed {k} states; use fewer or more varied data"));
    }
}
