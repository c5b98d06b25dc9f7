using Probabilistic.FactorGraphs.Distributions;
using Probabilistic.FactorGraphs.Factors;

namespace Probabilistic.FactorGraphs.Engine;

/// <summary>
/// The constraint b = true (ConstrainTrue, and ConstrainFalse through a Not). Outside gates a whole variable so
/// constrained is compiled as observed true; this factor runs the constraint on array elements and inside gates.
/// </summary>
internal sealed class ConstrainTrueFactor : FactorNode
{
    internal static readonly FactorDefinition Definition = new("ConstrainTrue", b => new ConstrainTrueFactor(b));

    private readonly IReadOnlyList<IPort> _ports;

    private ConstrainTrueFactor(FactorBuilder b) : base(b.Description)
    {
        B = b.Port<Bernoulli>(this, b.Arg(0), "value");
        _ports = [B];
    }

    internal Port<Bernoulli> B { get; }
    internal override IReadOnlyList<IPort> Ports => _ports;

    // the message is "certain" rather than a point mass, so that the marginal divided by it is still the cavity (a gate's case
    // evidence reads the cavity); its false probability, e^−200, is far below anything a double distinguishes from 1
    internal override void EpSend(IPort target, int i) => B.SetMessage(i, Bernoulli.FromLogOdds(BooleanOps.Certain));

    internal override double EpLogZ(int i) => MessageMath.LogWeights(B.Context(i)).True;

    internal override string? VmpRefusal => null;

    internal override void VmpSend(IPort target, double[]? w)
    {
        for (int i = 0; i < Count; i++) B.AddVmp(i, Bernoulli.PointMass(true));
    }

    internal override double VmpAverageLog(int i) => B.Marginal(i).GetLogProbTrue();
}
