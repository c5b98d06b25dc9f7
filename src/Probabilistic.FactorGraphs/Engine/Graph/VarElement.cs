namespace Probabilistic.FactorGraphs.Engine;

/// <summary>
/// Element <see cref="Index"/> of variable <see cref="Node"/>, as a key of per-element sets and maps built at bind time. A
/// class rather than a <c>(VarNode, int)</c> tuple: the framework's HashSet and Dictionary code keyed on a value tuple is not
/// precompiled by ReadyToRun (a fresh process JIT-compiles it before its first answer), while over a class it shares the
/// framework's precompiled code.
/// </summary>
internal sealed class VarElement(VarNode node, int index) : IEquatable<VarElement>
{
    internal VarNode Node { get; } = node;
    internal int Index { get; } = index;

    public bool Equals(VarElement? other) => other is not null && ReferenceEquals(Node, other.Node) && Index == other.Index;

    public override bool Equals(object? obj) => Equals(obj as VarElement);

    public override int GetHashCode() => unchecked(System.Runtime.CompilerServices.RuntimeHelpers.GetHashCode(Node) * 397 + Index);
}
