namespace Probabilistic.FactorGraphs.Models.Attributes;

/// <summary>
/// Marks a range whose elements EP updates one after another (Infer.NET's attribute of the same name): each element's
/// factors see the marginals the previous elements left. Infer.NET's default, and ours, updates all elements of a range
/// together from the marginals the sweep began with; sequential updates converge more reliably on mixtures and
/// heavy-tailed models, at the cost of depending on the elements' order.
/// </summary>
public sealed class Sequential
{
    /// <inheritdoc/>
    public override string ToString() => "Sequential";
}
