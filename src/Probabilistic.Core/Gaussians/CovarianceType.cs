namespace Probabilistic.Core.Gaussians;

/// <summary>
/// How the covariance of each Gaussian — a mixture's component or an HMM's state — is parameterised (scikit-learn's and
/// hmmlearn's <c>covariance_type</c>). One type for every family, so mixtures and HMMs can be used side by side.
/// </summary>
public enum CovarianceType
{
    /// <summary>Each Gaussian has its own full D×D covariance.</summary>
    Full,
    /// <summary>Each Gaussian has its own diagonal covariance (D variances).</summary>
    Diagonal,
    /// <summary>Each Gaussian has one variance shared by all dimensions.</summary>
    Spherical,
    /// <summary>
    /// All Gaussians share one full D×D covariance: the covariance array holds that one matrix, D×D values, not K copies.
    /// Last, so the values of the other types (and model files) keep their meaning.
    /// </summary>
    Tied,
}

/// <summary>Sizes of the covariance storage for each <see cref="CovarianceType"/>.</summary>
public static class CovarianceLayout
{
    /// <summary>
    /// Length of the flat covariance array: Full K·D·D (row-major per component), Diagonal K·D, Spherical K, Tied D·D.
    /// </summary>
    /// <exception cref="ArgumentException">The length exceeds what one array holds (sizes from a corrupt file).</exception>
    public static int Length(CovarianceType type, int k, int d)
    {
        long length = LongLength(type, k, d);
        if (length > Array.MaxLength || length < 0)
            throw new ArgumentException($"A {type} covariance of {k} components in {d} dimensions needs {length:N0} values, more than one array holds.");
        return (int)length;
    }

    /// <summary><see cref="Length"/> in 64-bit arithmetic (no overflow for any K, D below 2³¹).</summary>
    public static long LongLength(CovarianceType type, int k, int d) => type switch
    {
        CovarianceType.Full => (long)k * d * d,
        CovarianceType.Diagonal => (long)k * d,
        CovarianceType.Spherical => k,
        CovarianceType.Tied => (long)d * d,
        _ => throw new ArgumentOutOfRangeException(nameof(type), type, "Unknown covariance type."),
    };

    /// <summary>
    /// Throws naming the first pair (i, j) of a D×D block at <paramref name="offset"/> whose entries differ by more than
    /// rounding (1e-8 relative to the largest of a_ii, a_jj, a_ij, a_ji): a covariance must be symmetric, and the Cholesky factor reads only one
    /// triangle, so an asymmetric matrix would silently be taken for another.
    /// </summary>
    public static void RequireSymmetric(ReadOnlySpan<double> a, int offset, int d, string what)
    {
        for (int i = 0; i < d; i++)
            for (int j = i + 1; j < d; j++)
            {
                double x = a[offset + i * d + j], y = a[offset + j * d + i];
                double scale = Math.Max(Math.Max(Math.Abs(a[offset + i * d + i]), Math.Abs(a[offset + j * d + j])), Math.Max(Math.Abs(x), Math.Abs(y)));
                if (!(Math.Abs(x - y) <= 1e-8 * scale) && x != y)
                    throw new ArgumentException(FormattableString.Invariant($"{what} is not symmetric: entry ({i}, {j}) is {x:G17} but ({j}, {i}) is {y:G17}."));
            }
    }

    /// <summary>Free covariance parameters (for BIC/AIC), as scikit-learn counts them.</summary>
    public static int FreeParameters(CovarianceType type, int k, int d) => type switch
    {
        CovarianceType.Full => k * d * (d + 1) / 2,
        CovarianceType.Diagonal => k * d,
        CovarianceType.Spherical => k,
        CovarianceType.Tied => d * (d + 1) / 2,
        _ => throw new ArgumentOutOfRangeException(nameof(type), type, "Unknown covariance type."),
    };

    /// <summary>Parses "full", "diag"/"diagonal", "spherical", "tied", in any case.</summary>
    public static CovarianceType Parse(string text) => text.Trim().ToLowerInvariant() switch
    {
        "full" => CovarianceType.Full,
        "diag" or "diagonal" => CovarianceType.Diagonal,
        "spherical" => CovarianceType.Spherical,
        "tied" => CovarianceType.Tied,
        _ => throw new ArgumentException($"Unknown covariance type '{text}'; use full, diag, spherical or tied."),
    };
}
