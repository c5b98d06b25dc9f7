using System.Collections;

namespace Probabilistic.FactorGraphs.Distributions;

/// <summary>
/// Independent distributions over the elements of an array, as one distribution over T[] (Infer.NET's
/// <c>DistributionStructArray</c>); made by <see cref="Distribution{T}.Array{TDist}(TDist[])"/>. The elements are a copy.
/// </summary>
/// <typeparam name="TDist">The element distribution.</typeparam>
/// <typeparam name="T">The element value type.</typeparam>
public sealed class DistributionStructArray<TDist, T> : IDistribution<T[]>, IReadOnlyList<TDist> where TDist : struct, IDistribution<T>
{
    private readonly TDist[] _elements;

    /// <summary>The distributions of the elements (copied).</summary>
    public DistributionStructArray(TDist[] elements)
    {
        ArgumentNullException.ThrowIfNull(elements);
        _elements = (TDist[])elements.Clone();
    }

    /// <summary>The distribution of element <paramref name="index"/>.</summary>
    public TDist this[int index] => _elements[index];

    /// <summary>The number of elements.</summary>
    public int Count => _elements.Length;

    /// <summary>True when every element is a point mass.</summary>
    public bool IsPointMass => _elements.All(e => e.IsPointMass);

    /// <summary>The elements' points.</summary>
    /// <exception cref="InvalidOperationException">Some element is not a point mass.</exception>
    public T[] Point => _elements.Select(e => e.Point).ToArray();

    /// <summary>Σ_i log p_i(value[i]).</summary>
    /// <exception cref="ArgumentException">The value's length differs from the number of elements.</exception>
    public double GetLogProb(T[] value)
    {
        ArgumentNullException.ThrowIfNull(value);
        if (value.Length != _elements.Length)
            throw new ArgumentException($"The value has {value.Length} elements; the distribution has {_elements.Length}.", nameof(value));
        double s = 0;
        for (int i = 0; i < value.Length; i++) s += _elements[i].GetLogProb(value[i]);
        return s;
    }

    /// <inheritdoc/>
    public IEnumerator<TDist> GetEnumerator()
    {
        // an iterator of this assembly's (precompiled by ReadyToRun), not the framework's array enumerator over TDist
        foreach (var e in _elements) yield return e;
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    /// <summary>One element per line, "[i] distribution", as Infer.NET prints arrays.</summary>
    public override string ToString() => new DistributionArray<TDist>(_elements).ToString();
}

/// <summary>
/// Independent distributions over the elements of a jagged array, as one distribution over T[][] (made by
/// <see cref="Distribution{T}.Array{TDist}(TDist[][])"/>). Enumerated as <typeparamref name="TDist"/>, it yields the
/// elements row by row: the order of a jagged variable's elements, as <c>InitialiseTo</c> reads them.
/// </summary>
/// <typeparam name="TDist">The element distribution.</typeparam>
/// <typeparam name="T">The element value type.</typeparam>
public sealed class DistributionJaggedArray<TDist, T> : IDistribution<T[][]>, IReadOnlyList<DistributionStructArray<TDist, T>>, IEnumerable<TDist>
    where TDist : struct, IDistribution<T>
{
    private readonly DistributionStructArray<TDist, T>[] _rows;

    /// <summary>The distributions of the elements, row by row (copied).</summary>
    public DistributionJaggedArray(TDist[][] elements)
    {
        ArgumentNullException.ThrowIfNull(elements);
        _rows = elements.Select((row, i) => new DistributionStructArray<TDist, T>(row
            ?? throw new ArgumentNullException(nameof(elements), $"Row {i} of the distributions is null."))).ToArray();
    }

    /// <summary>The row <paramref name="index"/>.</summary>
    public DistributionStructArray<TDist, T> this[int index] => _rows[index];

    /// <summary>The number of rows.</summary>
    public int Count => _rows.Length;

    /// <summary>True when every element is a point mass.</summary>
    public bool IsPointMass => _rows.All(r => r.IsPointMass);

    /// <summary>The elements' points.</summary>
    public T[][] Point => _rows.Select(r => r.Point).ToArray();

    /// <summary>Σ_ij log p_ij(value[i][j]).</summary>
    public double GetLogProb(T[][] value)
    {
        ArgumentNullException.ThrowIfNull(value);
        if (value.Length != _rows.Length)
            throw new ArgumentException($"The value has {value.Length} rows; the distribution has {_rows.Length}.", nameof(value));
        double s = 0;
        for (int i = 0; i < value.Length; i++) s += _rows[i].GetLogProb(value[i]);
        return s;
    }

    /// <summary>The rows.</summary>
    public IEnumerator<DistributionStructArray<TDist, T>> GetEnumerator() => ((IEnumerable<DistributionStructArray<TDist, T>>)_rows).GetEnumerator();

    IEnumerator<TDist> IEnumerable<TDist>.GetEnumerator()
    {
        // loops rather than SelectMany, whose code over TDist ReadyToRun does not precompile
        foreach (var row in _rows)
            for (int j = 0; j < row.Count; j++) yield return row[j];
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    /// <inheritdoc/>
    public override string ToString() => new DistributionArray<DistributionStructArray<TDist, T>>(_rows).ToString();
}
