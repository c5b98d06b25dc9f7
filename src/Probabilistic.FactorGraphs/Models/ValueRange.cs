namespace Probabilistic.FactorGraphs.Models;

public abstract partial class Variable
{
    /// <summary>The range of values set by <see cref="SetValueRange"/>, or null.</summary>
    internal Range? ValueRange { get; private set; }

    /// <summary>
    /// Declares the values an int variable (0 … n − 1) or the components of a Vector variable range over, for an array
    /// the values of each element (Infer.NET's <c>SetValueRange</c>, meaningful for int and Vector variables). This engine
    /// takes every dimension from the variable's definition (a Dirichlet's pseudo-counts, a Discrete's probabilities, the
    /// arrays a Switch indexes), so the declaration is recorded for Infer.NET code and does not change the model; an index
    /// outside the arrays it selects is refused when inference starts, as without it.
    /// </summary>
    public void SetValueRange(Range valueRange) => ValueRange = valueRange ?? throw new ArgumentNullException(nameof(valueRange));
}
