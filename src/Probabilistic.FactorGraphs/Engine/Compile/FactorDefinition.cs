using Probabilistic.FactorGraphs.Models;

namespace Probabilistic.FactorGraphs.Engine;

/// <summary>
/// What the modelling API records for one kind of factor: its name, how to create the random variable it defines (the
/// distribution type and shape of its output), and how to build its compiled node. Each factor class holds its own
/// definition; <see cref="FactorCatalog"/> lists them all in one place.
/// </summary>
internal sealed class FactorDefinition
{
    internal FactorDefinition(string name, Func<FactorBuilder, FactorNode> build, Func<FactorBuilder, VarNode>? output = null)
    {
        Name = name;
        Build = build;
        CreateOutput = output;
    }

    /// <summary>The factor's name in messages and in the support matrix ("Gaussian", "IsPositive", ...).</summary>
    internal string Name { get; }

    /// <summary>Builds the compiled factor (ports, parameters) for one spec and one case of the gates around it.</summary>
    internal Func<FactorBuilder, FactorNode> Build { get; }

    /// <summary>Creates the node of a random variable this factor defines; null when the output must be observed.</summary>
    internal Func<FactorBuilder, VarNode>? CreateOutput { get; }

    /// <inheritdoc/>
    public override string ToString() => Name;
}

/// <summary>
/// A factor's constant parameter that knows its own type: the engine calls these members instead of switching over
/// distribution types (a prior's distribution, a prior read from an observed distribution variable, ...).
/// </summary>
internal interface ITypedParameter
{
    /// <summary>The node of a random variable this parameter's factor defines.</summary>
    VarNode CreateNode(Variable b, FactorBuilder builder);

    /// <summary>The compiled factor.</summary>
    FactorNode Build(FactorBuilder builder);

    /// <summary>A short description ("Gaussian prior").</summary>
    string Describe();
}
