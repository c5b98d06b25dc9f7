using Probabilistic.FactorGraphs.Distributions;
using Probabilistic.FactorGraphs.Engine;
using Probabilistic.FactorGraphs.Factors;

namespace Probabilistic.FactorGraphs.Models
{
    public abstract partial class Variable
    {
        /// <summary>max(a, b) of two doubles (Infer.NET's <c>Variable.Max</c>); ExpectationPropagation only, as in Infer.NET.</summary>
        public static Variable<double> Max(Variable<double> a, Variable<double> b) => Derived<double>(MaxFactor.Definition, a, b);
    }
}

namespace Probabilistic.FactorGraphs.Engine
{
    /// <summary>m = max(a, b): EP by the moment match of the two cases m = a and m = b (<see cref="MaxOp"/>).</summary>
    internal sealed class MaxFactor : FactorNode
    {
        internal static readonly FactorDefinition Definition = new("Max", b => new MaxFactor(b), Outputs.Gaussian);

        private readonly IReadOnlyList<IPort> _ports;

        private MaxFactor(FactorBuilder b) : base(b.Description)
        {
            M = b.Port<Gaussian>(this, b.Output, "max", Checks.FiniteDoubles("Max", "max"));
            A = b.Port<Gaussian>(this, b.Arg(0), "a", Checks.FiniteDoubles("Max", "a"));
            B = b.Port<Gaussian>(this, b.Arg(1), "b", Checks.FiniteDoubles("Max", "b"));
            _ports = [M, A, B];
        }

        internal Port<Gaussian> M { get; }
        internal Port<Gaussian> A { get; }
        internal Port<Gaussian> B { get; }
        internal override IReadOnlyList<IPort> Ports => _ports;

        internal override void EpSend(IPort target, int i)
        {
            Gaussian m = M.Context(i), a = A.Context(i), b = B.Context(i);
            try
            {
                if (ReferenceEquals(target, M)) M.SetMessage(i, MaxOp.MaxAverageConditional(m, a, b));
                else if (ReferenceEquals(target, A)) A.SetMessage(i, MaxOp.AAverageConditional(m, a, b));
                else B.SetMessage(i, MaxOp.BAverageConditional(m, a, b));
            }
            catch (ArgumentException e)
            {
                throw new InvalidOperationException($"ExpectationPropagation on the {Description} factor, message to {Where(target)}: {e.Message}", e);
            }
        }

        internal override double EpLogZ(int i) => MaxOp.LogAverageFactor(M.Context(i), A.Context(i), B.Context(i));

        internal override string? VmpRefusal =>
            $"The {Description} factor, max({Where(A)}, {Where(B)}), has no VariationalMessagePassing operator (nor has Infer.NET's): E[log f] of a deterministic max is not conjugate to Gaussians. Use ExpectationPropagation for this model.";
    }
}
