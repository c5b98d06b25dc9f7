using System.Globalization;
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

    /// <summary>Fits to the rows of <paramref name="data"/>.</summary>
    public ElboTrace Fit(NumericTable data, CancellationToken cancellationToken = default)
        => Fit(data.Values, data.Rows, data.Columns, cancellationToken);

    /// <summary>Fits to <paramref name="x"/> [n×d] row-major.</summary>
    /// <exception cref="ArgumentException">The data hold NaN/Inf (the row and column are named) or fewer rows than components.</exception>
    /// <exception cref="IllConditionedCovarianceException">A covariance stopped being positive definite.</exception>
    public ElboTrace Fit(double[] x, int n, int d, CancellationToken cancellationToken = default)
    {
        ValidateData(x, n, d);
        Options.Validate(d);
        if (n < Options.Components && Options.Init != MixtureInit.Parameters)
            throw new ArgumentException($"{n} points cannot initialise {Options.Components} components; use fewer components or more data.");
        int seed = Options.Seed ?? Random.Shared.Next();
        using var bound = Backend.Bind(x, n, d, Options.Components);
        ElboTrace? best = null;
        GaussianMixtureParameters? bestParams = null;
        double bestLl = double.NegativeInfinity;
        for (int restart = 0; restart < Options.Restarts; restart++)
        {
            int restartSeed = Options.Restarts == 1 ? seed : Core.Numerics.Rng.Derive(seed, restart);
            var start = Initialize(x, n, d, restartSeed);
            var em = new EmOptimizer(bound, start, Options.RegCovar, cancellationToken);
            var trace = ElboDriver.Fit(em, new FitOptions(Options.MaxIterations, Options.Tolerance, restartSeed, Options.Progress, Backend.MonotoneSlack), cancellationToken);
            double ll = trace.FinalElboPerObservation;
            if (best is null || ll > bestLl)
            {
                best = trace; bestParams = em.Current; bestLl = ll;
            }
        }
        Trace = best;
        LowerBound = bestLl;
        SetParameters(bestParams!);
        return best!;
    }

    /// <summary>The most likely component of each row of <paramref name="x"/> [n×D].</summary>
    public int[] Predict(double[] x, int n)
    {
        var resp = PredictProba(x, n);
        int k = Parameters!.Components;
        var labels = new int[n];
        for (int i = 0; i < n; i++)
        {
            int best = 0;
            for (int c = 1; c < k; c++) if (resp[i * k + c] > resp[i * k + best]) best = c;
            labels[i] = best;
        }
        return labels;
    }

    /// <summary>Posterior component probabilities [n×K] of each row of <paramref name="x"/> [n×D].</summary>
    public double[] PredictProba(double[] x, int n)
    {
        var (f, d) = Ready(x, n);
        var resp = new double[n * f.Components];
        using var bound = Backend.Bind(x, n, d, f.Components);
        bound.Responsibilities(f, resp, default);
        return resp;
    }

    /// <summary>log p(x_n) of each row (scikit-learn's score_samples).</summary>
    public double[] ScoreSamples(double[] x, int n)
    {
        var (f, d) = Ready(x, n);
        var ll = new double[n];
        using var bound = Backend.Bind(x, n, d, f.Components);
        bound.Responsibilities(f, default, ll);
        return ll;
    }

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

    /// <summary>Refuses data whose length does not match, or that hold NaN/Inf, naming the row and column.</summary>
    public static void ValidateData(double[] x, int n, int d)
    {
        ArgumentNullException.ThrowIfNull(x);
        if (n < 1 || d < 1 || x.Length != (long)n * d)
            throw new ArgumentException($"{x.Length} values do not form {n} rows of {d} columns.", nameof(x));
        for (int i = 0; i < x.Length; i++)
            if (!double.IsFinite(x[i]))
                throw new ArgumentException(string.Create(CultureInfo.InvariantCulture,
                    $"Row {i / d} (0-based), column {i % d} is {x[i]}; the data must be finite."), nameof(x));
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
            Current = MStepKernels.EstimateGaussianParameters(_stats, _reg, _type);
            _data.EStep(PrecisionFactors.Compute(Current), _stats, cancellationToken);
            return _stats.LogLikelihood;
        }
    }
}
