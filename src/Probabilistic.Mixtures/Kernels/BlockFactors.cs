namespace Probabilistic.Mixtures.Kernels;

/// <summary>
/// <see cref="PrecisionFactors"/> laid out for the register-tiled block kernels (<see cref="TiledKernels"/>), for data
/// stored shifted by <c>shift</c> (the CPU backend keeps x − x̄, so that x·U − μ·U does not cancel when the data sit far
/// from the origin). Built once per E-step: O(K·D²).
/// </summary>
/// <remarks>
/// Full and tied: with U = L⁻¹ (lower triangular) and μ' = μ − shift, the Mahalanobis distance is
/// ‖U x' − U μ'‖² (scikit-learn's <c>X @ prec_chol − mu @ prec_chol</c>), computed four rows of U at a time: row tile t
/// holds rows 4t..4t+3 and the columns i &lt; min(4t + 4, D) that can be non-zero, stored column by column as four
/// values (zero above the diagonal and past row D), so a block of points times a panel is a small dense GEMM.
/// Diagonal and spherical: per component and dimension s = 1/σ and −μ's, so (x' − μ')s = x's − μ's is one FMA.
/// </remarks>
internal sealed class BlockFactors
{
    /// <summary>Rows of U per tile.</summary>
    public const int Rows = 4;

    private BlockFactors(PrecisionFactors f, ReadOnlySpan<double> shift)
    {
        int k = f.Components, d = f.Dimension;
        Components = k; Dimension = d; IsFull = f.IsFull;
        LogNormalizers = f.LogNormalizers;
        ShiftedMeans = new double[k * d];
        for (int c = 0; c < k; c++)
            for (int i = 0; i < d; i++) ShiftedMeans[c * d + i] = f.Means[c * d + i] - (shift.IsEmpty ? 0 : shift[i]);
        if (IsFull)
        {
            int tiles = (d + Rows - 1) / Rows;
            PanelLength = 0;
            for (int t = 0; t < tiles; t++) PanelLength += Rows * Math.Min(Rows * t + Rows, d);
            Panels = new double[k * PanelLength];
            Offsets = new double[k * tiles * Rows];
            for (int c = 0; c < k; c++)
            {
                var u = f.Factors.AsSpan(c * d * d, d * d);
                var mu = ShiftedMeans.AsSpan(c * d, d);
                int at = c * PanelLength;
                for (int t = 0; t < tiles; t++)
                    for (int i = 0; i < Math.Min(Rows * t + Rows, d); i++)
                        for (int r = 0; r < Rows; r++, at++)
                        {
                            int j = Rows * t + r;
                            Panels[at] = j < d && i <= j ? u[j * d + i] : 0;
                        }
                for (int j = 0; j < d; j++)
                {
                    double y = 0;
                    for (int i = 0; i <= j; i++) y += u[j * d + i] * mu[i];
                    Offsets[c * tiles * Rows + j] = y;
                }
            }
        }
        else
        {
            Panels = (double[])f.Factors.Clone();
            Offsets = new double[k * d];
            for (int e = 0; e < k * d; e++) Offsets[e] = -ShiftedMeans[e] * Panels[e];
        }
    }

    /// <summary>K.</summary>
    public int Components { get; }
    /// <summary>D.</summary>
    public int Dimension { get; }
    /// <summary>Full (or tied) covariances: U panels; otherwise inverse standard deviations.</summary>
    public bool IsFull { get; }
    /// <summary>Doubles of one component's U panels (full only).</summary>
    public int PanelLength { get; }
    /// <summary>Full: K panel sets of U [K × <see cref="PanelLength"/>]; diagonal: 1/σ [K×D].</summary>
    public double[] Panels { get; }
    /// <summary>Full: U μ' per component, padded to whole row tiles [K × 4⌈D/4⌉]; diagonal: −μ'/σ [K×D].</summary>
    public double[] Offsets { get; }
    /// <summary>μ' = μ − shift [K×D], in the coordinates of the stored data.</summary>
    public double[] ShiftedMeans { get; }
    /// <summary>log w_k − D/2 log 2π + log det L⁻¹ per component.</summary>
    public double[] LogNormalizers { get; }

    /// <summary>
    /// The average of the component means [D]: a shift for data that cannot be centred on their own mean before the
    /// E-step (streamed data), close to it once EM has moved the means into the data.
    /// </summary>
    public static double[] CentreOfMeans(PrecisionFactors f)
    {
        int d = f.Dimension;
        var centre = new double[d];
        for (int c = 0; c < f.Components; c++)
            for (int i = 0; i < d; i++) centre[i] += f.Means[c * d + i] / f.Components;
        return centre;
    }

    /// <summary>Prepares <paramref name="f"/> for data stored as x − <paramref name="shift"/> (empty: unshifted).</summary>
    public static BlockFactors Prepare(PrecisionFactors f, ReadOnlySpan<double> shift = default) => new(f, shift);
}
