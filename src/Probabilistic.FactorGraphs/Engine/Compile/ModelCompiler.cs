using Range = Probabilistic.FactorGraphs.Models.Range;
using Probabilistic.FactorGraphs.Models;

namespace Probabilistic.FactorGraphs.Engine;

/// <summary>A compiled model: nodes, factors, gate groups. Built once per model structure and algorithm.</summary>
internal sealed class CompiledModel
{
    internal List<VarNode> Variables { get; } = [];
    internal List<FactorNode> Factors { get; } = [];

    /// <summary>Every gate group, outermost first; <see cref="RootGroups"/> are those not inside another gate.</summary>
    internal List<GateGroup> Groups { get; } = [];
    internal List<GateGroup> RootGroups { get; } = [];
    internal Dictionary<Variable, VarNode> NodeOf { get; } = [];
    internal Dictionary<string, PlateSpace> Spaces { get; } = [];

    /// <summary>Variables on a cycle of definitions; checked element by element at bind time.</summary>
    internal HashSet<VarNode> Cyclic { get; set; } = [];
    internal long ModelVersion { get; init; }
    internal bool Vmp { get; init; }

    /// <summary>EP: keep gate and non-conjugate messages proper (<see cref="Algorithms.ExpectationPropagation.ForceProperMessages"/>).</summary>
    internal bool ForceProper { get; init; }

    /// <summary>Factors outside every gate, in the order their specs were created.</summary>
    internal IEnumerable<FactorNode> RootFactors => Factors.Where(f => f.Gate is null);
}

/// <summary>
/// Turns the variables and factor specs reachable from a variable into a factor graph with plates: one node per storage
/// variable (its distribution type and shape given by the factor that defines it), one compiled factor per spec (per case
/// of the Switch blocks around it), and the gate groups of Minka &amp; Winn's gates.
/// </summary>
internal static partial class ModelCompiler
{
    internal static CompiledModel Compile(Variable root, bool vmp, bool forceProper = true)
    {
        var (variables, specs) = Collect(root);
        var model = new CompiledModel { ModelVersion = Variable.ModelVersion, Vmp = vmp, ForceProper = forceProper && !vmp };
        var constrained = ConstrainedVariables(specs);
        var bases = variables.Select(v => Resolve(v).Base).Distinct().OrderBy(v => v.Id).ToList();
        var definitions = bases.ToDictionary(b => b, _ => new List<FactorSpec>());
        foreach (var spec in specs)
            if (spec.Output is not null) definitions[Resolve(spec.Output).Base].Add(spec);

        var creating = new HashSet<Variable>();
        VarNode NodeOf(Variable v)
        {
            var b = Resolve(v).Base;
            if (model.NodeOf.TryGetValue(b, out var known)) return known;
            if (!creating.Add(b))
                throw new NotSupportedException($"Variable '{b.Name}' is defined in terms of itself (its definition needs its own distribution type); give the start of the chain its own prior.");
            var node = CreateNode(model, b, definitions[b], constrained.Contains(b), vmp, NodeOf);
            creating.Remove(b);
            node.Space = SpaceOf(model, b.Plates);
            node.Home = HomeOf(b, definitions[b]);
            model.NodeOf[b] = node;
            return node;
        }
        foreach (var b in bases) NodeOf(b);
        model.Variables.AddRange(bases.Select(b => model.NodeOf[b]));

        foreach (var spec in specs.OrderBy(s => s.Id))
        {
            if (IsRootConstraint(spec) && constrained.Contains(Resolve(spec.Args[0]).Base)) continue;
            // a point-mass prior compiled as a constant has no factor: its value is certain, its evidence log 1 = 0
            if (spec.Output is not null && model.NodeOf[Resolve(spec.Output).Base] is ObservedNode { Constant: not null }) continue;
            foreach (var cases in CaseCombinations(model, spec, specs)) AddFactor(model, spec, cases, vmp, NodeOf);
        }
        if (vmp) Exits.Apply(model);
        GateGroup.Build(model);
        Validate(model, vmp);
        model.Cyclic = CycleCheck.CyclicNodes(model);
        return model;
    }

    private static VarNode CreateNode(CompiledModel model, Variable b, List<FactorSpec> defs, bool constrained, bool vmp, Func<Variable, VarNode> nodeOf)
    {
        if (b.IsObserved || constrained) return new ObservedNode(b) { ForcedTrue = constrained };
        if (defs.Count == 1 && defs[0].Parameter is IConstantPrior { Constant: { } constant }) return new ObservedNode(b) { Constant = constant };
        if (defs.Count == 0)
            throw new InvalidOperationException($"Variable '{b.Name}' is neither observed nor defined by a factor; set {b.Name}.ObservedValue or define it (e.g. {b.Name}[range] = Variable.GaussianFromMeanAndVariance(...)).");
        if (defs.Count > 1) CheckBranchDefinitions(b, defs);
        VarNode? node = null;
        foreach (var def in defs)
        {
            var builder = new FactorBuilder(model, def, GateCases.None, vmp, nodeOf);
            var made = def.Parameter is ITypedParameter typed ? typed.CreateNode(b, builder)
                : def.Definition.CreateOutput?.Invoke(builder)
                  ?? throw new NotSupportedException($"'{b.Name}' is defined by the {def.Describe()} factor, whose output must be observed; set {b.Name}.ObservedValue.");
            if (node is null) node = made;
            else if (made.GetType() != node.GetType())
                throw new NotSupportedException($"'{b.Name}' is defined differently in the branches of a gate, with different distribution types ({DistributionName(node)} and {DistributionName(made)}); every branch must define the same kind of variable.");
        }
        return node!;
    }

    private static string DistributionName(VarNode n) => n.GetType().IsGenericType ? n.GetType().GetGenericArguments()[0].Name : "observed";

    /// <summary>A variable defined several times must be defined once in each case of gates (a conditional probability table).</summary>
    private static void CheckBranchDefinitions(Variable b, List<FactorSpec> defs)
    {
        var outside = defs.FirstOrDefault(d => d.Gate is null || !Inside(d.Gate, b.CreatedInGate));
        if (outside is not null)
            throw new NotSupportedException($"Random variable '{b.Name}' is defined {defs.Count} times ({string.Join(", ", defs.Select(d => d.Describe()))}), and the {outside.Describe()} definition is not inside a gate (If, IfNot, Case, Switch) opened after '{b.Name}' was created. Define it once, or once in each branch of a gate, or observe it.");
        var cases = defs.Select(d => d.Gate!).ToList();
        for (int x = 0; x < cases.Count; x++)
            for (int y = x + 1; y < cases.Count; y++)
                if (Equals(cases[x], cases[y]) && cases[x].CaseValue != -1)
                    throw new NotSupportedException($"Random variable '{b.Name}' is defined twice in the same case of the gate on '{cases[x].Selector.Name}' ({defs[x].Describe()}, {defs[y].Describe()}); define it once per case.");
    }

    /// <summary>True when <paramref name="frame"/> is strictly inside <paramref name="outer"/> (or outer is the top level).</summary>
    private static bool Inside(GateFrame frame, GateFrame? outer)
    {
        if (outer is null) return true;
        for (var f = frame.Parent; f is not null; f = f.Parent) if (Equals(f, outer)) return true;
        return false;
    }

    /// <summary>
    /// The gate case a variable lives in: where it was created, except that a variable created in a Switch block is defined
    /// in every case (its marginal is the mixture over them) and one created outside but defined in a single case belongs to it.
    /// </summary>
    private static GateFrame? HomeOf(Variable b, List<FactorSpec> defs)
    {
        var home = b.CreatedInGate;
        while (home is { CaseValue: -1 }) home = home.Parent;
        if (b.IsObserved) return home;
        if (defs.Count == 1 && defs[0].Gate is { } g && g.CaseValue != -1 && !Equals(g, home) && Inside(g, home)) return g;
        return home;
    }

    private static bool IsRootConstraint(FactorSpec spec) =>
        ReferenceEquals(spec.Definition, ConstrainTrueFactor.Definition) && spec.Gate is null && !spec.Args[0].IsElement && Resolve(spec.Args[0]) is var (_, r, iv) && r is null && iv is null;

    /// <summary>Variables constrained true as a whole outside any gate: they are compiled as observed true.</summary>
    private static HashSet<Variable> ConstrainedVariables(List<FactorSpec> specs)
    {
        var set = new HashSet<Variable>();
        foreach (var spec in specs.Where(IsRootConstraint)) set.Add(Resolve(spec.Args[0]).Base);
        return set;
    }

    private static void AddFactor(CompiledModel model, FactorSpec spec, GateCases cases, bool vmp, Func<Variable, VarNode> nodeOf)
    {
        var builder = new FactorBuilder(model, spec, cases, vmp, nodeOf);
        var f = spec.Parameter is ITypedParameter typed ? typed.Build(builder) : spec.Definition.Build(builder);
        f.Space = SpaceOf(model, spec);
        if (spec.Gate is not null)
        {
            GateBinding? binding = null;
            for (int k = 0; k < cases.Frames.Length; k++)
            {
                var frame = cases.CaseFrame(k);
                var (selNode, scalar, mapBuilder) = ResolveSelector(model, spec, frame.Selector, cases);
                binding = new GateBinding(frame, selNode, cases.Cases[k]) { SelectorScalar = scalar, SelectorMapBuilder = mapBuilder, Parent = binding };
            }
            f.Gate = binding;
        }
        foreach (var p in f.Ports) CheckHome(f, p, spec);
        model.Factors.Add(f);
    }

    /// <summary>A variable created in a gate case exists only there: a factor outside that case cannot use it.</summary>
    private static void CheckHome(FactorNode f, IPort p, FactorSpec spec)
    {
        var home = p.Node.Home;
        if (home is null) return;
        for (var g = spec.Gate; g is not null; g = g.Parent) if (Equals(g, home)) return;
        string where = spec.Gate is null ? "outside every gate" : $"in the gate on '{spec.Gate.Selector.Name}'{(spec.Gate.CaseValue >= 0 ? $" = {CaseName(spec.Gate)}" : "")}";
        throw new InvalidOperationException($"'{p.Node.Name}' belongs to the gate on '{home.Selector.Name}' = {CaseName(home)} (it is created or defined only there), but the {f.Description} factor uses it {where}. Create it outside the gate, or define it in every case.");
    }

    internal static string CaseName(GateFrame f) => f.Selector.ValueType == typeof(bool) || f.Selector.ValueType == typeof(bool[]) ? (f.CaseValue == 1 ? "true" : "false") : f.CaseValue.ToString();

    private static void Validate(CompiledModel model, bool vmp)
    {
        foreach (var f in model.Factors)
        {
            string? refusal = vmp ? f.VmpRefusal : f.EpRefusal;
            if (refusal is not null) throw new NotSupportedException(refusal);
        }
    }

    /// <summary>The cases a factor is compiled for: one per combination of the values of the Switch blocks around it.</summary>
    private static IEnumerable<GateCases> CaseCombinations(CompiledModel model, FactorSpec spec, List<FactorSpec> specs)
    {
        if (spec.Gate is not { } inner)
        {
            yield return GateCases.None;
            yield break;
        }
        var chain = inner.Chain;
        // loops rather than Select(...).ToArray() into int[], which ReadyToRun leaves to the JIT
        var sizes = new int[chain.Length];
        for (int k = 0; k < chain.Length; k++) sizes[k] = chain[k].CaseValue == -1 ? SelectorDimension(model, chain[k], specs) : 1;
        var at = new int[chain.Length];
        while (true)
        {
            var cases = new int[chain.Length];
            for (int k = 0; k < chain.Length; k++) cases[k] = chain[k].CaseValue == -1 ? at[k] : chain[k].CaseValue;
            yield return new GateCases(chain, cases);
            int d = chain.Length - 1;
            while (d >= 0 && ++at[d] == sizes[d]) at[d--] = 0;
            if (d < 0) yield break;
        }
    }

    private static int SelectorDimension(CompiledModel model, GateFrame frame, List<FactorSpec> specs)
    {
        var selector = frame.Selector;
        var node = model.NodeOf[Resolve(selector).Base];
        return node switch
        {
            VarNode<Distributions.Discrete> d => d.Uniform.Dimension,
            VarNode<Distributions.Bernoulli> => 2,
            ObservedNode when selector.ValueType == typeof(int) && ObservedSwitchDimension(frame, specs) is int k and > 0 => k,
            _ => throw new NotSupportedException($"Switch on '{selector.Name}' needs a random int selector with a Discrete distribution, or an observed one that indexes an array inside the Switch (e.g. means[{selector.Name}])."),
        };
    }

    /// <summary>The size of the arrays an observed Switch selector indexes inside its block (the number of cases), or null.</summary>
    private static int? ObservedSwitchDimension(GateFrame frame, List<FactorSpec> specs)
    {
        var selector = Resolve(frame.Selector).Base;
        int? k = null;
        foreach (var spec in specs.Where(s => s.Gate is { } g && g.Chain.Any(f => ReferenceEquals(f, frame))))
            foreach (var a in spec.AllVariables)
            {
                var (b, _, iv) = Resolve(a);
                if (iv is not null && ReferenceEquals(Resolve(iv).Base, selector) && b.Plates.Count == 1)
                    k = Math.Max(k ?? 0, b.Plates[0].SizeAsInt);
            }
        return k;
    }

    private static (VarNode, bool, Func<int[]?>?) ResolveSelector(CompiledModel model, FactorSpec spec, Variable selector, GateCases cases)
    {
        var node = model.NodeOf[Resolve(selector).Base];
        var indexer = IndexerFor(model, selector, SpaceOf(model, spec), spec, cases, "gated");
        return (node, indexer.Scalar, indexer.MapBuilder);
    }

    private static (HashSet<Variable>, List<FactorSpec>) Collect(Variable root)
    {
        var seen = new HashSet<Variable>();
        var specs = new HashSet<FactorSpec>();
        var queue = new Queue<Variable>();
        void Visit(Variable? v) { if (v is not null && seen.Add(v)) queue.Enqueue(v); }
        Visit(root);
        while (queue.Count > 0)
        {
            var v = queue.Dequeue();
            foreach (var l in v.Links) Visit(l);
            Visit(v.Alias); Visit(v.ArrayParent); Visit(v.IndexVariable);
            if (v.IndexRange?.SizeVariable is { } sv) Visit(sv);
            foreach (var r in v.Plates) if (r.SizeVariable is { } rv) Visit(rv);
            if (v.InitialiserVariable is { } iv) Visit(iv);
            foreach (var s in v.Factors)
                if (specs.Add(s))
                {
                    foreach (var a in s.AllVariables) Visit(a);
                    for (var g = s.Gate; g is not null; g = g.Parent) Visit(g.Selector);
                    foreach (var r in s.Plates) if (r.SizeVariable is { } rv) Visit(rv);
                }
        }
        return (seen, specs.ToList());
    }

    /// <summary>Follows aliases to the storage variable; the last index used on it (both null for a whole variable).</summary>
    internal static (Variable Base, Range? IndexRange, Variable? IndexVariable) Resolve(Variable v)
    {
        var (b, indices) = ResolveIndices(v);
        return indices.Count == 0 ? (b, null, null) : (b, indices[^1].Range, indices[^1].Variable);
    }
}

/// <summary>A prior whose distribution is a point mass of a vector or matrix: the variable is compiled as a constant.</summary>
internal interface IConstantPrior
{
    /// <summary>The point-mass distribution, or null when the prior is not one.</summary>
    object? Constant { get; }
}
