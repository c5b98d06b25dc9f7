using Probabilistic.Core.Numerics;
using Probabilistic.FactorGraphs.Distributions;
using Probabilistic.FactorGraphs.Models;

namespace Probabilistic.FactorGraphs.Engine;

/// <summary>
/// Expectation propagation through a gate whose factors touch variables created outside it (a mixture), or whose
/// selector is observed or varies over a range. Minka &amp; Winn, "Gates" (NIPS 2008), EP through gates: each selector element j
/// and the factors it switches form one compound factor f_j(x, z_j) = Π_c (Π_{case c} f)^[z_j = c], whatever blocks they
/// were written in (If and IfNot, the Case blocks of one selector: one gate, never one per block, or EP would treat the
/// cases as separate factors and only approximate a single observation). A case with no factors has Z_c = 1. For each case the
/// gated factors run their EP updates on a copy of every outside variable that starts at its cavity ("gate enter":
/// marginal / this gate's exit message), giving the case's posterior q_c(x) and evidence Z_c. The exit message to x is
/// proj[Σ_c q(z_j = c) q_c(x)] / cavity(x), with q(z_j = c) ∝ cavity(z_j = c)·Z_c, and the message to z_j is (Z_c)_c.
/// An observed selector weights one case by 1, so the gate only switches its factors on or off (exact).
/// </summary>
internal sealed class EpGate : FactorNode
{
    private Instance[] _instances = [];

    internal EpGate(VarNode selector, bool selectorScalar, int cases, List<FactorNode> members)
        : base($"gate on '{selector.Name}'")
    {
        Selector = selector;
        SelectorScalar = selectorScalar;
        Cases = cases;
        Members = members;
        if (selector is VarNode<Bernoulli>) BoolPort = new Port<Bernoulli>(this, selector, null) { Scalar = selectorScalar };
        else if (selector is VarNode<Discrete>) IntPort = new Port<Discrete>(this, selector, null) { Scalar = selectorScalar };
        if (!selectorScalar) Space = selector.Space;
    }

    internal VarNode Selector { get; }
    internal bool SelectorScalar { get; }

    /// <summary>Number of selector values; for an observed int selector, the last one stands for every value no case names.</summary>
    internal int Cases { get; }
    internal List<FactorNode> Members { get; }
    private Port<Bernoulli>? BoolPort { get; }
    private Port<Discrete>? IntPort { get; }

    internal override IEnumerable<IPort> Ports => BoolPort is not null ? [BoolPort] : IntPort is not null ? [IntPort] : [];

    /// <summary>One compound factor per selector element: its gated factor instances per case, outside copies, gate-local elements.</summary>
    private sealed class Instance(int cases)
    {
        internal List<(FactorNode F, int I)>[] Members { get; } = Enumerable.Range(0, cases).Select(_ => new List<(FactorNode, int)>()).ToArray();
        internal List<(VarNode Node, int Element)>[] Locals { get; } = Enumerable.Range(0, cases).Select(_ => new List<(VarNode, int)>()).ToArray();
        internal List<Slot> Slots { get; } = [];
        internal Dictionary<(VarNode, int), Slot> SlotOf { get; } = [];
        internal double LogZ { get; set; }
    }

    internal override void Allocate()
    {
        base.Allocate();
        foreach (var f in Members) f.Allocate();
        _instances = new Instance[Count];
        for (int j = 0; j < Count; j++) _instances[j] = new Instance(Cases);
        foreach (var f in Members)
        {
            var gate = f.Gate!;
            for (int i = 0; i < f.Count; i++)
            {
                int j = gate.SelectorIndex(i);
                if ((uint)j >= (uint)Count)
                    throw new InvalidOperationException($"The {f.Description} factor's instance {i} maps to element {j} of selector '{Selector.Name}', which has {Count}.");
                var inst = _instances[j];
                inst.Members[gate.Case].Add((f, i));
                foreach (var p in f.Ports)
                {
                    if (p.IsObserved) continue;
                    int e = ElementOf(p, i);
                    if (Equals(p.Node.LocalGate, gate.Frame))
                    {
                        if (!inst.Locals[gate.Case].Contains((p.Node, e))) inst.Locals[gate.Case].Add((p.Node, e));
                        continue;
                    }
                    if (!inst.SlotOf.TryGetValue((p.Node, e), out var slot))
                    {
                        slot = Slot.Create(p.Node, e, Cases);
                        inst.SlotOf[(p.Node, e)] = slot;
                        inst.Slots.Add(slot);
                    }
                    slot.AddMember(gate.Case, p, i);
                }
            }
        }
    }

    private static int ElementOf(IPort p, int i) => p switch
    {
        Port<Gaussian> q => q.Index(i),
        Port<Gamma> q => q.Index(i),
        Port<Beta> q => q.Index(i),
        Port<Bernoulli> q => q.Index(i),
        Port<Discrete> q => q.Index(i),
        Port<Dirichlet> q => q.Index(i),
        Port<VectorGaussian> q => q.Index(i),
        Port<Wishart> q => q.Index(i),
        _ => throw new InvalidOperationException($"Unknown port type {p.GetType().Name}."),
    };

    internal override void EpUpdate()
    {
        var lp = new double[Cases];
        var lz = new double[Cases];
        var w = new double[Cases];
        for (int j = 0; j < Count; j++) UpdateInstance(j, lp, lz, w);
    }

    private void UpdateInstance(int j, double[] lp, double[] lz, double[] w)
    {
        var inst = _instances[j];
        // an improper cavity that some case passes through unchanged: keep this instance's last messages, as EP on the
        // clutter problem does (Minka 2001); a variable every case defines (a Switch output) may start from a uniform cavity
        foreach (var s in inst.Slots)
            if (!s.BeginCavity() && !s.TouchedInEveryCase) return;
        SelectorLogPrior(j, lp);
        int slots = inst.Slots.Count;
        Span<double> slotLogZ = slots <= 64 ? stackalloc double[slots] : new double[slots];
        for (int c = 0; c < Cases; c++)
        {
            foreach (var s in inst.Slots) s.EnterCase(c);
            foreach (var (f, i) in inst.Members[c]) f.EpUpdateAt(i);
            // log Z_c = log ∫ Π_{case c} f Π_slots exp(η_cavity·T), by the engine's EP evidence on the case's sub-graph
            double l = 0;
            foreach (var (f, i) in inst.Members[c])
            {
                l += f.EpLogZ(i);
                foreach (var p in f.Ports) l -= p.LogNormalizerAt(i);
            }
            // the slots' normalisers summed in sorted order: a permutation of the cases then permutes nothing in the rounding,
            // so a mixture with exchangeable components keeps them bit-identical (EP needs InitialiseTo to break the symmetry)
            for (int s = 0; s < slots; s++) { inst.Slots[s].SaveCase(c); slotLogZ[s] = inst.Slots[s].CaseLogNormalizer(c); }
            slotLogZ.Sort();
            foreach (double a in slotLogZ) l += a;
            foreach (var (v, e) in inst.Locals[c]) l += LogNormalizer(v, e);
            lz[c] = l;
        }
        double logZ = double.NegativeInfinity;
        for (int c = 0; c < Cases; c++)
        {
            w[c] = double.IsNegativeInfinity(lp[c]) ? double.NegativeInfinity : lp[c] + lz[c];
            logZ = LogSpace.LogAddExp(logZ, w[c]);
        }
        if (double.IsNaN(logZ) || double.IsPositiveInfinity(logZ))
        {
            foreach (var s in inst.Slots) s.Restore(); // an improper case posterior: skip this update
            return;
        }
        if (double.IsNegativeInfinity(logZ))
            throw new InvalidOperationException($"ExpectationPropagation through the {Description} (element {j}) found no case with finite evidence (log Z per case: {string.Join(", ", lz)}); check the observed values and priors the gated factors see.");
        for (int c = 0; c < Cases; c++) w[c] = Math.Exp(w[c] - logZ);
        foreach (var s in inst.Slots) s.Exit(w);
        inst.LogZ = logZ;
        if (BoolPort is not null) BoolPort.SetMessage(j, Bernoulli.FromLogOdds(lz[1] - lz[0]));
        else if (IntPort is not null)
        {
            double max = lz.Max();
            IntPort.SetMessage(j, Discrete.FromNaturalOwned(lz.Select(l => l - max).ToArray()));
        }
    }

    /// <summary>log cavity(z_j = c), unnormalised as the engine's contexts are; an observed selector puts 0 on its value.</summary>
    private void SelectorLogPrior(int j, double[] lp)
    {
        if (BoolPort is not null)
        {
            var (lt, lf) = Dist.LogWeights(BoolPort.Context(j));
            lp[0] = lf;
            lp[1] = lt;
            return;
        }
        if (IntPort is not null)
        {
            var ctx = IntPort.Context(j);
            for (int c = 0; c < Cases; c++) lp[c] = ctx.GetNatural(c);
            return;
        }
        var o = (ObservedNode)Selector;
        int value = o.Bools is { } bs ? (bs[j] ? 1 : 0) : Math.Min(o.Ints![j], Cases - 1);
        if (value < 0) value = Cases - 1;
        Array.Fill(lp, double.NegativeInfinity);
        lp[value] = 0;
    }

    /// <summary>log ẑ of instance j at the current marginals: log Σ_c cavity(c) Z_c − Σ_slots A(q(x)); the selector port's A(q) is taken off by the caller.</summary>
    internal override double EpLogZ(int i)
    {
        var inst = _instances[i];
        double s = inst.LogZ;
        foreach (var slot in inst.Slots) s -= slot.MarginalLogNormalizer();
        return s;
    }

    private static double LogNormalizer(VarNode v, int e) => v switch
    {
        VarNode<Gaussian> n => n.Marginal[e].GetLogNormalizer(),
        VarNode<Gamma> n => n.Marginal[e].GetLogNormalizer(),
        VarNode<Beta> n => n.Marginal[e].GetLogNormalizer(),
        VarNode<Bernoulli> n => n.Marginal[e].GetLogNormalizer(),
        VarNode<Discrete> n => n.Marginal[e].GetLogNormalizer(),
        VarNode<Dirichlet> n => n.Marginal[e].GetLogNormalizer(),
        VarNode<VectorGaussian> n => n.Marginal[e].GetLogNormalizer(),
        VarNode<Wishart> n => n.Marginal[e].GetLogNormalizer(),
        _ => 0,
    };

    /// <summary>One outside variable element as one gate instance sees it: cavity, exit message, per-case copies.</summary>
    private abstract class Slot
    {
        internal static Slot Create(VarNode node, int element, int cases) => node switch
        {
            VarNode<Gaussian> n => new Slot<Gaussian>(n, element, cases),
            VarNode<Gamma> n => new Slot<Gamma>(n, element, cases),
            VarNode<Beta> n => new Slot<Beta>(n, element, cases),
            VarNode<Bernoulli> n => new Slot<Bernoulli>(n, element, cases),
            VarNode<Discrete> n => new Slot<Discrete>(n, element, cases),
            VarNode<Dirichlet> n => new Slot<Dirichlet>(n, element, cases),
            VarNode<VectorGaussian> n => new Slot<VectorGaussian>(n, element, cases),
            _ => throw new NotSupportedException($"'{node.Name}' has no mixture projection for ExpectationPropagation through a gate."),
        };

        internal abstract void AddMember(int c, IPort port, int i);
        internal abstract bool BeginCavity();
        internal abstract void EnterCase(int c);
        internal abstract void SaveCase(int c);
        internal abstract double CaseLogNormalizer(int c);
        internal abstract void Exit(double[] w);
        internal abstract void Restore();
        internal abstract bool TouchedInEveryCase { get; }
        internal abstract double MarginalLogNormalizer();
    }

    private sealed class Slot<T> : Slot where T : struct, IDistribution<T>
    {
        private readonly VarNode<T> _node;
        private readonly int _e;
        private readonly List<(Port<T> Port, int I)>[] _members;
        private readonly T[] _copies;
        private T _exit;
        private T _cavity;

        internal Slot(VarNode<T> node, int element, int cases)
        {
            _node = node;
            _e = element;
            _members = Enumerable.Range(0, cases).Select(_ => new List<(Port<T>, int)>()).ToArray();
            _copies = new T[cases];
            _exit = node.Uniform;
        }

        internal override void AddMember(int c, IPort port, int i) => _members[c].Add(((Port<T>)port, i));

        internal override bool BeginCavity()
        {
            _cavity = _node.Marginal[_e] / _exit;
            return _cavity.IsProper();
        }

        // gate enter: the case's copy is the cavity times the case's own factors' messages
        internal override void EnterCase(int c)
        {
            var q = _cavity;
            foreach (var (p, i) in _members[c]) q = q * p.Messages[i];
            _node.Marginal[_e] = q;
        }

        internal override void SaveCase(int c) => _copies[c] = _node.Marginal[_e];

        internal override double CaseLogNormalizer(int c) => _copies[c].GetLogNormalizer();

        // gate exit: q(x) = proj[Σ_c w_c q_c(x)], the message is q / cavity
        internal override bool TouchedInEveryCase => _members.All(m => m.Count > 0);

        internal override void Restore() => _node.Marginal[_e] = _cavity * _exit;

        internal override void Exit(double[] w)
        {
            for (int c = 0; c < w.Length; c++)
                if (w[c] > 0 && !_copies[c].IsProper()) { Restore(); return; }
            var q = MixtureProjection.Project<T>(w, _copies);
            _node.Marginal[_e] = q;
            _exit = q / _cavity;
        }

        internal override double MarginalLogNormalizer() => _node.Marginal[_e].GetLogNormalizer();
    }
}
