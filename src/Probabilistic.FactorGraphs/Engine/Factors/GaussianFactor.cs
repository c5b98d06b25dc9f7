using Probabilistic.FactorGraphs.Distributions;
using Probabilistic.FactorGraphs.Factors;

namespace Probabilistic.FactorGraphs.Engine;

/// <summary>
/// x ~ N(mean, 1/precision) with a random or observed mean and a Gamma (or known) precision; or, written
/// GaussianFromMeanAndVariance, with an observed variance. EP: exact messages for a known precision, a quadrature
/// projection (<see cref="GaussianRandomPrecisionOp"/>) for a random one. VMP: conjugate, with a plate of observations
/// reduced to sufficient statistics per (mean, precision) element pair.
/// </summary>
internal sealed class GaussianFactor : FactorNode
{
    internal static readonly FactorDefinition Definition = new("Gaussian", b => new GaussianFactor(b, variance: false), Outputs.Gaussian);

    /// <summary>GaussianFromMeanAndVariance(mean, variance) with the variance an observed variable.</summary>
    internal static readonly FactorDefinition VarianceDefinition = new("Gaussian", b => new GaussianFactor(b, variance: true), Outputs.Gaussian);

    private readonly IReadOnlyList<IPort> _ports;

    private readonly bool _forceProper;

    private GaussianFactor(FactorBuilder b, bool variance) : base(b.Description)
    {
        _forceProper = b.ForceProper;
        X = b.Port<Gaussian>(this, b.Output, "sample", Checks.FiniteDoubles("Gaussian", "sample"));
        Mean = b.Port<Gaussian>(this, b.Arg(0), "mean", Checks.FiniteDoubles("Gaussian", "mean"));
        if (variance)
        {
            if (!b.IsObserved(b.Arg(1)))
                throw new NotSupportedException($"GaussianFromMeanAndVariance with a random variance ('{b.Arg(1).Name}') is not supported; use GaussianFromMeanAndPrecision with a Gamma precision.");
            Variance = b.Port<Gaussian>(this, b.Arg(1), "variance", Checks.PositiveDoubles("Gaussian", "variance"));
            _ports = [X, Mean, Variance];
        }
        else
        {
            Prec = b.Port<Gamma>(this, b.Arg(1), "precision", Checks.PositiveDoubles("Gaussian", "precision"));
            _ports = [X, Mean, Prec];
        }
    }

    internal Port<Gaussian> X { get; }
    internal Port<Gaussian> Mean { get; }
    internal Port<Gamma>? Prec { get; }
    internal Port<Gaussian>? Variance { get; }
    internal override IReadOnlyList<IPort> Ports => _ports;

    private Gamma PrecisionContext(int i) => Variance is null ? Prec!.Context(i) : Gamma.PointMass(1 / Variance.Marginal(i).Point);

    private Gamma PrecisionMarginal(int i) => Variance is null ? Prec!.Marginal(i) : Gamma.PointMass(1 / Variance.Marginal(i).Point);

    // ---- EP ----

    internal override void EpSend(IPort target, int i)
    {
        var prec = PrecisionContext(i);
        if (prec.IsPointMass)
        {
            double t = prec.Point;
            if (ReferenceEquals(target, X)) X.SetMessage(i, GaussianOp.SampleAverageConditional(Mean.Context(i), t));
            else if (ReferenceEquals(target, Mean)) Mean.SetMessage(i, GaussianOp.MeanAverageConditional(X.Context(i), t));
            else Prec!.SetMessage(i, PrecisionMessageAtPoints(i));
            return;
        }
        var x = X.Context(i);
        var m = Mean.Context(i);
        if (ReferenceEquals(target, Prec) && x.IsPointMass && m.IsPointMass)
        {
            Prec.SetMessage(i, PrecisionMessageAtPoints(i));
            return;
        }
        // one projection gives all three messages: each port's context excludes this factor's own message
        var msg = _forceProper ? GaussianRandomPrecisionOp.ProperMessages(x, m, prec) : Exact(x, m, prec);
        if (ReferenceEquals(target, X)) X.SetMessage(i, msg.ToSample);
        else if (ReferenceEquals(target, Mean)) Mean.SetMessage(i, msg.ToMean);
        else Prec!.SetMessage(i, msg.ToPrecision);
    }

    private static (Gaussian ToSample, Gaussian ToMean, Gamma ToPrecision) Exact(Gaussian x, Gaussian m, Gamma prec)
    {
        var e = GaussianRandomPrecisionOp.Messages(x, m, prec);
        return (e.ToSample, e.ToMean, e.ToPrecision);
    }

    // conjugate: τ^(1/2) exp(−τ d²/2) is exactly a Gamma message when x and the mean are known
    private Gamma PrecisionMessageAtPoints(int i)
    {
        var x = X.Context(i);
        var m = Mean.Context(i);
        if (!x.IsPointMass || !m.IsPointMass)
            throw new NotSupportedException($"ExpectationPropagation for the {Description} factor with a precision '{Prec!.Node.Name}' whose context is a point mass needs the sample and mean known.");
        double d = x.Point - m.Point;
        return Gamma.FromNatural(0.5, 0.5 * d * d);
    }

    internal override double EpLogZ(int i)
    {
        var prec = PrecisionContext(i);
        var x = X.Context(i);
        var m = Mean.Context(i);
        if (prec.IsPointMass) return GaussianOp.LogAverageFactor(x, m, prec.Point);
        if (x.IsPointMass && m.IsPointMass)
        {
            double d = x.Point - m.Point;
            return (prec * Gamma.FromNatural(0.5, 0.5 * d * d)).GetLogNormalizer() - MessageMath.HalfLog2Pi;
        }
        return x.GetLogNormalizer() + m.GetLogNormalizer() + prec.GetLogNormalizer() + GaussianRandomPrecisionOp.LogAverageFactor(x, m, prec);
    }

    // ---- VMP ----

    internal override string? VmpRefusal => null;

    // Sufficient statistics of an observed plate per (mean element, precision element) pair: VMP costs one step per pair
    // rather than per observation (one pair for a scalar mean and precision; one per group for grouped data).
    private bool _fast;
    private int[] _rep = [];
    private double[] _n = [], _sx = [], _sxx = [];

    internal override void Prepare()
    {
        _fast = X.IsObserved && !X.Scalar && Gate is null && Count > 0 && Prec is not null;
        if (!_fast) return;
        var xs = (double[])X.ObservedValues;
        if (Mean.Scalar && Prec!.Scalar)
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
        long precCount = Prec!.Node.Count, keys = Mean.Node.Count * precCount;
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
                if (ReferenceEquals(target, Mean)) { double t = Prec!.Marginal(i).GetMean(); Mean.AddVmp(i, Gaussian.FromNatural(t * _sx[p], t * _n[p])); }
                else if (ReferenceEquals(target, Prec)) Prec.AddVmp(i, Gamma.FromNatural(0.5 * _n[p], 0.5 * SumSquares(p, Mean.Marginal(i))));
            }
            return;
        }
        for (int i = 0; i < Count; i++)
        {
            Gaussian gx = X.Marginal(i), gm = Mean.Marginal(i);
            Gamma gt = PrecisionMarginal(i);
            double wi = w?[i] ?? 1;
            if (ReferenceEquals(target, X)) X.AddVmp(i, GaussianOp.SampleAverageLogarithm(gm, gt).Pow(wi));
            else if (ReferenceEquals(target, Mean)) Mean.AddVmp(i, GaussianOp.MeanAverageLogarithm(gx, gt).Pow(wi));
            else Prec!.AddVmp(i, GaussianOp.PrecisionAverageLogarithm(gx, gm).Pow(wi));
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
                var tq = Prec!.Marginal(_rep[p]);
                s += _n[p] * (0.5 * tq.GetMeanLog() - MessageMath.HalfLog2Pi) - 0.5 * tq.GetMean() * SumSquares(p, Mean.Marginal(_rep[p]));
            }
            return s;
        }
        return base.VmpAverageLogSum(w);
    }

    internal override double VmpAverageLog(int i) => GaussianOp.AverageLogFactor(X.Marginal(i), Mean.Marginal(i), PrecisionMarginal(i));
}
