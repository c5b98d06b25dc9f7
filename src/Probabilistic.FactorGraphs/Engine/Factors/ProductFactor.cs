using Probabilistic.FactorGraphs.Distributions;
using Probabilistic.FactorGraphs.Factors;

namespace Probabilistic.FactorGraphs.Engine;

/// <summary>
/// c = a·b for two double variables. Under VMP c is collapsed with the push-forward moments of <see cref="ProductOp"/>.
/// Under EP with one side observed it is c = k·a with k read per instance from that side; with both random, the moment
/// match of the tilted distribution (<see cref="ProductOp.EpMoments"/>).
/// </summary>
internal sealed class ProductFactor : FactorNode
{
    internal static readonly FactorDefinition Definition = new("Product", b => new ProductFactor(b), Outputs.Gaussian);

    private readonly IReadOnlyList<IPort> _ports;

    private ProductFactor(FactorBuilder b) : base(b.Description)
    {
        C = b.Port<Gaussian>(this, b.Output, "product", Checks.FiniteDoubles("Product", "result"));
        A = b.Port<Gaussian>(this, b.Arg(0), "a", Checks.FiniteDoubles("Product", "a"));
        B = b.Port<Gaussian>(this, b.Arg(1), "b", Checks.FiniteDoubles("Product", "b"));
        _ports = [C, A, B];
        _forceProper = b.ForceProper;
    }

    private readonly bool _forceProper;

    internal Port<Gaussian> C { get; }
    internal Port<Gaussian> A { get; }
    internal Port<Gaussian> B { get; }
    internal override IReadOnlyList<IPort> Ports => _ports;

    private bool BothRandom => !A.IsObserved && !B.IsObserved;

    /// <summary>EP: the random side and the known factor k at instance i.</summary>
    private (Port<Gaussian> Random, double K) Scale(int i)
    {
        var (random, known) = B.IsObserved ? (A, B) : (B, A);
        return (random, known.Marginal(i).Point);
    }

    // A known factor 0 makes the product the constant 0: a point-mass message to it, none to the random side.
    internal override void EpSend(IPort target, int i)
    {
        if (BothRandom)
        {
            // two random sides: the moment match of the tilted distribution (ProductOp.EpMoments), kept proper
            Gaussian c = C.Context(i), ca = A.Context(i), cb = B.Context(i);
            try
            {
                if (ReferenceEquals(target, C)) C.SetMessage(i, ProductOp.ProductAverageConditional(c, ca, cb, _forceProper));
                else if (ReferenceEquals(target, A)) A.SetMessage(i, ProductOp.AAverageConditional(c, ca, cb, _forceProper));
                else B.SetMessage(i, ProductOp.BAverageConditional(c, ca, cb, _forceProper));
            }
            catch (ArgumentException e)
            {
                throw new InvalidOperationException($"ExpectationPropagation on the {Description} factor, message to {Where(target)}: {e.Message}", e);
            }
            return;
        }
        var (a, k) = Scale(i);
        if (ReferenceEquals(target, C)) C.SetMessage(i, k == 0 ? Gaussian.PointMass(0) : LinearOp.ProductAverageConditional(a.Context(i), k));
        else a.SetMessage(i, k == 0 ? Gaussian.Uniform() : LinearOp.AAverageConditional(C.Context(i), k));
    }

    internal override double EpLogZ(int i)
    {
        if (BothRandom) return ProductOp.LogAverageFactor(C.Context(i), A.Context(i), B.Context(i));
        var (a, k) = Scale(i);
        if (k != 0) return LinearOp.LogAverageFactor(C.Context(i), a.Context(i), k);
        // ∫ δ(c) ctx_c ctx_a: the readers of c see it as the point 0 and count its value there; a keeps its context
        var ca = a.Context(i);
        double la = ca.IsPointMass ? 0 : ca.GetLogNormalizer();
        return C.IsObserved && C.Marginal(i).Point != 0 ? double.NegativeInfinity : la;
    }

    internal override string? VmpRefusal => C.IsObserved && !(A.IsObserved && B.IsObserved)
        ? $"Under VariationalMessagePassing the {Description} factor's output '{C.Node.Name}' is observed exactly, which confines its random arguments to a hyperplane that a factorised q cannot represent. Add noise (Variable.GaussianFromMeanAndVariance(..., noise)) and observe that, or use ExpectationPropagation."
        : null;

    internal override bool IsDeterministic => true;

    internal override void VmpForward()
    {
        for (int i = 0; i < Count; i++) C.Random!.Marginal[C.Index(i)] = ProductOp.ProductAverageLogarithm(A.Marginal(i), B.Marginal(i));
    }

    internal override void VmpSend(IPort target, double[]? w)
    {
        var back = Collapsed.Backward(C.Random!);
        for (int i = 0; i < Count; i++)
        {
            var mc = back[C.Index(i)];
            double wi = w?[i] ?? 1;
            if (ReferenceEquals(target, A)) A.AddVmp(i, ProductOp.AAverageLogarithm(mc, B.Marginal(i)).Pow(wi));
            else B.AddVmp(i, ProductOp.BAverageLogarithm(mc, A.Marginal(i)).Pow(wi));
        }
    }

    internal override double VmpAverageLog(int i) => 0;

    internal override (Port<Gaussian> Arg, double Alpha, double Beta)[]? AffineParts(int i)
    {
        if (A.IsObserved) return [(B, A.Marginal(i).Point, 0)];
        if (B.IsObserved) return [(A, B.Marginal(i).Point, 0)];
        return null;
    }
}
