using Probabilistic.Core.Numerics;
using Probabilistic.FactorGraphs.Distributions;
using Probabilistic.FactorGraphs.Factors;

namespace Probabilistic.FactorGraphs.Engine;

internal sealed partial class GateGroup
{
    /// <summary>
    /// One EP update of every instance. At the top level the instances update in parallel (each sees the outside marginals
    /// as they were when the loop began, as Infer.NET's default schedule over a range does); nested in a case, in turn.
    /// </summary>
    internal void EpUpdate(bool parallel)
    {
        var lp = new double[Cases];
        var w = new double[Cases];
        if (HasLaggedSlots())
        {
            if (!(parallel && SlotsFirst && Parent is null && Children.Count == 0)) RefuseLagged();
            PhasedUpdate();
            return;
        }
        if (parallel && SlotsFirst)
        {
            // Infer.NET's order when the selector is initialised: the messages into the cases are sent first, weighted by
            // the selector's marginal (its initialisation or definition times last sweep's evidence); then each case's
            // evidence is taken from the updated cavities and sent to the selector
            for (int j = 0; j < _instances.Length; j++)
                if (_instances[j].Active) SendIntoCases(j, lp, w);
            foreach (var inst in _instances)
                foreach (var s in inst.Slots) s.Commit();
            for (int j = 0; j < _instances.Length; j++)
                if (_instances[j].Active) SendEvidence(j, lp, w);
            return;
        }
        for (int j = 0; j < _instances.Length; j++)
            if (_instances[j].Active) UpdateInstance(j, lp, w, parallel);
        if (parallel)
            foreach (var inst in _instances)
                foreach (var s in inst.Slots) s.Commit();
    }

    /// <summary>
    /// Set at bind time for a top-level group whose random selector has an initialisation under EP: the slots are updated
    /// before the selector's messages (<see cref="EpUpdate"/>).
    /// </summary>
    internal bool SlotsFirst { get; set; }

    private bool? _hasLagged;
    private string _lagged = "";
    private bool _phasedStarted;

    /// <summary>True when some gated factor has a lagged port on a variable entering the gate (<see cref="FactorNode.IsEpLagged"/>).</summary>
    private bool HasLaggedSlots()
    {
        if (_hasLagged is { } known) return known;
        // a lagged port is a property of the factor: without one among the members, no instance needs scanning
        bool any = Members.Any(f => f.Ports.Any(f.IsEpLagged));
        if (!any)
        {
            _hasLagged = false;
            return false;
        }
        any = false;
        for (int j = 0; j < _instances.Length && !any; j++) any = LaggedSlots(j).Count > 0;
        _hasLagged = any;
        return any;
    }

    /// <summary>
    /// Refuses a lagged port where Infer.NET's order for it is not reproduced here: a nested gate, a gate with gates nested
    /// in it, an uninitialised selector, or a range marked Sequential.
    /// </summary>
    private void RefuseLagged() => throw new NotSupportedException(
        $"ExpectationPropagation runs {_lagged} inside the {Description} only when the gate is not nested in another one, has none nested in it, "
        + "its selector is initialised (InitialiseTo, as mixtures need to break their symmetry) and its range is not Sequential: Infer.NET's "
        + "schedule for such a gate is reproduced only there. Use VariationalMessagePassing, or observe the precision.");

    /// <summary>The slots of instance j that some case's factor reaches through a lagged port.</summary>
    private HashSet<GateSlot> LaggedSlots(int j)
    {
        var inst = _instances[j];
        var lagged = new HashSet<GateSlot>();
        foreach (var members in inst.Members)
            foreach (var (f, i) in members)
                foreach (var p in f.Ports)
                    if (!p.IsObserved && f.IsEpLagged(p) && inst.TryGetSlot(p.Node, p.ElementIndex(i), out var slot))
                    {
                        lagged.Add(slot);
                        if (_lagged.Length == 0) _lagged = $"the {f.Description} factor, whose message to '{p.Node.Name}' reads its own last one (Laplace's approximation),";
                    }
        return lagged;
    }

    /// <summary>
    /// A sweep in Infer.NET's order when some gated factor's message reads its own last message (a lagged port): the lagged
    /// variables exit first, with last sweep's case messages and the selector's current marginal; then the other entering
    /// variables take their case messages and exit; then the lagged ports' messages are sent and each case's evidence goes
    /// to the selector. The first sweep starts with that last phase, as Infer.NET's initialisation computes those messages
    /// before its loop. Each phase runs over all instances from the marginals the previous phase left.
    /// </summary>
    private void PhasedUpdate()
    {
        var lagged = new HashSet<GateSlot>[_instances.Length];
        for (int j = 0; j < lagged.Length; j++) lagged[j] = LaggedSlots(j);
        var lp = new double[Cases];
        var w = new double[Cases];
        if (!_phasedStarted)
        {
            _phasedStarted = true;
            LaggedMessagesAndEvidence(lagged, lp);
        }
        // 1. the lagged variables exit
        for (int j = 0; j < _instances.Length; j++)
        {
            var inst = _instances[j];
            if (!inst.Active || !BeginCavities(inst)) continue;
            Weights(j, lp, w);
            foreach (var s in inst.Slots)
                if (lagged[j].Contains(s)) s.ReExit(w);
                else s.Restore();
        }
        CommitSlots(lagged, laggedOnes: true);
        // 2. the other entering variables: case messages, then exits
        for (int j = 0; j < _instances.Length; j++)
        {
            var inst = _instances[j];
            if (!inst.Active || !BeginCavities(inst)) continue;
            Weights(j, lp, w);
            for (int c = 0; c < Cases; c++)
            {
                if (w[c] == 0) continue;
                foreach (var s in inst.Slots) s.EnterCase(c);
                RunCase(inst, c, p => !IsLaggedPort(p));
                foreach (var s in inst.Slots)
                    if (lagged[j].Contains(s)) s.Restore();
                    else s.SaveCase(c);
            }
            foreach (var s in inst.Slots)
                if (lagged[j].Contains(s)) s.Restore();
                else s.Exit(w, deferred: true);
        }
        CommitSlots(lagged, laggedOnes: false);
        // 3. the lagged ports' messages and the evidence
        LaggedMessagesAndEvidence(lagged, lp);
    }

    private static bool IsLaggedPort((FactorNode F, IPort P) fp) => fp.F.IsEpLagged(fp.P);

    private bool BeginCavities(Instance inst)
    {
        foreach (var s in inst.Slots)
            if (!s.BeginCavity() && !s.TouchedInEveryCase)
            {
                foreach (var t in inst.Slots) t.Restore();
                return false;
            }
        return true;
    }

    /// <summary>q(z_j = c), normalised, into <paramref name="w"/>.</summary>
    private void Weights(int j, double[] lp, double[] w)
    {
        SelectorLogMarginal(j, lp);
        double logZ = double.NegativeInfinity;
        foreach (double l in lp) logZ = LogSpace.LogAddExp(logZ, l);
        for (int c = 0; c < Cases; c++) w[c] = Math.Exp(lp[c] - logZ);
        // a case whose probability rounds to 1 takes the whole weight, as Infer.NET's gate does when log q(case) == 0
        for (int c = 0; c < Cases; c++)
            if (w[c] == 1)
            {
                Array.Clear(w);
                w[c] = 1;
                break;
            }
    }

    private void CommitSlots(HashSet<GateSlot>[] lagged, bool laggedOnes)
    {
        for (int j = 0; j < _instances.Length; j++)
            foreach (var s in _instances[j].Slots)
                if (lagged[j].Contains(s) == laggedOnes) s.Commit();
    }

    /// <summary>The lagged ports' case messages (kept in their slots, not exited) and each case's evidence, sent to the selector.</summary>
    private void LaggedMessagesAndEvidence(HashSet<GateSlot>[] lagged, double[] lp)
    {
        for (int j = 0; j < _instances.Length; j++)
        {
            var inst = _instances[j];
            if (!inst.Active || !BeginCavities(inst)) continue;
            SelectorLogPrior(j, lp);
            var lz = inst.CaseLogEvidence;
            for (int c = 0; c < Cases; c++)
            {
                if (double.IsNegativeInfinity(lp[c])) { lz[c] = 0; continue; }
                foreach (var s in inst.Slots) s.EnterCase(c);
                RunCase(inst, c, IsLaggedPort);
                lz[c] = CaseEvidence(inst, c);
                foreach (var s in inst.Slots)
                    if (lagged[j].Contains(s)) s.SaveCase(c);
                    else s.Restore();
            }
            foreach (var s in inst.Slots) s.Restore();
            SendEvidenceToSelector(j, lp, lz);
        }
    }

    /// <summary>The instance's log Σ_c cavity(c) Z_c, and the case evidences sent to the selector.</summary>
    private void SendEvidenceToSelector(int j, double[] lp, double[] lz)
    {
        double logZ = double.NegativeInfinity;
        for (int c = 0; c < Cases; c++)
            if (!double.IsNegativeInfinity(lp[c])) logZ = LogSpace.LogAddExp(logZ, lp[c] + lz[c]);
        _instances[j].LogZ = logZ;
        SendToSelector(j, lz);
    }

    /// <summary>Slots-first, first half: the case sub-models run and the slots' messages leave, weighted by q(selector).</summary>
    private void SendIntoCases(int j, double[] lp, double[] w)
    {
        var inst = _instances[j];
        foreach (var s in inst.Slots)
            if (!s.BeginCavity() && !s.TouchedInEveryCase) return;
        SelectorLogMarginal(j, lp);
        double logZ = double.NegativeInfinity;
        foreach (double l in lp) logZ = LogSpace.LogAddExp(logZ, l);
        for (int c = 0; c < Cases; c++)
        {
            w[c] = Math.Exp(lp[c] - logZ);
            if (w[c] == 0) continue;
            foreach (var s in inst.Slots) s.EnterCase(c);
            RunCase(inst, c);
            foreach (var s in inst.Slots) s.SaveCase(c);
        }
        foreach (var s in inst.Slots) s.Exit(w, deferred: true);
    }

    /// <summary>Slots-first, second half: each case's evidence from the updated cavities, sent to the selector.</summary>
    private void SendEvidence(int j, double[] lp, double[] w)
    {
        var inst = _instances[j];
        if (!BeginCavities(inst)) return;
        SelectorLogPrior(j, lp);
        var lz = inst.CaseLogEvidence;
        for (int c = 0; c < Cases; c++)
        {
            if (double.IsNegativeInfinity(lp[c])) { lz[c] = 0; continue; }
            foreach (var s in inst.Slots) s.EnterCase(c);
            lz[c] = CaseEvidence(inst, c);
        }
        foreach (var s in inst.Slots) s.Restore();
        SendEvidenceToSelector(j, lp, lz);
    }

    /// <summary>log q(z_j = c) with the selector's marginal (this group's last message included).</summary>
    private void SelectorLogMarginal(int j, double[] lp)
    {
        if (BoolPort is not null)
        {
            var (lt, lf) = MessageMath.LogWeights(BoolPort.Node.Marginal[j]);
            lp[0] = lf;
            lp[1] = lt;
            return;
        }
        var q = IntPort!.Node.Marginal[j];
        for (int c = 0; c < Cases; c++) lp[c] = q.GetNatural(c);
    }

    /// <summary>One EP update of instance j, its messages applied at once (a range marked Sequential).</summary>
    internal void EpUpdateInstance(int j)
    {
        if (HasLaggedSlots()) RefuseLagged();
        if (!_instances[j].Active) return;
        UpdateInstance(j, new double[Cases], new double[Cases], deferred: false);
    }

    /// <summary>The range element of each instance on <paramref name="range"/>, or null when the selector is not indexed by it.</summary>
    internal int[]? InstanceCoordinates(Models.Range range)
    {
        int d = Selector.Space.IndexOf(range);
        if (d < 0) return null;
        var r = new int[_instances.Length];
        for (int j = 0; j < r.Length; j++) r[j] = Selector.Space.Coordinate(j, d);
        return r;
    }

    /// <summary>Updates one instance (a nested group's, inside the case of its parent being run).</summary>
    private void UpdateInstance(int j, double[] lp, double[] w, bool deferred)
    {
        if (HasLaggedSlots()) RefuseLagged();
        var inst = _instances[j];
        // an improper cavity that some case passes through unchanged: keep this instance's last messages, as EP on the
        // clutter problem does (Minka 2001); a variable every case touches may start from an improper cavity
        foreach (var s in inst.Slots)
            if (!s.BeginCavity() && !s.TouchedInEveryCase) return;
        SelectorLogPrior(j, lp);
        var lz = inst.CaseLogEvidence;
        for (int c = 0; c < Cases; c++)
        {
            if (double.IsNegativeInfinity(lp[c])) { lz[c] = 0; continue; }
            foreach (var s in inst.Slots) s.EnterCase(c);
            RunCase(inst, c);
            lz[c] = CaseEvidence(inst, c);
            foreach (var s in inst.Slots) s.SaveCase(c);
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
        if (double.IsNegativeInfinity(logZ) && Parent is not null)
        {
            // every case impossible here: the case of the gate around this one is impossible (its evidence carries −∞)
            foreach (var s in inst.Slots) s.Restore();
            inst.LogZ = logZ;
            return;
        }
        if (double.IsNegativeInfinity(logZ))
            throw new InvalidOperationException($"ExpectationPropagation through the {Description} (element {j}) found no case with finite evidence (log Z per case: {string.Join(", ", lz)}); check the observed values and priors the gated factors see.");
        for (int c = 0; c < Cases; c++) w[c] = Math.Exp(w[c] - logZ);
        foreach (var s in inst.Slots) s.Exit(w, deferred);
        inst.LogZ = logZ;
        SendToSelector(j, lz);
    }

    /// <summary>
    /// log Z_c = Σ_factors [log ∫ f Π ctx − Σ A(q)] + Σ_slots A(q_c) + Σ_locals A(q): the EP evidence of case c's sub-model,
    /// with the slots holding the case's marginals.
    /// </summary>
    private static double CaseEvidence(Instance inst, int c)
    {
        double l = 0;
        foreach (var (f, i) in inst.Members[c]) l += f.EpEvidenceAt(i);
        foreach (var (g, k) in inst.Children[c]) l += g.EpEvidenceAt(k);
        // the slots' normalisers summed in sorted order: a permutation of the cases then permutes nothing in the rounding,
        // so a mixture with exchangeable components keeps them bit-identical (EP needs InitialiseTo to break the symmetry)
        int slots = inst.Slots.Count;
        Span<double> slotLogZ = slots <= 64 ? stackalloc double[slots] : new double[slots];
        for (int s = 0; s < slots; s++) slotLogZ[s] = inst.Slots[s].MarginalLogNormalizer();
        Arrays.Sort(slotLogZ);
        foreach (double a in slotLogZ) l += a;
        foreach (var (v, e) in inst.Locals[c]) l += v.LogNormalizerOf(e);
        return l;
    }

    /// <summary>The case evidences as the message to the selector.</summary>
    private void SendToSelector(int j, double[] lz)
    {
        // an impossible case of a bool selector is sent as "certainly not" rather than as a point mass, so that the selector's
        // marginal divided by this message is still its cavity (a Discrete keeps the other values' parameters by itself)
        if (BoolPort is not null) BoolPort.SetMessage(j, Bernoulli.FromLogOdds(BooleanOps.Clamp(lz[1] - lz[0])));
        else if (IntPort is not null)
        {
            IntPort.SetMessage(j, Discrete.FromNaturalOwned(Arrays.Minus(lz, Arrays.Max(lz))));
        }
    }

    /// <summary>
    /// One EP pass over case c's sub-model: messages to the variables each factor defines in creation order (nested gates
    /// updating at their place), then messages to their arguments in reverse order.
    /// </summary>
    private static void RunCase(Instance inst, int c) => RunCase(inst, c, null);

    /// <summary><see cref="RunCase(Instance, int)"/> sending only the messages <paramref name="send"/> admits (null: all).</summary>
    private static void RunCase(Instance inst, int c, Func<(FactorNode, IPort), bool>? send)
    {
        var members = inst.Members[c];
        foreach (var (f, i) in members)
            if (f.Output is { IsObserved: false } output && (send is null || send((f, output)))) { f.EpSend(output, i); output.Commit(); }
        var lp = new double[0];
        foreach (var (g, k) in inst.Children[c])
        {
            if (lp.Length != g.Cases) lp = new double[g.Cases];
            g.UpdateInstance(k, lp, new double[g.Cases], deferred: false);
        }
        for (int m = members.Count - 1; m >= 0; m--)
        {
            var (f, i) = members[m];
            foreach (var p in f.Ports)
                if (!p.IsOutput && !p.IsObserved && (send is null || send((f, p)))) { f.EpSend(p, i); p.Commit(); }
        }
    }

    /// <summary>log cavity(z_j = c), unnormalised as the engine's contexts are; an observed selector puts 0 on its value.</summary>
    private void SelectorLogPrior(int j, double[] lp)
    {
        if (BoolPort is not null)
        {
            var (lt, lf) = MessageMath.LogWeights(BoolPort.Context(j));
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
        int value = GateBinding.ObservedCase((ObservedNode)Selector, j);
        if ((uint)value >= (uint)Cases) value = Cases - 1;
        Arrays.Fill(lp, double.NegativeInfinity);
        lp[value] = 0;
    }

    /// <summary>Instance k's share of the EP log evidence: log Σ_c cavity(c) Z_c − Σ_slots A(q(x)) − A(q(selector)).</summary>
    internal double EpEvidenceAt(int k)
    {
        var inst = _instances[k];
        if (!inst.Active) return 0;
        double s = inst.LogZ;
        foreach (var slot in inst.Slots) s -= slot.MarginalLogNormalizer();
        if (BoolPort is not null) s -= BoolPort.LogNormalizerAt(k);
        else if (IntPort is not null) s -= IntPort.LogNormalizerAt(k);
        return s;
    }

    /// <summary>The group's share of the EP log evidence (a top-level group).</summary>
    internal double EpEvidenceTerm()
    {
        double s = 0;
        for (int k = 0; k < _instances.Length; k++) s += EpEvidenceAt(k);
        return s;
    }
}
