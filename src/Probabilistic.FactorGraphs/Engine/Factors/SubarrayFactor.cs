using Probabilistic.FactorGraphs.Engine;

namespace Probabilistic.FactorGraphs.Models
{
    public abstract partial class Variable
    {
        /// <summary>
        /// The elements of <paramref name="array"/> at <paramref name="indices"/> (an observed int array), as a new array over
        /// indices' range: <c>sub[k] = array[indices[k]]</c> (Infer.NET's <c>Variable.Subarray</c>). Each element is a copy
        /// of the one it picks (a repeated index copies it twice, as Infer.NET's GetItems).
        /// </summary>
        public static VariableArray<T> Subarray<T>(Variable<T[]> array, VariableArray<int> indices)
        {
            ArgumentNullException.ThrowIfNull(array);
            ArgumentNullException.ThrowIfNull(indices);
            if (array is not VariableArray<T> items)
                throw new ArgumentException($"Subarray needs an array variable over a range (Variable.Array<{typeof(T).Name}>(range)); '{array.Name}' is not one.", nameof(array));
            var r = indices.Range;
            var sub = Array<T>(r);
            sub[r] = Derived<T>(SubarrayFactor.Definition, items[indices[r]]);
            return sub;
        }
    }
}

namespace Probabilistic.FactorGraphs.Engine
{
    /// <summary>sub[k] = array[indices[k]]: a copy per picked element (the node is a <see cref="CopyFactor{T}"/>).</summary>
    internal static class SubarrayFactor
    {
        internal static readonly FactorDefinition Definition = new("Subarray", CopyFactor.Build, CopyFactor.Output);
    }
}
