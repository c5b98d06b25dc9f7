using System.Globalization;
using Probabilistic.Core;
using Probabilistic.Core.Data;
using Probabilistic.Core.Inference;
using Probabilistic.Mixtures.Kernels;
using Probabilistic.Core.Gaussians;

namespace Probabilistic.Mixtures;

/// <summary>
/// A Gaussian mixture fitted by EM (scikit-learn's <c>GaussianMixture</c>): full, diagonal, spherical or tied
/// covariances; k-means++, random-responsibility, given-means or full-parameter starts; restarts keeping the best
/// log-likelihood (through <see cref="ElboDriver.FitBest"/>); E-steps on a pluggable <see cref="IMixtureBackend"/>.
/// Every fit runs <see cref="GaussianMixtureEm"/> on <see cref="ElboDriver"/>: one step is an M-step followed by an
/// E-step, so the trace holds the total log-likelihood of the parameters after each iteration (never decreasing), and
/// the last E-step is on the final parameters, so <see cref="Fit(NumericTable, FitOptions?, CancellationToken)"/> then
/// <see cref="Predict(NumericTable)"/> agree.
/// </summary>
/// <remarks>
/// Units: <see cref="Score(NumericTable)"/>, <see cref="LowerBound"/> and the trace's <c>Elbo</c> are totals in nats over
/// the rows; the per-row values are named as such (<see cref="ScoreSamples(NumericTable)"/>,
/// <see cref="ScorePerObservation(NumericTable)"/>, <see cref="LowerBoundPerObservation"/>), so scikit-learn's
/// <c>score</c> (a mean) is <see cref="ScorePerObservation(NumericTable)"/> here.
/// </remarks>
/// <example>
/// <code>
/// var data = NumericData.Load("datasets/faithful.csv");
/// var (model, trace) = new GaussianMixture(new GaussianMixtureOptions(Components: 2)).Fit(data, new FitOptions(Seed: 0));
/// double score = model.Score(data);          // total log-likelihood in nats; ScorePerObservation is scikit-learn's score
/// model.Save("faithful.gmm.json");
/// var loaded = GaussianMixture.Load("faithful.gmm.json");
/// </code>
/// </example>
public sealed partial class GaussianMixture
{
    /// <summary>An unfitted model.</summary>
    public GaussianMixture(GaussianMixtureOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        Options = options;
    }

    /// <summary>A model with known parameters (for prediction, sampling, or as a start point).</summary>
    public GaussianMixture(GaussianMixtureParameters parameters, double regCovar = 1e-6)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        Options = new GaussianMixtureOptions(parameters.Components, parameters.CovarianceType, regCovar);
        SetParameters(parameters);
    }

    /// <summary>The settings.</summary>
    public GaussianMixtureOptions Options { get; }

    /// <summary>The fitted parameters; null before <c>Fit</c>.</summary>
    public GaussianMixtureParameters? Parameters { get; private set; }

    /// <summary>The trace of the best restart; null before <c>Fit</c>.</summary>
    public ElboTrace? Trace { get; private set; }

    /// <summary>Total log-likelihood in nats of the fitted parameters on the training data (after the final E-step); NaN before a fit.</summary>
    public double LowerBound => Trace?.FinalElbo ?? double.NaN;

    /// <summary>
    /// <see cref="LowerBound"/> per training row: scikit-learn's <c>lower_bound_</c> after its final E-step; NaN before a fit.
    /// </summary>
    public double LowerBoundPerObservation => Trace?.FinalElboPerObservation ?? double.NaN;

    /// <summary>True when the best restart stopped on the tolerance.</summary>
    public bool Converged => Trace?.StopReason == StopReason.Converged;

    /// <summary>EM iterations of the best restart.</summary>
    public int Iterations => Trace?.Count ?? 0;

    private PrecisionFactors? _factors;

    internal IMixtureBackend Backend => Options.Backend ?? DefaultBackend;
    private static readonly CpuMixtureBackend DefaultBackend = new();

    /// <summary>
    /// Fits to the rows of <paramref name="data"/> by EM, <see cref="GaussianMixtureOptions.Restarts"/> times from starts
    /// drawn from the fit's seed, and keeps the restart with the highest final log-likelihood.
    /// </summary>
    /// <remarks>
    /// Cancelled, the fit stops at the next E-step boundary and keeps the last completed iteration (the trace's stop
    /// reason is Cancelled); cancelled before the first iteration completes, the trace is empty and
    /// <see cref="Parameters"/> is left as it was.
    /// </remarks>
    /// <returns>This model, fitted, and the trace of the kept restart.</returns>
    /// <exception cref="DataFormatException">A value is not finite or too large for Gaussian arithmetic (file, line and column named), or there are fewer rows than components.</exception>
    /// <exception cref="IllConditionedCovarianceException">A covariance stopped being positive definite.</exception>
    /// <exception cref="ResourceLimitException">The fit's memory estimate exceeds <see cref="GaussianMixtureOptions.Budget"/>.</exception>
    public FitResult<GaussianMixture> Fit(NumericTable data, FitOptions? fitOptions = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(data);
        DataChecks.RequireGaussianScale(data);
        double[] x = data.Values;
        int n = data.Rows, d = data.Columns;
        ValidateData(x, n, d, data.Source);
        Options.Validate(d);
        fitOptions ??= new FitOptions();
        fitOptions.Validate();
        if (n < Options.Components && Options.Init != MixtureInit.Parameters)
            throw new DataFormatException(data.Source ?? "data", null, TooFewRows(n, Options.Components));
        (Options.Budget ?? MemoryBudget.Available()).Require(EstimateFitBytes(n, d, Options.Components, Options.CovarianceType, Threads(Options.Backend)),
            string.Create(CultureInfo.InvariantCulture, $"a {Options.CovarianceType} Gaussian mixture of {Options.Components} components on {n} rows × {d} columns"),
            "the number of components or the covariance type (diagonal needs D values per component, full D²)");
        var fit = fitOptions with { Seed = fitOptions.ResolveSeed(), MonotoneSlack = Math.Max(fitOptions.MonotoneSlack, Backend.MonotoneSlack) };
        using var bound = Backend.Bind(x, n, d, Options.Components);
        var best = ElboDriver.FitBest(Options.Restarts,
            seed => new GaussianMixtureEm(bound, Initialize(x, n, d, seed, cancellationToken), Options.RegCovar, cancellationToken),
            fit, cancellationToken);
        if (best.Optimizer is null || best.Trace.Count == 0)
        {
            // Cancelled before any EM step completed: the trace says so and the parameters are not a fit.
            Trace = ElboTrace.FromSteps([], StopReason.Cancelled, true, n, best.Trace.Seed);
            return new(this, Trace);
        }
        Trace = best.Trace;
        SetParameters(best.Optimizer.Current);
        return new(this, Trace);
    }

    /// <summary>
    /// EM on <paramref name="data"/> from the start this model's options draw from <paramref name="seed"/>, as an optimiser
    /// for <see cref="ElboDriver"/> (it owns its binding of the data: dispose it). <see cref="GaussianMixtureEm.Current"/>
    /// holds the parameters of the last completed step.
    /// </summary>
    public GaussianMixtureEm CreateOptimizer(NumericTable data, int seed, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(data);
        DataChecks.RequireGaussianScale(data);
        ValidateData(data.Values, data.Rows, data.Columns, data.Source);
        Options.Validate(data.Columns);
        var bound = Backend.Bind(data.Values, data.Rows, data.Columns, Options.Components);
        try { return new GaussianMixtureEm(bound, Initialize(data.Values, data.Rows, data.Columns, seed, cancellationToken), Options.RegCovar, cancellationToken, ownsData: true); }
        catch { bound.Dispose(); throw; }
    }

    /// <summary>
    /// An estimate of the bytes a fit needs beyond the data: the transposed copy of the data, the per-group
    /// accumulators of the CPU backend (8 per worker), the statistics, parameters, precision factors and M-step
    /// temporaries (each K·D² values for full covariances, K·D otherwise), and the per-worker E-step workspaces.
    /// </summary>
    public static double EstimateFitBytes(long n, int d, int k, CovarianceType type, int threads)
    {
        double perComponent = type is CovarianceType.Full or CovarianceType.Tied ? (double)d * d + d + 1 : 2.0 * d + 1;
        // As the CPU backend splits the work: blocks of at least 64 rows, at most one worker per block, 8 groups per worker.
        double blocks = Math.Ceiling(n / 64.0);
        double workers = Math.Max(1, Math.Min(threads, blocks));
        double groups = workers == 1 ? 1 : Math.Min(blocks, 8.0 * workers);
        double stats = (groups + 2) * k * perComponent;
        double parameters = 4.0 * k * perComponent;
        double workspaces = workers * 1024.0 * (k + 2.0 * d);
        return 8 * (2.0 * n * d + n + stats + parameters + workspaces);
    }

    private static int Threads(IMixtureBackend? backend) => backend is CpuMixtureBackend cpu ? cpu.MaxThreads : Environment.ProcessorCount;

    /// <summary>The reason given when <paramref name="n"/> rows are too few for <paramref name="k"/> components.</summary>
    public static string TooFewRows(long n, int k) =>
        string.Create(CultureInfo.InvariantCulture, $"{n} data row{(n == 1 ? "" : "s")} cannot fit {k} components (each needs at least one row); use fewer components or more data");

    /// <summary>Posterior component probabilities [n×K] of the rows of <paramref name="data"/> (scikit-learn's predict_proba); bad rows are refused naming the file and line.</summary>
    /// <exception cref="DataFormatException">A value is beyond Gaussian scale, or a row's density underflows under every component.</exception>
    public double[] PredictProba(NumericTable data)
    {
        ArgumentNullException.ThrowIfNull(data);
        DataChecks.RequireGaussianScale(data);
        return Evaluate(data.Values, data.Rows, data, responsibilities: true).Responsibilities!;
    }

    /// <summary>
    /// <see cref="PredictProba"/> and <see cref="ScoreSamples"/> from one pass over <paramref name="data"/>: the component
    /// probabilities [n×K] and log p(x_n) in nats.
    /// </summary>
    public (double[] Probabilities, double[] LogDensity) PredictProbaAndScoreSamples(NumericTable data)
    {
        ArgumentNullException.ThrowIfNull(data);
        DataChecks.RequireGaussianScale(data);
        var (resp, ll) = Evaluate(data.Values, data.Rows, data, responsibilities: true);
        return (resp!, ll);
    }

    /// <summary>The most likely component of each row of <paramref name="data"/> (scikit-learn's predict: a label per row).</summary>
    public int[] Predict(NumericTable data) => Labels(PredictProba(data), Parameters!.Components);

    /// <summary>log p(x_n) in nats of each row of <paramref name="data"/> (scikit-learn's score_samples); bad rows are refused naming the file and line.</summary>
    public double[] ScoreSamples(NumericTable data)
    {
        ArgumentNullException.ThrowIfNull(data);
        DataChecks.RequireGaussianScale(data);
        return Evaluate(data.Values, data.Rows, data, responsibilities: false).LogDensity;
    }

    /// <summary>Total log-likelihood Σₙ log p(x_n) in nats of the rows of <paramref name="data"/>.</summary>
    public double Score(NumericTable data) => ScoreSamples(data).Sum();

    /// <summary>Mean log-likelihood per row in nats (scikit-learn's score).</summary>
    public double ScorePerObservation(NumericTable data) => ScoreSamples(data).Average();

    /// <summary>One pass of the backend at the fitted parameters: responsibilities (when asked) and log p(x_n), both checked finite.</summary>
    private (double[]? Responsibilities, double[] LogDensity) Evaluate(double[] x, int n, NumericTable? table, bool responsibilities)
    {
        var (f, d) = Ready(x, n, table?.Source);
        var resp = responsibilities ? new double[n * f.Components] : null;
        var ll = new double[n];
        using var bound = Backend.Bind(x, n, d, f.Components);
        bound.Responsibilities(f, resp, ll);
        RequireFiniteDensities(ll, resp, f.Components, table);
        return (resp, ll);
    }

    /// <summary>The most probable component of each row of a responsibility matrix [n×K] (ties: the lowest index).</summary>
    public static int[] Labels(ReadOnlySpan<double> responsibilities, int k)
    {
        int n = responsibilities.Length / k;
        var labels = new int[n];
        for (int i = 0; i < n; i++)
        {
            int best = 0;
            for (int c = 1; c < k; c++) if (responsibilities[i * k + c] > responsibilities[i * k + best]) best = c;
            labels[i] = best;
        }
        return labels;
    }

    /// <summary>Number of free parameters (scikit-learn's _n_parameters).</summary>
    public int FreeParameters()
    {
        var p = Parameters ?? throw NotFitted();
        return CovarianceLayout.FreeParameters(p.CovarianceType, p.Components, p.Dimension) + p.Components * p.Dimension + p.Components - 1;
    }

    /// <summary>Bayesian information criterion on <paramref name="data"/>: −2 Σ log p(x) + p log n (lower is better; scikit-learn's bic).</summary>
    public double Bic(NumericTable data) => -2 * Score(data) + FreeParameters() * Math.Log(data.Rows);

    /// <summary>Akaike information criterion on <paramref name="data"/>: −2 Σ log p(x) + 2p (scikit-learn's aic).</summary>
    public double Aic(NumericTable data) => -2 * Score(data) + 2 * FreeParameters();

    private (PrecisionFactors, int) Ready(double[] x, int n, string? source)
    {
        var f = _factors ?? throw NotFitted();
        if (x.Length != (long)n * f.Dimension)
            throw new DataFormatException(source ?? "data", null, string.Create(CultureInfo.InvariantCulture,
                $"has {(n == 0 ? 0 : x.Length / n)} columns; the model was fitted on {f.Dimension}"));
        ValidateData(x, n, f.Dimension, source);
        return (f, f.Dimension);
    }

    private void SetParameters(GaussianMixtureParameters p)
    {
        _factors = PrecisionFactors.Compute(p);
        Parameters = p;
    }

    private static InvalidOperationException NotFitted() => new("This GaussianMixture is not fitted yet; call Fit first (or construct it from parameters).");

    internal static void ValidateData(double[] x, int n, int d, string? source)
    {
        ArgumentNullException.ThrowIfNull(x);
        if (n < 1 || d < 1 || x.Length != (long)n * d)
            throw new ArgumentException($"{x.Length} values do not form {n} rows of {d} columns.", nameof(x));
        DataChecks.RequireGaussianScale(x, d, source ?? "data");
    }

    /// <summary>
    /// Refuses rows whose log-density is not finite under the model (−∞ under every component: a point so far from every
    /// component that double precision cannot compare them), which would otherwise print NaN probabilities.
    /// </summary>
    internal static void RequireFiniteDensities(ReadOnlySpan<double> logDensity, ReadOnlySpan<double> resp, int k, NumericTable? table = null)
    {
        for (int i = 0; i < logDensity.Length; i++)
        {
            bool bad = !double.IsFinite(logDensity[i]);
            if (!bad && !resp.IsEmpty)
                for (int c = 0; c < k && !bad; c++) bad = !double.IsFinite(resp[i * k + c]);
            if (bad)
                throw new DataFormatException(table?.Source ?? "data", table?.LineOf(i), string.Create(CultureInfo.InvariantCulture,
                    $"data row {table?.RowNumber(i) ?? i + 1}: its log-density under the model is {logDensity[i]} (the point is too far from every component for double precision to weigh them); the data are not on the model's scale"));
        }
    }
}

/// <summary>
/// EM for a Gaussian mixture as an <see cref="IElboOptimizer"/> (what <see cref="GaussianMixture.Fit(NumericTable, FitOptions?, CancellationToken)"/> runs): the
/// constructor runs the E-step on the start; each step is an M-step (scikit-learn's <c>_m_step</c> with reg_covar) then an
/// E-step, and returns the total log-likelihood of the new parameters, which never decreases.
/// </summary>
public sealed class GaussianMixtureEm : IElboOptimizer, IDisposable
{
    private readonly IMixtureData _data;
    private readonly double _reg;
    private readonly GaussianStatistics _stats;
    private readonly CovarianceType _type;
    private readonly bool _ownsData;

    /// <summary>EM on data bound to a backend (<see cref="IMixtureBackend.Bind"/>), from <paramref name="start"/>; the binding stays the caller's.</summary>
    public GaussianMixtureEm(IMixtureData data, GaussianMixtureParameters start, double regCovar, CancellationToken cancellationToken = default)
        : this(data, start, regCovar, cancellationToken, ownsData: false) { }

    internal GaussianMixtureEm(IMixtureData data, GaussianMixtureParameters start, double reg, CancellationToken ct, bool ownsData)
    {
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(start);
        _data = data; _reg = reg; _type = start.CovarianceType; _ownsData = ownsData;
        _stats = new GaussianStatistics(start.Components, start.Dimension, _type is CovarianceType.Full or CovarianceType.Tied);
        Current = start;
        _data.EStep(PrecisionFactors.Compute(start), _stats, ct);
    }

    /// <summary>The parameters of the last completed step (the start before the first).</summary>
    public GaussianMixtureParameters Current { get; private set; }

    /// <summary>Total log-likelihood of <see cref="Current"/> in nats.</summary>
    public double LogLikelihood => _stats.LogLikelihood;

    /// <inheritdoc/>
    public bool IsMonotone => true;

    /// <inheritdoc/>
    public long ObservationCount => _data.Count;

    /// <inheritdoc/>
    public double Step(CancellationToken cancellationToken)
    {
        // The parameters move only once their E-step has completed: a cancelled step leaves the last completed one.
        var next = MStepKernels.EstimateGaussianParameters(_stats, _reg, _type);
        _data.EStep(PrecisionFactors.Compute(next, cancellationToken), _stats, cancellationToken);
        Current = next;
        return _stats.LogLikelihood;
    }

    /// <summary>Releases the data binding when this optimiser made it (<see cref="GaussianMixture.CreateOptimizer"/>).</summary>
    public void Dispose()
    {
        if (_ownsData) _data.Dispose();
    }
}
