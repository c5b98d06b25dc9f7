namespace Probabilistic.Core.Gaussians;

/// <summary>How a covariance M-step is regularised: the two conventions of the peers whose answers we reproduce.</summary>
public enum CovarianceRegularization
{
    /// <summary>
    /// scikit-learn's <c>reg_covar</c>: Σ = S/N + r·I, with N + 10ε in every division (its guard against empty components);
    /// spherical σ² is the mean of the diagonal estimate (with r). What Gaussian mixtures use.
    /// </summary>
    AddToCovariance,

    /// <summary>
    /// hmmlearn's <c>covars_prior</c>, the MAP estimate under the penalty −½·r·tr(Σ⁻¹): Σ = (S + r·I)/N (tied:
    /// (Σ_k S_k + r·I)/Σ_k N_k; spherical σ² = (tr S + r·D)/(D·N)); a Gaussian with N ≤ 1e-300 keeps its parameters.
    /// What HMM emissions use.
    /// </summary>
    AddToScatter,
}

/// <summary>
/// The Gaussian M-step shared by mixtures and HMMs (scikit-learn's <c>_estimate_gaussian_parameters</c> and
/// <c>_estimate_gaussian_covariances_*</c>; hmmlearn's <c>_do_mstep</c>): new means and covariances from
/// <see cref="GaussianStatistics"/> taken about reference points, in the layout of <see cref="CovarianceLayout.Length"/>.
/// With δ_k = S1_k/n_k the shift of the mean, the scatter about the new mean is S2_k − (2n_k − N_k) δ_k δ_kᵀ (because
/// S1_k = N_k δ_k·N_k/n_k), which is S2_k − N_k δ_k δ_kᵀ when n_k = N_k.
/// </summary>
public static class GaussianMStep
{
    /// <summary>numpy.finfo(float64).eps.</summary>
    public const double MachineEpsilon = 2.220446049250313e-16;

    /// <summary>Below this a Gaussian has no data under <see cref="CovarianceRegularization.AddToScatter"/> and keeps its parameters.</summary>
    public const double EmptyWeight = 1e-300;

    /// <summary>
    /// Writes the new means [K×D] and covariances (layout of <paramref name="type"/>) into <paramref name="means"/> and
    /// <paramref name="covariances"/>. Under <see cref="CovarianceRegularization.AddToScatter"/> they must hold the current
    /// parameters on entry: a Gaussian without data keeps them. Returns the effective weights n_k (N_k + 10ε under scikit-learn's
    /// convention, N_k otherwise), from which mixture weights are n_k / Σ n_k.
    /// </summary>
    public static double[] Estimate(GaussianStatistics s, CovarianceType type, double regularization, CovarianceRegularization convention,
        Span<double> means, Span<double> covariances)
    {
        ArgumentNullException.ThrowIfNull(s);
        int k = s.Components, d = s.Dimension;
        if (!s.IsFull && type is CovarianceType.Full or CovarianceType.Tied)
            throw new ArgumentException($"{type} covariances need full second moments.", nameof(s));
        if (means.Length != k * d) throw new ArgumentException($"{means.Length} mean values for {k}×{d}.", nameof(means));
        if (covariances.Length != CovarianceLayout.Length(type, k, d))
            throw new ArgumentException(
                $"{covariances.Length} covariance values; a {type} covariance of {k} Gaussians in {d} dimensions needs {CovarianceLayout.Length(type, k, d)}.",
                nameof(covariances));
        bool sklearn = convention == CovarianceRegularization.AddToCovariance;
        var nk = new double[k];
        var used = new bool[k];
        for (int c = 0; c < k; c++)
        {
            nk[c] = sklearn ? s.Weight[c] + 10 * MachineEpsilon : s.Weight[c];
            used[c] = sklearn || s.Weight[c] > EmptyWeight;
        }
        var delta = new double[k * d];
        for (int c = 0; c < k; c++)
        {
            if (!used[c]) continue;
            for (int i = 0; i < d; i++)
            {
                delta[c * d + i] = s.First[c * d + i] / nk[c];
                means[c * d + i] = s.Reference[c * d + i] + delta[c * d + i];
            }
        }
        switch (type)
        {
            case CovarianceType.Full: Full(s, nk, used, delta, regularization, sklearn, covariances); break;
            case CovarianceType.Tied: Tied(s, nk, used, delta, regularization, sklearn, covariances); break;
            case CovarianceType.Diagonal: Diagonal(s, nk, used, delta, regularization, sklearn, covariances); break;
            case CovarianceType.Spherical: Spherical(s, nk, used, delta, regularization, sklearn, covariances); break;
            default: throw new ArgumentOutOfRangeException(nameof(type), type, "Unknown covariance type.");
        }
        return nk;
    }

    /// <summary>The scatter Σₙ γ (x − μ')_i (x − μ')_j of Gaussian c about its new mean, from the lower triangle of S2.</summary>
    private static double Scatter(GaussianStatistics s, double[] nk, double[] delta, int c, int i, int j)
    {
        int d = s.Dimension;
        double second = s.IsFull ? s.Second[(c * d + Math.Max(i, j)) * d + Math.Min(i, j)] : s.Second[c * d + i];
        return second - (2 * nk[c] - s.Weight[c]) * delta[c * d + i] * delta[c * d + j];
    }

    private static void Full(GaussianStatistics s, double[] nk, bool[] used, double[] delta, double r, bool sklearn, Span<double> cov)
    {
        int d = s.Dimension;
        for (int c = 0; c < s.Components; c++)
        {
            if (!used[c]) continue;
            for (int i = 0; i < d; i++)
                for (int j = 0; j <= i; j++)
                {
                    double v = sklearn
                        ? Scatter(s, nk, delta, c, i, j) / nk[c] + (i == j ? r : 0)
                        : (Scatter(s, nk, delta, c, i, j) + (i == j ? r : 0)) / nk[c];
                    cov[(c * d + i) * d + j] = v;
                    cov[(c * d + j) * d + i] = v;
                }
        }
    }

    private static void Tied(GaussianStatistics s, double[] nk, bool[] used, double[] delta, double r, bool sklearn, Span<double> cov)
    {
        int d = s.Dimension;
        var pooled = new double[d * d];
        double total = 0;
        for (int c = 0; c < s.Components; c++)
        {
            if (!used[c]) continue;
            total += nk[c];
            for (int i = 0; i < d; i++)
                for (int j = 0; j <= i; j++) pooled[i * d + j] += Scatter(s, nk, delta, c, i, j);
        }
        if (!(total > EmptyWeight)) return; // no data at all: the shared covariance is kept
        for (int i = 0; i < d; i++)
            for (int j = 0; j <= i; j++)
            {
                double v = sklearn ? pooled[i * d + j] / total + (i == j ? r : 0) : (pooled[i * d + j] + (i == j ? r : 0)) / total;
                cov[i * d + j] = v;
                cov[j * d + i] = v;
            }
    }

    private static void Diagonal(GaussianStatistics s, double[] nk, bool[] used, double[] delta, double r, bool sklearn, Span<double> cov)
    {
        int d = s.Dimension;
        for (int c = 0; c < s.Components; c++)
        {
            if (!used[c]) continue;
            for (int i = 0; i < d; i++)
                cov[c * d + i] = Scatter(s, nk, delta, c, i, i) / nk[c] + (sklearn ? r : r / nk[c]);
        }
    }

    private static void Spherical(GaussianStatistics s, double[] nk, bool[] used, double[] delta, double r, bool sklearn, Span<double> cov)
    {
        int d = s.Dimension;
        for (int c = 0; c < s.Components; c++)
        {
            if (!used[c]) continue;
            double sum = 0;
            for (int i = 0; i < d; i++) sum += Scatter(s, nk, delta, c, i, i) / nk[c];
            // scikit-learn: the mean of the regularised diagonal; hmmlearn: (tr S + r·D)/(D·N), the MAP under −½ r D/σ².
            cov[c] = sum / d + (sklearn ? r : r / nk[c]);
        }
    }
}
