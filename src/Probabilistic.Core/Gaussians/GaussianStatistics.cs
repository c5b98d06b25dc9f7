namespace Probabilistic.Core.Gaussians;

/// <summary>
/// The posterior-weighted sufficient statistics of K Gaussians — a mixture's components or an HMM's states — that an
/// E-step leaves for the M-step (<see cref="GaussianMStep"/>): N_k = Σₙ γ_nk, and the first and second moments of
/// x − r_k taken about a reference point r_k (the mean the E-step used), so that the covariance does not suffer
/// cancellation: S1_k = Σₙ γ_nk (x_n − r_k), S2_k = Σₙ γ_nk (x_n − r_k)(x_n − r_k)ᵀ (full: D×D per Gaussian, at least the
/// lower triangle filled; otherwise its diagonal), and the total log-likelihood.
/// </summary>
public sealed class GaussianStatistics
{
    /// <summary>Zeroed statistics for K Gaussians in D dimensions, with full (D×D) or diagonal (D) second moments.</summary>
    public GaussianStatistics(int components, int dimension, bool fullSecondMoments)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(components, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(dimension, 1);
        Components = components;
        Dimension = dimension;
        IsFull = fullSecondMoments;
        Weight = new double[components];
        Reference = new double[components * dimension];
        First = new double[components * dimension];
        Second = new double[fullSecondMoments ? components * dimension * dimension : components * dimension];
    }

    /// <summary>K.</summary>
    public int Components { get; }

    /// <summary>D.</summary>
    public int Dimension { get; }

    /// <summary>True when <see cref="Second"/> holds D×D blocks.</summary>
    public bool IsFull { get; }

    /// <summary>N_k = Σₙ γ_nk [K].</summary>
    public double[] Weight { get; }

    /// <summary>The reference points r_k [K×D] the moments are taken about.</summary>
    public double[] Reference { get; }

    /// <summary>S1_k = Σₙ γ_nk (x_n − r_k) [K×D].</summary>
    public double[] First { get; }

    /// <summary>S2_k = Σₙ γ_nk (x_n − r_k)(x_n − r_k)ᵀ [K×D×D, lower triangle at least] or its diagonal [K×D].</summary>
    public double[] Second { get; }

    /// <summary>Σₙ log p(x_n).</summary>
    public double LogLikelihood { get; set; }

    /// <summary>Zeroes every accumulator (the references are kept).</summary>
    public void Clear()
    {
        Array.Clear(Weight);
        Array.Clear(First);
        Array.Clear(Second);
        LogLikelihood = 0;
    }

    /// <summary>Adds <paramref name="other"/> (same shape and references) into this.</summary>
    public void Add(GaussianStatistics other)
    {
        ArgumentNullException.ThrowIfNull(other);
        for (int i = 0; i < Weight.Length; i++) Weight[i] += other.Weight[i];
        for (int i = 0; i < First.Length; i++) First[i] += other.First[i];
        for (int i = 0; i < Second.Length; i++) Second[i] += other.Second[i];
        LogLikelihood += other.LogLikelihood;
    }

    /// <summary>The same statistics with only the diagonal of full second moments (for diagonal and spherical covariances).</summary>
    public GaussianStatistics Diagonal()
    {
        if (!IsFull) return this;
        int k = Components, d = Dimension;
        var r = new GaussianStatistics(k, d, false);
        Weight.CopyTo(r.Weight, 0);
        Reference.CopyTo(r.Reference, 0);
        First.CopyTo(r.First, 0);
        for (int c = 0; c < k; c++)
            for (int i = 0; i < d; i++) r.Second[c * d + i] = Second[(c * d + i) * d + i];
        r.LogLikelihood = LogLikelihood;
        return r;
    }
}
