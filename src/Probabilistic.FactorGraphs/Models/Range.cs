namespace Probabilistic.FactorGraphs.Models;

/// <summary>
/// A range of indices, the plate of a factor graph: an array over a range and a factor inside
/// <c>Variable.ForEach(range)</c> are one node and one vectorised loop, however large the range.
/// </summary>
public sealed class Range
{
    private static int _nextId;
    internal int Id { get; } = Interlocked.Increment(ref _nextId);
    internal int? FixedSize { get; }
    internal Variable<int>? SizeVariable { get; }

    /// <summary>The name shown in messages.</summary>
    public string Name { get; private set; }

    /// <summary>A range of <paramref name="size"/> indices.</summary>
    public Range(int size)
    {
        if (size < 0) throw new ArgumentOutOfRangeException(nameof(size), size, "A range's size must be >= 0.");
        FixedSize = size;
        Name = "range" + Id;
    }

    /// <summary>
    /// A range whose size is an observed integer variable, set (or changed) before inference; with an element of an
    /// observed int array (<c>new Range(sizes[outer])</c>) the range is jagged: its size varies with <c>outer</c>.
    /// </summary>
    public Range(Variable<int> size)
    {
        SizeVariable = size ?? throw new ArgumentNullException(nameof(size));
        Name = "range" + Id;
        if (size.IsElement)
        {
            Outer = size.IndexRange ?? throw new NotSupportedException($"The size of a jagged range must be an element of an int array indexed by a range (sizes[outer]), not '{size.Name}'.");
            SizesArray = size.ArrayParent!;
            if (SizesArray.IsElement) throw new NotSupportedException($"The sizes '{size.Name}' of a jagged range must index a one-dimensional int array.");
        }
    }

    /// <summary>For a jagged range, the range its sizes are indexed by.</summary>
    internal Range? Outer { get; }

    /// <summary>For a jagged range, the int array of sizes.</summary>
    internal Variable? SizesArray { get; }

    /// <summary>The size of a jagged range at element <paramref name="outerIndex"/> of its outer range.</summary>
    internal int SizeAt(int outerIndex)
    {
        var sizes = SizesArray!.ObservedObject as int[]
            ?? throw new InvalidOperationException($"The sizes '{SizesArray!.Name}' of range '{Name}' have no observed value; set {SizesArray.Name}.ObservedValue (an int[]) before inference.");
        if ((uint)outerIndex >= (uint)sizes.Length)
            throw new InvalidOperationException($"Range '{Name}' needs a size for element {outerIndex} of '{Outer!.Name}', but '{SizesArray.Name}' has {sizes.Length} values.");
        int n = sizes[outerIndex];
        if (n < 0) throw new InvalidOperationException($"'{SizesArray.Name}'[{outerIndex}] = {n}: a range's size must be >= 0.");
        return n;
    }

    /// <summary>Names the range.</summary>
    public Range Named(string name) { Name = name; return this; }

    private readonly List<object> _attributes = [];

    /// <summary>
    /// Adds an attribute, as Infer.NET's <c>range.AddAttribute(new Sequential())</c>: with <see cref="Attributes.Sequential"/>,
    /// EP updates the factors over this range one element at a time, each seeing the marginals the previous ones left, instead
    /// of all elements together from the marginals the sweep began with.
    /// </summary>
    public Range AddAttribute(object attribute)
    {
        ArgumentNullException.ThrowIfNull(attribute);
        _attributes.Add(attribute);
        Variable.ModelChanged();
        return this;
    }

    /// <summary>The attributes added to the range.</summary>
    public IReadOnlyList<object> Attributes => _attributes;

    /// <summary>True when the range is marked <see cref="Attributes.Sequential"/>.</summary>
    internal bool IsSequential => _attributes.OfType<Attributes.Sequential>().Any();

    /// <summary>The size now (resolving an observed size variable).</summary>
    public int SizeAsInt
    {
        get
        {
            if (FixedSize is int n) return n;
            if (Outer is not null)
                throw new InvalidOperationException($"Range '{Name}' is jagged: its size varies with '{Outer.Name}' (it is '{SizeVariable!.Name}').");
            var v = SizeVariable!;
            if (!v.IsObserved)
                throw new InvalidOperationException($"The size of range '{Name}' is variable '{v.Name}', which has no observed value; set {v.Name}.ObservedValue before inference.");
            return v.ObservedValue;
        }
    }

    /// <inheritdoc/>
    public override string ToString() => Name;
}
