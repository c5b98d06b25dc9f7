using Probabilistic.FactorGraphs.Distributions;
using Probabilistic.FactorGraphs.Factors;
using Probabilistic.FactorGraphs.LinearAlgebra;

namespace Probabilistic.FactorGraphs.Engine;

/// <summary>c = wᵀx with w a random VectorGaussian and x an observed vector (either argument order).</summary>
internal sealed class InnerProductFactor : FactorNode
{
    internal static readonly FactorDefinition Definition = new("InnerProduct", b => new InnerProductFactor(b), Outputs.Gaussian);

    private readonly IReadOnlyList<IPort> _ports;

    private InnerProductFactor(FactorBuilder b) : base(b.Description)
    {
        var (a, x) = (b.Arg(0), b.Arg(1));
        if (b.IsObserved(a)) (a, x) = (x, a);
        if (b.IsObserved(a) || !b.IsObserved(x))
            throw new NotSupportedException($"InnerProduct('{b.Arg(0).Name}', '{b.Arg(1).Name}') needs one random VectorGaussian vector and one observed vector (a variable with a point-mass prior counts as observed).");
        var w = b.RandomShape<VectorGaussian>(a) ?? throw new NotSupportedException($"InnerProduct: '{a.Name}' must be a VectorGaussian variable.");
        C = b.Port<Gaussian>(this, b.Output, "innerProduct");
        W = b.Port(this, a, "a", w);
        X = b.Port(this, x, "b", w, raw: true);
        _ports = [C, W, X];
    }

    internal Port<Gaussian> C { get; }
    internal Port<VectorGaussian> W { get; }
    internal Port<VectorGaussian> X { get; }
    internal override IReadOnlyList<IPort> Ports => _ports;

    private ReadOnlySpan<double> Vec(int i) => X.ObservedValues switch
    {
        Vector[] vs => vs[X.Index(i)].Span,
        double[][] ds => ds[X.Index(i)],
        _ => throw new InvalidOperationException($"'{X.Node.Name}' must be observed as Vector values."),
    };

    internal override void EpSend(IPort target, int i)
    {
        if (ReferenceEquals(target, C)) C.SetMessage(i, InnerProductOp.InnerProductAverageConditional(W.Context(i), Vec(i)));
        else W.SetMessage(i, InnerProductOp.AAverageConditional(C.Context(i), Vec(i)));
    }

    internal override double EpLogZ(int i) => InnerProductOp.LogAverageFactor(C.Context(i), W.Context(i), Vec(i));

    internal override string? VmpRefusal => C.IsObserved
        ? $"Under VariationalMessagePassing the {Description} factor's output '{C.Node.Name}' is observed exactly, which confines its random arguments to a hyperplane that a factorised q cannot represent. Add noise (Variable.GaussianFromMeanAndVariance(..., noise)) and observe that, or use ExpectationPropagation."
        : null;

    internal override bool IsDeterministic => true;

    internal override void VmpForward()
    {
        for (int i = 0; i < Count; i++) C.Random!.Marginal[C.Index(i)] = InnerProductOp.InnerProductAverageLogarithm(W.Marginal(i), Vec(i));
    }

    internal override void VmpSend(IPort target, double[]? w)
    {
        var back = Collapsed.Backward(C.Random!);
        for (int i = 0; i < Count; i++) W.AddVmp(i, InnerProductOp.AAverageLogarithm(back[C.Index(i)], Vec(i)).Pow(w?[i] ?? 1));
    }

    internal override double VmpAverageLog(int i) => 0;
}
