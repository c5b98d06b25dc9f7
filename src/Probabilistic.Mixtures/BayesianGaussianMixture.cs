using Probabilistic.Core.Data;
using Probabilistic.Core.Inference;
using Probabilistic.Core.Numerics;
using Probabilistic.Mixtures.Kernels;
using Probabilistic.Core.Gaussians;

namespace Probabilistic.Mixtures;

/// <summary>The prior on the mixing weights (scikit-learn's <c>weight_concentration_prior_type</c>).</summary>
public enum WeightPrior
{
    /// <summary>Symmetric Dirichlet(γ/…): q(π) = Dir(γ + N_k).</summary>
    DirichletDistribution,
    /// <summary>Truncated stick-breaking Dirichlet process: v_k ~ Beta(1, γ), q(v_k) = Beta(1 + N_k, γ + Σ_{j>k} N_j).</summary>
    DirichletProcess,
}

/// <summary>
/// Settings of <see cref="BayesianGaussianMixture"/> (scikit-learn's defaults where they exist); iterations, tolerance,
/// seed and progress are the <see cref="FitOptions"/> given to <c>Fit</c>.
/// </summary>
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
/// <param name="Backend">Where E-steps run.</param>
/// <param name="CovarianceType">
/// Full: a Normal-Wishart per component; Tied: one Wishart precision shared by all components, a Gaussian mean per
/// component; Diagonal: an independent Normal-Gamma per component and dimension; Spherical: one Gamma precision per
/// component shared by its dimensions.
/// </param>
/// <param name="InitialLabels">The start: a component for each row (null: k-means++ seeded by the fit's seed).</param>
/// <param name="Budget">The memory limit the fit's estimate is checked against before allocating (null: the memory available now).</param>
public sealed record BayesianGaussianMixtureOptions(
    int Components,
    WeightPrior WeightPrior = WeightPrior.DirichletProcess,
    double? WeightConcentration = null,
    double MeanPrecision = 1.0,
    double[]? MeanPrior = null,
    double? DegreesOfFreedom = null,
    double[]? CovariancePrior = null,
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
/// <example>
/// <code>
/// var data = NumericData.Load("datasets/faithful.csv");
/// var (model, trace) = new BayesianGaussianMixture(new BayesianGaussianMixtureOptions(Components: 6)).Fit(data, new FitOptions(Seed: 0));
/// double score = model.Score(data);
/// model.Save("faithful.bgmm.json");
/// var loaded = BayesianGaussianMixture.Load("faithful.bgmm.json");
/// </code>
/// </example>
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

    /// <summary>The final variational lower bound, total nats; NaN before a fit.</summary>
    public double LowerBound => Trace?.FinalElbo ?? double.NaN;

    /// <summary>The final variational lower bound per training row; NaN before a fit.</summary>
    public double LowerBoundPerObservation => Trace?.FinalElboPerObservation ?? double.NaN;

    private State? _state;
    private IMixtureBackend Backend => Options.Backend ?? new CpuMixtureBackend();

    /// <summary>Fits to the rows of <paramref name="data"/> by variational inference from a start drawn from the fit's seed.</summary>
    /// <remarks>Cancelled before the first step completes, the trace is empty and the model is left as it was.</remarks>
    /// <returns>This model, fitted, and its trace (the total lower bound after each step).</returns>
    /// <exception cref="DataFormatException">A value is not finite or too large for Gaussian arithmetic (file, line and column named), or fewer rows than components.</exception>
    public FitResult<BayesianGaussianMixture> Fit(NumericTable data, FitOptions? fitOptions = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(data);
        DataChecks.RequireGaussianScale(data);
        fitOptions ??= new FitOptions();
        fitOptions.Validate();
        var fit = fitOptions with { Seed = fitOptions.ResolveSeed(), MonotoneSlack = Math.Max(fitOptions.MonotoneSlack, Backend.MonotoneSlack) };
        var backend = Backend;
        VariationalOptimizer vb;
        try { vb = CreateOptimizer(data, fit.Seed!.Value, backend, cancellationToken); }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            Trace = ElboTrace.FromSteps([], StopReason.Cancelled, true, data.Rows, fit.Seed!.Value);
            return new(this, Trace);
        }
        using (vb)
        {
            Trace = ElboDriver.Fit(vb, fit, cancellationToken);
            if (vb.State is null) return new(this, Trace); // cancelled before the first step completed: nothing fitted
            _state = vb.State;
            (Weights, Means, Covariances) = _state.Summary(vb.Prior);
            return new(this, Trace);
        }
    }

    /// <summary>
    /// The variational updates on <paramref name="data"/> from the start drawn from <paramref name="seed"/>, as an optimiser
    /// for <see cref="ElboDriver"/> (dispose it); <see cref="VariationalOptimizer.ToModel"/> gives the fitted model.
    /// </summary>
    public VariationalOptimizer CreateOptimizer(NumericTable data, int seed, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(data);
        DataChecks.RequireGaussianScale(data);
        return CreateOptimizer(data, seed, Backend, cancellationToken);
    }

    private VariationalOptimizer CreateOptimizer(NumericTable data, int seed, IMixtureBackend backend, CancellationToken cancellationToken)
    {
        double[] x = data.Values;
        int n = data.Rows, d = data.Columns;
        string? source = data.Source;
        GaussianMixture.ValidateData(x, n, d, source);
        int k = Options.Components;
        if (k < 1) throw new ArgumentOutOfRangeException(nameof(Options), "At least one component.");
        if (n < k) throw new DataFormatException(source ?? "data", null, GaussianMixture.TooFewRows(n, k));
        (Options.Budget ?? Core.MemoryBudget.Available()).Require(
            GaussianMixture.EstimateFitBytes(n, d, k, Options.CovarianceType, Options.Backend is CpuMixtureBackend cpu ? cpu.MaxThreads : Environment.ProcessorCount),
            $"a variational {Options.CovarianceType} Gaussian mixture of {k} components on {n} rows × {d} columns",
            "the number of components or the covariance type (diagonal needs D values per component, full D²)");
        var prior = Prior.From(Options, x, n, d);
        int[] labels = Options.InitialLabels is { } given ? CheckLabels(given, n, k)
            : k == 1 ? new int[n] : KMeans.Fit(x, n, d, k, seed, cancellationToken: cancellationToken).Labels;
        var stats = EStepKernels.FromLabels(x, n, d, k, labels);
        // Diagonal and spherical E-steps accumulate per-dimension second moments only.
        if (prior.Covariance is CovarianceType.Diagonal or CovarianceType.Spherical) stats = stats.Diagonal();
        var bound = backend.Bind(x, n, d, k);
        return new VariationalOptimizer(bound, prior, stats, Options);
    }

    private static int[] CheckLabels(int[] labels, int n, int k)
    {
        if (labels.Length != n) throw new ArgumentException($"InitialLabels has {labels.Length} labels for {n} rows.");
        for (int i = 0; i < n; i++)
            if (labels[i] < 0 || labels[i] >= k) throw new ArgumentException($"InitialLabels[{i}] = {labels[i]} is not a component in [0, {k}).");
        return labels;
    }

    /// <summary>Posterior component probabilities [n×K] of the rows of <paramref name="data"/> (scikit-learn's predict_proba); bad rows are refused naming the file and line.</summary>
    public double[] PredictProba(NumericTable data) => Evaluate(data).Responsibilities;

    /// <summary><see cref="PredictProba"/> and <see cref="ScoreSamples"/> from one pass over <paramref name="data"/>.</summary>
    public (double[] Probabilities, double[] LogDensity) PredictProbaAndScoreSamples(NumericTable data)
    {
        var e = Evaluate(data);
        return (e.Responsibilities, e.LogNormalizers);
    }

    /// <summary>The most probable component of each row (scikit-learn's predict).</summary>
    public int[] Predict(NumericTable data) => GaussianMixture.Labels(PredictProba(data), _state!.K);

    /// <summary>
    /// log Σ_k exp(E[log π_k] + E[log N(x_n | μ_k, Λ_k)]) in nats for each row, under the variational posterior
    /// (scikit-learn's <c>BayesianGaussianMixture.score_samples</c>: the normaliser of the responsibilities, not a
    /// predictive density).
    /// </summary>
    public double[] ScoreSamples(NumericTable data) => Evaluate(data).LogNormalizers;

    /// <summary>The sum of <see cref="ScoreSamples"/> over the rows, in nats.</summary>
    public double Score(NumericTable data) => ScoreSamples(data).Sum();

    /// <summary>The mean of <see cref="ScoreSamples"/> over the rows (scikit-learn's score).</summary>
    public double ScorePerObservation(NumericTable data) => ScoreSamples(data).Average();

    /// <summary>
    /// Free parameters of the point-estimate mixture (weights, means, covariances of the type), counted as
    /// <see cref="GaussianMixture.FreeParameters"/> counts them for the same K and D.
    /// </summary>
    public int FreeParameters()
    {
        var s = _state ?? throw new InvalidOperationException("Fit or load the model first.");
        return CovarianceLayout.FreeParameters(s.Type, s.K, s.D) + s.K * s.D + s.K - 1;
    }

    /// <summary>−2 <see cref="Score"/> + p log n with p = <see cref="FreeParameters"/>: the EM criterion applied to the variational fit.</summary>
    public double Bic(NumericTable data) => -2 * Score(data) + FreeParameters() * Math.Log(data.Rows);

    /// <summary>Draws <paramref name="count"/> points from the mixture of the posterior means (weights, means, covariances), seeded, as scikit-learn's sample.</summary>
    public (double[] X, int[] Components) Sample(int count, int seed)
    {
        var s = _state ?? throw new InvalidOperationException("Fit or load the model first.");
        var weights = Weights.Select(w => Math.Max(w, 0)).ToArray();
        double total = weights.Sum();
        for (int c = 0; c < weights.Length; c++) weights[c] /= total;
        return new GaussianMixture(new GaussianMixtureParameters(s.Type, s.K, s.D, weights, Means, Covariances)).Sample(count, seed);
    }

    private (double[] Responsibilities, double[] LogNormalizers) Evaluate(NumericTable data)
    {
        ArgumentNullException.ThrowIfNull(data);
        DataChecks.RequireGaussianScale(data);
        var s = _state ?? throw new InvalidOperationException("Fit the model first.");
        if (data.Columns != s.D)
            throw new DataFormatException(data.Source ?? "data", null, $"has {data.Columns} columns; the model was fitted on {s.D}");
        GaussianMixture.ValidateData(data.Values, data.Rows, s.D, data.Source);
        var resp = new double[data.Rows * s.K];
        var ll = new double[data.Rows];
        using var bound = Backend.Bind(data.Values, data.Rows, s.D, s.K);
        bound.Responsibilities(s.Factors(), resp, ll);
        GaussianMixture.RequireFiniteDensities(ll, resp, s.K, data);
        return (resp, ll);
    }

    /// <summary>
    /// The variational updates as an <see cref="IElboOptimizer"/> (what <see cref="Fit"/> runs): each step updates q(π),
    /// q(μ, Λ), then q(Z), and returns the total lower bound of the new posterior, which never decreases.
    /// </summary>
    public sealed class VariationalOptimizer : IElboOptimizer, IDisposable
    {
        private readonly IMixtureData _data;
        private readonly GaussianStatistics _stats;
        private readonly BayesianGaussianMixtureOptions _options;

        internal VariationalOptimizer(IMixtureData data, Prior prior, GaussianStatistics stats, BayesianGaussianMixtureOptions options)
        {
            _data = data; Prior = prior; _stats = stats; _options = options;
        }

        internal Prior Prior { get; }
        internal State? State { get; private set; }

        /// <inheritdoc/>
        public bool IsMonotone => true;

        /// <inheritdoc/>
        public long ObservationCount => _data.Count;

        /// <inheritdoc/>
        public double Step(CancellationToken cancellationToken)
        {
            // The state moves only once its E-step has completed: a cancelled step leaves the last completed one.
            var next = Mixtures.BayesianGaussianMixture.State.Update(Prior, _stats);
            _data.EStep(next.Factors(), _stats, cancellationToken);
            State = next;
            return _stats.LogLikelihood - next.KlWeights(Prior) - next.KlComponents(Prior);
        }

        /// <summary>A model holding the posterior of the last completed step.</summary>
        public BayesianGaussianMixture ToModel()
        {
            var state = State ?? throw new InvalidOperationException("No step has completed yet.");
            var model = new BayesianGaussianMixture(_options) { _state = state };
            (model.Weights, model.Means, model.Covariances) = state.Summary(Prior);
            return model;
        }

        /// <summary>Releases the data binding.</summary>
        public void Dispose() => _data.Dispose();
    }
}
