using Range = Probabilistic.FactorGraphs.Models.Range;
using Probabilistic.FactorGraphs.Models;

namespace Probabilistic.FactorGraphs.Engine;

/// <summary>One index of an element: a range (a plate of the factor) or an int variable (constant, observed, or a Switch selector).</summary>
internal sealed record IndexExpr(Range? Range, Variable? Variable)
{
    public override string ToString() => Range?.Name ?? Variable!.Name;
}

/// <summary>
/// The case a compiled factor takes in each gate around it, outermost first (a Switch is expanded into one factor per
/// value, so a factor inside a Switch has that value here). Empty outside gates.
/// </summary>
internal readonly record struct GateCases(GateFrame[] Frames, int[] Cases)
{
    internal static GateCases None => new([], []);

    /// <summary>The case value of the innermost gate, or −1 outside gates.</summary>
    internal int Innermost => Cases.Length == 0 ? -1 : Cases[^1];

    /// <summary>The storage variables of the enclosing Switch selectors, with this factor's value of each.</summary>
    internal List<(Variable Base, int Case)> Switched()
    {
        var list = new List<(Variable, int)>();
        for (int k = 0; k < Frames.Length; k++)
            if (Frames[k].CaseValue == -1) list.Add((ModelCompiler.ResolveIndices(Frames[k].Selector).Base, Cases[k]));
        return list;
    }

    /// <summary>
    /// The frame of the case this factor is in at level k: the block's own frame, or for a Switch block a frame of its own
    /// per case value (so that a variable created in one case of a Switch belongs to that case only).
    /// </summary>
    internal GateFrame CaseFrame(int k)
    {
        var parent = k == 0 ? Frames[0].Parent : CaseFrame(k - 1);
        var f = Frames[k];
        if (f.CaseValue != -1) return ReferenceEquals(parent, f.Parent) || Equals(parent, f.Parent) ? f : f with { Parent = parent };
        return f with { CaseValue = Cases[k], Parent = parent, IsSwitchCase = true };
    }

    /// <summary>A key for the gate of frame k under the cases of frames 0..k.</summary>
    internal string KeyAt(int k) => string.Join(",", Cases.Take(k + 1).Select(c => c.ToString(System.Globalization.CultureInfo.InvariantCulture)));
}

internal static partial class ModelCompiler
{
    /// <summary>Follows aliases to the storage variable and the indices used on it, outermost first.</summary>
    internal static (Variable Base, List<IndexExpr> Indices) ResolveIndices(Variable v)
    {
        int guard = 0;
        while (v.Alias is not null)
        {
            v = v.Alias;
            if (++guard > 10_000) throw new InvalidOperationException($"Variable '{v.Name}' is assigned to itself in a cycle; a model with such a cycle cannot be compiled.");
        }
        if (v.ArrayParent is null) return (v, []);
        var (b, indices) = ResolveIndices(v.ArrayParent);
        indices.Add(new IndexExpr(v.IndexRange, v.IndexVariable));
        return (b, indices);
    }

    internal static PlateSpace SpaceOf(CompiledModel model, IEnumerable<Range> ranges)
    {
        var ordered = PlateSpace.Ordered(ranges);
        var space = new PlateSpace(ordered);
        if (model.Spaces.TryGetValue(space.Key, out var existing)) return existing;
        model.Spaces[space.Key] = space;
        return space;
    }

    internal static PlateSpace SpaceOf(CompiledModel model, FactorSpec spec) => SpaceOf(model, spec.Plates);

    /// <summary>How a factor's instances reach the elements of a variable.</summary>
    internal readonly record struct Indexer(bool Scalar, Func<int[]?>? MapBuilder);

    /// <summary>
    /// The instance → element map of <paramref name="v"/> (an element expression or a whole variable) in a factor over
    /// <paramref name="factorSpace"/>. Ranges pick the factor's coordinate on that range, constants and observed index
    /// arrays are read at bind time, and the Switch selector is the case value.
    /// </summary>
    internal static Indexer IndexerFor(CompiledModel model, Variable v, PlateSpace factorSpace, FactorSpec spec, GateCases cases, string factorName)
    {
        var (b, indices) = ResolveIndices(v);
        var node = model.NodeOf[b];
        var space = node.Space;
        if (indices.Count == 0)
        {
            if (space.Rank == 0) return new Indexer(true, null);
            // a whole array variable used inside ForEach blocks over its ranges: implicitly indexed by them
            foreach (var r in space.Ranges)
                if (factorSpace.IndexOf(r) < 0)
                    throw new NotSupportedException($"Array variable '{b.Name}' over {space} is used whole in the {factorName} factor (replicated over {Describe(factorSpace)}); index it, e.g. {b.Name}[{r.Name}], inside Variable.ForEach({r.Name}).");
            indices = space.Ranges.Select(r => new IndexExpr(r, null)).ToList();
        }
        if (indices.Count != space.Rank)
            throw new NotSupportedException($"'{v.Name}' gives {indices.Count} index(es) but '{b.Name}' has {space.Rank} range(s) ({space}).");

        var switched = cases.Switched();
        int? SwitchCase(Variable iv)
        {
            var ib = ResolveIndices(iv).Base;
            foreach (var (b, c) in switched) if (ReferenceEquals(b, ib)) return c;
            return null;
        }
        foreach (var ix in indices)
        {
            if (ix.Range is { } r && factorSpace.IndexOf(r) < 0)
                throw new NotSupportedException($"'{v.Name}' is indexed by range '{r.Name}' but used in a factor replicated over {Describe(factorSpace)}; index an array by the ranges of the enclosing ForEach blocks.");
            if (ix.Variable is { } iv && SwitchCase(iv) is null)
                CheckIndexVariable(model, iv, factorSpace);
        }
        bool identity = indices.Count == factorSpace.Rank
            && indices.Select(ix => ix.Range).SequenceEqual(factorSpace.Ranges)
            && (space.Rank <= 1 || space.Key == factorSpace.Key);
        if (identity) return new Indexer(false, null);
        return new Indexer(false, () =>
        {
            var getters = indices.Select(ix =>
                ix.Range is { } r ? CoordinateGetter(factorSpace, r)
                : SwitchCase(ix.Variable!) is int caseValue ? (_ => caseValue)
                : IndexValueGetter(model, ix.Variable!, factorSpace)).ToArray();
            var map = new int[factorSpace.Count];
            var coordinates = new int[getters.Length];
            for (int i = 0; i < map.Length; i++)
            {
                for (int d = 0; d < getters.Length; d++) coordinates[d] = getters[d](i);
                map[i] = space.Flat(coordinates, b.Name);
            }
            return map;
        });
    }

    private static Func<int, int> CoordinateGetter(PlateSpace space, Range r)
    {
        int dim = space.IndexOf(r);
        return i => space.Coordinate(i, dim);
    }

    private static string Describe(PlateSpace s) => s.Rank == 0 ? "nothing" : $"'{s}'";

    private static void CheckIndexVariable(CompiledModel model, Variable iv, PlateSpace factorSpace)
    {
        var (ib, iidx) = ResolveIndices(iv);
        if (!ib.IsObserved)
            throw new NotSupportedException($"An array is indexed by random '{iv.Name}'; a random index is supported only inside Variable.Switch({iv.Name}).");
        if (ib.ValueType != typeof(int) && ib.ValueType != typeof(int[]) && ib.ValueType != typeof(int[][]) && ib.ValueType != typeof(int[,]))
            throw new NotSupportedException($"Index '{iv.Name}' must be an observed int or int array.");
        foreach (var ix in iidx)
        {
            if (ix.Range is { } r && factorSpace.IndexOf(r) < 0)
                throw new NotSupportedException($"Index '{iv.Name}' is indexed by '{r.Name}' but used in a factor replicated over {Describe(factorSpace)}.");
            if (ix.Variable is { } inner) CheckIndexVariable(model, inner, factorSpace);
        }
    }

    /// <summary>The observed value of an index expression at each factor instance (read after observed values are bound).</summary>
    private static Func<int, int> IndexValueGetter(CompiledModel model, Variable iv, PlateSpace factorSpace)
    {
        var (ib, iidx) = ResolveIndices(iv);
        var node = (ObservedNode)model.NodeOf[ib];
        var ints = node.Ints ?? throw new InvalidOperationException($"Index '{iv.Name}' must be observed as int values.");
        if (iidx.Count == 0)
            return node.Space.Rank == 0 ? _ => ints[0] : throw new NotSupportedException($"Index array '{ib.Name}' must be indexed (e.g. {ib.Name}[{node.Space.Ranges[0].Name}]).");
        if (iidx.Count != node.Space.Rank)
            throw new NotSupportedException($"Index '{iv.Name}' gives {iidx.Count} index(es) but '{ib.Name}' has {node.Space.Rank} range(s).");
        var getters = iidx.Select(ix => ix.Range is { } r ? CoordinateGetter(factorSpace, r) : IndexValueGetter(model, ix.Variable!, factorSpace)).ToArray();
        var coordinates = new int[getters.Length];
        return i =>
        {
            for (int d = 0; d < getters.Length; d++) coordinates[d] = getters[d](i);
            return ints[node.Space.Flat(coordinates, ib.Name)];
        };
    }

    /// <summary>The element of <paramref name="v"/> picked by constant indices (for inferring one element), or null for a whole variable.</summary>
    internal static int? ConstantElement(CompiledModel model, Variable v)
    {
        var (b, indices) = ResolveIndices(v);
        if (indices.Count == 0) return null;
        var node = model.NodeOf[b];
        if (indices.Count != node.Space.Rank)
            throw new NotSupportedException($"'{v.Name}' gives {indices.Count} index(es) but '{b.Name}' has {node.Space.Rank} range(s) ({node.Space}).");
        var coordinates = new int[indices.Count];
        for (int d = 0; d < indices.Count; d++)
        {
            if (indices[d].Variable is { } iv && ResolveIndices(iv) is var (ib, iidx) && iidx.Count == 0 && ib.ObservedObject is int k)
                coordinates[d] = k;
            else
                throw new NotSupportedException($"Infer the whole array '{b.Name}' rather than '{v.Name}': only elements picked by constant indices (e.g. {b.Name}[0]) can be inferred one at a time.");
        }
        return node.Space.Flat(coordinates, b.Name);
    }
}
