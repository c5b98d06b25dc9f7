using Probabilistic.FactorGraphs.Distributions;
using Probabilistic.FactorGraphs.Engine;
using Probabilistic.FactorGraphs.Factors;
using Range = Probabilistic.FactorGraphs.Models.Range;

namespace Probabilistic.FactorGraphs.Models
{
    public abstract partial class Variable
    {
        /// <summary>
        /// p = softmax(x), p_k = e^(x_k)/Σ_j e^(x_j), a probability vector (a Dirichlet variable over x's range) from a double
        /// array (Infer.NET's <c>Variable.Softmax</c>): multinomial regression with <c>Variable.Discrete(p)</c> or
        /// <c>Variable.Multinomial(n, p)</c>. VariationalMessagePassing only, as in Infer.NET.
        /// </summary>
        public static Variable<LinearAlgebra.Vector> Softmax(VariableArray<double> x)
        {
            ArgumentNullException.ThrowIfNull(x);
            var p = new Variable<LinearAlgebra.Vector>();
            _ = new FactorSpec(SoftmaxFactor.Definition, p, [x[x.Range]], x.Range);
            return p;
        }

        /// <summary>The range of values of a probability vector made by <see cref="Softmax"/> (its argument's range), or null.</summary>
        internal static Range? ValueRangeOf(Variable<LinearAlgebra.Vector> probs) =>
            probs.Factors.FirstOrDefault(s => ReferenceEquals(s.Output, probs) && ReferenceEquals(s.Definition, SoftmaxFactor.Definition))?.Parameter as Range;
    }
}

namespace Probabilistic.FactorGraphs.Engine
{
    /// <summary>
    /// p = softmax(x): one instance per element of x, grouped by the element of p; under VMP p is collapsed onto x through
    /// the Knowles–Minka bound (<see cref="SoftmaxOp"/>).
    /// </summary>
    internal sealed class SoftmaxFactor : FactorNode
    {
        internal static readonly FactorDefinition Definition = new("Softmax", b => new SoftmaxFactor(b), b => new VarNode<Dirichlet>(b.OutputBase, Dirichlet.Uniform(Size(b))));

        private readonly IReadOnlyList<IPort> _ports;
        private readonly Range _range;
        private int[][] _groups = [];

        private SoftmaxFactor(FactorBuilder b) : base(b.Description)
        {
            _range = (Range)b.Spec.Parameter!;
            P = b.Port(this, b.Output, "softmax", Dirichlet.Uniform(Size(b)));
            X = b.Port<Gaussian>(this, b.Arg(0), "x", Checks.FiniteDoubles("Softmax", "x"));
            _ports = [P, X];
        }

        private static int Size(FactorBuilder b) => ((Range)b.Spec.Parameter!).SizeAsInt;

        internal Port<Dirichlet> P { get; }
        internal Port<Gaussian> X { get; }
        internal override IReadOnlyList<IPort> Ports => _ports;

        internal override void Prepare()
        {
            // the instances of each p element, ordered by their coordinate on x's range (the component k)
            int dim = Space.IndexOf(_range);
            _groups = Enumerable.Range(0, Count).GroupBy(P.Index).OrderBy(g => g.Key)
                .Select(g => g.OrderBy(i => Space.Coordinate(i, dim)).ToArray()).ToArray();
        }

        internal override string? EpRefusal =>
            $"The {Description} factor, softmax of '{X.Node.Name}', has no ExpectationPropagation operator (nor has Infer.NET's): use VariationalMessagePassing for multinomial regression.";

        internal override void EpSend(IPort target, int i) => throw new NotSupportedException(EpRefusal);

        internal override double EpLogZ(int i) => throw new NotSupportedException(EpRefusal);

        internal override string? VmpRefusal =>
            Gate is not null ? $"The {Description} factor takes a whole array and cannot sit inside a gate (If, Case, Switch); compute it outside the gate."
            : P.IsObserved ? $"The {Description} factor's output '{P.Node.Name}' is observed; under VariationalMessagePassing softmax supports a random output only (as Infer.NET's)."
            : null;

        internal override bool IsDeterministic => true;

        private Gaussian[] Args(int[] g)
        {
            var x = new Gaussian[g.Length];
            for (int k = 0; k < g.Length; k++) x[k] = X.Marginal(g[k]);
            return x;
        }

        internal override void VmpForward()
        {
            foreach (var g in _groups) P.Random!.Marginal[P.Index(g[0])] = SoftmaxOp.SoftmaxAverageLogarithm(Args(g));
        }

        internal override void VmpSend(IPort target, double[]? w)
        {
            var back = Collapsed.Backward(P.Random!);
            foreach (var g in _groups)
            {
                var msgs = new Gaussian[g.Length];
                SoftmaxOp.XAverageLogarithm(back[P.Index(g[0])], Args(g), msgs);
                for (int k = 0; k < g.Length; k++) X.AddVmp(g[k], msgs[k]);
            }
        }

        internal override double VmpAverageLog(int i) => 0;
    }
}
