namespace Probabilistic.FactorGraphs.Models;

public partial class Variable<T>
{
    /// <summary>
    /// True where <paramref name="a"/> equals <paramref name="b"/> (Infer.NET's <c>==</c> on variables), for known values:
    /// constants, observed variables, elements of observed arrays by their range, and a ForEach block's
    /// <c>Index</c> (<c>Variable.IfNot(block.Index == 0)</c>). Computed each time inference runs. Comparing a random
    /// variable is refused when inference starts. To test whether two variable objects are the same, use
    /// <c>ReferenceEquals</c> (or <c>is null</c>).
    /// </summary>
    public static Variable<bool> operator ==(Variable<T> a, Variable<T> b) => KnownComparison.Equal(a, b, equal: true);

    /// <summary>True where <paramref name="a"/> differs from <paramref name="b"/> (see <see cref="op_Equality"/>).</summary>
    public static Variable<bool> operator !=(Variable<T> a, Variable<T> b) => KnownComparison.Equal(a, b, equal: false);

    /// <summary>Reference equality (the operators build model variables).</summary>
    public override bool Equals(object? obj) => ReferenceEquals(this, obj);

    /// <summary>The reference's hash.</summary>
    public override int GetHashCode() => System.Runtime.CompilerServices.RuntimeHelpers.GetHashCode(this);
}

/// <summary>Comparisons of known values (see <see cref="Variable{T}.op_Equality"/>): computed variables, no factor.</summary>
internal static class KnownComparison
{
    internal static Variable<bool> Equal<T>(Variable<T> a, Variable<T> b, bool equal)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        string name = $"({Describe(a)} {(equal ? "==" : "!=")} {Describe(b)})";
        var ra = RangeOf(a, name);
        var rb = RangeOf(b, name);
        if (ra is not null && rb is not null && !ReferenceEquals(ra, rb))
            throw new NotSupportedException($"{name} compares elements over two ranges ('{ra.Name}', '{rb.Name}'); compare elements of one range.");
        var range = ra ?? rb;
        if (range is null)
            return ModelStack.Outside(() => new ComputedVariable<bool>(() => Equals(Value(a, 0, name), Value(b, 0, name)) == equal, name));
        var array = ModelStack.Outside(() => new ComputedArray<bool>(range, () =>
        {
            int n = range.SizeAsInt;
            var r = new bool[n];
            for (int i = 0; i < n; i++) r[i] = Equals(Value(a, i, name), Value(b, i, name)) == equal;
            return r;
        }, name));
        return array[range];
    }

    /// <summary>The range an element is taken over (x[r] of an array over r), null for a scalar; anything else is refused.</summary>
    private static Range? RangeOf(Variable v, string name)
    {
        if (v.ArrayParent is null && v.Alias is null) return v.Plates.Count == 0 ? null : Refuse(v, name);
        var parent = v.ArrayParent;
        if (parent is { ArrayParent: null, Alias: null } && v.IndexRange is { } r && v.IndexVariable is null
            && parent.Plates.Count == 1 && ReferenceEquals(parent.Plates[0], r))
            return r;
        return Refuse(v, name);
    }

    private static Range Refuse(Variable v, string name) =>
        throw new NotSupportedException($"{name}: '{v.Name}' must be a constant, an observed variable, or an element of an observed array by its range (x[r]) or a ForEach block's Index; == on random variables is not supported.");

    /// <summary>The known value of a scalar, or of element i of an array element x[r].</summary>
    private static object Value(Variable v, int i, string name)
    {
        var source = v.ArrayParent ?? v;
        var value = source.IsObserved ? source.ObservedObject : null;
        if (value is null)
            throw new NotSupportedException($"{name} compares '{source.Name}', which is random (not observed) here; == is supported on known values only (constants, observed variables, ForEach indices).");
        return value is Array a && v.ArrayParent is not null ? a.GetValue(i)! : value;
    }

    private static string Describe(Variable v) => v.ArrayParent is null && v.IsObserved && v.ObservedObject is { } o && o is not Array ? o.ToString()! : v.Name;
}
