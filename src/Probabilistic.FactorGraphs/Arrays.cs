namespace Probabilistic.FactorGraphs;

/// <summary>
/// Array helpers written out as loops in this assembly. The framework's generic ones (Array.Fill, LINQ's GroupBy and
/// OrderBy) instantiated over this library's structs or over int keys are not precompiled by ReadyToRun, which can only
/// compile generic code whose definition lives in the assembly it compiles; a fresh process JIT-compiles them before its
/// first answer. These are precompiled with the library.
/// </summary>
internal static class Arrays
{
    /// <summary>
    /// A shared empty array: Array.Empty's (or <c>[]</c>'s) instantiation over one of this library's structs is left to the
    /// JIT by ReadyToRun, this one is precompiled.
    /// </summary>
    internal static T[] Empty<T>() => EmptyOf<T>.Value;

    private static class EmptyOf<T>
    {
        internal static readonly T[] Value = new T[0];
    }

    /// <summary>Sets every element of <paramref name="array"/> to <paramref name="value"/>.</summary>
    internal static void Fill<T>(T[] array, T value)
    {
        for (int i = 0; i < array.Length; i++) array[i] = value;
    }

    /// <summary>0, 1, …, <paramref name="count"/> − 1 (Enumerable.Range(0, count).ToArray(), written out).</summary>
    internal static int[] Indices(int count)
    {
        var indices = new int[count];
        for (int i = 0; i < count; i++) indices[i] = i;
        return indices;
    }

    /// <summary>Σ values, added in index order (what Enumerable.Sum does for a double[]).</summary>
    internal static double Sum(double[] values)
    {
        double s = 0;
        foreach (double v in values) s += v;
        return s;
    }

    /// <summary>
    /// Same length and a[k].Equals(b[k]) for every k (NaN equals NaN, 0 equals −0): what MemoryExtensions.SequenceEqual
    /// does for doubles, written out.
    /// </summary>
    internal static bool SequenceEqual(double[] a, double[] b)
    {
        if (a.Length != b.Length) return false;
        for (int k = 0; k < a.Length; k++)
            if (!a[k].Equals(b[k])) return false;
        return true;
    }

    /// <summary>values[k] − shift for each k, in a new array (Select(x => x - shift).ToArray(), written out).</summary>
    internal static double[] Minus(double[] values, double shift)
    {
        var shifted = new double[values.Length];
        for (int k = 0; k < shifted.Length; k++) shifted[k] = values[k] - shift;
        return shifted;
    }

    /// <summary>The largest value, NaN only when every value is NaN (Enumerable.Max's rule for doubles); throws when empty.</summary>
    internal static double Max(double[] values)
    {
        if (values.Length == 0) throw new InvalidOperationException("Sequence contains no elements");
        int i = 0;
        double max = values[0];
        while (double.IsNaN(max) && ++i < values.Length) max = values[i];
        for (i++; i < values.Length; i++)
            if (values[i] > max) max = values[i];
        return max;
    }

    /// <summary>
    /// Sorts ascending, NaNs first, as MemoryExtensions.Sort does for doubles. Up to 16 values (where the framework's sort
    /// is an insertion sort too, so equal values keep the same order) by an insertion sort of this assembly's; longer spans by
    /// the framework's.
    /// </summary>
    internal static void Sort(Span<double> values)
    {
        if (values.Length > 16)
        {
            values.Sort();
            return;
        }
        for (int i = 1; i < values.Length; i++)
        {
            double t = values[i];
            int j = i - 1;
            for (; j >= 0 && Less(t, values[j]); j--) values[j + 1] = values[j];
            values[j + 1] = t;
        }

        static bool Less(double a, double b) => double.IsNaN(a) ? !double.IsNaN(b) : a < b;
    }

    /// <summary>The elements of <paramref name="items"/> in order, as an array (Enumerable.ToArray, written out).</summary>
    internal static T[] ToArray<T>(IEnumerable<T> items)
    {
        var array = new T[items is IReadOnlyCollection<T> c ? c.Count : 8];
        int n = 0;
        foreach (var item in items)
        {
            if (n == array.Length)
            {
                var grown = new T[Math.Max(8, 2 * n)];
                Array.Copy(array, grown, n);
                array = grown;
            }
            array[n++] = item;
        }
        if (n == array.Length) return array;
        var exact = new T[n];
        Array.Copy(array, exact, n);
        return exact;
    }

    /// <summary>
    /// The instances 0..<paramref name="count"/>−1 grouped by <paramref name="key"/> (an element index, at least 0), the
    /// groups in increasing key order and each group's instances in increasing order: what
    /// <c>Enumerable.Range(0, count).GroupBy(key).OrderBy(g => g.Key).Select(g => g.ToArray()).ToArray()</c> gives.
    /// </summary>
    internal static int[][] GroupByKey(int count, Func<int, int> key)
    {
        var keyOf = new int[count];
        int keys = 0;
        for (int i = 0; i < count; i++)
        {
            keyOf[i] = key(i);
            if (keyOf[i] < 0) throw new ArgumentOutOfRangeException(nameof(key), keyOf[i], "An element index is negative.");
            keys = Math.Max(keys, keyOf[i] + 1);
        }
        var members = new List<int>?[keys];
        int groups = 0;
        for (int i = 0; i < count; i++)
        {
            if (members[keyOf[i]] is not { } list)
            {
                members[keyOf[i]] = list = [];
                groups++;
            }
            list.Add(i);
        }
        var result = new int[groups][];
        int g = 0;
        foreach (var list in members)
            if (list is not null) result[g++] = list.ToArray();
        return result;
    }

    /// <summary>Sorts <paramref name="items"/> in place by <paramref name="key"/>, stably (as OrderBy does).</summary>
    internal static int[] SortStablyBy(int[] items, Func<int, int> key)
    {
        var keys = new int[items.Length];
        for (int i = 0; i < items.Length; i++) keys[i] = key(items[i]);
        for (int i = 1; i < items.Length; i++)
        {
            int item = items[i], k = keys[i], j = i - 1;
            for (; j >= 0 && keys[j] > k; j--)
            {
                items[j + 1] = items[j];
                keys[j + 1] = keys[j];
            }
            items[j + 1] = item;
            keys[j + 1] = k;
        }
        return items;
    }
}
