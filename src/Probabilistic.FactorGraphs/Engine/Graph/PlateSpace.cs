using Range = Probabilistic.FactorGraphs.Models.Range;

namespace Probabilistic.FactorGraphs.Engine;

/// <summary>
/// The index space of a variable or a factor: the ranges it is replicated over, outermost first, flattened in
/// lexicographic order. A jagged range (<c>new Range(sizes[outer])</c>) has a size per element of its outer range,
/// so a grouped data set is one flat array and a factor over it one loop. A single range is the identity layout.
/// </summary>
internal sealed class PlateSpace
{
    // Per level d (1..Rank): the prefix at level d−1 each element extends, and its coordinate on range d−1.
    private int[][] _parent = [];
    private int[][] _coordinate = [];
    // Per level d (0..Rank−1): where the children of each prefix start at level d+1 (length = count at d, + 1).
    private int[][] _start = [];

    internal PlateSpace(IReadOnlyList<Range> ranges)
    {
        Ranges = ranges;
        Key = string.Join(",", ranges.Select(r => r.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)));
    }

    internal IReadOnlyList<Range> Ranges { get; }
    internal string Key { get; }
    internal int Rank => Ranges.Count;
    internal int Count { get; private set; } = 1;

    /// <summary>The ranges in an order where every jagged range follows the range its sizes are indexed by.</summary>
    internal static List<Range> Ordered(IEnumerable<Range> ranges)
    {
        var input = ranges.Distinct().ToList();
        var result = new List<Range>(input.Count);
        void Place(Range r, int depth)
        {
            if (result.Contains(r)) return;
            if (depth > input.Count) throw new InvalidOperationException($"Range '{r.Name}' has a size that depends on itself.");
            if (r.Outer is { } outer)
            {
                if (!input.Contains(outer))
                    throw new NotSupportedException($"Range '{r.Name}' has a size per element of '{outer.Name}', so it can only be used inside Variable.ForEach({outer.Name}) (or indexed together with '{outer.Name}').");
                Place(outer, depth + 1);
            }
            result.Add(r);
        }
        foreach (var r in input) Place(r, 0);
        return result;
    }

    /// <summary>Reads the ranges' sizes (fixed, observed, or per outer element) and builds the layout.</summary>
    internal void Bind()
    {
        if (Rank == 0) { Count = 1; return; }
        if (Rank == 1)
        {
            if (Ranges[0].Outer is not null) throw JaggedWithoutOuter(Ranges[0]);
            Count = Ranges[0].SizeAsInt;
            return;
        }
        _parent = new int[Rank + 1][];
        _coordinate = new int[Rank + 1][];
        _start = new int[Rank][];
        int count = 1;
        for (int d = 0; d < Rank; d++)
        {
            var range = Ranges[d];
            int outerLevel = range.Outer is { } o ? IndexOf(o) : -1;
            if (range.Outer is not null && outerLevel < 0) throw JaggedWithoutOuter(range);
            var start = new int[count + 1];
            long next = 0;
            for (int p = 0; p < count; p++)
            {
                start[p] = (int)next;
                int size = outerLevel < 0 ? range.SizeAsInt : range.SizeAt(Coordinate(p, d, outerLevel));
                next += size;
                if (next > int.MaxValue) throw new InvalidOperationException($"The ranges {string.Join(" × ", Ranges.Select(r => r.Name))} have more than {int.MaxValue} elements.");
            }
            start[count] = (int)next;
            var parent = new int[next];
            var coordinate = new int[next];
            for (int p = 0; p < count; p++)
                for (int c = 0, e = start[p]; e < start[p + 1]; c++, e++) { parent[e] = p; coordinate[e] = c; }
            _start[d] = start;
            _parent[d + 1] = parent;
            _coordinate[d + 1] = coordinate;
            count = (int)next;
        }
        Count = count;
    }

    private static Exception JaggedWithoutOuter(Range r) =>
        new NotSupportedException($"Range '{r.Name}' has a size per element of '{r.Outer!.Name}'; use it inside Variable.ForEach({r.Outer!.Name}).");

    internal int IndexOf(Range r)
    {
        for (int d = 0; d < Rank; d++) if (ReferenceEquals(Ranges[d], r)) return d;
        return -1;
    }

    /// <summary>The coordinate on range <paramref name="dim"/> of element <paramref name="flat"/>.</summary>
    internal int Coordinate(int flat, int dim) => Rank == 1 ? flat : Coordinate(flat, Rank, dim);

    // Element e at level `level` (a prefix of that length); its coordinate on range dim < level.
    private int Coordinate(int e, int level, int dim)
    {
        for (int l = level; l > dim + 1; l--) e = _parent[l][e];
        return _coordinate[dim + 1][e];
    }

    /// <summary>The flat index of the element with these coordinates (one per range), or an error naming the range.</summary>
    internal int Flat(ReadOnlySpan<int> coordinates, string variableName)
    {
        if (Rank == 0) return 0;
        if (Rank == 1)
        {
            if ((uint)coordinates[0] >= (uint)Count) throw OutOfRange(variableName, 0, coordinates[0], Count);
            return coordinates[0];
        }
        int p = 0;
        for (int d = 0; d < Rank; d++)
        {
            int size = _start[d][p + 1] - _start[d][p];
            if ((uint)coordinates[d] >= (uint)size) throw OutOfRange(variableName, d, coordinates[d], size);
            p = _start[d][p] + coordinates[d];
        }
        return p;
    }

    private Exception OutOfRange(string name, int dim, int value, int size) =>
        new IndexOutOfRangeException($"An index into '{name}' on range '{Ranges[dim].Name}' is {value}, outside [0, {size}).");

    /// <summary>The size of the first range (rows of a two-range space).</summary>
    internal int RowCount => Rank == 0 ? 1 : Rank == 1 ? Count : _start[0][1];

    /// <summary>The number of elements under row <paramref name="row"/> of the first range.</summary>
    internal int RowLength(int row) => Rank == 1 ? 1 : _start[1][row + 1] - _start[1][row];

    /// <inheritdoc/>
    public override string ToString() => Rank == 0 ? "scalar" : string.Join(" × ", Ranges.Select(r => r.Name));
}
