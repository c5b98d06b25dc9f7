using Probabilistic.FactorGraphs.Distributions;

namespace Probabilistic.FactorGraphs.Models;

public partial class Variable<T>
{
    /// <summary>
    /// Initialises the marginal from a distribution over the variable's values, as Infer.NET's types spell it: for an
    /// array, <c>Distribution&lt;int&gt;.Array(perElement)</c> (an <c>IDistribution&lt;int[]&gt;</c>); see
    /// <see cref="InitialiseTo{TDist}(TDist)"/>.
    /// </summary>
    public Variable<T> InitialiseTo(IDistribution<T> initial)
    {
        Initialiser = initial ?? throw new ArgumentNullException(nameof(initial));
        InitialiserVariable = null;
        return this;
    }

    /// <summary>
    /// Initialises the marginal from the observed value of <paramref name="initial"/> (a <c>Variable&lt;Gaussian&gt;</c>, or a
    /// <c>Variable&lt;IDistribution&lt;int[]&gt;&gt;</c> for an array), read each time inference runs: a new initialisation is a
    /// new observed value, with no recompilation. Set <c>initial.ObservedValue</c> before inferring.
    /// </summary>
    public Variable<T> InitialiseTo<TDist>(Variable<TDist> initial) where TDist : IDistribution<T>
    {
        ArgumentNullException.ThrowIfNull(initial);
        if (ReferenceEquals(initial, this)) throw new ArgumentException($"'{Name}' cannot be initialised by itself.", nameof(initial));
        InitialiserVariable = initial;
        Initialiser = null;
        ModelChanged();
        return this;
    }
}
