using Probabilistic.FactorGraphs.Distributions;
using Probabilistic.FactorGraphs.Factors;

namespace Probabilistic.FactorGraphs.Engine;

/// <summary>x ~ Bernoulli(p), p a Beta variable or an observed probability.</summary>
internal sealed class BernoulliFromBetaFactor : FactorNode
{
    internal static readonly FactorDefinition Definition = new("BernoulliFromBeta", b => new BernoulliFromBetaFactor(b), Outputs.Bernoulli);

    private readonly IReadOnlyList<IPort> _ports;

    private BernoulliFromBetaFactor(FactorBuilder b) : base(b.Description)
    {
        X = b.Port<Bernoulli>(this, b.Output, "sample");
        P = b.Port<Beta>(this, b.Arg(0), "probTrue", Checks.Probabilities("Bernoulli", "probability"));
        _ports = [X, P];
    }

    internal Port<Bernoulli> X { get; }
    internal Port<Beta> P { get; }
    internal override IReadOnlyList<IPort> Ports => _ports;

    internal override void EpSend(IPort target, int i)
    {
        if (ReferenceEquals(target, X)) X.SetMessage(i, BernoulliFromBetaOp.SampleAverageConditional(P.Context(i)));
        else P.SetMessage(i, BernoulliFromBetaOp.ProbTrueAverageConditional(X.Context(i), P.Context(i)));
    }

    internal override double EpLogZ(int i) => BernoulliFromBetaOp.LogAverageFactor(X.Context(i), P.Context(i));

    internal override string? VmpRefusal => null;

    internal override void VmpSend(IPort target, double[]? w)
    {
        for (int i = 0; i < Count; i++)
        {
            double wi = w?[i] ?? 1;
            if (ReferenceEquals(target, X)) X.AddVmp(i, BernoulliFromBetaOp.SampleAverageLogarithm(P.Marginal(i)).Pow(wi));
            else P.AddVmp(i, BernoulliFromBetaOp.ProbTrueAverageLogarithm(X.Marginal(i)).Pow(wi));
        }
    }

    internal override double VmpAverageLog(int i) => BernoulliFromBetaOp.AverageLogFactor(X.Marginal(i), P.Marginal(i));
}
