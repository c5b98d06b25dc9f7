using Probabilistic.FactorGraphs.Distributions;
using Probabilistic.FactorGraphs.Models;

namespace Probabilistic.FactorGraphs.Engine;

internal static partial class ModelCompiler
{
    /// <summary>
    /// Under EP, hands each selector whose gates touch outside random variables, or whose selector is observed or varies
    /// over a range, to an <see cref="EpGate"/> in place of its factors. All the case blocks of one selector element under
    /// one enclosing gate chain (If and IfNot, the Case blocks of a Switch, repeated blocks) form ONE compound factor
    /// Π_c (Π_{case c} f)^[z = c] (Minka &amp; Winn, "Gates", NIPS 2008, §3): one EP gate whose exit message projects
    /// Σ_c q(c) Z_c q_c(x) over every case, a case with no block contributing Z_c = 1. Other gates (factors on gate-local
    /// variables and observed values only, under a scalar random selector) keep the exact <see cref="GateFactor"/> path,
    /// and so must every case of a nest that holds gates of its own (<see cref="CheckNestedEp"/>); such a case touches
    /// only the selector, so leaving it out of the selector's EP gate loses nothing at convergence.
    /// </summary>
    private static void BuildEpGates(CompiledModel model)
    {
        var groups = model.Factors.Where(f => f.Gate is not null)
            .GroupBy(f => (f.Gate!.Selector, f.Gate.SelectorScalar, f.Gate.Frame.Parent)).ToList();
        var outerOfNest = model.Gates.Where(g => g.Children.Count > 0).Select(g => g.Frame).ToHashSet();
        foreach (var group in groups)
        {
            var members = group.ToList();
            var g0 = members[0].Gate!;
            var frames = members.Select(f => f.Gate!.Frame).Distinct().ToList();
            // a case holding gates of its own (the outer gate of a model-selection tree) must be gate-local and stays a
            // GateFactor; it touches nothing but the selector, so its message Z_c is exact and the selector's other cases
            // still form one EP gate without it (exact at convergence, after the GateFactor's first update)
            foreach (var frame in frames.Where(outerOfNest.Contains).ToList())
            {
                var own = members.Where(f => Equals(f.Gate!.Frame, frame)).ToList();
                CheckNestedEp(model, frame, g0, own, IsLocalGate(g0, own));
                members.RemoveAll(own.Contains);
                frames.Remove(frame);
            }
            if (members.Count == 0) continue;
            g0 = members[0].Gate!;
            bool local = IsLocalGate(g0, members);
            bool insideParent = false;
            if (frames[0].Parent is not null)
            {
                bool epGate = false;
                foreach (var frame in frames) epGate |= CheckNestedEp(model, frame, g0, members, local);
                if (!epGate) continue;
                insideParent = true;
            }
            else if (local) continue;

            // a random variable defined in one case of this gate belongs to the gate, wherever its array was declared
            // (one defined in every case of a Switch stays outside: its marginal is the mixture over the cases)
            foreach (var f in members)
                foreach (var p in f.Ports)
                    if (p.IsOutput && !p.IsObserved && p.Node.LocalGate is null
                        && members.Where(m => m.Ports.Any(q => q.IsOutput && ReferenceEquals(q.Node, p.Node))).Select(m => m.Gate!.Case).Distinct().Count() == 1)
                        p.Node.LocalGate = f.Gate!.Frame;
            foreach (var f in members) CheckEpGateMember(f, frames);
            int cases = g0.Selector switch
            {
                VarNode<Bernoulli> => 2,
                VarNode<Discrete> d => d.Uniform.Dimension,
                ObservedNode o when o.Source.ValueType == typeof(bool) || o.Source.ValueType == typeof(bool[]) => 2,
                _ => members.Max(f => f.Gate!.Case) + 2, // observed int: one more slot for values no case names
            };
            var gate = new EpGate(g0.Selector, g0.SelectorScalar, cases, members);
            int at = model.Factors.IndexOf(members[0]);
            model.Factors.RemoveAll(f => f.Gate is { } g && frames.Contains(g.Frame));
            model.Factors.Insert(at, gate);
            if (insideParent)
            {
                // an innermost gate over variables of the gate around it: its EP gate is one factor of the outer case
                var replaced = model.Gates.Where(g => frames.Contains(g.Frame)).ToList();
                var outerGate = replaced[0].Outer!;
                outerGate.Children.RemoveAll(replaced.Contains);
                outerGate.Members.Add(gate);
                gate.Gate = g0.Parent;
            }
            model.Gates.RemoveAll(g => frames.Contains(g.Frame));
            g0.Selector.GatesOnMe.RemoveAll(g => frames.Contains(g.Frame));
        }
    }

    /// <summary>
    /// EP runs nested gates as a model-selection tree: every gate of the nest has one random selector, an inner gate's
    /// selector is created inside the gate around it, no gate of the nest is a Switch, and each gate's factors touch only
    /// variables created in it and observed values. Then each case's evidence is the exact EP evidence of its sub-model
    /// (its own factors, the gates inside it, its variables), as for one gate. The innermost gates may also touch
    /// variables created in the gate around them (a parameter shared by the inner cases): such a gate runs as an
    /// <see cref="EpGate"/> that is one factor of the outer case (returns true). Anything else is refused.
    /// </summary>
    private static bool CheckNestedEp(CompiledModel model, GateFrame frame, GateBinding g0, List<FactorNode> members, bool local)
    {
        var outer = frame.Parent ?? frame;
        var inner = frame.Parent is null ? model.Gates.First(g => Equals(g.Frame.Parent, frame)).Frame : frame;
        string pair = $"the gate on '{inner.Selector.Name}' nested inside the gate on '{outer.Selector.Name}'";
        const string use = "Use VariationalMessagePassing for this model, or combine the conditions into one selector.";
        if (frame.Chain.Any(f => f.CaseValue == -1) || model.Gates.Any(g => g.Frame.CaseValue == -1 && g.Frame.Chain.Contains(frame)))
            throw new NotSupportedException($"ExpectationPropagation does not support {pair} when either is a Switch (a variable created in a Switch case would need one posterior per case); write the cases as Variable.Case blocks. {use}");
        if (!g0.SelectorScalar || g0.Selector.IsObserved)
            throw new NotSupportedException($"ExpectationPropagation supports {pair} only with a single random selector for each gate; '{frame.Selector.Name}' is {(g0.Selector.IsObserved ? "observed" : "indexed by a range")}. {use}");
        if (frame.Parent is { } parent && !Equals(g0.Selector.LocalGate, parent))
            throw new NotSupportedException($"ExpectationPropagation supports {pair} only when the inner selector '{frame.Selector.Name}' is created inside the gate on '{parent.Selector.Name}' (a model-selection tree); here it is created outside, so the inner gate's evidence would not be conditional on '{parent.Selector.Name}'. {use}");
        if (local) return false;
        var f = members.First(m => m.Ports.Any(p => !p.IsObserved && !ReferenceEquals(p.Node.LocalGate, m.Gate!.Frame)));
        var port = f.Ports.First(p => !p.IsObserved && !ReferenceEquals(p.Node.LocalGate, f.Gate!.Frame));
        bool innermost = !model.Gates.Any(g => Equals(g.Frame.Parent, frame));
        bool parentsOnly = frame.Parent is not null
            && members.All(m => m.Ports.All(p => p.IsObserved || ReferenceEquals(p.Node.LocalGate, m.Gate!.Frame) || Equals(p.Node.LocalGate, frame.Parent)));
        if (innermost && parentsOnly) return true;
        throw new NotSupportedException($"ExpectationPropagation supports {pair} only when each gate's factors touch variables created inside that gate (or, for the innermost gates, inside the gate around them) and observed values (a model-selection tree); the {f.Description} factor in the gate on '{frame.Selector.Name}' touches '{port.Node.Name}', created {(port.Node.LocalGate is { } lg ? $"in the gate on '{lg.Selector.Name}'" : "outside the gates")}. {use}");
    }

    /// <summary>Whether these gated factors can keep the exact GateFactor path: a scalar random selector, and only gate-local variables and observed values.</summary>
    private static bool IsLocalGate(GateBinding g0, List<FactorNode> members) =>
        g0.SelectorScalar && !g0.Selector.IsObserved
        && !members.Any(f => f.Ports.Any(p => !p.IsObserved && !ReferenceEquals(p.Node.LocalGate, f.Gate!.Frame)));

    private static void CheckEpGateMember(FactorNode f, List<GateFrame> frames)
    {
        var g = f.Gate!;
        var otherCase = f.Ports.FirstOrDefault(p => !p.IsObserved && p.Node.LocalGate is { } lg && !Equals(lg, g.Frame) && frames.Contains(lg));
        if (otherCase is not null)
            throw new InvalidOperationException($"The {f.Description} factor in case {g.Case} of the gate on '{g.Selector.Name}' uses '{otherCase.Node.Name}', which is created in case {otherCase.Node.LocalGate!.CaseValue} of the same gate and does not exist in case {g.Case}. Create '{otherCase.Node.Name}' outside the gate, or use it only in its own case.");
        var outside = f.Ports.FirstOrDefault(p => !p.IsObserved && !Equals(p.Node.LocalGate, g.Frame));
        string touching = outside is null ? "" : $" (it touches '{outside.Node.Name}', created outside the gate)";
        if (!f.SupportsEpAt)
            throw new NotSupportedException($"ExpectationPropagation cannot run the {f.Description} factor inside the gate on '{g.Selector.Name}'{touching}: inside a gate on an observed or ranged selector, or one whose factors touch outside variables, EP supports priors and the Gaussian, VectorGaussian with an observed precision, Bernoulli-from-Beta, Discrete-from-Dirichlet, And/Or/Not, IsPositive, Plus/Minus and scale factors. {(f.SupportsVmp ? "Use VariationalMessagePassing, or move the factor out of the gate." : "Move the factor out of the gate (VariationalMessagePassing has no operator for it either).")}");
        foreach (var p in f.Ports)
        {
            if (p.IsObserved) continue;
            if (ReferenceEquals(p.Node, g.Selector))
                throw new NotSupportedException($"The {f.Description} factor inside the gate on '{g.Selector.Name}' uses the selector itself; ExpectationPropagation does not support a gated factor on its own selector. Move the factor out of the gate.");
            if (Equals(p.Node.LocalGate, g.Frame)) continue;
            var t = p.Node.GetType().GetGenericArguments().FirstOrDefault();
            if (t is null || !MixtureProjection.Supports(t))
                throw new NotSupportedException($"The {f.Description} factor inside the gate on '{g.Selector.Name}' touches '{p.Node.Name}', created outside the gate, whose {t?.Name ?? "value"} marginal has no mixture projection for ExpectationPropagation (supported: Gaussian, Gamma, Beta, Bernoulli, Discrete, Dirichlet, VectorGaussian). Use VariationalMessagePassing, or define '{p.Node.Name}' inside the gate.");
        }
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
}
