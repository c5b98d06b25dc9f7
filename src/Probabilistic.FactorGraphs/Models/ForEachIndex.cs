namespace Probabilistic.FactorGraphs.Models;

public sealed partial class ModelBlock
{
    /// <summary>
    /// The index of the current element inside a <c>Variable.ForEach(range)</c> block (Infer.NET's <c>ForEachBlock.Index</c>):
    /// an int known for every element, usable as a Case selector (<c>Variable.Case(block.Index, 0)</c>), compared with
    /// <c>==</c>, or as an index into another array over a range of the same size (<c>level[block.Index]</c>).
    /// </summary>
    /// <exception cref="InvalidOperationException">The block is not a ForEach block.</exception>
    public Variable<int> Index => Range is { } r ? RangeIndices.Of(r) : throw new InvalidOperationException("Index is defined for a Variable.ForEach block only.");
}
