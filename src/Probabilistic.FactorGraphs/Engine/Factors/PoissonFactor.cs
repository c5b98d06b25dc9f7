using Probabilistic.FactorGraphs.Distributions;
using Probabilistic.FactorGraphs.Factors;

namespace Probabilistic.FactorGraphs.Engine;

/// <summary>
/// x ~ Poisson(λ) with x an observed count and λ a Gamma variable (or known). A plate of counts is reduced to sufficient
/// statistics per mean element (count, Σx, Σ log x!), so EP and VMP cost one step per element of λ.
/// </summary>
internal sealed class PoissonFactor : FactorNode
{
    internal static readonly FactorDefinition Definition = new("Poisson", b => new PoissonFactor(b), RandomCount);

    private readonly IReadOnlyList<IPort> _ports;

    private PoissonFactor(FactorBuilder b) : base(b.Description)
    {
        X = b.Port(this, b.Output, "count", Discrete.Uniform(1), Counts, raw: true);
        Mean = b.Port<Gamma>(this, b.Arg(0), "mean", Checks.PositiveDoubles("Poisson", "mean"));
        _ports = [X, Mean];
    }

    private static VarNode RandomCount(FactorBuilder b) =>
        throw new NotSupportedException($"'{b.OutputBase.Name}' = Variable.Poisson('{b.Arg(0).Name}') is a random count; the Poisson factor supports observed counts only (set {b.OutputBase.Name}.ObservedValue). A count to be predicted has no conjugate message here: infer the mean '{b.Arg(0).Name}' and use its Gamma posterior (the predictive count is negative binomial).");

    private static void Counts(ObservedNode o)
    {
        var ks = o.Ints ?? throw new InvalidOperationException($"The Poisson count '{o.Name}' must be observed as int (or int[]).");
        for (int j = 0; j < ks.Length; j++)
            if (ks[j] < 0)
                throw new ArgumentOutOfRangeException(o.Name, ks[j], $"Observed count {ks[j]} of {o.Quoted(j)} is negative; a Poisson count must be 0, 1, 2, ...");
    }

    internal Port<Discrete> X { get; }
    internal Port<Gamma> Mean { get; }

    internal override IReadOnlyList<IPort> Ports => _ports;

    private int CountAt(int i) => ((int[])X.ObservedValues)[X.Index(i)];

    internal override void EpSend(IPort target, int i) => Mean.SetMessage(i, PoissonOp.MeanAverageConditional(CountAt(i)));

    internal override void EpSendAll(IPort target)
    {
        if (!_fast) { base.EpSendAll(target); return; }
        // one message per group of counts sharing a mean element: the product of their λ^x e^{−λ}, exact
        for (int p = 0; p < _rep.Length; p++) Mean.SetMessage(_rep[p], PoissonOp.MeanAverageConditional(_sum[p], _n[p]));
        Mean.Commit();
    }

    internal override double EpLogZ(int i) => PoissonOp.LogAverageFactor(Mean.Context(i), CountAt(i), 1, MessageMath.GammaLn(CountAt(i) + 1.0));

    internal override double EpEvidenceTerm()
    {
        if (!_fast) return base.EpEvidenceTerm();
        // each group acts as one factor: log ∫ Π_group f · ctx − A(q) at the group's representative instance
        double s = 0;
        for (int p = 0; p < _rep.Length; p++)
            s += PoissonOp.LogAverageFactor(Mean.Context(_rep[p]), _sum[p], _n[p], _logFact[p]) - Mean.LogNormalizerAt(_rep[p]);
        return s;
    }

    private bool _fast;
    private int[] _rep = [];
    private double[] _n = [], _sum = [], _logFact = [];

    internal override void Prepare()
    {
        _fast = !X.Scalar && Gate is null && Count > 0 && Mean.Node.Count <= 4L * Count;
        if (!_fast) return;
        int groups = Mean.Node.Count;
        var slot = new int[groups];
        var rep = new List<int>();
        var n = new List<double>();
        var sum = new List<double>();
        var logFact = new List<double>();
        for (int i = 0; i < Count; i++)
        {
            int j = Mean.Index(i), p = slot[j] - 1;
            if (p < 0) { p = rep.Count; slot[j] = p + 1; rep.Add(i); n.Add(0); sum.Add(0); logFact.Add(0); }
            int x = CountAt(i);
            n[p]++; sum[p] += x; logFact[p] += x < 2 ? 0 : MessageMath.GammaLn(x + 1.0);
        }
        if (rep.Count * 2 > Count) { _fast = false; return; } // no saving over the per-observation loop
        (_rep, _n, _sum, _logFact) = (rep.ToArray(), n.ToArray(), sum.ToArray(), logFact.ToArray());
        // the representative instance carries the whole group's message; the others keep unit messages
    }

    internal override string? VmpRefusal => null;

    internal override void VmpSend(IPort target, double[]? w)
    {
        if (_fast && w is null)
        {
            for (int p = 0; p < _rep.Length; p++) Mean.AddVmp(_rep[p], PoissonOp.MeanAverageLogarithm(_sum[p], _n[p]));
            return;
        }
        for (int i = 0; i < Count; i++)
        {
            var m = PoissonOp.MeanAverageLogarithm(CountAt(i));
            Mean.AddVmp(i, w is null ? m : m.Pow(w[i]));
        }
    }

    internal override double VmpAverageLogSum(double[]? w)
    {
        if (!_fast || w is not null) return base.VmpAverageLogSum(w);
        double s = 0;
        for (int p = 0; p < _rep.Length; p++) s += PoissonOp.AverageLogFactor(Mean.Marginal(_rep[p]), _sum[p], _n[p], _logFact[p]);
        return s;
    }

    internal override double VmpAverageLog(int i)
    {
        int x = CountAt(i);
        return PoissonOp.AverageLogFactor(Mean.Marginal(i), x, 1, MessageMath.GammaLn(x + 1.0));
    }
}
