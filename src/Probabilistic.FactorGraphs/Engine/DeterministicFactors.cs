using Probabilistic.FactorGraphs.Distributions;
using Probabilistic.FactorGraphs.Factors;

namespace Probabilistic.FactorGraphs.Engine;

/// <summary>c = f(a, b) for Boolean and / or / not (b absent for not).</summary>
internal sealed class BoolFactor : FactorNode
{
    private readonly Func<bool, bool, bool> _f;
    internal BoolFactor(string description, Func<bool, bool, bool> f) : base(description) { _f = f; }
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
}
