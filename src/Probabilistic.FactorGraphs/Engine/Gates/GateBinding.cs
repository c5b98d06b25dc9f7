using Probabilistic.FactorGraphs.Distributions;
using Probabilistic.FactorGraphs.Models;

namespace Probabilistic.FactorGraphs.Engine;

/// <summary>
/// One gate a compiled factor sits in: the block (frame), the selector node, the case this factor belongs to, and which
/// selector element each factor instance is switched by. A factor inside nested gates has one binding per gate, linked
/// from the innermost to the outermost through <see cref="Parent"/>.
/// </summary>
internal sealed class GateBinding
{
    internal GateBinding(GateFrame frame, VarNode selector, int caseValue)
    {
        Frame = frame;
        Selector = selector;
        Case = caseValue;
    }

    internal GateFrame Frame { get; }
    internal VarNode Selector { get; }
    internal int Case { get; }
    internal bool SelectorScalar { get; init; }
    internal int[]? SelectorMap { get; private set; }

    /// <summary>Builds <see cref="SelectorMap"/> at bind time (factor instance → selector element); null: identity.</summary>
    internal Func<int[]?>? SelectorMapBuilder { get; init; }

    /// <summary>The binding of the gate around this one, or null.</summary>
    internal GateBinding? Parent { get; init; }

    /// <summary>The gate group (selector element × cases) this binding's factor instances belong to; set by the compiler.</summary>
    internal GateGroup? Group { get; set; }

    internal void BindMap() => SelectorMap = SelectorMapBuilder?.Invoke();

    internal int SelectorIndex(int i) => SelectorScalar ? 0 : SelectorMap is null ? i : SelectorMap[i];

    /// <summary>The bindings from the outermost gate to this one.</summary>
    internal IEnumerable<GateBinding> Chain()
    {
        var list = new List<GateBinding>();
        for (var b = this; b is not null; b = b.Parent) list.Add(b);
        list.Reverse();
        return list;
    }

    /// <summary>q(selector = case) for factor instance i (0 or 1 for an observed selector).</summary>
    internal double Weight(int i)
    {
        int j = SelectorIndex(i);
        return Selector switch
        {
            VarNode<Bernoulli> b => Case == 1 ? b.Marginal[j].GetProbTrue() : b.Marginal[j].GetProbFalse(),
            VarNode<Discrete> d => d.Marginal[j][Case],
            ObservedNode o => ObservedCase(o, j) == Case ? 1 : 0,
            _ => throw new InvalidOperationException($"Selector '{Selector.Name}' is neither bool nor int."),
        };
    }

    /// <summary>The case an observed selector element picks (bool: 1 for true).</summary>
    internal static int ObservedCase(ObservedNode o, int j) => o.Values switch
    {
        bool[] bs => bs[j] ? 1 : 0,
        int[] ks => ks[j],
        _ => throw new InvalidOperationException($"Selector '{o.Name}' must be observed as bool or int."),
    };

    /// <summary>
    /// The VMP weight of instance i's messages to <paramref name="target"/>: the product of q(case) over
    /// the gates around the factor that do not also enclose the variable (a variable created in a case is conditional on it).
    /// </summary>
    internal double WeightFor(VarNode target, int i)
    {
        double w = 1;
        for (var b = this; b is not null; b = b.Parent)
            if (!target.LivesInside(b.Frame)) w *= b.Weight(i);
        return w;
    }
}
