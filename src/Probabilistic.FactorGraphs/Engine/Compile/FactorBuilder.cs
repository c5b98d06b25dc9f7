using Probabilistic.FactorGraphs.Distributions;
using Probabilistic.FactorGraphs.Models;

namespace Probabilistic.FactorGraphs.Engine;

/// <summary>
/// What a factor definition sees while its node is built: the spec, the nodes of its variables, and ports wired to them
/// (index maps over the factor's plate, the case values of the Switch blocks around it, point masses for observed values).
/// </summary>
internal sealed class FactorBuilder
{
    private readonly CompiledModel _model;
    private readonly GateCases _cases;
    private readonly Func<Variable, VarNode> _nodeOf;

    internal FactorBuilder(CompiledModel model, FactorSpec spec, GateCases cases, bool vmp, Func<Variable, VarNode> nodeOf)
    {
        _model = model;
        Spec = spec;
        _cases = cases;
        Vmp = vmp;
        _nodeOf = nodeOf;
    }

    internal FactorSpec Spec { get; }

    /// <summary>True when the model is compiled for VariationalMessagePassing.</summary>
    internal bool Vmp { get; }

    /// <summary>EP keeps non-conjugate messages proper (<see cref="Algorithms.ExpectationPropagation.ForceProperMessages"/>).</summary>
    internal bool ForceProper => _model.ForceProper;

    /// <summary>The storage variable of the output (what a node is created for).</summary>
    internal Variable OutputBase => ModelCompiler.Resolve(Output).Base;

    /// <summary>The variable the factor defines.</summary>
    internal Variable Output => Spec.Output ?? throw new InvalidOperationException($"The {Spec.Describe()} factor defines no variable.");

    /// <summary>Argument <paramref name="k"/> of the factor.</summary>
    internal Variable Arg(int k) => Spec.Args[k];

    /// <summary>"Gaussian ('x')": the factor's description in messages.</summary>
    internal string Description => Spec.Output is null ? Spec.Describe() : $"{Spec.Describe()} ('{ModelCompiler.Resolve(Spec.Output).Base.Name}')";

    /// <summary>The node holding <paramref name="v"/> (created on first use).</summary>
    internal VarNode NodeOf(Variable v) => _nodeOf(v);

    /// <summary>True when <paramref name="v"/> is observed (or a constant) when the model is compiled.</summary>
    internal bool IsObserved(Variable v) => NodeOf(v).IsObserved;

    /// <summary>The observed value of <paramref name="v"/>'s storage variable, or null.</summary>
    internal object? ObservedValue(Variable v) => ModelCompiler.Resolve(v).Base.ObservedObject;

    /// <summary>A port to <paramref name="v"/> with <typeparamref name="T"/> marginals; observed values are read as point masses shaped like <paramref name="like"/>.</summary>
    internal Port<T> Port<T>(FactorNode factor, Variable v, string role, T like, Action<ObservedNode>? validate = null, bool raw = false) where T : struct, IExponentialFamily<T>
    {
        var node = NodeOf(v);
        var port = new Port<T>(factor, node, role, node is VarNode<T> random ? random.Uniform : like)
        {
            IsOutput = ReferenceEquals(v, Spec.Output),
            Validate = validate,
            RawValues = raw,
        };
        var indexer = ModelCompiler.IndexerFor(_model, v, ModelCompiler.SpaceOf(_model, Spec.Plates), Spec, _cases, factor.Description);
        port.Scalar = indexer.Scalar;
        port.MapBuilder = indexer.MapBuilder;
        return port;
    }

    /// <summary>A port to a scalar-valued variable (Gaussian, Gamma, Beta, Bernoulli marginals need no shape).</summary>
    internal Port<T> Port<T>(FactorNode factor, Variable v, string role, Action<ObservedNode>? validate = null) where T : struct, IExponentialFamily<T> =>
        Port(factor, v, role, default(T), validate);

    /// <summary>The flat distribution of <paramref name="v"/>'s shape when it is random with <typeparamref name="T"/> marginals, else null.</summary>
    internal T? RandomShape<T>(Variable v) where T : struct, IExponentialFamily<T> => NodeOf(v) is VarNode<T> n ? n.Uniform : null;
}
