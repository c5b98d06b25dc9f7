using System.Globalization;
using Probabilistic.Core;
using Probabilistic.Core.Data;
using Probabilistic.Core.Inference;
using Probabilistic.Mixtures.Kernels;

namespace Probabilistic.Mixtures;

/// <summary>
/// A Gaussian mixture fitted by EM (scikit-learn's <c>GaussianMixture</c>): full, diagonal, spherical or tied
/// covariances; k-means++, random-responsibility, given-means or full-parameter starts; restarts keeping the best
/// log-likelihood; E-steps on a pluggable <see cref="IMixtureBackend"/>. Every fit runs through
/// <see cref="ElboDriver"/>: one step is an M-step followed by an E-step, so the trace holds the mean
/// log-likelihood per point of the parameters after each iteration (never decreasing), and the last E-step is on
/// the final parameters, so <see cref="Fit(NumericTable, CancellationToken)"/> then <see cref="Predict"/> agree.
/// </summary>
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

    /// <summary>Mean log-likelihood per point of the fitted parameters on the training data (scikit-learn's lower_bound_ after its final E-step).</summary>
    public double LowerBound { get; private set; } = double.NaN;

    /// <summary>True when the best restart stopped on the tolerance.</summary>
    public bool Converged => Trace?.StopReason == StopReason.Converged;

    /// <summary>EM iterations of the best restart.</summary>
    public int Iterations => Trace?.Count ?? 0;

    private PrecisionFactors? _factors;

    private IMixtureBackend Backend => Options.Backend ?? DefaultBackend;
    private static readonly CpuMixtureBackend DefaultBackend = new();

    /// <summary>Fits to the rows of <paramref name="data"/>; bad values and too few rows are refused naming the file and line.</summary>
    /// <exception cref="DataFormatException">A value is not finite or too large for Gaussian arithmetic, or there are fewer rows than components.</exception>
    /// <exception cref="ResourceLimitException">The fit's memory estimate exceeds <see cref="GaussianMixtureOptions.Budget"/>.</exception>
    public ElboTrace Fit(NumericTable data, CancellationToken cancellationToken = default)
    {
        DataChecks.RequireGaussianScale(data);
        return Fit(data.Values, data.Rows, data.Columns, cancellationToken, data.Source);
    }

    /// <summary>Fits to <paramref name="x"/> [n×d] row-major.</summary>
    /// <remarks>
    /// Cancelled, the fit stops at the next E-step boundary and keeps the last completed iteration (the trace's stop
    /// reason is Cancelled); cancelled before the first iteration completes, the trace is empty and
    /// <see cref="Parameters"/> is left as it was.
    /// </remarks>
    /// <exception cref="DataFormatException">The data hold NaN/Inf or values too large for Gaussian arithmetic (the row and column are named), or fewer rows than components.</exception>
    /// <exception cref="IllConditionedCovarianceException">A covariance stopped being positive definite.</exception>
    /// <exception cref="ResourceLimitException">The fit's memory estimate exceeds <see cref="GaussianMixtureOptions.Budget"/>.</exception>
    public ElboTrace Fit(double[] x, int n, int d, CancellationToken cancellationToken = default) => Fit(x, n, d, cancellationToken, null);

    private ElboTrace Fit(double[] x, int n, int d, CancellationToken cancellationToken, string? source)
    {
        ValidateData(x, n, d, source);
        Options.Validate(d);
        if (n < Options.Components && Options.Init != MixtureInit.Parameters)
            throw new DataFormatException(source ?? "data", null, TooFewRows(n, Options.Components));
        (Options.Budget ?? MemoryBudget.Available()).Require(EstimateFitBytes(n, d, Options.Components, Options.CovarianceType, Threads(Options.Backend)),
            string.Create(CultureInfo.InvariantCulture, $"a {Options.CovarianceType} Gaussian mixture of {Options.Components} components on {n} rows × {d} columns"),
            "the number of components or the covariance type (diagonal needs D values per component, full D²)");
        int seed = Options.Seed ?? Random.Shared.Next();
        using var bound = Backend.Bind(x, n, d, Options.Components);
        ElboTrace? best = null;
        GaussianMixtureParameters? bestParams = null;
        double bestLl = double.NegativeInfinity;
        for (int restart = 0; restart < Options.Restarts; restart++)
        {
            if (restart > 0 && cancellationToken.IsCancellationRequested) break;
            int restartSeed = Options.Restarts == 1 ? seed : Core.Numerics.Rng.Derive(seed, restart);
            EmOptimizer em;
            try { em = new EmOptimizer(bound, Initialize(x, n, d, restartSeed, cancellationToken), Options.RegCovar, cancellationToken); }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                if (best is not null) break;
                // Cancelled before any EM step: the trace says so and the parameters are not a fit.
                Trace = ElboTrace.FromSteps([], StopReason.Cancelled, true, n, restartSeed);
                LowerBound = double.NaN;
                return Trace;
            }
            var trace = ElboDriver.Fit(em, new FitOptions(Options.MaxIterations, Options.Tolerance, restartSeed, Options.Progress, Backend.MonotoneSlack), cancellationToken);
            double ll = trace.FinalElboPerObservation;
            if (best is null || ll > bestLl || (best.Count == 0 && trace.Count > 0))
            {
                best = trace; bestParams = em.Current; bestLl = ll;
            }
            if (trace.StopReason == StopReason.Cancelled) break;
        }
        Trace = best;
        LowerBound = bestLl;
        SetParameters(bestParams!);
        return best!;
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

    /// <summary>Posterior component probabilities [n×K] of the rows of <paramref name="data"/>; bad rows are refused naming the file and line.</summary>
    /// <exception cref="DataFormatException">A value is beyond Gaussian scale, or a row's density underflows under every component.</exception>
    public double[] PredictProba(NumericTable data)
    {
        DataChecks.RequireGaussianScale(data);
        return Evaluate(data.Values, data.Rows, data, responsibilities: true).Responsibilities!;
    }

    /// <summary>log p(x_n) of each row of <paramref name="data"/>; bad rows are refused naming the file and line.</summary>
    public double[] ScoreSamples(NumericTable data)
    {
        DataChecks.RequireGaussianScale(data);
        return Evaluate(data.Values, data.Rows, data, responsibilities: false).LogDensity;
    }

    /// <summary>One pass of the backend at the fitted parameters: responsibilities (when asked) and log p(x_n), both checked finite.</summary>
    private (double[]? Responsibilities, double[] LogDensity) Evaluate(double[] x, int n, NumericTable? table, bool responsibilities)
    {
        var (f, d) = Ready(x, n);
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

    /// <summary>The most likely component of each row of <paramref name="x"/> [n×D].</summary>
    public int[] Predict(double[] x, int n) => Labels(PredictProba(x, n), Parameters!.Components);

    /// <summary>Posterior component probabilities [n×K] of each row of <paramref name="x"/> [n×D].</summary>
    public double[] PredictProba(double[] x, int n) => Evaluate(x, n, null, responsibilities: true).Responsibilities!;

    /// <summary>log p(x_n) of each row (scikit-learn's score_samples).</summary>
    public double[] ScoreSamples(double[] x, int n) => Evaluate(x, n, null, responsibilities: false).LogDensity;

    /// <summary>Mean log p(x_n) over the rows (scikit-learn's score).</summary>
    public double Score(double[] x, int n) => ScoreSamples(x, n).Average();

    /// <summary>Number of free parameters (scikit-learn's _n_parameters).</summary>
    public int FreeParameters()
    {
        var p = Parameters ?? throw NotFitted();
        return CovarianceLayout.FreeParameters(p.CovarianceType, p.Components, p.Dimension) + p.Components * p.Dimension + p.Components - 1;
    }

    /// <summary>Bayesian information criterion on <paramref name="x"/>: −2 Σ log p(x) + p log n (lower is better).</summary>
    public double Bic(double[] x, int n) => -2 * Score(x, n) * n + FreeParameters() * Math.Log(n);

    /// <summary>Akaike information criterion on <paramref name="x"/>: −2 Σ log p(x) + 2p.</summary>
    public double Aic(double[] x, int n) => -2 * Score(x, n) * n + 2 * FreeParameters();

    private (PrecisionFactors, int) Ready(double[] x, int n)
    {
        var f = _factors ?? throw NotFitted();
        ValidateData(x, n, f.Dimension);
        return (f, f.Dimension);
    }

    private void SetParameters(GaussianMixtureParameters p)
    {
        _factors = PrecisionFactors.Compute(p);
        Parameters = p;
    }

    private static InvalidOperationException NotFitted() => new("This GaussianMixture is not fitted yet; call Fit first (or construct it from parameters).");

    /// <summary>
    /// Refuses data whose length does not match (<see cref="ArgumentException"/>), or that hold NaN/Inf or values beyond
    /// <see cref="DataChecks.MaxMagnitude"/> (<see cref="DataFormatException"/> naming the row and column).
    /// </summary>
    public static void ValidateData(double[] x, int n, int d) => ValidateData(x, n, d, null);

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
                    $"data row {i + 1}: its log-density under the model is {logDensity[i]} (the point is too far from every component for double precision to weigh them); the data are not on the model's scale"));
        }
    }

    /// <summary>EM as an <see cref="IElboOptimizer"/>: the constructor runs the E-step on the start; each step is M then E.</summary>
    private sealed class EmOptimizer : IElboOptimizer
    {
        private readonly IMixtureData _data;
        private readonly double _reg;
        private readonly SufficientStatistics _stats;
        private readonly CovarianceType _type;

        public EmOptimizer(IMixtureData data, GaussianMixtureParameters start, double reg, CancellationToken ct)
        {
            _data = data; _reg = reg; _type = start.CovarianceType;
            _stats = new SufficientStatistics(start.Components, start.Dimension, _type is CovarianceType.Full or CovarianceType.Tied);
            Current = start;
            _data.EStep(PrecisionFactors.Compute(start), _stats, ct);
        }

        public GaussianMixtureParameters Current { get; private set; }

        public bool IsMonotone => true;

        public long ObservationCount => _data.Count;

        public double Step(CancellationToken cancellationToken)
        {
            // The parameters move only once their E-step has completed: a cancelled step leaves the last completed one.
            var next = MStepKernels.EstimateGaussianParameters(_stats, _reg, _type);
            _data.EStep(PrecisionFactors.Compute(next, cancellationToken), _stats, cancellationToken);
            Current = next;
            return _stats.LogLikelihood;
        }
    }
}
