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
