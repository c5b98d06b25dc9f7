using Probabilistic.FactorGraphs.Distributions;
using Probabilistic.FactorGraphs.Factors;

namespace Probabilistic.FactorGraphs.Engine;

/// <summary>c = f(a, b) for Boolean and / or / not (b absent for not).</summary>
internal sealed class BoolFactor : FactorNode
{
    private readonly Func<bool, bool, bool> _f;
    private readonly Func<bool, bool, bool> _swapped;
    internal BoolFactor(string description, Func<bool, bool, bool> f) : base(description) { _f = f; _swapped = (b, a) => f(a, b); }
    internal Port<Bernoulli> C { get; set; } = null!;
    internal Port<Bernoulli> A { get; set; } = null!;
    internal Port<Bernoulli>? B { get; set; }
    internal override IEnumerable<IPort> Ports => B is null ? [C, A] : [C, A, B];

    private Bernoulli BContext(int i) => B?.Context(i) ?? Bernoulli.PointMass(true);

    internal override bool SupportsEpAt => true;

    internal override void EpUpdateAt(int i)
    {
        var m = BooleanOps.Messages(_f, C.Context(i), A.Context(i), BContext(i));
        C.SetMessage(i, m.ToC);
        A.SetMessage(i, m.ToA);
        B?.SetMessage(i, m.ToB);
    }

    internal override double EpLogZ(int i) => BooleanOps.Messages(_f, C.Context(i), A.Context(i), BContext(i)).LogZ;

    private Bernoulli BMarginal(int i) => B?.Marginal(i) ?? Bernoulli.PointMass(true);

    internal override bool SupportsVmp => true;
    internal override bool IsDeterministic => true;

    internal override void VmpForward()
    {
        for (int i = 0; i < Count; i++) C.Random!.Marginal[C.Index(i)] = BooleanOps.CAverageLogarithm(_f, A.Marginal(i), BMarginal(i));
    }

    internal override void VmpSend(IPort target, double[]? w)
    {
        var back = C.IsObserved ? null : CollapsedVmp.Backward(C.Random!);
        for (int i = 0; i < Count; i++)
        {
            var mc = back is null ? C.Marginal(i) : back[C.Index(i)];
            try
            {
                if (ReferenceEquals(target, A)) A.AddVmp(i, BooleanOps.AAverageLogarithm(_f, mc, BMarginal(i)));
                else B!.AddVmp(i, BooleanOps.AAverageLogarithm(_swapped, mc, A.Marginal(i)));
            }
            catch (InvalidOperationException e)
            {
                throw new InvalidOperationException($"VMP on the {Description} factor: {e.Message} when updating {Where(target)}. Mean-field VMP cannot represent this constraint from the current initialisation; use ExpectationPropagation or initialise the arguments (InitialiseTo) consistently with it.", e);
            }
        }
    }

    internal override double VmpAverageLog(int i) => C.IsObserved ? BooleanOps.AverageLogFactor(_f, C.Marginal(i).Point, A.Marginal(i), BMarginal(i)) : 0;
}

/// <summary>c = (x &gt; 0).</summary>
internal sealed class IsPositiveFactor : FactorNode
{
    internal IsPositiveFactor(string description) : base(description) { }
    internal Port<Bernoulli> C { get; set; } = null!;
    internal Port<Gaussian> X { get; set; } = null!;
    internal override IEnumerable<IPort> Ports => [C, X];

    internal override bool SupportsEpAt => true;

    internal override void EpUpdateAt(int i)
    {
        C.SetMessage(i, IsPositiveOp.IsPositiveAverageConditional(X.Context(i)));
        X.SetMessage(i, IsPositiveOp.XAverageConditional(C.Context(i), X.Context(i)));
    }

    internal override double EpLogZ(int i) => IsPositiveOp.LogAverageFactor(C.Context(i), X.Context(i));

    internal override bool SupportsVmp => true;
    internal override bool IsDeterministic => true;

    internal override void VmpForward()
    {
        for (int i = 0; i < Count; i++) C.Random!.Marginal[C.Index(i)] = IsPositiveOp.IsPositiveAverageLogarithm(X.Marginal(i));
    }

    internal override void VmpSend(IPort target, double[]? w)
    {
        // An observed output acts through the truncation of the variable it resolves to (Truncate); a random output
        // sends a step function exp E[log m_c(x > 0)], which is Gaussian only when m_c is uniform (c has no informative children).
        if (C.IsObserved) return;
        var back = CollapsedVmp.Backward(C.Random!);
        for (int i = 0; i < Count; i++)
            if (!back[C.Index(i)].IsUniform())
                throw new NotSupportedException($"Under VMP the {Description} factor's output is random and other factors depend on it; the message to {Where(X)} would be a step function, not a Gaussian. Observe the output (or constrain it), or use ExpectationPropagation.");
    }

    // The truncation of an observed output: x_i = α·z[j_i] + β_i for one random Gaussian z, so the constraint is a truncation of q(z).
    private VarNode<Gaussian>? _target;
    private int[] _elem = [];
    private double[] _alpha = [], _beta = [];
    private Gaussian[] _rest = [];
    private double[] _logZ = [];

    internal VarNode<Gaussian>? TruncationTarget => _target;

    /// <summary>Resolves the variable the observed output truncates (VMP bind time).</summary>
    internal void BindTruncation()
    {
        _elem = new int[Count]; _alpha = new double[Count]; _beta = new double[Count];
        _rest = new Gaussian[Count]; _logZ = new double[Count];
        _target = null;
        for (int i = 0; i < Count; i++)
        {
            var (z, j, a, b) = CollapsedVmp.Affine(X, i);
            if (z is null || a == 0 || !double.IsFinite(a))
                throw new NotSupportedException(CollapsedVmp.TruncationMessage(this, X));
            if (_target is not null && !ReferenceEquals(_target, z)) throw new NotSupportedException(CollapsedVmp.TruncationMessage(this, X));
            _target = z; _elem[i] = j; _alpha[i] = a; _beta[i] = b;
        }
        if (_target is not null && _elem.Distinct().Count() != Count)
            throw new NotSupportedException($"Under VMP the {Description} factor constrains the same element of '{_target.Name}' more than once; VMP supports one IsPositive constraint per variable element. Use ExpectationPropagation.");
    }

    /// <summary>Replaces the accumulated product of z's other messages by the Gaussian projection of its truncation.</summary>
    internal void Truncate(int only)
    {
        var acc = _target!.Accumulator;
        for (int i = 0; i < Count; i++)
        {
            int j = _elem[i];
            if (only >= 0 && j != only) continue;
            var m = acc[j];
            if (!m.IsProper() || m.IsPointMass)
                throw new InvalidOperationException($"Under VMP the {Description} factor truncates '{_target.Name}', whose other messages give {m}; it needs a proper Gaussian (give '{_target.Name}' a proper prior or noise).");
            bool positive = C.Marginal(i).Point;
            // α z + β > 0 (or < 0): z above or below −β/α
            var (proj, logZ) = IsPositiveOp.Truncate(m, -_beta[i] / _alpha[i], (_alpha[i] > 0) == positive);
            _rest[i] = m; _logZ[i] = logZ;
            acc[j] = proj;
        }
    }

    /// <summary>
    /// Observed output: q(z) is truncated but held as its Gaussian projection, so the ELBO's −E[log q] is the projection's
    /// entropy; add H(truncated) − H(projection), with H(truncated) = −E_q[log m̂(z)] + log Z (m̂ the normalised product of
    /// the other messages). E_q[log 1[..]] = 0.
    /// </summary>
    internal override double VmpAverageLog(int i)
    {
        if (!C.IsObserved) return 0;
        var q = _target!.Marginal[_elem[i]];
        return -Dist.AverageLog(q, _rest[i]) + _logZ[i] + q.GetAverageLogSelf();
    }
}

/// <summary>c = a + sign·b.</summary>
internal sealed class LinearFactor : FactorNode
{
    internal LinearFactor(string description, double sign) : base(description) { Sign = sign; }
    internal double Sign { get; }
    internal Port<Gaussian> C { get; set; } = null!;
    internal Port<Gaussian> A { get; set; } = null!;
    internal Port<Gaussian> B { get; set; } = null!;
    internal override IEnumerable<IPort> Ports => [C, A, B];

    internal override bool SupportsEpAt => true;

    internal override void EpUpdateAt(int i)
    {
        C.SetMessage(i, LinearOp.SumAverageConditional(A.Context(i), B.Context(i), Sign));
        A.SetMessage(i, LinearOp.AAverageConditional(C.Context(i), B.Context(i), Sign));
        B.SetMessage(i, LinearOp.BAverageConditional(C.Context(i), A.Context(i), Sign));
    }

    internal override double EpLogZ(int i) => LinearOp.LogAverageFactor(C.Context(i), A.Context(i), B.Context(i), Sign);

    internal override bool SupportsVmp => true;
    internal override bool IsDeterministic => true;

    internal override void VmpForward()
    {
        for (int i = 0; i < Count; i++) C.Random!.Marginal[C.Index(i)] = LinearOp.SumAverageLogarithm(A.Marginal(i), B.Marginal(i), Sign);
    }

    internal override void VmpSend(IPort target, double[]? w)
    {
        var back = CollapsedVmp.Backward(C.Random!);
        for (int i = 0; i < Count; i++)
        {
            var mc = back[C.Index(i)];
            if (ReferenceEquals(target, A)) A.AddVmp(i, LinearOp.AAverageLogarithm(mc, B.Marginal(i), Sign));
            else B.AddVmp(i, LinearOp.BAverageLogarithm(mc, A.Marginal(i), Sign));
        }
    }

    internal override double VmpAverageLog(int i) => 0;
}

/// <summary>c = k·a.</summary>
internal sealed class ScaleFactor : FactorNode
{
    internal ScaleFactor(string description, double k) : base(description) { K = k; }
    internal double K { get; }
    internal Port<Gaussian> C { get; set; } = null!;
    internal Port<Gaussian> A { get; set; } = null!;
    internal override IEnumerable<IPort> Ports => [C, A];

    internal override bool SupportsEpAt => true;

    internal override void EpUpdateAt(int i)
    {
        C.SetMessage(i, LinearOp.ProductAverageConditional(A.Context(i), K));
        A.SetMessage(i, LinearOp.AAverageConditional(C.Context(i), K));
    }

    internal override double EpLogZ(int i) => LinearOp.LogAverageFactor(C.Context(i), A.Context(i), K);

    internal override bool SupportsVmp => true;
    internal override bool IsDeterministic => true;

    internal override void VmpForward()
    {
        for (int i = 0; i < Count; i++) C.Random!.Marginal[C.Index(i)] = LinearOp.ProductAverageLogarithm(A.Marginal(i), K);
    }

    internal override void VmpSend(IPort target, double[]? w)
    {
        var back = CollapsedVmp.Backward(C.Random!);
        for (int i = 0; i < Count; i++) A.AddVmp(i, LinearOp.AAverageLogarithm(back[C.Index(i)], K));
    }

    internal override double VmpAverageLog(int i) => 0;
}
