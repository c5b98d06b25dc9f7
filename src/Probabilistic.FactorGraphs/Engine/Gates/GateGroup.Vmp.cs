using Probabilistic.FactorGraphs.Distributions;
using Probabilistic.FactorGraphs.Factors;

namespace Probabilistic.FactorGraphs.Engine;

internal sealed partial class GateGroup
{
    /// <summary>Under VMP, the variables collapsed into deterministic functions of others (no entropy of their own); set by the schedule.</summary>
    internal HashSet<VarNode> Collapsed { get; set; } = [];

    /// <summary>
    /// Case c's share of the VMP bound at instance j: Σ E_q[log f] over its factors + Σ H(q) over the variables living in
    /// it (their q is conditional on the case) + Σ_c' q(c') L_c' of each gate nested in it.
    /// </summary>
    private double CaseBound(int j, int c)
    {
        var inst = _instances[j];
        double s = 0;
        foreach (var (f, i) in inst.Members[c]) s += f.VmpAverageLog(i);
        foreach (var (g, k) in inst.Children[c]) s += g.ExpectedBound(k);
        foreach (var (v, e) in inst.Locals[c]) if (!Collapsed.Contains(v)) s -= v.AverageLogSelfOf(e);
        return s;
    }

    /// <summary>Σ_c q(z_k = c) L_c(k): instance k's share of the bound of the case around it (or of the model).</summary>
    internal double ExpectedBound(int k)
    {
        if (!_instances[k].Active) return 0;
        double s = 0;
        for (int c = 0; c < Cases; c++)
        {
            double q = CaseWeight(k, c);
            if (q > 0) s += q * CaseBound(k, c);
        }
        return s;
    }

    /// <summary>The group's share of the VMP bound (a top-level group).</summary>
    internal double VmpBound()
    {
        double s = 0;
        for (int k = 0; k < _instances.Length; k++) s += ExpectedBound(k);
        return s;
    }

    /// <summary>q(selector element k = c); 0 or 1 for an observed selector.</summary>
    private double CaseWeight(int k, int c) => Selector switch
    {
        VarNode<Bernoulli> b => c == 1 ? b.Marginal[k].GetProbTrue() : b.Marginal[k].GetProbFalse(),
        VarNode<Discrete> d => d.Marginal[k][c],
        ObservedNode o => Math.Min(GateBinding.ObservedCase(o, k), Cases - 1) == c ? 1 : 0,
        _ => throw new InvalidOperationException($"Selector '{Selector.Name}' is neither bool nor int."),
    };

    /// <summary>
    /// The product of q(case) over the gates around instance j that do not also enclose <paramref name="target"/>: a nested
    /// gate's message to a selector living outside the gates around it is weighted by them, as any gated factor's is.
    /// </summary>
    private double OuterWeight(int j, VarNode target)
    {
        double w = 1;
        for (var (g, k) = (this, j); g.Parent is { } p; (g, k) = (p, g._instances[k].ParentInstance))
        {
            int pk = g._instances[k].ParentInstance;
            if (p.FrameOfCase[g.ParentCase] is { } frame && target.LivesInside(frame)) break;
            w *= p.CaseWeight(pk, g.ParentCase);
        }
        return w;
    }

    /// <summary>l1 − l0, with two impossible cases (both −∞) telling nothing rather than NaN.</summary>
    internal static double LogOdds(double l1, double l0) => double.IsNegativeInfinity(l1) && double.IsNegativeInfinity(l0) ? 0 : l1 - l0;

    /// <summary>Multiplies the VMP message exp(L_c) of every instance into the selector's accumulator.</summary>
    internal void VmpSendToSelector()
    {
        var l = new double[Cases];
        for (int j = 0; j < _instances.Length; j++)
        {
            if (!_instances[j].Active) continue;
            double outer = OuterWeight(j, Selector);
            for (int c = 0; c < Cases; c++) l[c] = MessageMath.Mul(outer, CaseBound(j, c));
            if (BoolPort is not null)
                BoolPort.Node.Accumulator[j] = BoolPort.Node.Accumulator[j] * Bernoulli.FromLogOdds(LogOdds(l[1], l[0]));
            else if (IntPort is not null)
            {
                IntPort.Node.Accumulator[j] = IntPort.Node.Accumulator[j] * Discrete.FromNaturalOwned(Arrays.Minus(l, Arrays.Max(l)));
            }
        }
    }
}
