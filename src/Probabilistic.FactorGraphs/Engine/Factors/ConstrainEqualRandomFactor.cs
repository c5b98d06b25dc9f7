using Probabilistic.FactorGraphs.Distributions;
using Probabilistic.FactorGraphs.Engine;

namespace Probabilistic.FactorGraphs.Models
{
    public abstract partial class Variable
    {
        /// <summary>
        /// Soft evidence: multiplies the model by <paramref name="distribution"/>'s density at <paramref name="variable"/>
        /// (Infer.NET's <c>ConstrainEqualRandom</c>, as if a draw from the distribution were observed equal to the variable).
        /// </summary>
        public static void ConstrainEqualRandom<T, TDist>(Variable<T> variable, TDist distribution) where TDist : struct, IDistribution<T>, IExponentialFamily<TDist> =>
            ConstrainEqualRandom(variable, Constant(distribution));

        /// <summary>
        /// Soft evidence from the observed value of a distribution variable (an element of an array of them inside
        /// <c>ForEach</c> gives one per element); a new value re-runs the compiled model.
        /// </summary>
        public static void ConstrainEqualRandom<T, TDist>(Variable<T> variable, Variable<TDist> distribution) where TDist : struct, IDistribution<T>, IExponentialFamily<TDist>
        {
            ArgumentNullException.ThrowIfNull(variable);
            ArgumentNullException.ThrowIfNull(distribution);
            _ = new FactorSpec(ConstrainEqualRandomFactor.Definition, null, [variable, distribution], new DistributionArgument<TDist>("ConstrainEqualRandom", "distribution"));
        }
    }
}

namespace Probabilistic.FactorGraphs.Engine
{
    /// <summary>d(x) for a constant or observed distribution d: the node is a <see cref="DistributionFactor{T}"/> on x.</summary>
    internal static class ConstrainEqualRandomFactor
    {
        internal static readonly FactorDefinition Definition = new("ConstrainEqualRandom", b => ((ITypedParameter)b.Spec.Parameter!).Build(b));
    }
}
