namespace Probabilistic.FactorGraphs.Distributions;

/// <summary>
/// A distribution over values of type <typeparamref name="T"/>, as Infer.NET names it: Gaussian is an
/// <c>IDistribution&lt;double&gt;</c>, Discrete an <c>IDistribution&lt;int&gt;</c>, and <c>Distribution&lt;int&gt;.Array(...)</c>
/// an <c>IDistribution&lt;int[]&gt;</c>. Models use it as the type of an observed distribution-valued variable
/// (<c>Variable&lt;IDistribution&lt;int[]&gt;&gt;</c>, an initialisation that can change without recompiling). The message
/// arithmetic the engine needs is <see cref="IExponentialFamily{T}"/>.
/// </summary>
/// <typeparam name="T">The domain: double, int, bool, Vector, PositiveDefiniteMatrix, or an array of them.</typeparam>
public interface IDistribution<T>
{
    /// <summary>True when all mass sits on one value.</summary>
    bool IsPointMass { get; }

    /// <summary>The value of a point mass.</summary>
    /// <exception cref="InvalidOperationException">The distribution is not a point mass.</exception>
    T Point { get; }

    /// <summary>The log density (or log probability) at <paramref name="value"/>.</summary>
    double GetLogProb(T value);
}
