using Probabilistic.FactorGraphs.Distributions;
using Probabilistic.FactorGraphs.Factors;

namespace Probabilistic.FactorGraphs.Engine;

/// <summary>
/// c = (x &gt; 0). EP: truncation by moment matching. VMP: with c observed, a truncated Gaussian q for the one random
/// Gaussian that x is an affine function of (x &gt; 0, x &gt; 3, 2·x &lt; y with y observed), held as its projection with the
/// entropy corrected in the bound; with c random, collapsed (allowed only when nothing reads c).
/// </summary>
internal sealed class IsPositiveFactor : FactorNode, ITruncatingFactor
{
    internal static readonly FactorDefinition Definition = new("IsPositive", b => new IsPositiveFactor(b), Outputs.Bernoulli);

    private readonly IReadOnlyList<IPort> _ports;

    private IsPositiveFactor(FactorBuilder b) : base(b.Description)
    {
        C = b.Port<Bernoulli>(this, b.Output, "isPositive");
        X = b.Port<Gaussian>(this, b.Arg(0), "x", Checks.FiniteDoubles("IsPositive", "x"));
        _ports = [C, X];
    }

    internal Port<Bernoulli> C { get; }
    internal Port<Gaussian> X { get; }
    internal override IReadOnlyList<IPort> Ports => _ports;

    internal override void EpSend(IPort target, int i)
    {
        if (ReferenceEquals(target, C)) C.SetMessage(i, IsPositiveOp.IsPositiveAverageConditional(X.Context(i)));
        else X.SetMessage(i, IsPositiveOp.XAverageConditional(C.Context(i), X.Context(i)));
    }

    internal override double EpLogZ(int i) => IsPositiveOp.LogAverageFactor(C.Context(i), X.Context(i));

    internal override string? VmpRefusal => null;
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
        var back = Collapsed.Backward(C.Random!);
        for (int i = 0; i < Count; i++)
            if (!back[C.Index(i)].IsUniform())
                throw new NotSupportedException($"Under VMP the {Description} factor's output is random and other factors depend on it; the message to {Where(X)} would be a step function, not a Gaussian. Observe the output (or constrain it), or use ExpectationPropagation.");
    }

    // The truncation of an observed output: x_i = α·z[j_i] + β_i for one random Gaussian z, so the constraint is a truncation of q(z).
    private int[] _elem = [];
    private double[] _alpha = [], _beta = [];
    private Gaussian[] _rest = [];
    private double[] _logZ = [];

    public VarNode<Gaussian>? TruncationTarget { get; private set; }

    public bool Truncates => C.IsObserved;

    /// <summary>Resolves the variable the observed output truncates (VMP bind time).</summary>
    public void BindTruncation()
    {
        _elem = new int[Count]; _alpha = new double[Count]; _beta = new double[Count];
        _rest = new Gaussian[Count]; _logZ = new double[Count];
        _lagged = new Gaussian[Count];
        Array.Fill(_lagged, Gaussian.Uniform());
        TruncationTarget = null;
        for (int i = 0; i < Count; i++)
        {
            if (!InTakenCase(i)) { _elem[i] = -1 - i; continue; }
            var (z, j, a, b) = Collapsed.Affine(X, i);
            if (z is null || a == 0 || !double.IsFinite(a))
                throw new NotSupportedException(Collapsed.TruncationMessage(this, X));
            if (TruncationTarget is not null && !ReferenceEquals(TruncationTarget, z)) throw new NotSupportedException(Collapsed.TruncationMessage(this, X));
            TruncationTarget = z; _elem[i] = j; _alpha[i] = a; _beta[i] = b;
        }
        if (TruncationTarget is not null && _elem.Distinct().Count() != Count)
            throw new NotSupportedException($"Under VMP the {Description} factor constrains the same element of '{TruncationTarget.Name}' more than once; VMP supports one IsPositive constraint per variable element. Use ExpectationPropagation.");
    }

    // the truncation's message to z per instance, computed after z's update (Infer.NET's schedule: the message of a
    // non-conjugate VMP factor depends on its target's marginal, so it is sent from the target's previous marginal)
    private Gaussian[] _lagged = [];

    /// <summary>Multiplies the truncation's last message into z's accumulated messages.</summary>
    public void Truncate(int only)
    {
        var acc = TruncationTarget!.Accumulator;
        for (int i = 0; i < Count; i++)
        {
            int j = _elem[i];
            if (j < 0 || (only >= 0 && j != only)) continue;
            acc[j] = acc[j] * _lagged[i];
        }
    }

    /// <summary>
    /// The truncation's message after z's update: with m̂ = q(z) / (this message), the product of z's other messages, the
    /// message is proj[m̂ · 1(αz + β &gt; 0)] / m̂ (truncation and moment matching, IsPositiveOp.Truncate).
    /// </summary>
    public void UpdateMessages()
    {
        for (int i = 0; i < Count; i++)
        {
            if (_elem[i] < 0) continue;
            var m = TruncationTarget!.Marginal[_elem[i]] / _lagged[i];
            if (!m.IsProper() || m.IsPointMass)
                throw new InvalidOperationException($"Under VMP the {Description} factor truncates '{TruncationTarget.Name}', whose other messages give {m}; it needs a proper Gaussian (give '{TruncationTarget.Name}' a proper prior or noise).");
            bool positive = C.Marginal(i).Point;
            // α z + β > 0 (or < 0): z above or below −β/α
            var (proj, logZ) = IsPositiveOp.Truncate(m, -_beta[i] / _alpha[i], (_alpha[i] > 0) == positive);
            _rest[i] = m; _logZ[i] = logZ;
            _lagged[i] = proj / m;
        }
    }

    /// <summary>
    /// Observed output: q(z) is truncated but held as its Gaussian projection, so the ELBO's −E[log q] is the projection's
    /// entropy; add H(truncated) − H(projection), with H(truncated) = −E_q[log m̂(z)] + log Z (m̂ the normalised product of
    /// the other messages). E_q[log 1[..]] = 0.
    /// </summary>
    internal override double VmpAverageLog(int i)
    {
        if (!C.IsObserved || _elem[i] < 0) return 0;
        var q = TruncationTarget!.Marginal[_elem[i]];
        return -q.GetAverageLog(_rest[i]) + _logZ[i] + q.GetAverageLogSelf();
    }
}
