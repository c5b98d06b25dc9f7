using Probabilistic.FactorGraphs.Distributions;
using Probabilistic.FactorGraphs.Factors;

namespace Probabilistic.FactorGraphs.Engine;

/// <summary>c = k·a for a constant k (a product with one side known when the model is written).</summary>
internal sealed class ScaleFactor : FactorNode
{
    internal static readonly FactorDefinition Definition = new("Scale", b => new ScaleFactor(b), Outputs.Gaussian);

    private readonly IReadOnlyList<IPort> _ports;

    private ScaleFactor(FactorBuilder b) : base(b.Description)
    {
        K = (double)b.Spec.Parameter!;
        if (K == 0 || !double.IsFinite(K)) throw new NotSupportedException($"Multiplying '{b.Arg(0).Name}' by {K} is not supported (the constant must be finite and non-zero).");
        C = b.Port<Gaussian>(this, b.Output, "product", Checks.FiniteDoubles("Scale", "result"));
        A = b.Port<Gaussian>(this, b.Arg(0), "a", Checks.FiniteDoubles("Scale", "a"));
        _ports = [C, A];
    }

    internal double K { get; }
    internal Port<Gaussian> C { get; }
    internal Port<Gaussian> A { get; }
    internal override IReadOnlyList<IPort> Ports => _ports;

    internal override void EpSend(IPort target, int i)
    {
        if (ReferenceEquals(target, C)) C.SetMessage(i, LinearOp.ProductAverageConditional(A.Context(i), K));
        else A.SetMessage(i, LinearOp.AAverageConditional(C.Context(i), K));
    }

    internal override double EpLogZ(int i) => LinearOp.LogAverageFactor(C.Context(i), A.Context(i), K);

    internal override string? VmpRefusal => C.IsObserved && !A.IsObserved
        ? $"Under VariationalMessagePassing the {Description} factor's output '{C.Node.Name}' is observed exactly, which confines its random arguments to a hyperplane that a factorised q cannot represent. Add noise (Variable.GaussianFromMeanAndVariance(..., noise)) and observe that, or use ExpectationPropagation."
        : null;

    internal override bool IsDeterministic => true;

    internal override void VmpForward()
    {
        for (int i = 0; i < Count; i++) C.Random!.Marginal[C.Index(i)] = LinearOp.ProductAverageLogarithm(A.Marginal(i), K);
    }

    internal override void VmpSend(IPort target, double[]? w)
    {
        var back = Collapsed.Backward(C.Random!);
        for (int i = 0; i < Count; i++) A.AddVmp(i, LinearOp.AAverageLogarithm(back[C.Index(i)], K).Pow(w?[i] ?? 1));
    }

    internal override double VmpAverageLog(int i) => 0;

    internal override (Port<Gaussian> Arg, double Alpha, double Beta)[]? AffineParts(int i) => [(A, K, 0)];
}
