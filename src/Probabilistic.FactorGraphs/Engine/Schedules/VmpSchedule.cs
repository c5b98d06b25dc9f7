using Probabilistic.Core.Inference;

namespace Probabilistic.FactorGraphs.Engine;

/// <summary>
/// Variational message passing's schedule, one sweep per <see cref="Step"/>: every random variable in creation order
/// receives all its messages and is reset to their product (exact coordinate ascent; initialised variables go last, so
/// that their initial marginals reach the others first). A gated factor's message to a variable living outside its case
/// is raised to q(case); a gate's selector receives each case's share of the bound. The value is the ELBO, checked never
/// to decrease by the driver.
/// </summary>
internal sealed class VmpSchedule : IElboOptimizer
{
    private readonly CompiledModel _model;
    private readonly List<VarNode> _random;
    private readonly List<VarNode> _order;
    private readonly Collapsed _collapsed;

    internal VmpSchedule(CompiledModel model)
    {
        _model = model;
        _collapsed = new Collapsed(model);
        foreach (var g in model.Groups) g.Collapsed = _collapsed.Nodes;
        _random = model.Variables.Where(v => !v.IsObserved).ToList();
        var updated = _random.Where(v => !_collapsed.Nodes.Contains(v)).ToList();
        bool Initialised(VarNode v) => v.Source.Initialiser is not null || v.Source.InitialiserVariable is not null;
        _order = [.. updated.Where(v => !Initialised(v)), .. updated.Where(Initialised)];
        _trailing = Trailing(updated, Initialised);
    }

    // Infer.NET recomputes some marginals after its loop when a variable is initialised. Read off its generated code for
    // every such model in the fixtures (mixtures over Switch assignments, LDA, a mean or a precision initialised): the
    // first variable created, then the initialised ones, then the rest in creation order, less any leading initialised
    // variable (updated last in the sweep, so already fresh). A rule fitted to those cases, not Infer.NET's scheduler.
    private readonly List<VarNode>? _trailing;

    private static List<VarNode>? Trailing(List<VarNode> updated, Func<VarNode, bool> initialised)
    {
        if (!updated.Any(initialised)) return null;
        var list = new List<VarNode> { updated[0] };
        foreach (var v in updated.Where(initialised)) if (!list.Contains(v)) list.Add(v);
        foreach (var v in updated) if (!list.Contains(v)) list.Add(v);
        int lead = 0;
        while (lead < list.Count && initialised(list[lead])) lead++;
        return list.Skip(lead).ToList();
    }

    /// <summary>
    /// True (the driver checks that the bound never falls) unless a truncation sends lagged messages: then a sweep is
    /// Infer.NET's, not exact coordinate ascent.
    /// </summary>
    public bool IsMonotone => !_collapsed.HasLaggedMessages;
    public bool IsBound => true;
    public long ObservationCount { get; private set; } = 1;

    /// <summary>The per-instance weights of <paramref name="f"/>'s messages to <paramref name="target"/> (null: all 1).</summary>
    internal static double[]? Weights(FactorNode f, VarNode target)
    {
        if (f.Gate is not { } g) return null;
        var w = new double[f.Count];
        for (int i = 0; i < w.Length; i++) w[i] = g.WeightFor(target, i);
        return w;
    }

    internal void Bind()
    {
        ObservationCount = Binding.Bind(_model);
        // ancestral pass: each variable starts at the message of its own definition given its parents' initial marginals
        _collapsed.Bind();
        foreach (var v in _random)
        {
            if (_collapsed.Nodes.Contains(v)) _collapsed.Forward(v);
            else Update(v, outputsOnly: true, only: -1);
        }
        foreach (var v in _random) if (Binding.Initialiser(v) is { } init) v.Apply(init);
        _collapsed.ForwardAll();
    }

    public double Step(CancellationToken cancellationToken)
    {
        foreach (var v in _order)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (_collapsed.IsCoupled(v))
                for (int j = 0; j < v.Count; j++) Update(v, outputsOnly: false, only: j);
            else Update(v, outputsOnly: false, only: -1);
        }
        _collapsed.UpdateLaggedMessages();
        _collapsed.ForwardDeferred();
        return Elbo();
    }

    /// <summary>
    /// After the last sweep, as Infer.NET's schedule ends: when a truncation's message was recomputed after its variable's
    /// update, every marginal is recomputed once more from the latest messages (without recomputing those messages).
    /// </summary>
    internal void Finish()
    {
        if (_trailing is not null)
            foreach (var v in _trailing)
            {
                if (_collapsed.IsCoupled(v))
                    for (int j = 0; j < v.Count; j++) Update(v, outputsOnly: false, only: j);
                else Update(v, outputsOnly: false, only: -1);
            }
        if (_collapsed.HasLaggedMessages)
            foreach (var v in _order)
            {
                if (_collapsed.IsCoupled(v))
                    for (int j = 0; j < v.Count; j++) Update(v, outputsOnly: false, only: j);
                else Update(v, outputsOnly: false, only: -1);
            }
        _collapsed.ForwardDeferred();
    }

    /// <summary>
    /// v's marginal := the product of its messages (all elements, or only element <paramref name="only"/> when its elements
    /// are coupled through a deterministic factor, so the update stays coordinate ascent).
    /// </summary>
    private void Update(VarNode v, bool outputsOnly, int only)
    {
        v.BeginAccumulate();
        foreach (var p in v.Ports)
        {
            if (outputsOnly && !p.IsOutput) continue;
            p.Factor.VmpSend(p, Weights(p.Factor, v));
        }
        if (!outputsOnly)
            foreach (var g in v.Selects) g.VmpSendToSelector();
        if (outputsOnly)
        {
            if (!v.AccumulatorProper()) return;
        }
        else _collapsed.Truncate(v, only);
        v.EndAccumulate(only);
        if (!outputsOnly) _collapsed.ForwardAfter(v);
    }

    private double Elbo()
    {
        double s = 0;
        foreach (var f in _model.RootFactors) s += f.VmpAverageLogSum(null);
        foreach (var g in _model.RootGroups) s += g.VmpBound();
        foreach (var v in _random) if (v.Home is null && !_collapsed.Nodes.Contains(v)) s -= v.SumAverageLogSelf();
        return s;
    }
}
