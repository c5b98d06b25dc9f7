using Probabilistic.FactorGraphs.Distributions;
using Probabilistic.FactorGraphs.Models;

namespace Probabilistic.FactorGraphs.Engine;

internal sealed partial class GateGroup
{
    /// <summary>
    /// Groups the gated factors of a compiled model: one group per selector expression under each enclosing case, nested
    /// groups as children of the case they sit in. Gates on the same selector written as separate blocks (If and IfNot,
    /// the Case blocks of a Switch, a block repeated) are one group: one compound factor, as the gate's EP needs.
    /// </summary>
    internal static void Build(CompiledModel model)
    {
        var groups = new Dictionary<string, GateGroup>();
        foreach (var f in model.Factors)
        {
            if (f.Gate is null) continue;
            GateGroup? parent = null;
            int parentCase = -1;
            foreach (var b in f.Gate.Chain())
            {
                string key = $"{parent?.Key}/{parentCase}/{SelectorKey(b.Frame.Selector)}";
                if (!groups.TryGetValue(key, out var g))
                {
                    g = new GateGroup(key, b.Selector, CaseCount(b, model), parent, parentCase) { ForceProper = model.ForceProper };
                    groups[key] = g;
                    model.Groups.Add(g);
                    if (parent is null) model.RootGroups.Add(g);
                    else parent.Children.Add(g);
                    b.Selector.Selects.Add(g);
                }
                g.NoteFrame(b.Frame, b.Case);
                b.Group = g;
                parent = g;
                parentCase = b.Case;
            }
            parent!.Members.Add(f);
        }
        foreach (var g in model.Groups) g.Classify();
    }

    /// <summary>A structural key of a selector expression: c, c[i], c[idx[i]] (the same expression written twice is one selector).</summary>
    internal static string SelectorKey(Variable selector)
    {
        var (b, indices) = ModelCompiler.ResolveIndices(selector);
        if (indices.Count == 0) return b.Id.ToString();
        return b.Id + "[" + string.Join(",", indices.Select(ix => ix.Range is { } r ? "r" + r.Id : SelectorKey(ix.Variable!))) + "]";
    }

    private static int CaseCount(GateBinding b, CompiledModel model) => b.Selector switch
    {
        VarNode<Bernoulli> => 2,
        VarNode<Discrete> d => d.Uniform.Dimension,
        ObservedNode when b.Frame.Selector.ValueType == typeof(bool) || b.Frame.Selector.ValueType == typeof(bool[]) => 2,
        // observed int: as many cases as the largest value a block names (or the Switch expands to), plus one for every other value
        _ => Math.Max(b.Case + 2, CasesNamed(model, b.Selector)),
    };

    /// <summary>
    /// One more than the largest case a gate binding on <paramref name="selector"/> names, plus one (2 when none names one):
    /// a loop, as Max over a selector of ints is JIT-compiled in every fresh process under ReadyToRun.
    /// </summary>
    private static int CasesNamed(CompiledModel model, VarNode selector)
    {
        int cases = int.MinValue;
        foreach (var f in model.Factors)
            if (f.Gate is not null)
                foreach (var x in f.Gate.Chain())
                    if (ReferenceEquals(x.Selector, selector)) cases = Math.Max(cases, x.Case + 2);
        return cases == int.MinValue ? 2 : cases;
    }

    private void NoteFrame(GateFrame frame, int caseValue)
    {
        if (FrameOfCase.Length == 0) FrameOfCase = new GateFrame?[Cases];
        if ((uint)caseValue >= (uint)Cases)
            throw new InvalidOperationException($"A block on '{Selector.Name}' is for case {caseValue}, but the selector has {Cases} values.");
        if (frame.CaseValue != -1) FrameOfCase[caseValue] = frame;
    }

    /// <summary>Projected when some factor of a case (or of a nested group) reaches a variable living outside this group.</summary>
    private void Classify()
    {
        foreach (var f in Members)
            foreach (var p in f.Ports)
                if (!p.IsObserved && !IsLocal(p.Node, f.Gate!.Case)) IsProjected = true;
        foreach (var child in Children)
            foreach (var f in child.AllMembers())
                foreach (var p in f.Ports)
                    if (!p.IsObserved && !IsLocal(p.Node, child.ParentCase)) IsProjected = true;
    }

    /// <summary>The factors of this group and of every group nested in it.</summary>
    internal IEnumerable<FactorNode> AllMembers() => Members.Concat(Children.SelectMany(c => c.AllMembers()));

    /// <summary>EP: the gate's messages are kept proper (see <see cref="Algorithms.ExpectationPropagation.ForceProperMessages"/>).</summary>
    internal bool ForceProper { get; init; }

    /// <summary>Named kind, for messages: an exact gate touches only its own variables; a projected one touches outside variables.</summary>
    internal string Kind => IsProjected ? "projected" : "exact";

    /// <summary>
    /// Bind time: the instances (selector elements), each case's factor instances, nested group instances, local elements
    /// and slots. Children are bound first, so their slots are known to the case that holds them.
    /// </summary>
    internal void Allocate()
    {
        AllocateInstances();
        // every gated factor instance switches on its instance of each group around it: the chain of bindings says which
        // element of each selector, so a nested group's instance learns the instance of its parent it belongs to
        foreach (var f in AllMembers())
            for (int i = 0; i < f.Count; i++)
            {
                int inner = -1;
                GateGroup? innerGroup = null;
                for (var b = f.Gate; b is not null; b = b.Parent)
                {
                    var g = b.Group!;
                    int j = b.SelectorIndex(i);
                    g.InstanceAt(j, f).Active = true;
                    if (innerGroup is not null) innerGroup.SetParentInstance(innerGroup._instances[inner], j, f);
                    (innerGroup, inner) = (g, j);
                }
            }
        Gather();
    }

    private void AllocateInstances()
    {
        BoolPort?.Allocate();
        IntPort?.Allocate();
        _instances = new Instance[Selector.Count];
        _hasLagged = null;
        _lagged = "";
        _phasedStarted = false;
        for (int j = 0; j < _instances.Length; j++) _instances[j] = new Instance(Cases);
        foreach (var c in Children) c.AllocateInstances();
    }

    /// <summary>Each instance's factor instances, nested instances, slots and locals per case (children gathered first).</summary>
    private void Gather()
    {
        foreach (var child in Children) child.Gather();
        foreach (var f in Members)
        {
            var gate = f.Gate!;
            for (int i = 0; i < f.Count; i++)
            {
                var inst = InstanceAt(gate.SelectorIndex(i), f);
                inst.Members[gate.Case].Add((f, i));
                foreach (var p in f.Ports) AddPort(inst, gate.Case, p, i, f);
            }
        }
        foreach (var child in Children)
            for (int k = 0; k < child.Count; k++)
            {
                var ci = child._instances[k];
                if (!ci.Active) continue;
                var inst = InstanceAt(ci.ParentInstance, null);
                inst.Active = true;
                inst.Children[child.ParentCase].Add((child, k));
                foreach (var s in ci.Slots) AddElement(inst, child.ParentCase, s.Node, s.Element, null);
                // a nested gate's random selector is a variable it touches too (it sends it the case evidences)
                if (!child.Selector.IsObserved) AddElement(inst, child.ParentCase, child.Selector, k, null);
            }
    }

    private Instance InstanceAt(int j, FactorNode? f)
    {
        if ((uint)j >= (uint)_instances.Length)
            throw new InvalidOperationException($"{(f is null ? "A nested gate" : $"The {f.Description} factor")} maps to element {j} of selector '{Selector.Name}', which has {_instances.Length}.");
        return _instances[j];
    }

    private void SetParentInstance(Instance inst, int parent, FactorNode f)
    {
        if (inst.ParentInstance >= 0 && inst.ParentInstance != parent)
            throw new NotSupportedException($"The {Description} inside the gate on '{Parent!.Selector.Name}': one element of '{Selector.Name}' is used under two elements of '{Parent.Selector.Name}' (by the {f.Description} factor). Index the inner selector by the outer gate's range.");
        inst.ParentInstance = parent;
    }

    private void AddPort(Instance inst, int c, IPort p, int i, FactorNode f)
    {
        if (p.IsObserved) return;
        AddElement(inst, c, p.Node, p.ElementIndex(i), f);
    }

    private void AddElement(Instance inst, int c, VarNode node, int e, FactorNode? f)
    {
        if (ReferenceEquals(node, Selector))
            throw new NotSupportedException($"The {(f is null ? "nested gate" : f.Description + " factor")} inside the {Description} uses the selector '{Selector.Name}' itself; a gated factor on its own selector is not supported. Move the factor out of the gate.");
        if (IsLocal(node, c))
        {
            // a variable living in a gate nested in this case (a VMP exit's copy) belongs to that gate's case, not to this one
            if (Equals(node.Home, FrameOfCase[c])) AddLocal(inst, c, node, e);
            return;
        }
        if (!inst.TryGetSlot(node, e, out var slot))
        {
            slot = node.CreateSlot(e, Cases, ForceProper);
            inst.SetSlot(node, e, slot);
            inst.Slots.Add(slot);
        }
        slot.Touch(c);
    }

    private static void AddLocal(Instance inst, int c, VarNode node, int e)
    {
        if (!inst.Locals[c].Contains((node, e))) inst.Locals[c].Add((node, e));
    }
}
