using Probabilistic.FactorGraphs.Distributions;
using Probabilistic.FactorGraphs.Factors;

namespace Probabilistic.FactorGraphs.Engine;

/// <summary>c = wᵀx, w random (VectorGaussian), x observed vectors.</summary>
internal sealed class InnerProductFactor : FactorNode
{
    internal InnerProductFactor(string description) : base(description) { }
    internal Port<Gaussian> C { get; set; } = null!;
    internal Port<VectorGaussian> W { get; set; } = null!;
    internal Port<VectorGaussian> X { get; set; } = null!;
    internal override IEnumerable<IPort> Ports => [C, W, X];

    private ReadOnlySpan<double> Vec(int i) => ((ObservedNode)X.Node).Vectors![X.Index(i)];

    internal override void EpUpdate()
    {
        for (int i = 0; i < Count; i++)
        {
            var x = Vec(i);
            C.SetMessage(i, InnerProductOp.InnerProductAverageConditional(W.Context(i), x));
            W.SetMessage(i, InnerProductOp.AAverageConditional(C.Context(i), x));
        }
    }

    internal override double EpLogZ(int i) => InnerProductOp.LogAverageFactor(C.Context(i), W.Context(i), Vec(i));

    internal override bool SupportsVmp => true;
    internal override bool IsDeterministic => true;

    internal override void VmpForward()
    {
        for (int i = 0; i < Count; i++) C.Random!.Marginal[C.Index(i)] = InnerProductOp.InnerProductAverageLogarithm(W.Marginal(i), Vec(i));
    }

    internal override void VmpSend(IPort target, double[]? w)
    {
        var back = CollapsedVmp.Backward(C.Random!);
        for (int i = 0; i < Count; i++) W.AddVmp(i, InnerProductOp.AAverageLogarithm(back[C.Index(i)], Vec(i)));
    }

    internal override double VmpAverageLog(int i) => 0;
}
