using Probabilistic.FactorGraphs.Distributions;
using Probabilistic.FactorGraphs.Engine;

namespace Probabilistic.FactorGraphs.Models
{
    public abstract partial class Variable
    {
        /// <summary>
        /// Σ_i array[i] of a double array (Infer.NET's <c>Variable.Sum</c>). EP messages are exact; under VMP the sum is
        /// collapsed onto its terms, which are updated one after another.
        /// </summary>
        public static Variable<double> Sum(Variable<double[]> array)
        {
            ArgumentNullException.ThrowIfNull(array);
            if (array is not VariableArray<double> items)
                throw new NotSupportedException($"Variable.Sum needs an array over a range (Variable.Array<double>(range)); '{array.Name}' has none.");
            var sum = new Variable<double>();
            _ = new FactorSpec(SumFactor.Definition, sum, [items[items.Range]], null);
            return sum;
        }
    }
}

namespace Probabilistic.FactorGraphs.Engine
{
    /// <summary>s = Σ_i x[i]: one instance per element of x, grouped by the element of s (<see cref="WeightedSumFactor"/>).</summary>
    internal sealed class SumFactor : WeightedSumFactor
    {
        internal static readonly FactorDefinition Definition = new("Sum", b => new SumFactor(b), Outputs.Gaussian);

        private readonly IReadOnlyList<IPort> _ports;

        private SumFactor(FactorBuilder b) : base(b.Description)
        {
            if (b.IsObserved(b.Arg(0)))
                throw new NotSupportedException($"Variable.Sum of the observed array '{ModelCompiler.Resolve(b.Arg(0)).Base.Name}' is a constant; compute it outside the model.");
            S = b.Port<Gaussian>(this, b.Output, "sum", Checks.FiniteDoubles("Sum", "sum"));
            X = b.Port<Gaussian>(this, b.Arg(0), "array");
            _ports = [S, X];
        }

        internal Port<Gaussian> S { get; }
        internal Port<Gaussian> X { get; }
        internal override IReadOnlyList<IPort> Ports => _ports;
        protected override Port<Gaussian> Sum => S;
        protected override Port<Gaussian> Terms => X;
        protected override double Coefficient(int i) => 1;
    }
}
