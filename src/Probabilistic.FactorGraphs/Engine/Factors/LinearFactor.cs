using Probabilistic.FactorGraphs.Distributions;
using Probabilistic.FactorGraphs.Factors;

namespace Probabilistic.FactorGraphs.Engine;

/// <summary>c = a + sign·b: exact Gaussian messages under EP, collapsed under VMP.</summary>
internal sealed class LinearFactor : FactorNode
{
    internal static readonly FactorDefinition Plus = new("Plus", b => new LinearFactor(b, 1), Outputs.Gaussian);
    internal static readonly FactorDefinition Minus = new("Minus", b => new LinearFactor(b, -1), Outputs.Gaussian);

    private readonly IReadOnlyList<IPort> _ports;

    private LinearFactor(FactorBuilder b, double sign) : base(b.Description)
    {
        Sign = sign;
        C = b.Port<Gaussian>(this, b.Output, "sum", Checks.FiniteDoubles(b.Spec.Describe(), "result"));
        A = b.Port<Gaussian>(this, b.Arg(0), "a", Checks.FiniteDoubles(b.Spec.Describe(), "a"));
        B = b.Port<Gaussian>(this, b.Arg(1), "b", Checks.FiniteDoubles(b.Spec.Describe(), "b"));
        _ports = [C, A, B];
    }

    internal double Sign { get; }
    internal Port<Gaussian> C { get; }
    internal Port<Gaussian> A { get; }
    internal Port<Gaussian> B { get; }
    internal override IReadOnlyList<IPort> Ports => _ports;

    internal override void EpSend(IPort target, int i)
    {
        if (ReferenceEquals(target, C)) C.SetMessage(i, LinearOp.SumAverageConditional(A.Context(i), B.Context(i), Sign));
        else if (ReferenceEquals(target, A)) A.SetMessage(i, LinearOp.AAverageConditional(C.Context(i), B.Context(i), Sign));
        else B.SetMessage(i, LinearOp.BAverageConditional(C.Context(i), A.Context(i), Sign));
    }

    internal override double EpLogZ(int i) => LinearOp.LogAverageFactor(C.Context(i), A.Context(i), B.Context(i), Sign);

    internal override string? VmpRefusal => C.IsObserved && !(A.IsObserved && B.IsObserved)
        ? $"Under VariationalMessagePassing the {Description} factor's output '{C.Node.Name}' is observed exactly, which confines its random arguments to a hyperplane that a factorised q cannot represent. Add noise (Variable.GaussianFromMeanAndVariance(..., noise)) and observe that, or use ExpectationPropagation."
        : null;

    internal override bool IsDeterministic => true;

    internal override void VmpForward()
    {
        for (int i = 0; i < Count; i++) C.Random!.Marginal[C.Index(i)] = LinearOp.SumAverageLogarithm(A.Marginal(i), B.Marginal(i), Sign);
    }

    internal override void VmpSend(IPort target, double[]? w)
    {
        var back = Collapsed.Backward(C.Random!);
        for (int i = 0; i < Count; i++)
        {
            var mc = back[C.Index(i)];
            double wi = w?[i] ?? 1;
            if (ReferenceEquals(target, A)) A.AddVmp(i, LinearOp.AAverageLogarithm(mc, B.Marginal(i), Sign).Pow(wi));
            else B.AddVmp(i, LinearOp.BAverageLogarithm(mc, A.Marginal(i), Sign).Pow(wi));
        }
    }

    internal override double VmpAverageLog(int i) => 0;

    internal override (Port<Gaussian> Arg, double Alpha, double Beta)[]? AffineParts(int i) => [(A, 1, 0), (B, Sign, 0)];
}
