using Probabilistic.FactorGraphs.Distributions;
using Probabilistic.FactorGraphs.Factors;

namespace Probabilistic.FactorGraphs.Engine;

/// <summary>
/// The entry of a variable into a Repeat block (Infer.NET's power plate, <c>PowerPlate.Enter</c>): the copy the block's
/// factors read, of the variable's distribution type.
/// </summary>
internal static class RepeatFactor
{
    internal static readonly FactorDefinition Definition = new("Repeat", Build, b => TypedFactory.NodeLike(b.NodeOf(b.Arg(0)), b.OutputBase,
        $"'{b.Arg(0).Name}' is read inside a Variable.Repeat block and observed after the block was written; a Repeat block raises the messages of random variables: set its observed value before writing the block, or move its factor out of the block."));

    private static FactorNode Build(FactorBuilder b) =>
        TypedFactory.Call<FactorNode>(typeof(RepeatFactor), nameof(Make), TypedFactory.DistributionOf(b.NodeOf(b.Output))!, b);

    private static FactorNode Make<T>(FactorBuilder b) where T : struct, IExponentialFamily<T> => new RepeatFactor<T>(b);
}

/// <summary>
/// value → copy inside a Repeat block with count w: the block's factors f read the copy, so the model has f^w. EP: the
/// copy receives value's context times m^(w−1), m the block's messages to the copy (the cavity of one of w replicas), and
/// value receives m^w (Infer.NET's PowerPlateOp). VMP: the copy is collapsed onto q(value), which receives the block's
/// messages raised to w. Both add (w − 1) times the block's evidence (EP) or expected log factors (VMP) that read the
/// copy, so that the log evidence and the bound are those of f^w. Supported: the block's factors reading the copy have
/// every other argument observed (weighted data, constraints).
/// </summary>
internal sealed class RepeatFactor<T> : FactorNode where T : struct, IExponentialFamily<T>
{
    private readonly IReadOnlyList<IPort> _ports;
    private (FactorNode F, int I)[][] _inside = [];

    internal RepeatFactor(FactorBuilder b) : base(b.Description)
    {
        var like = ((VarNode<T>)b.NodeOf(b.Output)).Uniform;
        Copy = b.Port(this, b.Output, "copy", like);
        Value = b.Port(this, b.Arg(0), "value", like);
        Power = b.Port<Gaussian>(this, b.Arg(1), "count", Checks.Doubles("Repeat", "count", c => c >= 0 && double.IsFinite(c), "finite and >= 0"));
        _ports = [Copy, Value, Power];
    }

    internal Port<T> Copy { get; }
    internal Port<T> Value { get; }
    internal Port<Gaussian> Power { get; }
    internal override IReadOnlyList<IPort> Ports => _ports;

    private double W(int i) => Power.Marginal(i).Point;

    /// <summary>The block's factor instances reading each instance's copy element.</summary>
    internal override void Prepare()
    {
        var byElement = new Dictionary<int, List<(FactorNode, int)>>();
        foreach (var p in Copy.Node.Ports)
        {
            if (ReferenceEquals(p, Copy)) continue;
            for (int k = 0; k < p.Factor.Count; k++)
            {
                int j = p.ElementIndex(k);
                if (!byElement.TryGetValue(j, out var list)) byElement[j] = list = [];
                list.Add((p.Factor, k));
            }
        }
        _inside = new (FactorNode, int)[Count][];
        for (int i = 0; i < Count; i++) _inside[i] = byElement.TryGetValue(Copy.Index(i), out var l) ? [.. l] : [];
    }

    private string? Refusal
    {
        get
        {
            if (Gate is { } g) return $"The {Description} factor (a Variable.Repeat block) inside the gate on '{g.Selector.Name}' is not supported.";
            foreach (var p in Copy.Node.Ports)
            {
                if (ReferenceEquals(p, Copy)) continue;
                var other = p.Factor.Ports.FirstOrDefault(q => !ReferenceEquals(q, p) && !q.IsObserved);
                if (p.IsOutput || other is not null)
                    return $"Inside the Variable.Repeat block the {p.Factor.Description} factor reads {Where(Value)} and also the random {(other is null ? Where(p) : Where(other))}; a Repeat block here supports factors whose other arguments are observed (weighted data or constraints). Observe it, or move the factor out of the block.";
            }
            return null;
        }
    }

    internal override string? EpRefusal => Refusal;

    internal override void EpSend(IPort target, int i)
    {
        var m = Copy.Context(i);
        double w = W(i);
        if (ReferenceEquals(target, Copy)) Copy.SetMessage(i, w == 0 ? Value.Context(i) : Value.Context(i) * m.Pow(w - 1));
        else Value.SetMessage(i, m.Pow(w));
    }

    /// <summary>(w − 1) × the evidence of the block's factors on this copy element, plus log A(q): the evidence of f^w.</summary>
    internal override double EpLogZ(int i)
    {
        double inside = 0;
        foreach (var (f, k) in _inside[i]) inside += f.EpEvidenceAt(k);
        return (W(i) - 1) * inside + Copy.LogNormalizerAt(i);
    }

    internal override string? VmpRefusal => Refusal;

    internal override bool IsDeterministic => true;

    internal override bool CombinesArguments => false;

    internal override void VmpForward()
    {
        for (int i = 0; i < Count; i++) Copy.Random!.Marginal[Copy.Index(i)] = Value.Marginal(i);
    }

    internal override void VmpSend(IPort target, double[]? w)
    {
        var back = Collapsed.Backward(Copy.Random!);
        for (int i = 0; i < Count; i++) Value.AddVmp(i, back[Copy.Index(i)].Pow(W(i) * (w?[i] ?? 1)));
    }

    /// <summary>(w − 1) × the block's E[log f] on this copy element: the bound of f^w.</summary>
    internal override double VmpAverageLog(int i)
    {
        double inside = 0;
        foreach (var (f, k) in _inside[i]) inside += f.VmpAverageLog(k);
        return (W(i) - 1) * inside;
    }
}
