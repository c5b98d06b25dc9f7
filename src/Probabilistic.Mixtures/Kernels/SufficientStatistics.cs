namespace Probabilistic.Mixtures.Kernels;

/// <summary>
/// What one E-step over the data leaves for the M-step: responsibility sums N_k, and first and second moments of
/// x − m_k weighted by the responsibilities, centred at the means m_k the E-step used (for numerical accuracy),
/// plus the total log-likelihood. Second moments are full D×D per component (full, tied) or per dimension (diagonal, spherical).
/// </summary>
public sealed class SufficientStatistics
{
    /// <summary>Zeroed statistics for K components in D dimensions.</summary>
    public SufficientStatistics(int components, int dimension, bool fullSecondMoments)
    {
        Components = components;
        Dimension = dimension;
        IsFull = fullSecondMoments;
        Nk = new double[components];
        Shift = new double[components * dimension];
        Sum = new double[components * dimension];
        SumSquares = new double[fullSecondMoments ? components * dimension * dimension : components * dimension];
    }

    /// <summary>K.</summary>
    public int Components { get; }
    /// <summary>D.</summary>
    public int Dimension { get; }
    /// <summary>True when <see cref="SumSquares"/> holds full D×D blocks.</summary>
    public bool IsFull { get; }
    /// <summary>Σₙ r_nk.</summary>
    public double[] Nk { get; }
    /// <summary>The centres m_k [K×D].</summary>
    public double[] Shift { get; }
    /// <summary>Σₙ r_nk (x_n − m_k) [K×D].</summary>
    public double[] Sum { get; }
    /// <summary>Σₙ r_nk (x_n − m_k)(x_n − m_k)ᵀ [K×D×D, both triangles] or Σₙ r_nk (x_n − m_k)² [K×D].</summary>
    public double[] SumSquares { get; }
    /// <summary>Σₙ log p(x_n).</summary>
    public double LogLikelihood { get; set; }

    /// <summary>Zeroes every accumulator.</summary>
    public void Clear()
    {
        Array.Clear(Nk);
        Array.Clear(Sum);
        Array.Clear(SumSquares);
        LogLikelihood = 0;
    }

    /// <summary>Adds <paramref name="other"/> (same shape and centres) into this.</summary>
    public void Add(SufficientStatistics other)
    {
        for (int i = 0; i < Nk.Length; i++) Nk[i] += other.Nk[i];
        for (int i = 0; i < Sum.Length; i++) Sum[i] += other.Sum[i];
        for (int i = 0; i < SumSquares.Length; i++) SumSquares[i] += other.SumSquares[i];
        LogLikelihood += other.LogLikelihood;
    }
}
