using Probabilistic.Mixtures.Kernels;
using Probabilistic.Core.Gaussians;

namespace Probabilistic.Mixtures;

/// <summary>
/// The algorithm-level seam between <see cref="GaussianMixture"/> and the hardware: a backend binds a
/// data set once (a GPU backend uploads it and keeps it on the device across iterations) and then runs E-steps.
/// </summary>
public interface IMixtureBackend
{
    /// <summary>A short name ("cpu", "gpu:cuda", ...).</summary>
    string Name { get; }

    /// <summary>Binds <paramref name="x"/> [n×d], row-major, for fits with <paramref name="components"/> components.</summary>
    IMixtureData Bind(ReadOnlyMemory<double> x, int n, int d, int components);

    /// <summary>
    /// How far the mean log-likelihood may fall between EM iterations from rounding alone (relative, as
    /// <see cref="Core.Inference.FitOptions.MonotoneSlack"/>): 1e-9 in double precision, more in single precision.
    /// </summary>
    double MonotoneSlack => 1e-9;
}

/// <summary>A data set bound to a backend.</summary>
public interface IMixtureData : IDisposable
{
    /// <summary>Rows.</summary>
    int Count { get; }

    /// <summary>
    /// One E-step at the parameters behind <paramref name="factors"/>: clears <paramref name="stats"/> and fills it
    /// (sufficient statistics centred at the means, and the total log-likelihood). Full second moments when
    /// <c>stats.IsFull</c>, both triangles filled.
    /// </summary>
    void EStep(PrecisionFactors factors, GaussianStatistics stats, CancellationToken cancellationToken = default);

    /// <summary>Responsibilities [n×K] (may be empty to skip) and log p(x_n) [n] (may be empty) at the given parameters.</summary>
    void Responsibilities(PrecisionFactors factors, Span<double> responsibilities, Span<double> logLikelihoods);
}
