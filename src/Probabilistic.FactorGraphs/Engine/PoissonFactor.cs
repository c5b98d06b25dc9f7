using Probabilistic.FactorGraphs.Distributions;
using Probabilistic.FactorGraphs.Factors;

namespace Probabilistic.FactorGraphs.Engine;

/// <summary>
/// x ~ Poisson(λ) with x an observed count and λ a Gamma variable (or known). The count is read from its observed ints
/// (the port's type is nominal: a random count is refused when the model is compiled).
/// </summary>
internal sealed class PoissonFactor : FactorNode
{
    internal PoissonFactor(string description) : base(description) { }
    internal Port<Discrete> X { get; set; } = null!;
    internal Port<Gamma> Mean { get; set; } = null!;
    internal override IEnumerable<IPort> Ports => [X, Mean];
    internal override bool SupportsVmp => true;
    internal override bool SupportsEpAt => true;

    private int CountAt(int i) => ((ObservedNode)X.Node).Ints![X.Index(i)];

    internal override void EpUpdate()
    {
        if (!_fast) { base.EpUpdate(); return; }
        // one message per group of counts sharing a mean element: the product of their λ^x e^{−λ}, exact
        for (int p = 0; p < _rep.Length; p++) Mean.SetMessage(_rep[p], PoissonOp.MeanAverageConditional(_sum[p], _n[p]));
    }

    internal override void EpUpdateAt(int i) => Mean.SetMessage(i, PoissonOp.MeanAverageConditional(CountAt(i)));

    internal override double EpLogZ(int i) => PoissonOp.LogAverageFactor(Mean.Context(i), CountAt(i), 1, Dist.GammaLn(CountAt(i) + 1.0));

    internal override double EpEvidenceTerm()
    {
        if (!_fast) return base.EpEvidenceTerm();
        // each group acts as one factor: log ∫ Π_group f · ctx − A(q) at the group's representative instance
        double s = 0;
        for (int p = 0; p < _rep.Length; p++)
            s += PoissonOp.LogAverageFactor(Mean.Context(_rep[p]), _sum[p], _n[p], _logFact[p]) - Mean.LogNormalizerAt(_rep[p]);
        return s;
    }

    // Sufficient statistics per mean element (count, Σx, Σ log x!): EP and VMP cost one step per element of λ rather than
    // one per observation, as GaussianFactor's fast path does.
    private bool _fast;
    private int[] _rep = [];
    private double[] _n = [], _sum = [], _logFact = [];

    internal void PrepareFastPath()
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
            n[p]++; sum[p] += x; logFact[p] += x < 2 ? 0 : Dist.GammaLn(x + 1.0);
        }
        if (rep.Count * 2 > Count) { _fast = false; return; } // no saving over the per-observation loop
        (_rep, _n, _sum, _logFact) = (rep.ToArray(), n.ToArray(), sum.ToArray(), logFact.ToArray());
    }

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
        return PoissonOp.AverageLogFactor(Mean.Marginal(i), x, 1, Dist.GammaLn(x + 1.0));
    }
}
