using Probabilistic.FactorGraphs.Distributions;
using Probabilistic.FactorGraphs.Factors;

namespace Probabilistic.FactorGraphs.Engine;

/// <summary>x ~ a fixed distribution.</summary>
internal sealed class PriorFactor<T> : FactorNode where T : struct, IDistribution<T>
{
    internal PriorFactor(string description, T prior) : base(description) { Prior = prior; }
    internal T Prior { get; }
    internal Port<T> Out { get; set; } = null!;
    internal override IEnumerable<IPort> Ports => [Out];
    internal override bool SupportsVmp => true;

    internal override bool SupportsEpAt => true;

    internal override void EpUpdate()
    {
        if (Out.IsObserved) return;
        for (int i = 0; i < Count; i++) Out.SetMessage(i, Prior);
    }

    internal override void EpUpdateAt(int i) => Out.SetMessage(i, Prior);

    internal override double EpLogZ(int i) => Dist.LogAverageWithContext(Prior, Out.Context(i));

    internal override void VmpSend(IPort target, double[]? w)
    {
        for (int i = 0; i < Count; i++) Out.AddVmp(i, w is null ? Prior : Prior.Pow(w[i]));
    }

    internal override double VmpAverageLog(int i) => Dist.AverageLog(Out.Marginal(i), Prior);
}

/// <summary>x ~ N(mean, 1/precision).</summary>
internal sealed class GaussianFactor : FactorNode
{
    internal GaussianFactor(string description) : base(description) { }
    internal Port<Gaussian> X { get; set; } = null!;
    internal Port<Gaussian> Mean { get; set; } = null!;
    internal Port<Gamma> Prec { get; set; } = null!;
    internal override IEnumerable<IPort> Ports => [X, Mean, Prec];
    internal override bool SupportsVmp => true;

    internal override bool SupportsEpAt => true;

    internal override void EpUpdateAt(int i)
    {
        var prec = Prec.Context(i);
        if (prec.IsPointMass)
        {
            double t = prec.Point;
            X.SetMessage(i, GaussianOp.SampleAverageConditional(Mean.Context(i), t));
            Mean.SetMessage(i, GaussianOp.MeanAverageConditional(X.Context(i), t));
        }
        else if (X.Context(i) is { IsPointMass: true } xp && Mean.Context(i) is { IsPointMass: true } mp)
        {
            // conjugate: τ^(1/2) exp(−τ d²/2) is exactly a Gamma message
            double d = xp.Point - mp.Point;
            Prec.SetMessage(i, Gamma.FromNatural(0.5, 0.5 * d * d));
        }
        else
        {
            // one projection gives all three messages: each port's context excludes this factor's own message
            var m = GaussianRandomPrecisionOp.Messages(X.Context(i), Mean.Context(i), prec);
            X.SetMessage(i, m.ToSample);
            Mean.SetMessage(i, m.ToMean);
            Prec.SetMessage(i, m.ToPrecision);
        }
    }

    internal override double EpLogZ(int i)
    {
        var prec = Prec.Context(i);
        var x = X.Context(i);
        var m = Mean.Context(i);
        if (prec.IsPointMass) return GaussianOp.LogAverageFactor(x, m, prec.Point);
        if (x.IsPointMass && m.IsPointMass)
        {
            double d = x.Point - m.Point;
            return (prec * Gamma.FromNatural(0.5, 0.5 * d * d)).GetLogNormalizer() - Dist.HalfLog2Pi;
        }
        return x.GetLogNormalizer() + m.GetLogNormalizer() + prec.GetLogNormalizer() + GaussianRandomPrecisionOp.LogAverageFactor(x, m, prec);
    }

    // Sufficient statistics of an observed plate per (mean element, precision element) pair: VMP costs one step per
    // pair rather than per observation (one pair for a scalar mean and precision; one per group for grouped data).
    private bool _fast;
    private int[] _rep = [];
    private double[] _n = [], _sx = [], _sxx = [];

    internal void PrepareFastPath()
    {
        _fast = X.IsObserved && !X.Scalar && Gate is null && Count > 0;
        if (!_fast) return;
        var xs = ((ObservedNode)X.Node).Doubles!;
        if (Mean.Scalar && Prec.Scalar)
        {
            double sx = 0, sxx = 0;
            if (X.Map is null && Count == xs.Length)
            {
                sx = System.Numerics.Tensors.TensorPrimitives.Sum<double>(xs);
                sxx = System.Numerics.Tensors.TensorPrimitives.SumOfSquares<double>(xs);
            }
            else
                for (int i = 0; i < Count; i++) { double v = xs[X.Index(i)]; sx += v; sxx += v * v; }
            (_rep, _n, _sx, _sxx) = ([0], [Count], [sx], [sxx]);
            return;
        }
        long precCount = Prec.Node.Count, keys = Mean.Node.Count * precCount;
        var dense = keys <= 4L * Count ? new int[keys] : null;
        var sparse = dense is null ? new Dictionary<long, int>() : null;
        var rep = new List<int>();
        var n = new List<double>();
        var s1 = new List<double>();
        var s2 = new List<double>();
        for (int i = 0; i < Count; i++)
        {
            long key = Mean.Index(i) * precCount + Prec.Index(i);
            int pair;
            if (dense is not null) { pair = dense[key] - 1; if (pair < 0) { pair = rep.Count; dense[key] = pair + 1; } }
            else if (!sparse!.TryGetValue(key, out pair)) { pair = rep.Count; sparse[key] = pair; }
            if (pair == rep.Count) { rep.Add(i); n.Add(0); s1.Add(0); s2.Add(0); }
            double v = xs[X.Index(i)];
            n[pair]++; s1[pair] += v; s2[pair] += v * v;
        }
        if (rep.Count * 2 > Count) { _fast = false; return; } // no saving over the per-observation loop
        (_rep, _n, _sx, _sxx) = (rep.ToArray(), n.ToArray(), s1.ToArray(), s2.ToArray());
    }

    internal override void VmpSend(IPort target, double[]? w)
    {
        if (_fast && w is null)
        {
            for (int p = 0; p < _rep.Length; p++)
            {
                int i = _rep[p];
                if (ReferenceEquals(target, Mean)) { double t = Prec.Marginal(i).GetMean(); Mean.AddVmp(i, Gaussian.FromNatural(t * _sx[p], t * _n[p])); }
                else if (ReferenceEquals(target, Prec)) Prec.AddVmp(i, Gamma.FromNatural(0.5 * _n[p], 0.5 * SumSquares(p, Mean.Marginal(i))));
            }
            return;
        }
        for (int i = 0; i < Count; i++)
        {
            Gaussian gx = X.Marginal(i), gm = Mean.Marginal(i);
            Gamma gt = Prec.Marginal(i);
            double wi = w?[i] ?? 1;
            if (ReferenceEquals(target, X)) X.AddVmp(i, GaussianOp.SampleAverageLogarithm(gm, gt).Pow(wi));
            else if (ReferenceEquals(target, Mean)) Mean.AddVmp(i, GaussianOp.MeanAverageLogarithm(gx, gt).Pow(wi));
            else Prec.AddVmp(i, GaussianOp.PrecisionAverageLogarithm(gx, gm).Pow(wi));
        }
    }

    /// <summary>Σ E[(x − μ)²] over pair p's observations.</summary>
    private double SumSquares(int p, Gaussian mq) => _sxx[p] - 2 * mq.GetMean() * _sx[p] + _n[p] * mq.GetMeanSquare();

    internal override double VmpAverageLogSum(double[]? w)
    {
        if (_fast && w is null)
        {
            double s = 0;
            for (int p = 0; p < _rep.Length; p++)
            {
                var tq = Prec.Marginal(_rep[p]);
                s += _n[p] * (0.5 * tq.GetMeanLog() - Dist.HalfLog2Pi) - 0.5 * tq.GetMean() * SumSquares(p, Mean.Marginal(_rep[p]));
            }
            return s;
        }
        double sum = 0;
        for (int i = 0; i < Count; i++) sum += (w?[i] ?? 1) * VmpAverageLog(i);
        return sum;
    }

    internal override double VmpAverageLog(int i) => GaussianOp.AverageLogFactor(X.Marginal(i), Mean.Marginal(i), Prec.Marginal(i));
}

/// <summary>x ~ Bernoulli(p).</summary>
internal sealed class BernoulliFromBetaFactor : FactorNode
{
    internal BernoulliFromBetaFactor(string description) : base(description) { }
    internal Port<Bernoulli> X { get; set; } = null!;
    internal Port<Beta> P { get; set; } = null!;
    internal override IEnumerable<IPort> Ports => [X, P];
    internal override bool SupportsVmp => true;

    internal override bool SupportsEpAt => true;

    internal override void EpUpdateAt(int i)
    {
        X.SetMessage(i, BernoulliFromBetaOp.SampleAverageConditional(P.Context(i)));
        P.SetMessage(i, BernoulliFromBetaOp.ProbTrueAverageConditional(X.Context(i), P.Context(i)));
    }

    internal override double EpLogZ(int i) => BernoulliFromBetaOp.LogAverageFactor(X.Context(i), P.Context(i));

    internal override void VmpSend(IPort target, double[]? w)
    {
        for (int i = 0; i < Count; i++)
        {
            double wi = w?[i] ?? 1;
            if (ReferenceEquals(target, X)) X.AddVmp(i, BernoulliFromBetaOp.SampleAverageLogarithm(P.Marginal(i)).Pow(wi));
            else P.AddVmp(i, BernoulliFromBetaOp.ProbTrueAverageLogarithm(X.Marginal(i)).Pow(wi));
        }
    }

    internal override double VmpAverageLog(int i) => BernoulliFromBetaOp.AverageLogFactor(X.Marginal(i), P.Marginal(i));
}

/// <summary>x ~ Discrete(p), p a random Dirichlet or an observed probability vector.</summary>
internal sealed class DiscreteFromDirichletFactor : FactorNode
{
    internal DiscreteFromDirichletFactor(string description) : base(description) { }
    internal Port<Discrete> X { get; set; } = null!;
    internal Port<Dirichlet> P { get; set; } = null!;
    internal override IEnumerable<IPort> Ports => [X, P];
    internal override bool SupportsVmp => true;

    private double[] ObservedProbs(int i) => ((ObservedNode)P.Node).Vectors![P.Index(i)];

    internal override bool SupportsEpAt => true;

    internal override void EpUpdateAt(int i)
    {
        if (P.IsObserved) { X.SetMessage(i, Discrete.FromProbs(ObservedProbs(i))); return; }
        X.SetMessage(i, DiscreteFromDirichletOp.SampleAverageConditional(P.Context(i)));
        P.SetMessage(i, DiscreteFromDirichletOp.ProbsAverageConditional(X.Context(i), P.Context(i)));
    }

    internal override double EpLogZ(int i)
    {
        var x = X.Context(i);
        if (P.IsObserved)
        {
            var probs = ObservedProbs(i);
            if (x.IsPointMass) return Math.Log(probs[x.Point]);
            double z = double.NegativeInfinity;
            for (int k = 0; k < probs.Length; k++) if (probs[k] > 0) z = Core.Numerics.LogSpace.LogAddExp(z, x.GetNatural(k) + Math.Log(probs[k]));
            return z;
        }
        var p = P.Context(i);
        if (x.IsPointMass) return (p * DiscreteFromDirichletOp.ProbsAverageConditional(x.Point, p.Dimension)).GetLogNormalizer();
        var mean = p.GetMean();
        double s = double.NegativeInfinity;
        for (int k = 0; k < mean.Count; k++) s = Core.Numerics.LogSpace.LogAddExp(s, x.GetNatural(k) + Math.Log(mean[k]));
        return p.GetLogNormalizer() + s;
    }

    internal override void VmpSend(IPort target, double[]? w)
    {
        for (int i = 0; i < Count; i++)
        {
            double wi = w?[i] ?? 1;
            if (ReferenceEquals(target, X))
                X.AddVmp(i, (P.IsObserved ? Discrete.FromProbs(ObservedProbs(i)) : DiscreteFromDirichletOp.SampleAverageLogarithm(P.Marginal(i))).Pow(wi));
            else P.AddVmp(i, DiscreteFromDirichletOp.ProbsAverageLogarithm(X.Marginal(i)).Pow(wi));
        }
    }

    internal override double VmpAverageLog(int i)
    {
        if (!P.IsObserved) return DiscreteFromDirichletOp.AverageLogFactor(X.Marginal(i), P.Marginal(i));
        var probs = ObservedProbs(i);
        var q = X.Marginal(i);
        double s = 0;
        for (int k = 0; k < probs.Length; k++) s += Dist.Mul(q[k], Math.Log(probs[k]));
        return s;
    }
}
