using Probabilistic.FactorGraphs.Distributions;
using Probabilistic.FactorGraphs.Factors;

namespace Probabilistic.FactorGraphs.Engine;

/// <summary>
/// c = a·b for two double variables. Under VMP c is collapsed (<see cref="CollapsedVmp"/>) with the push-forward moments
/// of <see cref="ProductOp"/>. Under EP the compiler admits the factor only when one side is observed: it is then the
/// scale factor c = k·a with k read per instance from the observed side.
/// </summary>
internal sealed class ProductFactor : FactorNode
{
    internal ProductFactor(string description) : base(description) { }
    internal Port<Gaussian> C { get; set; } = null!;
    internal Port<Gaussian> A { get; set; } = null!;
    internal Port<Gaussian> B { get; set; } = null!;
    internal override IEnumerable<IPort> Ports => [C, A, B];

    internal override bool SupportsEpAt => true;

    /// <summary>EP: the random side and the known factor k at instance i.</summary>
    private (Port<Gaussian> Random, double K) Scale(int i)
    {
        var (random, known) = B.IsObserved ? (A, B) : (B, A);
        double k = known.Marginal(i).Point;
        if (k == 0)
            throw new NotSupportedException($"Under ExpectationPropagation the {Description} factor multiplies {Where(random)} by {Where(known)} = 0{(known.Node.Count > 1 ? $" (element {known.Index(i)})" : "")}, which makes the product a constant; remove the factor for that element, or use VariationalMessagePassing.");
        return (random, k);
    }

    internal override void EpUpdateAt(int i)
    {
        var (a, k) = Scale(i);
        C.SetMessage(i, LinearOp.ProductAverageConditional(a.Context(i), k));
        a.SetMessage(i, LinearOp.AAverageConditional(C.Context(i), k));
    }

    internal override double EpLogZ(int i)
    {
        var (a, k) = Scale(i);
        return LinearOp.LogAverageFactor(C.Context(i), a.Context(i), k);
    }

    internal override bool SupportsVmp => true;
    internal override bool IsDeterministic => true;

    internal override void VmpForward()
    {
        for (int i = 0; i < Count; i++) C.Random!.Marginal[C.Index(i)] = ProductOp.ProductAverageLogarithm(A.Marginal(i), B.Marginal(i));
    }

    internal override void VmpSend(IPort target, double[]? w)
    {
        var back = CollapsedVmp.Backward(C.Random!);
        for (int i = 0; i < Count; i++)
        {
            var mc = back[C.Index(i)];
            if (ReferenceEquals(target, A)) A.AddVmp(i, ProductOp.AAverageLogarithm(mc, B.Marginal(i)));
            else B.AddVmp(i, ProductOp.BAverageLogarithm(mc, A.Marginal(i)));
        }
    }

    internal override double VmpAverageLog(int i) => 0;
}
