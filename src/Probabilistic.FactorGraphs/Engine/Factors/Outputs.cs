using Probabilistic.FactorGraphs.Distributions;

namespace Probabilistic.FactorGraphs.Engine;

/// <summary>Output nodes the factor definitions share: the distribution type and shape of the variable a factor defines.</summary>
internal static class Outputs
{
    internal static VarNode Gaussian(FactorBuilder b) => new VarNode<Gaussian>(b.OutputBase, Distributions.Gaussian.Uniform());

    internal static VarNode Gamma(FactorBuilder b) => new VarNode<Gamma>(b.OutputBase, Distributions.Gamma.Uniform());

    internal static VarNode Beta(FactorBuilder b) => new VarNode<Beta>(b.OutputBase, Distributions.Beta.Uniform());

    internal static VarNode Bernoulli(FactorBuilder b) => new VarNode<Bernoulli>(b.OutputBase, Distributions.Bernoulli.Uniform());

    internal static VarNode Discrete(FactorBuilder b, int dimension) => new VarNode<Discrete>(b.OutputBase, Distributions.Discrete.Uniform(dimension));
}

/// <summary>Checks of observed values that factors need beyond a distribution's support, with the culprit named.</summary>
internal static class Checks
{
    internal static Action<ObservedNode> Doubles(string factor, string role, Func<double, bool> ok, string support) => o =>
    {
        var d = o.Doubles ?? throw new InvalidOperationException($"The {factor} factor's {role} '{o.Name}' is observed with a non-double value.");
        for (int j = 0; j < d.Length; j++)
            if (!ok(d[j]))
                throw new ArgumentOutOfRangeException(o.Name, d[j], $"Observed value {d[j]} of {o.Quoted(j)} is outside the support of the {factor} factor's {role} ({support}).");
    };

    internal static Action<ObservedNode> FiniteDoubles(string factor, string role) => Doubles(factor, role, double.IsFinite, "a finite real");

    internal static Action<ObservedNode> PositiveDoubles(string factor, string role) => Doubles(factor, role, x => x > 0 && double.IsFinite(x), "finite and > 0");

    internal static Action<ObservedNode> Probabilities(string factor, string role) => Doubles(factor, role, x => x >= 0 && x <= 1, "in [0, 1]");
}
