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
        _truncation = new Truncation(this);
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

    // The truncation of an observed output: x_i = α·z[j_i] + β_i for one random Gaussian z, so the constraint is a
    // truncation of q(z) at −β/α, above or below
    private readonly Truncation _truncation;
    private double[] _threshold = [];
    private bool[] _above = [];

    public VarNode<Gaussian>? TruncationTarget => _truncation.Target;

    public bool Truncates => C.IsObserved;

    /// <summary>Resolves the variable the observed output truncates (VMP bind time).</summary>
    public void BindTruncation()
    {
        _threshold = new double[Count];
        _above = new bool[Count];
        _truncation.Bind(X,
            (i, a, b) => { _threshold[i] = -b / a; _above[i] = (a > 0) == C.Marginal(i).Point; },
            (i, m) => IsPositiveOp.Truncate(m, _threshold[i], _above[i]));
    }

    public void Truncate(int only) => _truncation.Truncate(only);

    public void UpdateMessages() => _truncation.UpdateMessages();

    internal override double VmpAverageLog(int i) => C.IsObserved ? _truncation.AverageLog(i) : 0;
}
