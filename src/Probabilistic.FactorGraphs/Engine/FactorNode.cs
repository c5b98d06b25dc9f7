using Range = Probabilistic.FactorGraphs.Models.Range;
using Probabilistic.FactorGraphs.Distributions;
using Probabilistic.FactorGraphs.Models;

namespace Probabilistic.FactorGraphs.Engine;

/// <summary>The gate a compiled factor sits in: its selector, the case value, and the selector element per instance.</summary>
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
    internal bool SelectorScalar { get; set; }
    internal int[]? SelectorMap { get; set; }

    /// <summary>Builds <see cref="SelectorMap"/> at bind time (factor instance → selector element); null: identity.</summary>
    internal Func<int[]?>? SelectorMapBuilder { get; set; }

    internal int SelectorIndex(int i) => SelectorScalar ? 0 : SelectorMap is null ? i : SelectorMap[i];

    /// <summary>The binding of the gate around this one (nested gates), or null.</summary>
    internal GateBinding? Parent { get; init; }

    /// <summary>q(every enclosing selector = its case) for factor instance i: the product over the nested gates (mean field).</summary>
    internal double ChainWeight(int i) => Parent is null ? Weight(i) : Weight(i) * Parent.ChainWeight(i);

    /// <summary>The product of the enclosing gates' weights except <paramref name="skip"/>'s, for factor instance i.</summary>
    internal double WeightWithout(GateBinding skip, int i)
    {
        double w = 1;
        for (var b = this; b is not null; b = b.Parent) if (!ReferenceEquals(b, skip)) w *= b.Weight(i);
        return w;
    }

    /// <summary>The binding of this factor to the gate of <paramref name="frame"/>.</summary>
    internal GateBinding For(GateFrame frame)
    {
        for (var b = this; b is not null; b = b.Parent) if (Equals(b.Frame, frame)) return b;
        throw new InvalidOperationException($"The factor is not inside the gate on '{frame.Selector.Name}'.");
    }

    /// <summary>q(selector = case) for factor instance i.</summary>
    internal double Weight(int i)
    {
        int j = SelectorIndex(i);
        return Selector switch
        {
            VarNode<Bernoulli> b => Case == 1 ? b.Marginal[j].GetProbTrue() : b.Marginal[j].GetProbFalse(),
            VarNode<Discrete> d => d.Marginal[j][Case],
            ObservedNode o when o.Bools is { } bs => (bs[j] ? 1 : 0) == Case ? 1 : 0,
            ObservedNode o when o.Ints is { } ks => ks[j] == Case ? 1 : 0,
            _ => throw new InvalidOperationException($"Selector '{Selector.Name}' is neither bool nor int."),
        };
    }
}

/// <summary>A factor of the compiled graph, replicated over its plate (<see cref="Count"/> instances, one loop).</summary>
internal abstract class FactorNode
{
    internal FactorNode(string description) { Description = description; }

    internal string Description { get; }
    internal PlateSpace Space { get; set; } = new([]);
    internal int Count { get; private set; } = 1;
    internal GateBinding? Gate { get; set; }

    /// <summary>Under VMP: weight this gated factor's messages by q(case) (false for the definitions of gate-local variables).</summary>
    internal bool VmpWeighted { get; set; }

    internal abstract IEnumerable<IPort> Ports { get; }

    internal virtual void Allocate()
    {
        Count = Space.Count;
        for (var g = Gate; g is not null; g = g.Parent) g.SelectorMap = g.SelectorMapBuilder?.Invoke();
        foreach (var p in Ports) p.Allocate(Count);
    }

    /// <summary>One EP pass over every instance and port.</summary>
    internal virtual void EpUpdate()
    {
        for (int i = 0; i < Count; i++) EpUpdateAt(i);
    }

    /// <summary>True when <see cref="EpUpdateAt"/> updates one instance on its own (what an EP gate needs of its members).</summary>
    internal virtual bool SupportsEpAt => false;

    /// <summary>One EP update of instance i's messages on every port.</summary>
    internal virtual void EpUpdateAt(int i) =>
        throw new NotSupportedException($"The {Description} factor has no per-instance ExpectationPropagation update.");

    /// <summary>log ∫ f Π (unnormalised contexts) for instance i.</summary>
    internal abstract double EpLogZ(int i);

    /// <summary>This factor's share of the EP log evidence: Σ_i log Ẑ_i − Σ_ports Σ_i A(q).</summary>
    internal virtual double EpEvidenceTerm()
    {
        double s = 0;
        for (int i = 0; i < Count; i++) s += EpLogZ(i);
        foreach (var p in Ports) s -= p.SumLogNormalizerAt();
        return s;
    }

    /// <summary>True when VMP messages exist for this factor.</summary>
    internal virtual bool SupportsVmp => false;

    /// <summary>
    /// True for factors c = f(args) (sum, difference, scale, inner product, IsPositive, and / or / not). Under VMP a random
    /// output is collapsed: its q is the push-forward <see cref="VmpForward"/> of its arguments' q, it has no entropy term
    /// and the factor no E[log f] term (Winn &amp; Bishop 2005, deterministic nodes).
    /// </summary>
    internal virtual bool IsDeterministic => false;

    /// <summary>Sets a collapsed output's marginals to the push-forward of the arguments' current marginals.</summary>
    internal virtual void VmpForward() { }

    /// <summary>Multiplies this factor's VMP messages into <paramref name="target"/>'s accumulator (each raised to its gate weight).</summary>
    internal virtual void VmpSend(IPort target, double[]? weights) =>
        throw new NotSupportedException(UnsupportedVmp());

    /// <summary>Σ_i w_i E_q[log f_i].</summary>
    internal virtual double VmpAverageLogSum(double[]? w)
    {
        double s = 0;
        for (int i = 0; i < Count; i++) s += (w?[i] ?? 1) * VmpAverageLog(i);
        return s;
    }

    /// <summary>E_q[log f] for instance i.</summary>
    internal virtual double VmpAverageLog(int i) => throw new NotSupportedException(UnsupportedVmp());

    internal string UnsupportedVmp() =>
        $"The {Description} factor has no VariationalMessagePassing operator. Use ExpectationPropagation for this model; VMP supports Gaussian, Gamma, Beta–Bernoulli, Dirichlet–Discrete and VectorGaussian–Wishart factors and gates on them, Poisson counts, and the deterministic +, −, * (a constant or another random double), InnerProduct, IsPositive (>, <) and &, |, ! (inside a gate when their output is a new variable created in it).";

    internal static string Where(IPort p) => $"'{p.Node.Name}'";
}
