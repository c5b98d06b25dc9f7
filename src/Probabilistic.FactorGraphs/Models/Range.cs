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

    /// <summary>A range whose size is an observed integer variable, set (or changed) before inference.</summary>
    public Range(Variable<int> size)
    {
        SizeVariable = size ?? throw new ArgumentNullException(nameof(size));
        Name = "range" + Id;
    }

    /// <summary>Names the range.</summary>
    public Range Named(string name) { Name = name; return this; }

    /// <summary>The size now (resolving an observed size variable).</summary>
    public int SizeAsInt
    {
        get
        {
            if (FixedSize is int n) return n;
            var v = SizeVariable!;
            if (!v.IsObserved)
                throw new InvalidOperationException($"The size of range '{Name}' is variable '{v.Name}', which has no observed value; set {v.Name}.ObservedValue before inference.");
            return v.ObservedValue;
        }
    }

    /// <inheritdoc/>
    public override string ToString() => Name;
}
