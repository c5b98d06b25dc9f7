using System.Runtime.CompilerServices;
using System.Globalization;
using Probabilistic.Core.Gaussians;
using Probabilistic.Core.Numerics;

namespace Probabilistic.Hmm.Emissions;

/// <summary>
/// Gaussian emissions N(x; μ_k, Σ_k) with full, diagonal, spherical or tied covariances (hmmlearn's GaussianHMM).
/// The M-step is the MAP estimate under the penalty −½·r·tr(Σ_k⁻¹) (an inverse-Wishart-type prior), which gives
/// Σ_k = (S_k + r I)/N_k; r = <see cref="Regularization"/> = 0 is maximum likelihood. Tied: one Σ shared by all
/// states with one penalty −½·r·tr(Σ⁻¹), so Σ = (Σ_k S_k + r I)/Σ_k N_k with S_k about the new mean of state k
/// (hmmlearn's <c>_do_mstep</c>: (covars_prior + Σ_c cv_num[c]) / (cvweight + Σ_c post[c])).
/// </summary>
public sealed partial class GaussianEmission : IEmissionModel<GaussianEmission, GaussianStatistics>, ILaneEmission<GaussianStatistics>
{
    private readonly double[] _means;        // K×D
    private readonly double[] _covariances;  // K×D×D, K×D, K, or D×D (tied)
    private readonly double[] _whiten;       // full: K×D×D inverse Cholesky factors; tied: one D×D; diag/spherical: K×D precisions
    private readonly double[] _logNorm;      // K: −½(D log 2π + log det Σ_k)

    private GaussianEmission(double[] means, double[] covariances, int states, int dimension, CovarianceType type, double regularization)
    {
        StateCount = states;
        Dimension = dimension;
        CovarianceType = type;
        Regularization = regularization;
        _means = means;
        _covariances = covariances;
        if (states < 1 || dimension < 1) throw new ArgumentException($"A Gaussian emission needs at least one state and one dimension (got {states}, {dimension}).");
        if (means.Length != states * dimension) throw new ArgumentException($"The means hold {means.Length} values, not {states}×{dimension}.");
        if (!Enum.IsDefined(type)) throw new ArgumentException($"Unknown covariance type {(int)type}; use Full, Diagonal, Spherical or Tied.");
        int per = CovarianceLength(type, dimension);
        if (type == CovarianceType.Tied)
        {
            if (covariances.Length != per) throw new ArgumentException($"The tied covariance holds {covariances.Length} values, not {dimension}×{dimension} (one matrix shared by all states).");
        }
        else if (covariances.Length != states * per) throw new ArgumentException($"The {type} covariances hold {covariances.Length} values, not {states}×{per}.");
        if (!(regularization >= 0) || double.IsInfinity(regularization)) throw new ArgumentException($"The covariance regularisation must be finite and >= 0 (got {regularization}).");
        foreach (var m in means) if (!double.IsFinite(m)) throw new ArgumentException($"A mean is {m}; means must be finite.");
        _whiten = new double[type switch
        {
            CovarianceType.Full => states * dimension * dimension,
            CovarianceType.Tied => dimension * dimension,
            _ => states * dimension,
        }];
        _logNorm = new double[states];
        int d = dimension;
        var factor = new double[d * d];
        for (int k = 0; k < states; k++)
        {
            if (type == CovarianceType.Tied)
            {
                // One factor for all states: the normaliser is the same for every state.
                if (k == 0) _logNorm[0] = FactorMatrix(covariances.AsSpan(0, d * d), factor, d, _whiten.AsSpan(0, d * d), "The tied (shared) covariance");
                else _logNorm[k] = _logNorm[0];
            }
            else if (type == CovarianceType.Full)
                _logNorm[k] = FactorMatrix(covariances.AsSpan(k * d * d, d * d), factor, d, _whiten.AsSpan(k * d * d, d * d), $"The covariance of state {k}");
            else
            {
                double logDet = 0;
                for (int i = 0; i < d; i++)
                {
                    double v = type == CovarianceType.Diagonal ? covariances[k * d + i] : covariances[k];
                    if (!(v > 0) || !double.IsFinite(v))
                        throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"The variance of state {k}, dimension {i} is {v}; variances must be finite and > 0 (increase the covariance regularisation)."));
                    _whiten[k * d + i] = 1.0 / v;
                    logDet += Math.Log(v);
                }
                _logNorm[k] = -0.5 * (d * GaussianMath.Log2Pi + logDet);
            }
        }
    }

    /// <summary>Checks symmetry and positive definiteness of one D×D matrix, writes L⁻¹ to <paramref name="whiten"/>, returns −½(D log 2π + log det Σ).</summary>
    private static double FactorMatrix(ReadOnlySpan<double> covariance, double[] factor, int d, Span<double> whiten, string name)
    {
        covariance.CopyTo(factor);
        for (int i = 0; i < d; i++)
            for (int j = 0; j < i; j++)
                if (Math.Abs(factor[i * d + j] - factor[j * d + i]) > 1e-9 * (1 + Math.Abs(factor[i * d + j])))
                    throw new ArgumentException($"{name} is not symmetric at ({i},{j}).");
        if (!PrecisionFactor.TryCompute(covariance, d, factor, whiten, out double logDetInverse))
            throw new ArgumentException($"{name} is not positive definite; increase the covariance regularisation or check the data for duplicated or constant columns.");
        return PrecisionFactor.LogNormalizer(d, logDetInverse);
    }

    /// <summary>
    /// From flat arrays: means K×D; covariances K×D×D (full), K×D (diagonal), K (spherical) or D×D (tied: the one
    /// matrix shared by all states, row-major).
    /// </summary>
    public static GaussianEmission FromParameters(int states, int dimension, CovarianceType type, double[] means, double[] covariances, double regularization = 0)
        => new((double[])means.Clone(), (double[])covariances.Clone(), states, dimension, type, regularization);

    /// <summary>One-dimensional states with the given means and variances.</summary>
    public static GaussianEmission Univariate(double[] means, double[] variances, double regularization = 0)
        => FromParameters(means.Length, 1, CovarianceType.Diagonal, means, variances, regularization);

    /// <summary>
    /// Values per state's covariance for a type and dimension; for <see cref="CovarianceType.Tied"/>, the D×D values of
    /// the one shared matrix (the whole covariance array, see <see cref="CovarianceArrayLength"/>).
    /// </summary>
    public static int CovarianceLength(CovarianceType type, int dimension) => type switch
    {
        CovarianceType.Full or CovarianceType.Tied => dimension * dimension,
        CovarianceType.Diagonal => dimension,
        _ => 1,
    };

    /// <summary>Values in the whole covariance array: K × <see cref="CovarianceLength"/>, or D×D for tied.</summary>
    public static int CovarianceArrayLength(CovarianceType type, int states, int dimension) =>
        type == CovarianceType.Tied ? dimension * dimension : states * CovarianceLength(type, dimension);

    /// <inheritdoc/>
    public long ParameterCount => 2L * CovarianceArrayLength(CovarianceType, StateCount, Dimension) + 2L * StateCount * Dimension;

    /// <inheritdoc/>
    public long FreeParameters => (long)StateCount * Dimension + CovarianceLayout.FreeParameters(CovarianceType, StateCount, Dimension);

    /// <inheritdoc/>
    public int StateCount { get; }

    /// <inheritdoc/>
    public int Dimension { get; }

    /// <summary>The covariance parameterisation.</summary>
    public CovarianceType CovarianceType { get; }

    /// <summary>The r of the MAP M-step Σ = (S + r I)/N.</summary>
    public double Regularization { get; }

    /// <inheritdoc/>
    public string Family => "gaussian";

    /// <summary>Means, K×D row-major (a copy).</summary>
    public double[] Means => (double[])_means.Clone();

    /// <summary>
    /// Covariances in the layout of <see cref="CovarianceType"/> (a copy): K×D×D, K×D, K, or for tied the one shared
    /// D×D matrix once (use <see cref="FullCovariance"/> for any state's matrix whatever the type).
    /// </summary>
    public double[] Covariances => (double[])_covariances.Clone();

    /// <summary>The mean of state <paramref name="k"/> as a Math.NET vector.</summary>
    public MathNet.Numerics.LinearAlgebra.Vector<double> MeanVector(int k) =>
        MathNet.Numerics.LinearAlgebra.Vector<double>.Build.DenseOfArray(_means.AsSpan(k * Dimension, Dimension).ToArray());

    /// <summary>The full D×D covariance of state <paramref name="k"/>, whatever the type, as a Math.NET matrix.</summary>
    public MathNet.Numerics.LinearAlgebra.Matrix<double> CovarianceMatrix(int k) =>
        MathNet.Numerics.LinearAlgebra.Matrix<double>.Build.DenseOfRowMajor(Dimension, Dimension, FullCovariance(k));

    /// <summary>The full D×D covariance of state <paramref name="k"/>, whatever the type.</summary>
    public double[] FullCovariance(int k)
    {
        int d = Dimension;
        var c = new double[d * d];
        for (int i = 0; i < d; i++)
            for (int j = 0; j < d; j++)
                c[i * d + j] = CovarianceType switch
                {
                    CovarianceType.Full => _covariances[k * d * d + i * d + j],
                    CovarianceType.Tied => _covariances[i * d + j],
                    CovarianceType.Diagonal => i == j ? _covariances[k * d + i] : 0,
                    _ => i == j ? _covariances[k] : 0,
                };
        return c;
    }

    /// <inheritdoc/>
    public void Validate() { }

    /// <inheritdoc/>
    public void CheckObservations(ReadOnlySpan<double> observations, int steps, string where)
    {
        for (int i = 0; i < steps * Dimension; i++)
        {
            double x = observations[i];
            if (!double.IsFinite(x))
                throw new ArgumentException($"{where}, step {i / Dimension}, value {i % Dimension} is {x}; observations must be finite.");
            if (Math.Abs(x) > Core.Data.DataChecks.MaxMagnitude)
                throw new ArgumentException($"{where}, step {i / Dimension}, value {i % Dimension}: {Core.Data.DataChecks.TooLarge(x)}.");
        }
    }

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void LogLikelihoods(ReadOnlySpan<double> observations, int steps, Span<double> logProb)
    {
        int k = StateCount, d = Dimension;
        if (d == 1 && CovarianceType is CovarianceType.Diagonal or CovarianceType.Spherical)
        {
            // Scalar observations: one multiply-add chain per state, contiguous over states (_whiten holds 1/σ²
            // here; for a full or tied 1×1 covariance it holds the inverse Cholesky factor 1/σ and takes the general path).
            ReadOnlySpan<double> mu = _means, prec = _whiten, norm = _logNorm;
            for (int t = 0; t < steps; t++)
            {
                double x = observations[t];
                var row = logProb.Slice(t * k, k);
                for (int s = 0; s < k; s++)
                {
                    double z = x - mu[s];
                    row[s] = norm[s] - 0.5 * z * z * prec[s];
                }
            }
            return;
        }
        Span<double> diff = stackalloc double[d];
        bool matrix = CovarianceType is CovarianceType.Full or CovarianceType.Tied, tied = CovarianceType == CovarianceType.Tied;
        for (int t = 0; t < steps; t++)
        {
            var x = observations.Slice(t * d, d);
            for (int s = 0; s < k; s++)
            {
                var mu = _means.AsSpan(s * d, d);
                double q = 0;
                if (matrix)
                {
                    // q = ‖L⁻¹(x − μ_s)‖², L the Cholesky factor of Σ_s (tied: the one shared factor).
                    for (int i = 0; i < d; i++) diff[i] = x[i] - mu[i];
                    var w = _whiten.AsSpan(tied ? 0 : s * d * d, d * d);
                    for (int i = 0; i < d; i++)
                    {
                        double y = 0;
                        for (int j = 0; j <= i; j++) y += w[i * d + j] * diff[j];
                        q += y * y;
                    }
                }
                else
                {
                    var p = _whiten.AsSpan(s * d, d);
                    for (int i = 0; i < d; i++) { double z = x[i] - mu[i]; q += z * z * p[i]; }
                }
                logProb[t * k + s] = _logNorm[s] - 0.5 * q;
            }
        }
    }

    /// <inheritdoc/>
    public GaussianStatistics CreateStatistics()
    {
        // Moments about each state's current mean (Core's statistics carry their reference points); full: lower triangle.
        var stats = new GaussianStatistics(StateCount, Dimension, CovarianceType is CovarianceType.Full or CovarianceType.Tied);
        _means.CopyTo(stats.Reference, 0);
        return stats;
    }

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Accumulate(GaussianStatistics stats, ReadOnlySpan<double> observations, int steps, ReadOnlySpan<double> posteriors)
    {
        int k = StateCount, d = Dimension;
        bool full = CovarianceType is CovarianceType.Full or CovarianceType.Tied;
        var w = stats.Weight; var s1 = stats.First; var s2 = stats.Second;
        if (d == 1)
        {
            for (int t = 0; t < steps; t++)
            {
                double x = observations[t];
                var g = posteriors.Slice(t * k, k);
                for (int s = 0; s < k; s++)
                {
                    double z = x - _means[s], gz = g[s] * z;
                    w[s] += g[s]; s1[s] += gz; s2[s] += gz * z;
                }
            }
            return;
        }
        Span<double> diff = stackalloc double[d];
        for (int t = 0; t < steps; t++)
        {
            var x = observations.Slice(t * d, d);
            for (int s = 0; s < k; s++)
            {
                double g = posteriors[t * k + s];
                if (g == 0) continue;
                w[s] += g;
                for (int i = 0; i < d; i++) { diff[i] = x[i] - _means[s * d + i]; s1[s * d + i] += g * diff[i]; }
                if (full)
                {
                    var m = s2.AsSpan(s * d * d, d * d);
                    for (int i = 0; i < d; i++)
                    {
                        double gi = g * diff[i];
                        for (int j = 0; j <= i; j++) m[i * d + j] += gi * diff[j];
                    }
                }
                else
                    for (int i = 0; i < d; i++) s2[s * d + i] += g * diff[i] * diff[i];
            }
        }
    }

    /// <inheritdoc/>
    public void Merge(GaussianStatistics into, GaussianStatistics from)
    {
        Add(into.Weight, from.Weight); Add(into.First, from.First); Add(into.Second, from.Second);
        static void Add(double[] a, double[] b) { for (int i = 0; i < a.Length; i++) a[i] += b[i]; }
    }

    /// <inheritdoc/>
    public GaussianEmission Maximize(GaussianStatistics stats)
    {
        // hmmlearn's _do_mstep through Core's shared M-step: Σ = (S + r I)/N (tied: (Σ_k S_k + r I)/Σ_k N_k); a state
        // without data keeps its parameters.
        var means = (double[])_means.Clone();
        var covs = (double[])_covariances.Clone();
        GaussianMStep.Estimate(stats, CovarianceType, Regularization, CovarianceRegularization.AddToScatter, means, covs);
        try
        {
            return new GaussianEmission(means, covs, StateCount, Dimension, CovarianceType, Regularization);
        }
        catch (ArgumentException e)
        {
            throw new InvalidOperationException($"The Baum-Welch M-step produced a degenerate Gaussian: {e.Message} A state explains too few distinct observations; use fewer states or a positive covariance regularisation.", e);
        }
    }

    /// <inheritdoc/>
    public double LogPrior()
    {
        if (Regularization == 0) return 0;
        double trace = 0;
        int d = Dimension;
        if (CovarianceType == CovarianceType.Tied)
        {
            foreach (var v in _whiten) trace += v * v; // one shared Σ, one penalty −½ r tr(Σ⁻¹) = −½ r ‖L⁻¹‖²_F
            return -0.5 * Regularization * trace;
        }
        for (int s = 0; s < StateCount; s++)
        {
            if (CovarianceType == CovarianceType.Full)
            {
                var w = _whiten.AsSpan(s * d * d, d * d); // tr(Σ⁻¹) = ‖L⁻¹‖²_F
                foreach (var v in w) trace += v * v;
            }
            else for (int i = 0; i < d; i++) trace += _whiten[s * d + i];
        }
        return -0.5 * Regularization * trace;
    }

    /// <inheritdoc/>
    public void Sample(int state, Random random, Span<double> observation)
    {
        int d = Dimension;
        var l = FullCovariance(state);
        if (!Cholesky.TryFactor(l, d)) throw new InvalidOperationException($"The covariance of state {state} is not positive definite.");
        Span<double> z = stackalloc double[d];
        for (int i = 0; i < d; i++) z[i] = random.NextGaussian();
        for (int i = 0; i < d; i++)
        {
            double v = _means[state * d + i];
            for (int j = 0; j <= i; j++) v += l[i * d + j] * z[j];
            observation[i] = v;
        }
    }
}
