using Range = Probabilistic.FactorGraphs.Models.Range;
using Probabilistic.FactorGraphs.Distributions;
using Probabilistic.FactorGraphs.Models;

namespace Probabilistic.FactorGraphs.Engine;

/// <summary>A compiled model: nodes, factors in schedule order, gates. Built once per model structure.</summary>
internal sealed class CompiledModel
{
    internal List<VarNode> Variables { get; } = [];
    internal List<FactorNode> Factors { get; } = [];
    internal List<GateFactor> Gates { get; } = [];
    internal Dictionary<Variable, VarNode> NodeOf { get; } = [];
    internal Dictionary<string, PlateSpace> Spaces { get; } = [];

    /// <summary>Variables on a cycle of definitions; checked element by element at bind time.</summary>
    internal HashSet<VarNode> Cyclic { get; set; } = [];
    internal long ModelVersion { get; init; }
    internal bool Vmp { get; init; }
}

/// <summary>Turns the variables and factor specs reachable from a variable into a factor graph with plates.</summary>
internal static partial class ModelCompiler
{
    internal static CompiledModel Compile(Variable root, bool vmp)
    {
        var (variables, specs) = Collect(root);
        var model = new CompiledModel { ModelVersion = Variable.ModelVersion, Vmp = vmp };

        // Bases: the variables that hold storage (not aliases, not elements).
        var constrained = new HashSet<Variable>();
        foreach (var spec in specs.Where(s => s.Kind == FactorKind.ConstrainTrue))
        {
            var (b, r, iv) = Resolve(spec.Args[0]);
            if (r is not null || iv is not null)
                throw new NotSupportedException($"ConstrainTrue on array element '{spec.Args[0].Name}' is not supported; constrain a scalar, or observe the array.");
            if (spec.Gate is not null)
                throw new NotSupportedException($"ConstrainTrue('{spec.Args[0].Name}') inside a gate is not supported yet.");
            constrained.Add(b);
        }

        var bases = variables.Select(v => Resolve(v).Base).Distinct().OrderBy(v => v.Id).ToList();
        var definitions = bases.ToDictionary(b => b, _ => new List<FactorSpec>());
        foreach (var spec in specs)
            if (spec.Output is not null && spec.Kind != FactorKind.ConstrainTrue)
                definitions[Resolve(spec.Output).Base].Add(spec);

        foreach (var b in bases)
        {
            VarNode node;
            if (b.IsObserved || constrained.Contains(b))
            {
                var obs = new ObservedNode(b);
                if (!b.IsObserved) obs.ForcedTrue = true;
                if (b.IsObserved && constrained.Contains(b) && b.ObservedObject is false)
                    throw new InvalidOperationException($"Variable '{b.Name}' is constrained to be true but observed false: the model has zero probability.");
                node = obs;
            }
            else if (PointMassPrior(definitions[b]) is { } constant)
                node = new ObservedNode(b) { Constant = constant };
            else
            {
                var defs = definitions[b];
                if (defs.Count == 0)
                    throw new InvalidOperationException($"Variable '{b.Name}' is neither observed nor defined by a factor; set {b.Name}.ObservedValue or define it (e.g. {b.Name}[range] = Variable.GaussianFromMeanAndVariance(...)).");
                if (defs.Count > 1)
                    throw new NotSupportedException($"Random variable '{b.Name}' is defined {defs.Count} times ({string.Join(", ", defs.Select(d => d.Describe()))}); a variable defined differently in each branch of a gate must be observed. Define it once, or observe it.");
                node = CreateRandomNode(b, defs[0]);
                if (defs[0].Gate is { } g && ReferenceEquals(b.CreatedInGate, g)) node.LocalGate = g;
            }
            node.Space = SpaceOf(model, b.Plates);
            model.Variables.Add(node);
            model.NodeOf[b] = node;
        }

        var gates = new Dictionary<(GateFrame, string), GateFactor>();
        foreach (var spec in specs.OrderBy(s => s.Id))
        {
            if (spec.Kind == FactorKind.ConstrainTrue) continue;
            // a point-mass prior compiled as a constant has no factor: its value is certain, its evidence log 1 = 0
            if (spec.Kind == FactorKind.Prior && model.NodeOf[Resolve(spec.Output!).Base] is ObservedNode { Constant: not null }) continue;
            foreach (var cases in CaseCombinations(model, spec, specs)) AddFactor(model, spec, cases, gates);
        }
        model.Gates.AddRange(gates.Values);
        LinkNestedGates(model, gates);
        if (!vmp) BuildEpGates(model);
        Validate(model, vmp);
        model.Cyclic = CycleCheck.CyclicNodes(model);
        return model;
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
        var sizes = chain.Select(f => f.CaseValue == -1 ? SelectorDimension(model, f, specs) : 1).ToArray();
        var at = new int[chain.Length];
        while (true)
        {
            yield return new GateCases(chain, chain.Select((f, k) => f.CaseValue == -1 ? at[k] : f.CaseValue).ToArray());
            int d = chain.Length - 1;
            while (d >= 0 && ++at[d] == sizes[d]) at[d--] = 0;
            if (d < 0) yield break;
        }
    }

    private static void AddFactor(CompiledModel model, FactorSpec spec, GateCases cases, Dictionary<(GateFrame, string), GateFactor> gates)
    {
        var f = CreateFactor(model, spec, cases);
        f.Space = SpaceOf(model, spec);
        if (spec.Gate is { } frame)
        {
            var output = spec.Output is null ? null : model.NodeOf[Resolve(spec.Output).Base];
            bool definesLocal = output is not null && !output.IsObserved && ReferenceEquals(output.LocalGate, frame);
            f.VmpWeighted = !definesLocal;
            // one binding per enclosing gate, outermost first; the factor holds the innermost
            GateBinding? binding = null;
            for (int k = 0; k < cases.Frames.Length; k++)
            {
                var fk = cases.Frames[k];
                int caseValue = cases.Cases[k];
                var (selNode, scalar, mapBuilder) = ResolveSelector(model, spec, fk.Selector, cases);
                binding = new GateBinding(fk, selNode, caseValue) { SelectorScalar = scalar, SelectorMapBuilder = mapBuilder, Parent = binding };
                var key = (fk, cases.KeyAt(k));
                if (!gates.TryGetValue(key, out var gate))
                {
                    gate = new GateFactor(fk, selNode, caseValue);
                    if (selNode is VarNode<Discrete> d) gate.Dimension = d.Uniform.Dimension;
                    if (selNode is VarNode<Bernoulli> && scalar) gate.BoolPort = new Port<Bernoulli>(gate, selNode, null) { Scalar = true };
                    else if (selNode is VarNode<Discrete> && scalar) gate.IntPort = new Port<Discrete>(gate, selNode, null) { Scalar = true };
                    selNode.GatesOnMe.Add(gate);
                    gates[key] = gate;
                }
                if (k < cases.Frames.Length - 1)
                {
                    gate.Inner.Add(f);
                    continue;
                }
                gate.Members.Add(f);
                if (output is not null && ReferenceEquals(output.LocalGate, frame) && !gate.Locals.Contains(output)) gate.Locals.Add(output);
            }
            f.Gate = binding;
        }
        model.Factors.Add(f);
    }

    /// <summary>Nested gates: each gate learns the gates directly inside it, and inner gates are updated first under EP.</summary>
    private static void LinkNestedGates(CompiledModel model, Dictionary<(GateFrame, string), GateFactor> gates)
    {
        if (model.Gates.All(g => g.Frame.Parent is null)) return;
        foreach (var ((frame, key), gate) in gates)
        {
            if (frame.Parent is not { } parent) continue;
            int cut = key.LastIndexOf(',');
            var outer = gates[(parent, key[..cut])];
            outer.Children.Add(gate);
            gate.Outer = outer;
        }
        var ordered = model.Gates.OrderByDescending(g => g.Frame.Depth).ToList();
        model.Gates.Clear();
        model.Gates.AddRange(ordered);
    }

    private static void Validate(CompiledModel model, bool vmp)
    {
        foreach (var f in model.Factors)
            if (vmp && !f.SupportsVmp) throw new NotSupportedException(f.UnsupportedVmp());
    }

    private static int SelectorDimension(CompiledModel model, GateFrame frame, List<FactorSpec> specs)
    {
        var selector = frame.Selector;
        var node = model.NodeOf[Resolve(selector).Base];
        return node switch
        {
            VarNode<Discrete> d => d.Uniform.Dimension,
            VarNode<Bernoulli> => 2,
            ObservedNode when selector.ValueType == typeof(int) && ObservedSwitchDimension(frame, specs) is int k and > 0 => k,
            _ => throw new NotSupportedException($"Switch on '{selector.Name}' needs a random int selector with a Discrete distribution, or an observed one that indexes an array inside the Switch (e.g. means[{selector.Name}])."),
        };
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
