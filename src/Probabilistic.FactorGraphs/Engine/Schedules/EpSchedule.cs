using Probabilistic.Core.Inference;

namespace Probabilistic.FactorGraphs.Engine;

/// <summary>
/// Expectation propagation's schedule, one sweep per <see cref="Step"/> on Core's driver. The top-level factors and gate
/// groups are ordered parents first; a sweep sends each factor's message to the variable it defines in that order, then
/// its messages to its arguments in reverse order (a tree is exact after one sweep). Each message is one loop over the
/// factor's plate in which a variable shared by the instances keeps the marginal it had when the loop began (Infer.NET's
/// parallel update over a range). The value is EP's log-evidence estimate.
/// </summary>
internal sealed class EpSchedule : IElboOptimizer
{
    private readonly CompiledModel _model;
    private readonly List<Item> _order;
    private List<Action>? _removeInitial;

    internal EpSchedule(CompiledModel model)
    {
        _model = model;
        _order = Order(model);
    }

    public bool IsMonotone => false;
    public bool IsBound => false;
    public long ObservationCount { get; private set; } = 1;

    /// <summary>A top-level factor or gate group, with the variables it defines and reads.</summary>
    private sealed class Item(FactorNode? factor, GateGroup? group, int rank)
    {
        internal FactorNode? Factor { get; } = factor;
        internal GateGroup? Group { get; } = group;
        internal int Rank { get; } = rank;
        internal HashSet<VarNode> Outputs { get; } = [];
        internal HashSet<VarNode> Inputs { get; } = [];
    }

    private static List<Item> Order(CompiledModel model)
    {
        var items = new List<Item>();
        foreach (var f in model.RootFactors)
        {
            var item = new Item(f, null, model.Factors.IndexOf(f));
            foreach (var p in f.Ports)
                if (!p.IsObserved) (p.IsOutput ? item.Outputs : item.Inputs).Add(p.Node);
            items.Add(item);
        }
        foreach (var g in model.RootGroups)
        {
            var members = g.AllMembers().ToList();
            var item = new Item(null, g, members.Min(model.Factors.IndexOf));
            foreach (var f in members)
                foreach (var p in f.Ports)
                {
                    if (p.IsObserved || p.Node.Home is not null) continue;
                    (p.IsOutput ? item.Outputs : item.Inputs).Add(p.Node);
                }
            if (!g.Selector.IsObserved) item.Inputs.Add(g.Selector);
            item.Inputs.ExceptWith(item.Outputs);
            items.Add(item);
        }
        // Kahn's algorithm, taking the earliest-created item whose inputs are all defined; on a cycle, the earliest left
        var pending = items.OrderBy(i => i.Rank).ToList();
        var defined = new HashSet<VarNode>();
        var definers = new Dictionary<VarNode, int>();
        foreach (var i in items) foreach (var o in i.Outputs) definers[o] = definers.GetValueOrDefault(o) + 1;
        var order = new List<Item>();
        var placed = new Dictionary<VarNode, int>();
        while (pending.Count > 0)
        {
            var next = pending.FirstOrDefault(i => i.Inputs.All(v => !definers.ContainsKey(v) || placed.GetValueOrDefault(v) == definers[v])) ?? pending[0];
            pending.Remove(next);
            order.Add(next);
            foreach (var o in next.Outputs) placed[o] = placed.GetValueOrDefault(o) + 1;
        }
        return order;
    }

    /// <summary>Reads observed values and sizes, allocates marginals and messages, and applies InitialiseTo.</summary>
    internal void Bind()
    {
        ObservationCount = Binding.Bind(_model);
        _removeInitial = null;
        foreach (var v in _model.Variables)
        {
            if (v.IsObserved || Binding.Initialiser(v) is not { } init) continue;
            (_removeInitial ??= []).Add(v.StartFrom(init));
        }
    }

    public double Step(CancellationToken cancellationToken)
    {
        foreach (var item in _order)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (item.Group is { } g) g.EpUpdate(parallel: true);
            else if (item.Factor!.Output is { IsObserved: false } output) item.Factor.EpSendAll(output);
        }
        for (int k = _order.Count - 1; k >= 0; k--)
        {
            if (_order[k].Factor is not { } f) continue;
            cancellationToken.ThrowIfCancellationRequested();
            foreach (var p in f.Ports)
                if (!p.IsOutput && !p.IsObserved) f.EpSendAll(p);
        }
        if (_removeInitial is not null)
        {
            foreach (var remove in _removeInitial) remove();
            _removeInitial = null;
        }
        return LogEvidence();
    }

    /// <summary>EP's log evidence: Σ_f [log ∫ f Π ctx − Σ A(q)] + Σ_v A(q_v) over the top level (gates add their cases').</summary>
    private double LogEvidence()
    {
        double s = 0;
        foreach (var f in _model.RootFactors) s += f.EpEvidenceTerm();
        foreach (var g in _model.RootGroups) s += g.EpEvidenceTerm();
        foreach (var v in _model.Variables) if (!v.IsObserved && v.Home is null) s += v.SumLogNormalizer();
        return s;
    }
}
