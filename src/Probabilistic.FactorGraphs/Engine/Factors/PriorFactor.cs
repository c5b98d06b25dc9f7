using Probabilistic.FactorGraphs.Distributions;
using Probabilistic.FactorGraphs.Factors;
using Probabilistic.FactorGraphs.Models;

namespace Probabilistic.FactorGraphs.Engine;

/// <summary>The definition shared by priors of every type (the typed parameter <see cref="Prior{T}"/> builds them).</summary>
internal static class PriorFactor
{
    internal static readonly FactorDefinition Definition = new("Prior", b => ((ITypedParameter)b.Spec.Parameter!).Build(b));
}

/// <summary>x ~ a fixed distribution.</summary>
internal sealed class PriorFactor<T> : FactorNode where T : struct, IExponentialFamily<T>
{
    private readonly IReadOnlyList<IPort> _ports;
    private readonly T _message;

    internal PriorFactor(FactorBuilder b, T prior) : base(b.Description)
    {
        Prior = prior;
        _message = prior.ClampCertainty(BooleanOps.Certain);
        Out = b.Port(this, b.Output, "value", prior.CreateUniform());
        _ports = [Out];
    }

    internal T Prior { get; }
    internal Port<T> Out { get; }
    internal override IReadOnlyList<IPort> Ports => _ports;

    // a prior with zero probabilities (a table row such as Bernoulli(0)) is sent as "certainly not" rather than as zero, so the
    // marginal divided by it is still the cavity a gate's evidence reads; its evidence below uses the prior itself
    internal override void EpSend(IPort target, int i) => Out.SetMessage(i, _message);

    internal override double EpLogZ(int i) => MessageMath.LogAverageWithContext(Prior, Out.Context(i));

    internal override string? VmpRefusal => null;

    internal override void VmpSend(IPort target, double[]? w)
    {
        for (int i = 0; i < Count; i++) Out.AddVmp(i, w is null ? Prior : Prior.Pow(w[i]));
    }

    internal override double VmpAverageLog(int i) => Out.Marginal(i).GetAverageLog(Prior);
}

/// <summary>
/// The typed parameter of a prior: creates the variable's node with the prior's type and shape, and its factor. A point
/// mass of a vector or matrix (VectorGaussian, Dirichlet, Wishart) makes the variable a constant, as if observed.
/// </summary>
internal sealed class Prior<T>(T distribution, bool constantWhenPointMass) : ITypedParameter, IConstantPrior where T : struct, IExponentialFamily<T>
{
    internal T Distribution { get; } = distribution;

    public object? Constant => constantWhenPointMass && Distribution.IsPointMass ? Distribution : null;

    public VarNode CreateNode(Variable b, FactorBuilder builder) => new VarNode<T>(b, Distribution.CreateUniform());

    public FactorNode Build(FactorBuilder builder) => new PriorFactor<T>(builder, Distribution);

    public string Describe() => typeof(T).Name + " prior";
}
