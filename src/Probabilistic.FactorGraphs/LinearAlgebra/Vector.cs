using System.Globalization;

namespace Probabilistic.FactorGraphs.LinearAlgebra;

/// <summary>
/// A dense vector of doubles (Infer.NET's <c>Vector</c>). Its entries can be set, as in Infer.NET (<c>v[0] = x</c>), to
/// build observed data; a vector already given as an observed value is read when inference next runs after an observed
/// value is set, so set <c>ObservedValue</c> again after changing one. Distributions copy the vectors they are made from.
/// </summary>
public sealed class Vector : IReadOnlyList<double>
{
    private readonly double[] _values;

    private Vector(double[] values) { _values = values; }

    /// <summary>A vector holding a copy of <paramref name="values"/>.</summary>
    public static Vector FromArray(params double[] values)
    {
        ArgumentNullException.ThrowIfNull(values);
        foreach (var v in values)
            if (!double.IsFinite(v)) throw new ArgumentOutOfRangeException(nameof(values), v, "Vector entries must be finite.");
        return new((double[])values.Clone());
    }

    /// <summary>The zero vector of length <paramref name="count"/>.</summary>
    public static Vector Zero(int count) => new(new double[count]);

    /// <summary>Length.</summary>
    public int Count => _values.Length;

    /// <summary>Entry i.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A value set is not finite.</exception>
    public double this[int i]
    {
        get => _values[i];
        set => _values[i] = double.IsFinite(value) ? value : throw new ArgumentOutOfRangeException(nameof(value), value, "Vector entries must be finite.");
    }

    /// <summary>A copy of the entries.</summary>
    public double[] ToArray() => (double[])_values.Clone();

    internal ReadOnlySpan<double> Span => _values;

    internal static Vector Wrap(double[] values) => new(values);

    /// <inheritdoc/>
    public IEnumerator<double> GetEnumerator() => ((IEnumerable<double>)_values).GetEnumerator();

    System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();

    /// <summary>Space-separated entries.</summary>
    public override string ToString() => string.Join(" ", _values.Select(v => v.ToString("g4", CultureInfo.InvariantCulture)));
}

/// <summary>A symmetric positive-definite matrix (Infer.NET's <c>PositiveDefiniteMatrix</c>), row-major, immutable.</summary>
public sealed class PositiveDefiniteMatrix
{
    private readonly double[] _values;

    private PositiveDefiniteMatrix(int dimension, double[] values) { Dimension = dimension; _values = values; }

    /// <summary>Rows (= columns).</summary>
    public int Dimension { get; }

    /// <summary>The number of rows (Infer.NET's <c>Rows</c>).</summary>
    public int Rows => Dimension;

    /// <summary>The number of columns (Infer.NET's <c>Cols</c>).</summary>
    public int Cols => Dimension;

    /// <summary>Entry (i, j).</summary>
    public double this[int i, int j] => _values[i * Dimension + j];

    /// <summary>The identity.</summary>
    public static PositiveDefiniteMatrix Identity(int dimension) => IdentityScaledBy(dimension, 1);

    /// <summary>s·I.</summary>
    public static PositiveDefiniteMatrix IdentityScaledBy(int dimension, double scale)
    {
        if (!(scale > 0)) throw new ArgumentOutOfRangeException(nameof(scale), scale, "The scale must be > 0 for a positive-definite matrix.");
        var a = new double[dimension * dimension];
        for (int i = 0; i < dimension; i++) a[i * dimension + i] = scale;
        return new(dimension, a);
    }

    /// <summary>
    /// From a square array, as Infer.NET's <c>new PositiveDefiniteMatrix(double[,])</c>; refuses one that is not
    /// symmetric positive definite.
    /// </summary>
    /// <exception cref="ArgumentException">The array is not square, not symmetric, or not positive definite.</exception>
    public PositiveDefiniteMatrix(double[,] values)
    {
        ArgumentNullException.ThrowIfNull(values);
        int d = values.GetLength(0);
        if (values.GetLength(1) != d)
            throw new ArgumentException($"The matrix must be square but is {d}×{values.GetLength(1)}.", nameof(values));
        var a = new double[d * d];
        for (int i = 0; i < d; i++)
            for (int j = 0; j < d; j++)
            {
                if (Math.Abs(values[i, j] - values[j, i]) > 1e-12 * (1 + Math.Abs(values[i, j])))
                    throw new ArgumentException($"The matrix is not symmetric at ({i},{j}): {values[i, j]} vs {values[j, i]}.", nameof(values));
                a[i * d + j] = values[i, j];
            }
        var l = (double[])a.Clone();
        if (!Core.Numerics.Cholesky.TryFactor(l, d)) throw new ArgumentException("The matrix is not positive definite.", nameof(values));
        Dimension = d;
        _values = a;
    }

    /// <summary>From a square array; refuses one that is not symmetric positive definite.</summary>
    public static PositiveDefiniteMatrix FromArray(double[,] values) => new(values);

    internal static PositiveDefiniteMatrix Wrap(int d, double[] values) => new(d, values);

    internal ReadOnlySpan<double> Span => _values;

    /// <summary>Rows of space-separated entries.</summary>
    public override string ToString() => string.Join(Environment.NewLine, Enumerable.Range(0, Dimension).Select(i =>
        string.Join(" ", Enumerable.Range(0, Dimension).Select(j => this[i, j].ToString("g4", CultureInfo.InvariantCulture)))));
}
