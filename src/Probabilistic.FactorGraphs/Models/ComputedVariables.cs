using System.Runtime.CompilerServices;

namespace Probabilistic.FactorGraphs.Models;

/// <summary>
/// A variable whose value is a function of other known values, computed each time inference binds observed values: a
/// ForEach block's index array (0, 1, …, n − 1), or a comparison of observed values (<c>block.Index == 0</c>). The engine
/// reads it as observed; it has no factor.
/// </summary>
internal sealed class ComputedVariable<T> : Variable<T>
{
    private readonly Func<T> _compute;

    internal ComputedVariable(Func<T> compute, string name)
    {
        _compute = compute;
        Plates.Clear();
        Named(name);
    }

    public override bool IsObserved => true;

    internal override object? ObservedObject => _compute();
}

/// <summary>An array over a range whose values are computed at bind time (see <see cref="ComputedVariable{T}"/>).</summary>
internal sealed class ComputedArray<T> : VariableArray<T>
{
    private readonly Func<T[]> _compute;

    internal ComputedArray(Range range, Func<T[]> compute, string name) : base(range)
    {
        _compute = compute;
        Plates.Clear();
        Plates.Add(range);
        Named(name);
    }

    public override bool IsObserved => true;

    internal override object? ObservedObject => _compute();
}

/// <summary>The index arrays of ForEach blocks, one per range: element i holds i.</summary>
internal static class RangeIndices
{
    private static readonly ConditionalWeakTable<Range, VariableArray<int>> Arrays = [];

    /// <summary>The index of the current element of <paramref name="range"/> (an element of its index array).</summary>
    internal static Variable<int> Of(Range range)
    {
        if (range.Outer is not null)
            throw new NotSupportedException($"Range '{range.Name}' is jagged (its size varies with '{range.Outer.Name}'); a ForEach block's Index is supported for ranges of one size.");
        var array = Arrays.GetValue(range, r => ModelStack.Outside(() => new ComputedArray<int>(r, () => Probabilistic.FactorGraphs.Arrays.Indices(r.SizeAsInt), r.Name + "Index")));
        return array[range];
    }
}
