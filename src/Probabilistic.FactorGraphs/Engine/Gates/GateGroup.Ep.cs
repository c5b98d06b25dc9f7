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
        for (int j = 0; j < _instances.Length; j++)
            if (_instances[j].Active) UpdateInstance(j, lp, w, parallel);
        if (parallel)
            foreach (var inst in _instances)
                foreach (var s in inst.Slots) s.Commit();
    }

    /// <summary>Updates one instance (a nested group's, inside the case of its parent being run).</summary>
    private void UpdateInstance(int j, double[] lp, double[] w, bool deferred)
    {
        var inst = _instances[j];
        // an improper cavity that some case passes through unchanged: keep this instance's last messages, as EP on the
        // clutter problem does (Minka 2001); a variable every case touches may start from an improper cavity
        foreach (var s in inst.Slots)
            if (!s.BeginCavity() && !s.TouchedInEveryCase) return;
        SelectorLogPrior(j, lp);
        var lz = inst.CaseLogEvidence;
        int slots = inst.Slots.Count;
        Span<double> slotLogZ = slots <= 64 ? stackalloc double[slots] : new double[slots];
        for (int c = 0; c < Cases; c++)
        {
            if (double.IsNegativeInfinity(lp[c])) { lz[c] = 0; continue; }
            foreach (var s in inst.Slots) s.EnterCase(c);
            RunCase(inst, c);
            // log Z_c = Σ_factors [log ∫ f Π ctx − Σ A(q)] + Σ_slots A(copy) + Σ_locals A(q): the EP evidence of the case's sub-model
            double l = 0;
            foreach (var (f, i) in inst.Members[c]) l += f.EpEvidenceAt(i);
            foreach (var (g, k) in inst.Children[c]) l += g.EpEvidenceAt(k);
            // the slots' normalisers summed in sorted order: a permutation of the cases then permutes nothing in the rounding,
            // so a mixture with exchangeable components keeps them bit-identical (EP needs InitialiseTo to break the symmetry)
            for (int s = 0; s < slots; s++) { inst.Slots[s].SaveCase(c); slotLogZ[s] = inst.Slots[s].CaseLogNormalizer(c); }
            slotLogZ.Sort();
            foreach (double a in slotLogZ) l += a;
            foreach (var (v, e) in inst.Locals[c]) l += v.LogNormalizerOf(e);
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
        // an impossible case of a bool selector is sent as "certainly not" rather than as a point mass, so that the selector's
        // marginal divided by this message is still its cavity (a Discrete keeps the other values' parameters by itself)
        if (BoolPort is not null) BoolPort.SetMessage(j, Bernoulli.FromLogOdds(BooleanOps.Clamp(lz[1] - lz[0])));
        else if (IntPort is not null)
        {
            double max = lz.Max();
            IntPort.SetMessage(j, Discrete.FromNaturalOwned(lz.Select(l => l - max).ToArray()));
        }
    }

    /// <summary>
    /// One EP pass over case c's sub-model: messages to the variables each factor defines in creation order (nested gates
    /// updating at their place), then messages to their arguments in reverse order.
    /// </summary>
    private static void RunCase(Instance inst, int c)
    {
        var members = inst.Members[c];
        foreach (var (f, i) in members)
            if (f.Output is { IsObserved: false } output) { f.EpSend(output, i); output.Commit(); }
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
                if (!p.IsOutput && !p.IsObserved) { f.EpSend(p, i); p.Commit(); }
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
        Array.Fill(lp, double.NegativeInfinity);
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
