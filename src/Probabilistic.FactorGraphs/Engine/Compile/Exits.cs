using Probabilistic.FactorGraphs.Distributions;
using Probabilistic.FactorGraphs.Models;

namespace Probabilistic.FactorGraphs.Engine;

/// <summary>
/// VMP's copies per case, as Infer.NET makes them: a random variable defined inside gate cases below the place it lives
/// (a table by branch, written with SetTo or x[i] = ... in each case) or created in a Switch block gets one node per case
/// it is defined in, nested gates giving a tree of cases; factors in a case read that case's copy; each level of the
/// tree is joined by an <see cref="ExitFactor{T}"/>, and the variable itself is the top exit.
/// </summary>
internal static class Exits
{
    private sealed class Context(GateFrame? frame, VarNode node)
    {
        internal GateFrame? Frame { get; } = frame;
        internal VarNode Node { get; set; } = node;
        internal Dictionary<int, Context> Cases { get; } = [];
        internal IPort? Definition { get; set; }

        /// <summary>A defining port under this context (its factor's bindings and maps stand for the exit's).</summary>
        internal IPort Representative => Definition ?? Cases.Values.First().Representative;
    }

    internal static void Apply(CompiledModel model)
    {
        foreach (var node in model.Variables.ToList())
        {
            if (node.IsObserved) continue;
            var definitions = node.Ports.Where(p => p.IsOutput).ToList();
            int home = node.Home?.Depth ?? 0;
            if (!definitions.Any(p => Depth(p.Factor) > home)) continue;
            if (node.Source.Initialiser is not null || node.Source.InitialiserVariable is not null)
                throw new NotSupportedException($"'{node.Name}' is defined in the cases of a gate, so under VariationalMessagePassing it is a mixture of one copy per case; InitialiseTo does not apply to it. Initialise the variables it is defined from instead.");
            var root = new Context(node.Home, node);
            foreach (var p in definitions) Place(root, p, home, node);
            var readers = node.Ports.Where(p => !p.IsOutput).ToList();
            Build(model, root, home, node);
            foreach (var p in readers)
            {
                var target = Deepest(root, p.Factor, home);
                if (!ReferenceEquals(target.Node, node)) node.MovePort(p, target.Node);
            }
        }
    }

    private static int Depth(FactorNode f)
    {
        int d = 0;
        for (var b = f.Gate; b is not null; b = b.Parent) d++;
        return d;
    }

    private static GateBinding[] Chain(FactorNode f) => f.Gate?.Chain().ToArray() ?? [];

    /// <summary>Puts a defining port at the context of its factor's cases below the variable's home.</summary>
    private static void Place(Context root, IPort p, int home, VarNode node)
    {
        var chain = Chain(p.Factor);
        var at = root;
        for (int level = home; level < chain.Length; level++)
        {
            var b = chain[level];
            if (at.Definition is not null)
                throw new NotSupportedException($"'{node.Name}' is defined both in the case where {at.Definition.Factor.Description} defines it and inside the gate on '{b.Frame.Selector.Name}' within that case; define it once per case.");
            if (at.Cases.Count > 0 && !SameSelector(at.Cases.Values.First().Representative, b, level))
                throw new NotSupportedException($"'{node.Name}' is defined in the cases of two different gates ('{b.Frame.Selector.Name}' and another) at the same level; a variable defined by branch must be defined in the cases of one gate.");
            if (!at.Cases.TryGetValue(b.Case, out var next)) at.Cases[b.Case] = next = new Context(b.Frame, node);
            at = next;
        }
        if (at.Definition is not null || at.Cases.Count > 0)
            throw new NotSupportedException($"'{node.Name}' is defined twice in the case of the gate on '{at.Frame?.Selector.Name}' ({at.Definition?.Factor.Description ?? "a nested gate"}, {p.Factor.Description}).");
        at.Definition = p;
    }

    private static bool SameSelector(IPort representative, GateBinding b, int level)
    {
        var other = Chain(representative.Factor)[level];
        return ReferenceEquals(other.Selector, b.Selector) && GateGroup.SelectorKey(other.Frame.Selector) == GateGroup.SelectorKey(b.Frame.Selector);
    }

    /// <summary>Creates the copies below the root (depth first) and the exit factor of every context that has cases.</summary>
    private static void Build(CompiledModel model, Context at, int level, VarNode node)
    {
        foreach (var child in at.Cases.Values)
        {
            child.Node = node.CopyFor(child.Frame!);
            int index = model.Variables.IndexOf(node);
            model.Variables.Insert(index + 1, child.Node);
            Build(model, child, level + 1, node);
        }
        if (at.Definition is { } def)
        {
            if (!ReferenceEquals(at.Node, node)) node.MovePort(def, at.Node);
            return;
        }
        var rep = at.Representative;
        var selector = Chain(rep.Factor)[level];
        int cases = Math.Max(CaseCount(selector), at.Cases.Keys.Max() + 1);
        var copies = new VarNode[cases];
        for (int c = 0; c < cases; c++)
            copies[c] = at.Cases.TryGetValue(c, out var cc) ? cc.Node
                : throw new NotSupportedException($"'{node.Name}' is defined in some cases of the gate on '{selector.Frame.Selector.Name}' but not in case {ModelCompiler.CaseName(selector.Frame with { CaseValue = c })}; a variable defined by branch must be defined in every case (or created inside the gate).");
        var exit = ((IExitMaker)node).MakeExit($"Exit ('{node.Name}')", rep, at.Node, copies, selector);
        exit.Space = rep.Factor.Space;
        exit.Gate = level == 0 ? null : Chain(rep.Factor)[level - 1];
        model.Factors.Add(exit);
    }

    private static int CaseCount(GateBinding b) => b.Selector switch
    {
        VarNode<Bernoulli> => 2,
        VarNode<Discrete> d => d.Uniform.Dimension,
        ObservedNode o when o.Source.ValueType == typeof(bool) || o.Source.ValueType == typeof(bool[]) || b.Frame.Selector.ValueType == typeof(bool) => 2,
        _ => 0,
    };

    /// <summary>The deepest context whose cases the reading factor sits in.</summary>
    private static Context Deepest(Context root, FactorNode reader, int home)
    {
        var chain = Chain(reader);
        var at = root;
        for (int level = home; level < chain.Length; level++)
        {
            if (!at.Cases.TryGetValue(chain[level].Case, out var next) || !Equals(next.Frame, chain[level].Frame)) break;
            at = next;
        }
        return at;
    }
}

/// <summary>Makes the typed exit factor for a node (implemented by <see cref="VarNode{T}"/>).</summary>
internal interface IExitMaker
{
    FactorNode MakeExit(string description, IPort representative, VarNode output, VarNode[] copies, GateBinding selector);
}
