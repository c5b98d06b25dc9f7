namespace Probabilistic.Mixtures;

/// <summary>How each component's covariance is parameterised (scikit-learn's <c>covariance_type</c>).</summary>
public enum CovarianceType
{
    /// <summary>Each component has its own full D×D covariance.</summary>
    Full,
    /// <summary>Each component has its own diagonal covariance (D variances).</summary>
    Diagonal,
    /// <summary>Each component has one variance shared by all dimensions.</summary>
    Spherical,
    /// <summary>All components share one full D×D covariance.</summary>
    Tied,
}

/// <summary>Sizes of the covariance storage for each <see cref="CovarianceType"/>.</summary>
public static class CovarianceLayout
{
    /// <summary>
    /// Length of the flat covariance array: Full K·D·D (row-major per component), Diagonal K·D, Spherical K, Tied D·D.
    /// </summary>
    public static int Length(CovarianceType type, int k, int d) => type switch
    {
        CovarianceType.Full => k * d * d,
        CovarianceType.Diagonal => k * d,
        CovarianceType.Spherical => k,
        CovarianceType.Tied => d * d,
        _ => throw new ArgumentOutOfRangeException(nameof(type), type, "Unknown covariance type."),
    };

    /// <summary>Free covariance parameters (for BIC/AIC), as scikit-learn counts them.</summary>
    public static int FreeParameters(CovarianceType type, int k, int d) => type switch
    {
        CovarianceType.Full => k * d * (d + 1) / 2,
        CovarianceType.Diagonal => k * d,
        CovarianceType.Spherical => k,
        CovarianceType.Tied => d * (d + 1) / 2,
        _ => throw new ArgumentOutOfRangeException(nameof(type), type, "Unknown covariance type."),
    };

    /// <summary>Parses "full", "diag"/"diagonal", "spherical", "tied".</summary>
    public static CovarianceType Parse(string text) => text.Trim().ToLowerInvariant() switch
    {
        "full" => CovarianceType.Full,
        "diag" or "diagonal" => CovarianceType.Diagonal,
        "spherical" => CovarianceType.Spherical,
        "tied" => CovarianceType.Tied,
        _ => throw new ArgumentException($"Unknown covariance type '{text}'; use full, diag, spherical or tied."),
    };
}
