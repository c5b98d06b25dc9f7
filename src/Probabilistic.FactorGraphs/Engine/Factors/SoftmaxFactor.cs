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
            _lastM = [];
            // the instances of each p element, ordered by their coordinate on x's range (the component k)
            int dim = Space.IndexOf(_range);
            _groups = Arrays.GroupByKey(Count, P.Index);
            foreach (var g in _groups) Arrays.SortStablyBy(g, i => Space.Coordinate(i, dim));
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
            for (int gi = 0; gi < _groups.Length; gi++)
            {
                var g = _groups[gi];
                var x = Args(g);
                bool ready = true;
                foreach (var xi in x) if (!xi.IsPointMass && !xi.IsProper()) ready = false;
                if (!ready) { P.Random!.Marginal[P.Index(g[0])] = SoftmaxOp.SoftmaxAverageLogarithm(x); continue; }
                var (m, bound, _) = BoundAt(gi, x);
                var previous = P.Random!.Marginal[P.Index(g[0])];
                P.Random!.Marginal[P.Index(g[0])] = SoftmaxOp.SoftmaxAverageLogarithm(m, bound,
                    previous.Dimension == m.Length && !previous.IsPointMass ? previous.PseudoCount : default);
            }
        }

        internal override void VmpSend(IPort target, double[]? w)
        {
            var back = Collapsed.Backward(P.Random!);
            for (int gi = 0; gi < _groups.Length; gi++)
            {
                var g = _groups[gi];
                var msgs = new Gaussian[g.Length];
                var (m, _, a) = BoundAt(gi, Args(g));
                SoftmaxOp.XAverageLogarithm(back[P.Index(g[0])], m, a, msgs);
                for (int k = 0; k < g.Length; k++) X.AddVmp(g[k], msgs[k]);
            }
        }

        // The bound of each group at the x moments it was last computed for: the forward pass after an update and the
        // messages of the next update usually see the same moments, and a nearby minimiser starts Newton's method
        private double[][] _lastM = [], _lastV = [], _lastA = [];
        private double[] _lastBound = [];

        private (double[] M, double Bound, double[] A) BoundAt(int group, Gaussian[] x)
        {
            if (_lastM.Length != _groups.Length)
            {
                _lastM = new double[_groups.Length][]; _lastV = new double[_groups.Length][]; _lastA = new double[_groups.Length][];
                _lastBound = new double[_groups.Length];
            }
            var (m, v) = SoftmaxOp.Moments(x);
            if (_lastM[group] is { } lm && Arrays.SequenceEqual(lm, m) && Arrays.SequenceEqual(_lastV[group], v))
                return (m, _lastBound[group], _lastA[group]);
            var (bound, a) = SoftmaxOp.Bound(m, v, _lastA[group]);
            _lastM[group] = m; _lastV[group] = v; _lastA[group] = a; _lastBound[group] = bound;
            return (m, bound, a);
        }

        internal override double VmpAverageLog(int i) => 0;
    }
}
