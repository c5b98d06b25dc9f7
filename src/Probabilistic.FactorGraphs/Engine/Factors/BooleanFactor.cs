using Probabilistic.FactorGraphs.Distributions;
using Probabilistic.FactorGraphs.Factors;

namespace Probabilistic.FactorGraphs.Engine;

/// <summary>c = f(a, b) for Boolean and / or, and c = ¬a (b absent): exact by enumeration under EP, collapsed under VMP.</summary>
internal sealed class BooleanFactor : FactorNode
{
    internal static readonly FactorDefinition And = new("And", b => new BooleanFactor(b, BooleanOps.And), Outputs.Bernoulli);
    internal static readonly FactorDefinition Or = new("Or", b => new BooleanFactor(b, BooleanOps.Or), Outputs.Bernoulli);
    internal static readonly FactorDefinition Not = new("Not", b => new BooleanFactor(b, BooleanOps.Not), Outputs.Bernoulli);

    private readonly Func<bool, bool, bool> _f;
    private readonly Func<bool, bool, bool> _swapped;
    private readonly IReadOnlyList<IPort> _ports;

    private BooleanFactor(FactorBuilder b, Func<bool, bool, bool> f) : base(b.Description)
    {
        _f = f;
        _swapped = (y, x) => f(x, y);
        C = b.Port<Bernoulli>(this, b.Output, "result");
        A = b.Port<Bernoulli>(this, b.Arg(0), "a");
        if (b.Spec.Args.Length > 1) B = b.Port<Bernoulli>(this, b.Arg(1), "b");
        _ports = B is null ? [C, A] : [C, A, B];
    }

    internal Port<Bernoulli> C { get; }
    internal Port<Bernoulli> A { get; }
    internal Port<Bernoulli>? B { get; }
    internal override IReadOnlyList<IPort> Ports => _ports;

    private Bernoulli BContext(int i) => B?.Context(i) ?? Bernoulli.PointMass(true);

    private Bernoulli BMarginal(int i) => B?.Marginal(i) ?? Bernoulli.PointMass(true);

    internal override void EpSend(IPort target, int i)
    {
        var m = BooleanOps.Messages(_f, C.Context(i), A.Context(i), BContext(i));
        if (ReferenceEquals(target, C)) C.SetMessage(i, m.ToC);
        else if (ReferenceEquals(target, A)) A.SetMessage(i, m.ToA);
        else B!.SetMessage(i, m.ToB);
    }

    internal override double EpLogZ(int i) => BooleanOps.Messages(_f, C.Context(i), A.Context(i), BContext(i)).LogZ;

    internal override string? VmpRefusal => null;
    internal override bool IsDeterministic => true;

    internal override void VmpForward()
    {
        for (int i = 0; i < Count; i++) C.Random!.Marginal[C.Index(i)] = BooleanOps.CAverageLogarithm(_f, A.Marginal(i), BMarginal(i));
    }

    internal override void VmpSend(IPort target, double[]? w)
    {
        var back = C.IsObserved ? null : Collapsed.Backward(C.Random!);
        for (int i = 0; i < Count; i++)
        {
            var mc = back is null ? C.Marginal(i) : back[C.Index(i)];
            try
            {
                double wi = w?[i] ?? 1;
                if (ReferenceEquals(target, A)) A.AddVmp(i, BooleanOps.AAverageLogarithm(_f, mc, BMarginal(i)).Pow(wi));
                else B!.AddVmp(i, BooleanOps.AAverageLogarithm(_swapped, mc, A.Marginal(i)).Pow(wi));
            }
            catch (InvalidOperationException e)
            {
                throw new InvalidOperationException($"VMP on the {Description} factor: {e.Message} when updating {Where(target)}. Mean-field VMP cannot represent this constraint from the current initialisation; use ExpectationPropagation or initialise the arguments (InitialiseTo) consistently with it.", e);
            }
        }
    }

    internal override double VmpAverageLog(int i) => C.IsObserved ? BooleanOps.AverageLogFactor(_f, C.Marginal(i).Point, A.Marginal(i), BMarginal(i)) : 0;
}
