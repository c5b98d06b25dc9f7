using Probabilistic.Core.Data;
using Probabilistic.Core.Inference;
using Probabilistic.Mixtures.Kernels;

namespace Probabilistic.Mixtures;

/// <summary>The prior on the mixing weights (scikit-learn's <c>weight_concentration_prior_type</c>).</summary>
public enum WeightPrior
{
    /// <summary>Symmetric Dirichlet(γ/…): q(π) = Dir(γ + N_k).</summary>
    DirichletDistribution,
    /// <summary>Truncated stick-breaking Dirichlet process: v_k ~ Beta(1, γ), q(v_k) = Beta(1 + N_k, γ + Σ_{j>k} N_j).</summary>
    DirichletProcess,
}

/// <summary>Settings of <see cref="BayesianGaussianMixture"/> (scikit-learn's defaults where they exist).</summary>
/// <param name="Components">K, an upper bound: unneeded components get weights near 0.</param>
/// <param name="WeightPrior">Dirichlet distribution or Dirichlet process (default, as scikit-learn).</param>
/// <param name="WeightConcentration">γ; null: 1/K.</param>
/// <param name="MeanPrecision">β₀ (default 1).</param>
/// <param name="MeanPrior">m₀ [D]; null: the data mean.</param>
/// <param name="DegreesOfFreedom">ν₀ (the Wishart's, or twice the Gamma shape for diagonal and spherical); null: D.</param>
/// <param name="CovariancePrior">
/// W₀⁻¹ in the layout of <see cref="CovarianceLayout.Length"/> for one component: [D×D] (full, tied), [D] (diagonal: twice
/// the Gamma rate per dimension), [1] (spherical: twice the Gamma rate); null: the (unbiased) sample covariance of the
/// data, its diagonal, or the mean of its diagonal, as scikit-learn's covariance_prior.
/// </param>
/// <param name="MaxIterations">Variational iterations at most.</param>
/// <param name="Tolerance">Relative change of the ELBO per point below which the fit stops.</param>
/// <param name="Seed">Seed of the k-means++ start.</param>
/// <param name="Backend">Where E-steps run.</param>
/// <param name="CovarianceType">
/// Full: a Normal-Wishart per component; Tied: one Wishart precision shared by all components, a Gaussian mean per
/// component; Diagonal: an independent Normal-Gamma per component and dimension; Spherical: one Gamma precision per
/// component shared by its dimensions.
/// </param>
/// <param name="InitialLabels">The start: a component for each row (null: k-means++ seeded by <paramref name="Seed"/>).</param>
/// <param name="Budget">The memory limit the fit's estimate is checked against before allocating (null: the memory available now).</param>
public sealed record BayesianGaussianMixtureOptions(
    int Components,
    WeightPrior WeightPrior = WeightPrior.DirichletProcess,
    double? WeightConcentration = null,
    double MeanPrecision = 1.0,
    double[]? MeanPrior = null,
    double? DegreesOfFreedom = null,
    double[]? CovariancePrior = null,
    int MaxIterations = 100,
    double Tolerance = 1e-3,
    int? Seed = null,
    IMixtureBackend? Backend = null,
    CovarianceType CovarianceType = CovarianceType.Full,
    int[]? InitialLabels = null,
    Core.MemoryBudget? Budget = null);

/// <summary>
/// A Gaussian mixture fitted by variational inference (scikit-learn's <c>BayesianGaussianMixture</c>; Bishop, PRML
/// §10.2): a Dirichlet or Dirichlet-process prior on the weights and conjugate priors on the components (Normal-Wishart
/// for full covariances, one shared Wishart for tied, Normal-Gamma per dimension for diagonal, Normal-Gamma with one
/// precision per component for spherical; see <see cref="BayesianGaussianMixtureOptions.CovarianceType"/>). Each step updates q(π), q(μ, Λ) and then q(Z) (through the same
/// <see cref="IMixtureBackend"/> E-step as EM), and the trace holds the full variational lower bound
/// Σₙ log Σ_k ρ_nk − KL(q(π)‖p(π)) − Σ_k KL(q(μ_k,Λ_k)‖p(μ_k,Λ_k)), which never decreases.
/// </summary>
public sealed partial class BayesianGaussianMixture
{
    /// <summary>An unfitted model.</summary>
    public BayesianGaussianMixture(BayesianGaussianMixtureOptions options) => Options = options ?? throw new ArgumentNullException(nameof(options));

    /// <summary>The settings.</summary>
    public BayesianGaussianMixtureOptions Options { get; }

    /// <summary>The trace of the fit (total ELBO in nats and per point).</summary>
    public ElboTrace? Trace { get; private set; }

    /// <summary>Posterior mean weights E[π_k].</summary>
    public double[] Weights { get; private set; } = [];

    /// <summary>Posterior means m_k [K×D].</summary>
    public double[] Means { get; private set; } = [];

    /// <summary>
    /// Posterior mean-precision covariances (ν_k W_k)⁻¹ (scikit-learn's covariances_), in the layout of
    /// <see cref="CovarianceLayout.Length"/> for <see cref="BayesianGaussianMixtureOptions.CovarianceType"/>.
    /// </summary>
    public double[] Covariances { get; private set; } = [];

    /// <summary>The final variational lower bound, total nats.</summary>
    public double LowerBound => Trace?.FinalElbo ?? double.NaN;

    private State? _state;
    private IMixtureBackend Backend => Options.Backend ?? new CpuMixtureBackend();

    /// <summary>Fits to the rows of <paramref name="data"/>.</summary>
    /// <exception cref="DataFormatException">A value is not finite or too large for Gaussian arithmetic (file, line and column named), or fewer rows than components.</exception>
    public ElboTrace Fit(NumericTable data, CancellationToken cancellationToken = default)
    {
        DataChecks.RequireGaussianScale(data);
        return Fit(data.Values, data.Rows, data.Columns, cancellationToken, data.Source);
    }

    /// <summary>Fits to <paramref name="x"/> [n×d].</summary>
    public ElboTrace Fit(double[] x, int n, int d, CancellationToken cancellationToken = default) => Fit(x, n, d, cancellationToken, null);

    private ElboTrace Fit(double[] x, int n, int d, CancellationToken cancellationToken, string? source)
    {
        GaussianMixture.ValidateData(x, n, d, source);
        int k = Options.Components;
        if (k < 1) throw new ArgumentOutOfRangeException(nameof(Options), "At least one component.");
        if (n < k) throw new DataFormatException(source ?? "data", null, GaussianMixture.TooFewRows(n, k));
        (Options.Budget ?? Core.MemoryBudget.Available()).Require(
            GaussianMixture.EstimateFitBytes(n, d, k, Options.CovarianceType, Options.Backend is CpuMixtureBackend cpu ? cpu.MaxThreads : Environment.ProcessorCount),
            $"a variational {Options.CovarianceType} Gaussian mixture of {k} components on {n} rows × {d} columns",
            "the number of components or the covariance type (diagonal needs D values per component, full D²)");
        var prior = Prior.From(Options, x, n, d);
        int seed = Options.Seed ?? Random.Shared.Next();
        int[] labels;
        try { labels = Options.InitialLabels is { } given ? CheckLabels(given, n, k) : k == 1 ? new int[n] : KMeans.Fit(x, n, d, k, seed, cancellationToken: cancellationToken).Labels; }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return Trace = ElboTrace.FromSteps([], StopReason.Cancelled, true, n, seed);
        }
        var stats = EStepKernels.FromLabels(x, n, d, k, labels);
        // Diagonal and spherical E-steps accumulate per-dimension second moments only.
        if (prior.Covariance is CovarianceType.Diagonal or CovarianceType.Spherical) stats = DiagonalOf(stats);
        var backend = Backend;
        using var bound = backend.Bind(x, n, d, k);
        var vb = new VariationalOptimizer(bound, prior, stats);
        Trace = ElboDriver.Fit(vb, new FitOptions(Options.MaxIterations, Options.Tolerance, seed, MonotoneSlack: backend.MonotoneSlack), cancellationToken);
        if (vb.State is null) return Trace; // cancelled before the first step completed: nothing fitted
        _state = vb.State;
        (Weights, Means, Covariances) = _state.Summary(prior);
        return Trace;
    }

    private static int[] CheckLabels(int[] labels, int n, int k)
    {
        if (labels.Length != n) throw new ArgumentException($"InitialLabels has {labels.Length} labels for {n} rows.");
        for (int i = 0; i < n; i++)
            if (labels[i] < 0 || labels[i] >= k) throw new ArgumentException($"InitialLabels[{i}] = {labels[i]} is not a component in [0, {k}).");
        return labels;
    }

    private static SufficientStatistics DiagonalOf(SufficientStatistics full)
    {
        int k = full.Components, d = full.Dimension;
        var s = new SufficientStatistics(k, d, false);
        full.Nk.CopyTo(s.Nk, 0);
        full.Shift.CopyTo(s.Shift, 0);
        full.Sum.CopyTo(s.Sum, 0);
        for (int c = 0; c < k; c++)
            for (int i = 0; i < d; i++) s.SumSquares[c * d + i] = full.SumSquares[(c * d + i) * d + i];
        s.LogLikelihood = full.LogLikelihood;
        return s;
    }

    /// <summary>Posterior component probabilities [n×K] (scikit-learn's predict_proba).</summary>
    public double[] PredictProba(double[] x, int n) => PredictProba(x, n, null);

    /// <summary>Posterior component probabilities [n×K] of the rows of <paramref name="data"/>; bad rows are refused naming the file and line.</summary>
    public double[] PredictProba(NumericTable data)
    {
        DataChecks.RequireGaussianScale(data);
        return PredictProba(data.Values, data.Rows, data);
    }

    private double[] PredictProba(double[] x, int n, NumericTable? table)
    {
        var s = _state ?? throw new InvalidOperationException("Fit the model first.");
        GaussianMixture.ValidateData(x, n, s.D, table?.Source);
        var resp = new double[n * s.K];
        var ll = new double[n];
        using var bound = Backend.Bind(x, n, s.D, s.K);
        bound.Responsibilities(s.Factors(), resp, ll);
        GaussianMixture.RequireFiniteDensities(ll, resp, s.K, table);
        return resp;
    }

    /// <summary>The most probable component of each row.</summary>
    public int[] Predict(double[] x, int n)
    {
        var r = PredictProba(x, n);
        int k = _state!.K;
        return Enumerable.Range(0, n).Select(i => Enumerable.Range(0, k).MaxBy(c => r[i * k + c])).ToArray();
    }

    private sealed class VariationalOptimizer(IMixtureData data, Prior prior, SufficientStatistics stats) : IElboOptimizer
    {
        public State? State { get; private set; }
        public bool IsMonotone => true;
        public long ObservationCount => data.Count;

        public double Step(CancellationToken cancellationToken)
        {
            // The state moves only once its E-step has completed: a cancelled step leaves the last completed one.
            var next = Mixtures.BayesianGaussianMixture.State.Update(prior, stats);
            data.EStep(next.Factors(), stats, cancellationToken);
            State = next;
            return stats.LogLikelihood - next.KlWeights(prior) - next.KlComponents(prior);
        }
    }
}
