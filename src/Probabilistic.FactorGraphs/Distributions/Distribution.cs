namespace Probabilistic.FactorGraphs.Distributions;

/// <summary>
/// Infer.NET's <c>Distribution&lt;T&gt;.Array(...)</c>: one distribution over an array domain made of independent
/// distributions over its elements, for initialising array variables (<c>z.InitialiseTo(Distribution&lt;int&gt;.Array(init))</c>)
/// and for observed distribution-valued variables (<c>Variable&lt;IDistribution&lt;int[]&gt;&gt;</c>).
/// </summary>
/// <typeparam name="T">The element value type (int for Discrete, double for Gaussian, …).</typeparam>
public static class Distribution<T>
{
    /// <summary>The distribution over T[] whose element i has distribution <paramref name="elements"/>[i].</summary>
    public static IDistribution<T[]> Array<TDist>(TDist[] elements) where TDist : struct, IDistribution<T> =>
        new DistributionStructArray<TDist, T>(elements);

    /// <summary>The distribution over T[][] (a jagged array) whose element [i][j] has distribution <paramref name="elements"/>[i][j].</summary>
    public static IDistribution<T[][]> Array<TDist>(TDist[][] elements) where TDist : struct, IDistribution<T> =>
        new DistributionJaggedArray<TDist, T>(elements);
}

/// <summary>
/// Tags the private constructors that take a distribution's stored fields (natural parameters, log-odds, …), so they
/// never collide with the public constructors that take Infer.NET's parameters (<c>new Gaussian(mean, variance)</c>).
/// </summary>
internal enum Stored
{
    /// <summary>The arguments are the struct's fields as stored.</summary>
    Fields,
}
