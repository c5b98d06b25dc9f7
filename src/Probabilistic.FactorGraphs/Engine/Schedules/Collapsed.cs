using Probabilistic.FactorGraphs.Distributions;

namespace Probabilistic.FactorGraphs.Engine;

/// <summary>A factor whose observed output truncates one random Gaussian under VMP (IsPositive, and the factors built on it).</summary>
internal interface ITruncatingFactor
{
    /// <summary>The variable truncated, once bound; null while the output is random.</summary>
    VarNode<Gaussian>? TruncationTarget { get; }

    /// <summary>True when the factor's output is observed (so it truncates).</summary>
    bool Truncates { get; }

    void BindTruncation();

    void Truncate(int only);

    /// <summary>Recomputes the truncation's messages from the truncated variable's current marginal (after its update).</summary>
    void UpdateMessages();
}

/// <summary>
/// VMP's treatment of deterministic factors c = f(args) (Winn &amp; Bishop 2005, "Variational Message Passing", deterministic
/// nodes). A random c is collapsed: q(c) is the push-forward of its arguments' q (exact for the factors quadratic in c
/// that read it, and for Boolean c), recomputed after every update of an ancestor so that the schedule stays exact
/// coordinate ascent; c has no entropy term and f no E[log f] term. Messages to an argument use c's backward message,
/// the product of the messages c receives (<see cref="Backward{T}"/>, recursive through chains of deterministic factors).
/// An observed IsPositive output truncates the one random Gaussian its argument is an affine function of.
/// </summary>
internal sealed class Collapsed
{
    private readonly CompiledModel _model;
    private readonly List<FactorNode> _forward = [];
    private readonly Dictionary<VarNode, List<FactorNode>> _after = [];
    private readonly Dictionary<VarNode, ITruncatingFactor> _truncation = [];
    private readonly HashSet<VarNode> _coupled = [];
    private readonly Dictionary<VarNode, FactorNode> _definition = [];

    internal Collapsed(CompiledModel model)
    {
        _model = model;
        foreach (var f in model.Factors.Where(f => f.IsDeterministic))
        {
            var output = f.Output!;
            if (f.Gate is { } g) CheckGated(f, g, output);
            if (output.IsObserved) continue;
            if (!Nodes.Add(output.Node))
                throw new NotSupportedException($"Under VariationalMessagePassing '{output.Node.Name}' is defined by more than one deterministic factor (for example once per case of a Switch block), and its value may differ by case. Compute it outside the Switch, or write the cases as Variable.Case blocks with one variable each.");
            _forward.Add(f);
            _definition[output.Node] = f;
        }
        foreach (var f in _forward)
            if (IsReadOnlyForTheBound(f.Output!.Node)) _deferred.Add(f);
        foreach (var c in Nodes)
        {
            if (c.Source.Initialiser is not null || c.Source.InitialiserVariable is not null)
                throw new NotSupportedException($"'{c.Name}' is computed by a deterministic factor; under VariationalMessagePassing its distribution follows from its arguments', so InitialiseTo does not apply. Initialise the arguments instead.");
        }
        foreach (var v in model.Variables.Where(v => !v.IsObserved && !Nodes.Contains(v)))
        {
            var list = new HashSet<FactorNode>();
            var stack = new Stack<VarNode>([v]);
            while (stack.Count > 0)
                foreach (var p in stack.Pop().Ports)
                    if (!p.IsOutput && p.Factor.IsDeterministic && _forward.Contains(p.Factor) && list.Add(p.Factor))
                        stack.Push(p.Factor.Output!.Node);
            _after[v] = list.OrderBy(f => model.Factors.IndexOf(f)).ToList();
        }
    }

    // Collapsed variables whose q no update reads: every reader is a plain factor whose other arguments are all observed
    // (a softmax read by an observed Discrete), so q enters only the bound and the results. Their push-forward is deferred
    // from each update to the end of the sweep (ForwardDeferred), which gives the same sweep at a fraction of the cost.
    private readonly HashSet<FactorNode> _deferred = [];
    private bool _deferredStale;

    private static bool IsReadOnlyForTheBound(VarNode c)
    {
        if (c.Selects.Count > 0) return false;
        foreach (var p in c.Ports)
        {
            if (p.IsOutput) { if (p.Factor.Gate is not null) return false; continue; }
            if (p.Factor.IsDeterministic || p.Factor.Gate is not null) return false;
            foreach (var q in p.Factor.Ports)
                if (!ReferenceEquals(q, p) && !q.IsObserved) return false;
        }
        return true;
    }

    /// <summary>Recomputes the deferred push-forwards when an update has made them stale (before the bound is read).</summary>
    internal void ForwardDeferred()
    {
        if (!_deferredStale) return;
        _deferredStale = false;
        foreach (var f in _forward) if (_deferred.Contains(f)) f.VmpForward();
    }

    /// <summary>Random variables defined by deterministic factors (no entropy term, no update of their own).</summary>
    internal HashSet<VarNode> Nodes { get; } = [];

    /// <summary>
    /// A deterministic factor inside a gate is collapsed when its output is created in that gate: the push-forward does
    /// not depend on the case, the output's definition is not weighted (like any gate-local variable's), and its readers'
    /// messages carry the weight q(case).
    /// </summary>
    private static void CheckGated(FactorNode f, GateBinding g, IPort output)
    {
        string where = $"the deterministic {f.Description} factor inside the gate on '{g.Selector.Name}'";
        if (g.Frame.IsSwitchCase && !output.IsObserved)
            throw new NotSupportedException($"Under VariationalMessagePassing '{output.Node.Name}', computed by {where}, is created inside a Switch block and so defined once per case, and its value may differ by case. Compute it outside the Switch, or write the cases as Variable.Case blocks with one variable each.");
        // under observed selectors each instance's case is known: a truncating factor acts on the instances whose case
        // holds and is absent from the others (ITruncatingFactor skips them), as an unconditioned one would; gates with
        // random selectors are allowed when the observed output is local to them (the evidence block)
        if (output.IsObserved && f is ITruncatingFactor && g.Chain().All(b => b.Selector is ObservedNode || output.Node.LivesInside(b.Frame))) return;
        if (output.IsObserved)
            throw new NotSupportedException(ObservedInGateMessage(f, g, output));
        if (!output.Node.LivesInside(g.Frame))
            throw new NotSupportedException($"Under VariationalMessagePassing {where} defines '{output.Node.Name}', which is created outside the gate, so its distribution would depend on the case. Create it inside the gate (e.g. var s = a + b; inside the using block), or compute it outside the gate.");
    }

    private static string ObservedInGateMessage(FactorNode f, GateBinding g, IPort output) =>
        $"Under VariationalMessagePassing the deterministic {f.Description} factor inside the gate on '{g.Selector.Name}' has an observed output '{output.Node.Name}'; VMP supports deterministic factors in a gate only when their output is a new random variable created in the gate. Observe a noisy copy (Variable.GaussianFromMeanAndVariance(..., noise)) instead, or use ExpectationPropagation.";

    /// <summary>True when v's elements are coupled through a deterministic factor (updated one element at a time).</summary>
    internal bool IsCoupled(VarNode v) => _coupled.Contains(v);

    /// <summary>Bind time: element-level independence of each deterministic factor's arguments, and the truncations.</summary>
    internal void Bind()
    {
        _truncation.Clear();
        _coupled.Clear();
        var memo = new Dictionary<VarElement, HashSet<VarElement>>();
        foreach (var f in _model.Factors.Where(f => f.IsDeterministic && f.CombinesArguments))
        {
            foreach (var combined in f.CombinedArguments())
            {
                var seen = new Dictionary<VarElement, IPort>();
                foreach (var (p, i) in combined)
                    foreach (var e in Ancestors(p, i, memo))
                    {
                        if (seen.TryGetValue(e, out var other))
                            throw new NotSupportedException($"Under VariationalMessagePassing the {f.Description} factor's arguments {FactorNode.Where(other)} and {FactorNode.Where(p)} both depend on '{e.Node.Name}'{(e.Node.Count > 1 ? $"[{e.Index}]" : "")}; the push-forward of a factorised q would treat them as independent. Use ExpectationPropagation for this model.");
                        seen[e] = p;
                    }
                // a variable two of whose elements are among the arguments' ancestors is coupled (counted in loops: LINQ's
                // GroupBy over these keys is not precompiled by ReadyToRun)
                var elements = new Dictionary<VarNode, int>();
                foreach (var e in seen.Keys) elements[e.Node] = (elements.TryGetValue(e.Node, out int n) ? n : 0) + 1;
                foreach (var kv in elements)
                    if (kv.Value > 1) _coupled.Add(kv.Key);
            }
        }
        foreach (var t in _model.Factors.OfType<ITruncatingFactor>())
        {
            if (!t.Truncates) continue;
            t.BindTruncation();
            if (t.TruncationTarget is not { } z) continue;   // every instance switched off by observed selectors
            // a truncation weighted by q(case) would make q(z) a mixture: the truncated variable must be local to every
            // gate with a random selector around the factor
            var f = (FactorNode)t;
            for (var g = f.Gate; g is not null; g = g.Parent)
                if (g.Selector is not ObservedNode && !z.LivesInside(g.Frame))
                    throw new NotSupportedException(ObservedInGateMessage(f, g, f.Output!));
            if (!_truncation.TryAdd(z, t))
                throw new NotSupportedException($"Under VariationalMessagePassing '{z.Name}' is truncated by two IsPositive factors ({_truncation[z]}, {t}); VMP supports one per variable. Use ExpectationPropagation.");
        }
    }

    /// <summary>The random (non-collapsed) variable elements a port's value at instance i is a function of.</summary>
    private HashSet<VarElement> Ancestors(IPort p, int i, Dictionary<VarElement, HashSet<VarElement>> memo)
    {
        if (p.IsObserved) return [];
        int j = p.ElementIndex(i);
        if (!Nodes.Contains(p.Node)) return [new VarElement(p.Node, j)];
        var key = new VarElement(p.Node, j);
        if (memo.TryGetValue(key, out var known)) return known;
        var def = _definition[p.Node].Output!;
        int k = InstanceOf(def, j);
        var set = new HashSet<VarElement>();
        foreach (var q in def.Factor.Ports) if (!q.IsOutput) set.UnionWith(Ancestors(q, k, memo));
        memo[key] = set;
        return set;
    }

    /// <summary>The instance of a defining factor whose output is element j.</summary>
    private static int InstanceOf(IPort output, int j)
    {
        for (int k = 0; k < output.Factor.Count; k++) if (output.ElementIndex(k) == j) return k;
        throw new InvalidOperationException($"No instance of {output.Factor.Description} defines element {j} of '{output.Node.Name}'.");
    }

    /// <summary>Push-forward of every collapsed variable, in creation (topological) order.</summary>
    internal void ForwardAll() { foreach (var f in _forward) f.VmpForward(); }

    /// <summary>Push-forward of one collapsed variable from its arguments' current marginals.</summary>
    internal void Forward(VarNode c) => _definition[c].VmpForward();

    /// <summary>Push-forward of the collapsed descendants of <paramref name="v"/> after its update.</summary>
    internal void ForwardAfter(VarNode v)
    {
        if (!_after.TryGetValue(v, out var list)) return;
        foreach (var f in list)
        {
            if (_deferred.Contains(f)) _deferredStale = true;
            else f.VmpForward();
        }
    }

    /// <summary>True when some factor sends VMP messages computed from its target's previous marginal (a truncation).</summary>
    internal bool HasLaggedMessages => _truncation.Count > 0;

    /// <summary>Recomputes the lagged messages from the current marginals (the end of a sweep).</summary>
    internal void UpdateLaggedMessages()
    {
        foreach (var t in _truncation.Values) t.UpdateMessages();
    }

    /// <summary>Applies an observed IsPositive's truncation to <paramref name="v"/>'s accumulated messages (only element <paramref name="only"/> when ≥ 0).</summary>
    internal void Truncate(VarNode v, int only)
    {
        if (_truncation.TryGetValue(v, out var f)) f.Truncate(only);
    }

    /// <summary>
    /// The backward message m_c of a collapsed variable: the product of the VMP messages its children send it (a child that
    /// is itself deterministic sends exp E[log m_child(...)] computed from its own backward message).
    /// </summary>
    internal static T[] Backward<T>(VarNode<T> c) where T : struct, IExponentialFamily<T>
    {
        c.BeginAccumulate();
        foreach (var p in c.Ports)
            if (!p.IsOutput) p.Factor.VmpSend(p, VmpSchedule.Weights(p.Factor, c));
        foreach (var g in c.Selects) g.VmpSendToSelector();
        return (T[])c.Accumulator.Clone();
    }

    /// <summary>x at instance i as α·z[j] + β for one random non-collapsed Gaussian z (z null when that fails).</summary>
    internal static (VarNode<Gaussian>? Z, int J, double Alpha, double Beta) Affine(Port<Gaussian> p, int i)
    {
        if (p.IsObserved) return (null, -1, 0, p.Marginal(i).Point);
        var node = p.Random!;
        int j = p.Index(i);
        var def = node.Ports.First(q => q.IsOutput);
        if (!def.Factor.IsDeterministic) return (node, j, 1, 0);
        int k = InstanceOf(def, j);
        if (def.Factor.AffineParts(k) is not { } parts) return (null, -1, double.NaN, 0);
        (VarNode<Gaussian>? Z, int J, double Alpha, double Beta) result = (null, -1, 0, 0);
        foreach (var (arg, alpha, beta) in parts)
        {
            var a = Affine(arg, k);
            if (a.Z is null && double.IsNaN(a.Alpha)) return a;
            if (a.Z is not null && result.Z is not null) return (null, -1, double.NaN, 0);
            if (a.Z is not null) result = (a.Z, a.J, alpha * a.Alpha, result.Beta);
            result.Beta += alpha * a.Beta + beta;
        }
        return result;
    }

    internal static string TruncationMessage(FactorNode f, IPort x) =>
        $"Under VariationalMessagePassing the {f.Description} factor's observed output needs its argument {FactorNode.Where(x)} to be one random Gaussian variable up to a constant shift and scale (x > 0, x > 3, 2·x < y with y observed). " +
        $"Here it combines several random variables (e.g. perf1 − perf2): a factorised q cannot satisfy the constraint except with disjoint supports. " +
        $"Write the difference with its noise as one variable, e.g. Variable.GaussianFromMeanAndVariance(skill1 − skill2, 2β²) > 0, or use ExpectationPropagation.";
}
