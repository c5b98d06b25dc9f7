using Probabilistic.FactorGraphs.Distributions;
using Probabilistic.FactorGraphs.LinearAlgebra;

namespace Probabilistic.FactorGraphs.Engine;

/// <summary>Observed values flattened to one typed array in plate order (scalars, arrays, jagged and 2-D arrays).</summary>
internal static class ObservedValues
{
    /// <summary>
    /// The value as a flat array over <paramref name="space"/>: a scalar becomes one element; T[] is as is; T[][] and T[,]
    /// are checked against the ranges and flattened row by row. A double[] held by a scalar Variable&lt;double[]&gt;
    /// (a probability vector) is one element.
    /// </summary>
    internal static Array Flatten(object value, Type valueType, PlateSpace space, string name)
    {
        switch (value)
        {
            case double[] ds when valueType == typeof(double[]) && space.Rank == 0:
                return new[] { ds };
            case Array a when a.Rank == 2:
                return Flatten2D(a, space, name);
            case Array a when a.GetType().GetElementType()!.IsArray && !(space.Rank <= 1 && IsVectorLike(a)):
                return FlattenJagged(a, space, name);
            case Array a:
                return (Array)a.Clone();
            default:
                var one = Array.CreateInstance(value.GetType(), 1);
                one.SetValue(value, 0);
                return one;
        }
    }

    // a double[][] observed by a one-range array of vectors is a list of vectors, not a jagged array of doubles
    private static bool IsVectorLike(Array a) => a is double[][];

    private static Array FlattenJagged(Array rows, PlateSpace space, string name)
    {
        if (space.Rank != 2)
            throw new InvalidOperationException($"Variable '{name}' is observed with an array of arrays but has {space.Rank} range(s) ({space}).");
        var element = rows.GetType().GetElementType()!.GetElementType()!;
        int total = 0;
        for (int o = 0; o < rows.Length; o++)
        {
            var row = (Array?)rows.GetValue(o) ?? throw new ArgumentNullException(name, $"Row {o} of the observed value of '{name}' is null.");
            if (o < space.RowCount && row.Length != space.RowLength(o))
                throw new InvalidOperationException($"Row {o} of the observed value of '{name}' has {row.Length} values but range '{space.Ranges[1].Name}' has {space.RowLength(o)} there.");
            total += row.Length;
        }
        if (rows.Length != space.RowCount)
            throw new InvalidOperationException($"Variable '{name}' is observed with {rows.Length} rows but range '{space.Ranges[0].Name}' has size {space.RowCount}.");
        var flat = Array.CreateInstance(element, total);
        int e = 0;
        foreach (Array row in rows) { Array.Copy(row, 0, flat, e, row.Length); e += row.Length; }
        return flat;
    }

    private static Array Flatten2D(Array values, PlateSpace space, string name)
    {
        int rows = values.GetLength(0), cols = values.GetLength(1);
        if (space.Rank != 2 || rows != space.RowCount || (space.RowCount > 0 && cols != space.RowLength(0)))
            throw new InvalidOperationException($"Variable '{name}' is observed with a {rows}×{cols} array but its ranges are {space}.");
        var flat = Array.CreateInstance(values.GetType().GetElementType()!, values.Length);
        int e = 0;
        foreach (var x in values) flat.SetValue(x, e++);
        return flat;
    }

    /// <summary>The point of a point-mass prior compiled as a constant.</summary>
    internal static object PointOf(object constant, string name) => constant switch
    {
        VectorGaussian g => g.Point,
        Dirichlet d => d.Point,
        Wishart w => w.Point,
        _ => throw new InvalidOperationException($"'{name}' has a constant of unexpected type {constant.GetType().Name}."),
    };

    /// <summary>An array of <paramref name="count"/> copies of <paramref name="value"/>, typed as the value.</summary>
    internal static Array Fill(object value, int count)
    {
        var all = Array.CreateInstance(value.GetType(), count);
        for (int j = 0; j < count; j++) all.SetValue(value, j);
        return all;
    }

    /// <summary>The observed values as the distributions a user reads back (point masses), or null when they are not of a known kind.</summary>
    internal static Array? AsPointMasses(Array values, int discreteDimension) => values switch
    {
        double[] ds => ds.Select(Gaussian.PointMass).ToArray(),
        bool[] bs => bs.Select(Bernoulli.PointMass).ToArray(),
        int[] ks => ks.Select(k => Discrete.PointMass(k, Math.Max(k + 1, discreteDimension))).ToArray(),
        Vector[] vs => vs.Select(VectorGaussian.PointMass).ToArray(),
        PositiveDefiniteMatrix[] ms => ms.Select(Wishart.PointMass).ToArray(),
        _ => null,
    };
}
