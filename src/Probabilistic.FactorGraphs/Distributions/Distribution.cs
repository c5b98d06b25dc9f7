namespace Probabilistic.FactorGraphs.Distributions;

/// <summary>Infer.NET's <c>Distribution&lt;T&gt;.Array(...)</c>, for initialising array variables.</summary>
/// <typeparam name="T">The element value type (int for Discrete, …).</typeparam>
public static class Distribution<T>
{
    /// <summary>The per-element distributions, as <c>InitialiseTo</c> takes them.</summary>
    public static TDist[] Array<TDist>(TDist[] elements) where TDist : struct
    {
        ArgumentNullException.ThrowIfNull(elements);
        return (TDist[])elements.Clone();
    }
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
