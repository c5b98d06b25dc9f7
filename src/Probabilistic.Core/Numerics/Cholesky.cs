namespace Probabilistic.Core.Numerics;

/// <summary>
/// Cholesky factorisation of small dense symmetric positive-definite matrices stored row-major in spans,
/// for hot loops that cannot afford a matrix object per call (mixture and HMM covariances).
/// </summary>
public static class Cholesky
{
    /// <summary>
    /// Overwrites the lower triangle of the d×d matrix <paramref name="a"/> with L where A = L Lᵀ, and zeroes
    /// the upper triangle. Returns false (leaving <paramref name="a"/> partly overwritten) when A is not positive definite.
    /// </summary>
    public static bool TryFactor(Span<double> a, int d) => TryFactor(a, d, CancellationToken.None);

    /// <summary>
    /// <see cref="TryFactor(Span{double}, int)"/> that checks <paramref name="cancellationToken"/> every 64 columns
    /// (a 5,000-dimensional factorisation takes tens of seconds).
    /// </summary>
    public static bool TryFactor(Span<double> a, int d, CancellationToken cancellationToken)
    {
        if ((long)d * d > a.Length) throw new ArgumentException($"Matrix span holds {a.Length} values; a {d}x{d} matrix needs {(long)d * d}.");
        for (int j = 0; j < d; j++)
        {
            if ((j & 63) == 63) cancellationToken.ThrowIfCancellationRequested();
            double sum = a[j * d + j];
            for (int k = 0; k < j; k++) sum -= a[j * d + k] * a[j * d + k];
            if (!(sum > 0) || !double.IsFinite(sum)) return false;
            double ljj = Math.Sqrt(sum);
            a[j * d + j] = ljj;
            for (int i = j + 1; i < d; i++)
            {
                double s = a[i * d + j];
                for (int k = 0; k < j; k++) s -= a[i * d + k] * a[j * d + k];
                a[i * d + j] = s / ljj;
            }
            for (int i = 0; i < j; i++) a[i * d + j] = 0;
        }
        return true;
    }

    /// <summary>log det A = 2 Σ log L_ii from a factor made by <see cref="TryFactor(Span{double}, int)"/>.</summary>
    public static double LogDeterminant(ReadOnlySpan<double> l, int d)
    {
        double s = 0;
        for (int i = 0; i < d; i++) s += Math.Log(l[i * d + i]);
        return 2 * s;
    }

    /// <summary>Solves L y = b in place (forward substitution).</summary>
    public static void SolveLower(ReadOnlySpan<double> l, int d, Span<double> b)
    {
        for (int i = 0; i < d; i++)
        {
            double s = b[i];
            for (int k = 0; k < i; k++) s -= l[i * d + k] * b[k];
            b[i] = s / l[i * d + i];
        }
    }

    /// <summary>Solves Lᵀ x = y in place (back substitution).</summary>
    public static void SolveUpper(ReadOnlySpan<double> l, int d, Span<double> y)
    {
        for (int i = d - 1; i >= 0; i--)
        {
            double s = y[i];
            for (int k = i + 1; k < d; k++) s -= l[k * d + i] * y[k];
            y[i] = s / l[i * d + i];
        }
    }

    /// <summary>
    /// Inverse of the lower-triangular L into <paramref name="inverse"/> (lower-triangular too). With A = L Lᵀ,
    /// the precision is A⁻¹ = L⁻ᵀ L⁻¹, and (x−μ)ᵀA⁻¹(x−μ) = ‖L⁻¹(x−μ)‖².
    /// </summary>
    public static void InvertLower(ReadOnlySpan<double> l, int d, Span<double> inverse)
    {
        inverse[..(d * d)].Clear();
        for (int j = 0; j < d; j++)
        {
            inverse[j * d + j] = 1.0 / l[j * d + j];
            for (int i = j + 1; i < d; i++)
            {
                double s = 0;
                for (int k = j; k < i; k++) s -= l[i * d + k] * inverse[k * d + j];
                inverse[i * d + j] = s / l[i * d + i];
            }
        }
    }
}
