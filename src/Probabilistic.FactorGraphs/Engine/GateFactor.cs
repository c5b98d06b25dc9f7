using Probabilistic.Core.Numerics;
using Probabilistic.FactorGraphs.Distributions;
using Probabilistic.FactorGraphs.Models;

namespace Probabilistic.FactorGraphs.Engine;

/// <summary>
/// One case of a gate (Minka &amp; Winn, "Gates", 2008) as a factor on its selector. Under EP the case's factors touch
/// only variables created inside it and observed values, so the message to the selector is exp(L), L the case's log
/// evidence, and the case's variables hold their posteriors given the case (other gates run under EP as an
/// <see cref="EpGate"/>). Under VMP every gated factor sends its messages raised to q(case) and its E[log f] to the selector.
/// Nested gates: a factor inside several gates is a member of the innermost and an <see cref="Inner"/> factor of the
/// others. Under VMP its weight is the product of q(case) over them, and each selector receives its E[log f] weighted by
/// the other gates' q(case). Under EP (a model-selection tree) a case's evidence adds the evidence of the gates inside it.
/// </summary>
internal sealed class GateFactor : FactorNode
{
    internal GateFactor(GateFrame frame, VarNode selector, int caseValue)
        : base($"gate on '{selector.Name}' = {caseValue}")
    {
        Frame = frame;
        Selector = selector;
        Case = caseValue;
    }

    internal GateFrame Frame { get; }
    internal VarNode Selector { get; }
    internal int Case { get; }
    internal List<FactorNode> Members { get; } = [];

    /// <summary>Factors in gates nested inside this one (VMP sends their E[log f] to this selector too).</summary>
    internal List<FactorNode> Inner { get; } = [];

    /// <summary>The gates directly inside this case (nested gates; their evidence is part of this case's).</summary>
    internal List<GateFactor> Children { get; } = [];

    /// <summary>The gate this one is nested in, or null.</summary>
    internal GateFactor? Outer { get; set; }
    internal List<VarNode> Locals { get; } = [];
    internal Port<Bernoulli>? BoolPort { get; set; }
    internal Port<Discrete>? IntPort { get; set; }
    internal int Dimension { get; set; }
    internal double LastLogEvidence { get; private set; }

    internal override IEnumerable<IPort> Ports => BoolPort is not null ? [BoolPort] : IntPort is not null ? [IntPort] : [];

    internal override bool SupportsVmp => true;

    internal override void EpUpdate()
    {
        double l = 0;
        foreach (var f in Members) l += f.EpEvidenceTerm();
        foreach (var g in Children) l += g.EpEvidenceTerm();
        foreach (var v in Locals) l += v switch
        {
            VarNode<Gaussian> g => g.SumLogNormalizer(),
            VarNode<Gamma> g => g.SumLogNormalizer(),
            VarNode<Beta> g => g.SumLogNormalizer(),
            VarNode<Bernoulli> g => g.SumLogNormalizer(),
            VarNode<Discrete> g => g.SumLogNormalizer(),
            VarNode<Dirichlet> g => g.SumLogNormalizer(),
            VarNode<VectorGaussian> g => g.SumLogNormalizer(),
            VarNode<Wishart> g => g.SumLogNormalizer(),
            _ => 0,
        };
        LastLogEvidence = l;
        BoolPort?.SetMessage(0, Bernoulli.FromLogOdds(Case == 1 ? l : -l));
        IntPort?.SetMessage(0, CaseMessage(l));
    }

    private Discrete CaseMessage(double l)
    {
        var eta = new double[Dimension];
        eta[Case] = l;
        return Discrete.FromNaturalOwned(eta);
    }

    internal override double EpLogZ(int i)
    {
        double l = LastLogEvidence;
        if (BoolPort is not null)
        {
            var (lt, lf) = Dist.LogWeights(BoolPort.Context(0));
            return Case == 1 ? LogSpace.LogAddExp(lt + l, lf) : LogSpace.LogAddExp(lt, lf + l);
        }
        if (IntPort is not null)
        {
            var ctx = IntPort.Context(0);
            double s = double.NegativeInfinity;
            for (int k = 0; k < Dimension; k++) s = LogSpace.LogAddExp(s, ctx.GetNatural(k) + (k == Case ? l : 0));
            return s;
        }
        return 0;
    }

    /// <summary>
    /// VMP: each weighted member sends E[log f_i] to the selector element of instance i; a factor in gates nested inside
    /// this one sends it weighted by q(case) of those other gates (the ELBO term is Π_gates q(case) · E[log f_i]).
    /// </summary>
    internal override void VmpSend(IPort target, double[]? weights)
    {
        Send(Members);
        if (Inner.Count > 0) Send(Inner);
    }

    private void Send(List<FactorNode> factors)
    {
        foreach (var f in factors)
        {
            if (!f.VmpWeighted) continue;
            var gate = f.Gate!;
            var own = gate.Parent is null ? gate : gate.For(Frame);
            for (int i = 0; i < f.Count; i++)
            {
                double a = f.VmpAverageLog(i);
                if (gate.Parent is not null) a *= gate.WeightWithout(own, i);
                int j = own.SelectorIndex(i);
                if (Selector is VarNode<Bernoulli> b)
                    b.Accumulator[j] = b.Accumulator[j] * Bernoulli.FromLogOdds(Case == 1 ? a : -a);
                else if (Selector is VarNode<Discrete> d)
                    d.Accumulator[j] = d.Accumulator[j] * CaseMessage(a);
            }
        }
    }

    internal override double VmpAverageLogSum(double[]? w) => 0;

    internal override double VmpAverageLog(int i) => 0;
}
