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
    private HashSet<FactorNode>? _standIns;   // definitions of initialised variables: they send at the end of a sweep

    internal EpSchedule(CompiledModel model)
    {
        _model = model;
        _order = Order(model);
        _blocks = SequentialBlocks(_order);
    }

    /// <summary>
    /// Consecutive items replicated over one range marked Sequential: they run element by element, each element's messages
    /// to the variables it defines then to its arguments, applied at once (Infer.NET's schedule for such a range).
    /// </summary>
    private sealed class Block(Models.Range range, List<Item> items)
    {
        internal Models.Range Range { get; } = range;
        internal List<Item> Items { get; } = items;

        /// <summary>Per item, per element of the range: the item's instances at that element.</summary>
        internal List<int>[][] Instances { get; set; } = [];
    }

    private readonly List<Block> _blocks;
    private readonly Dictionary<Item, Block> _blockOf = [];

    private static Models.Range? SequentialRange(Item item)
    {
        var ranges = item.Group is { } g ? g.Selector.Space.Ranges : item.Factor!.Space.Ranges;
        return ranges.FirstOrDefault(r => r.IsSequential);
    }

    private List<Block> SequentialBlocks(List<Item> order)
    {
        var blocks = new List<Block>();
        Block? open = null;
        foreach (var item in order)
        {
            var r = SequentialRange(item);
            if (r is null) { open = null; continue; }
            if (open is null || !ReferenceEquals(open.Range, r)) { open = new Block(r, []); blocks.Add(open); }
            open.Items.Add(item);
            _blockOf[item] = open;
        }
        return blocks;
    }

    /// <summary>Bind time: each block item's instances per element of the sequential range; its ports update at once.</summary>
    private void BindBlocks()
    {
        foreach (var block in _blocks)
        {
            int size = block.Range.SizeAsInt;
            block.Instances = new List<int>[block.Items.Count][];
            for (int k = 0; k < block.Items.Count; k++)
            {
                var lists = Enumerable.Range(0, size).Select(_ => new List<int>()).ToArray();
                var item = block.Items[k];
                if (item.Group is { } g)
                {
                    var coordinates = g.InstanceCoordinates(block.Range)!;
                    for (int j = 0; j < coordinates.Length; j++) lists[coordinates[j]].Add(j);
                }
                else
                {
                    var f = item.Factor!;
                    int d = f.Space.IndexOf(block.Range);
                    for (int i = 0; i < f.Count; i++) lists[f.Space.Coordinate(i, d)].Add(i);
                    foreach (var p in f.Ports) p.Parallel = false;
                }
                block.Instances[k] = lists;
            }
        }
    }

    /// <summary>A sequential block: for each element of its range, messages forward through its items, then back.</summary>
    private static void RunBlock(Block block)
    {
        int size = block.Range.SizeAsInt;
        for (int r = 0; r < size; r++)
        {
            for (int k = 0; k < block.Items.Count; k++)
            {
                var item = block.Items[k];
                if (item.Group is { } g) { foreach (int j in block.Instances[k][r]) g.EpUpdateInstance(j); continue; }
                var f = item.Factor!;
                if (f.Output is not { IsObserved: false } output) continue;
                foreach (int i in block.Instances[k][r]) f.EpSend(output, i);
                output.Commit();
            }
            for (int k = block.Items.Count - 1; k >= 0; k--)
            {
                if (block.Items[k].Factor is not { } f) continue;
                foreach (var p in f.Ports)
                {
                    if (p.IsOutput || p.IsObserved) continue;
                    foreach (int i in block.Instances[k][r]) f.EpSend(p, i);
                    p.Commit();
                }
            }
        }
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
            int rank = int.MaxValue; // the earliest member's (a loop: Min over a selector is JIT-compiled under ReadyToRun)
            foreach (var f in members) rank = Math.Min(rank, model.Factors.IndexOf(f));
            var item = new Item(null, g, rank);
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
        foreach (var i in items) foreach (var o in i.Outputs) definers[o] = CountOf(definers, o) + 1;
        var order = new List<Item>();
        var placed = new Dictionary<VarNode, int>();
        while (pending.Count > 0)
        {
            var next = pending.FirstOrDefault(i => i.Inputs.All(v => !definers.ContainsKey(v) || CountOf(placed, v) == definers[v])) ?? pending[0];
            pending.Remove(next);
            order.Add(next);
            foreach (var o in next.Outputs) placed[o] = CountOf(placed, o) + 1;
        }
        return order;

        // GetValueOrDefault would be CollectionExtensions' generic over IReadOnlyDictionary<VarNode, int>, which ReadyToRun
        // does not precompile (a fresh process would JIT it before its first answer)
        static int CountOf(Dictionary<VarNode, int> counts, VarNode v) => counts.TryGetValue(v, out int c) ? c : 0;
    }

    /// <summary>Reads observed values and sizes, allocates marginals and messages, and applies InitialiseTo.</summary>
    internal void Bind()
    {
        ObservationCount = Binding.Bind(_model);
        BindBlocks();
        _removeInitial = null;
        _standIns = null;
        foreach (var g in _model.RootGroups) g.SlotsFirst = !g.Selector.IsObserved && Binding.Initialiser(g.Selector) is not null;
        foreach (var v in _model.Variables)
        {
            if (v.IsObserved || Binding.Initialiser(v) is not { } init) continue;
            if (v.StartFrom(init, out var remove) is { } def) (_standIns ??= []).Add(def);
            if (remove is not null) (_removeInitial ??= []).Add(remove);
        }
    }

    public double Step(CancellationToken cancellationToken)
    {
        foreach (var item in _order)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (_blockOf.TryGetValue(item, out var block))
            {
                if (ReferenceEquals(block.Items[0], item)) RunBlock(block);
                continue;
            }
            if (item.Group is { } g) g.EpUpdate(parallel: true);
            else if (item.Factor!.Output is { IsObserved: false } output && _standIns?.Contains(item.Factor) != true) item.Factor.EpSendAll(output);
        }
        for (int k = _order.Count - 1; k >= 0; k--)
        {
            if (_order[k].Factor is not { } f || _blockOf.ContainsKey(_order[k])) continue;
            cancellationToken.ThrowIfCancellationRequested();
            foreach (var p in f.Ports)
                if (!p.IsOutput && !p.IsObserved) f.EpSendAll(p);
        }
        // an initialised variable's definition sends at the end of each sweep, where Infer.NET's schedule puts it (its
        // initialisation is what the first sweep's readers see)
        if (_standIns is not null)
            foreach (var def in _standIns) def.EpSendAll(def.Output!);
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
