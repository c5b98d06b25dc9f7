using Probabilistic.FactorGraphs.Distributions;
using Probabilistic.FactorGraphs.Engine;
using Probabilistic.FactorGraphs.Factors;

namespace Probabilistic.FactorGraphs.Models
{
    public abstract partial class Variable
    {
        /// <summary>
        /// The matrix product c[i, j] = Σ_k a[i, k] b[k, j] of two 2-D double arrays sharing the inner range (Infer.NET's
        /// <c>Variable.MatrixMultiply</c>), one of them observed. EP messages are exact; under VMP the product is collapsed.
        /// </summary>
        public static VariableArray2D<double> MatrixMultiply(VariableArray2D<double> a, VariableArray2D<double> b)
        {
            ArgumentNullException.ThrowIfNull(a);
            ArgumentNullException.ThrowIfNull(b);
            if (!ReferenceEquals(a.Range1, b.Range0))
                throw new NotSupportedException($"MatrixMultiply('{a.Name}', '{b.Name}'): the columns of '{a.Name}' (range '{a.Range1.Name}') and the rows of '{b.Name}' (range '{b.Range0.Name}') must be the same Range.");
            var product = Array<double>(a.Range0, b.Range1);
            _ = new FactorSpec(MatrixMultiplyFactor.Definition, product, [a[a.Range0, a.Range1], b[b.Range0, b.Range1]], null);
            return product;
        }
    }
}

namespace Probabilistic.FactorGraphs.Engine
{
    /// <summary>
    /// c[i, j] = Σ_k a[i, k] b[k, j] with one side observed: an instance per (i, k, j), grouped by (i, j), each term the random
    /// element times the observed one (<see cref="WeightedSumFactor"/>, whose VMP it uses). EP takes the whole product as one
    /// factor, as Infer.NET's MatrixMultiplyOp does: each block of random elements that meet in an output (a row of a, or a
    /// column of b) is projected jointly (<see cref="JointWeightedSumOp"/>), each element's message sitting on its first instance.
    /// </summary>
    internal sealed class MatrixMultiplyFactor : WeightedSumFactor
    {
        internal static readonly FactorDefinition Definition = new("MatrixMultiply", b => new MatrixMultiplyFactor(b), Outputs.Gaussian);

        private readonly IReadOnlyList<IPort> _ports;
        private readonly Port<Gaussian> _known;

        private MatrixMultiplyFactor(FactorBuilder b) : base(b.Description)
        {
            bool aObserved = b.IsObserved(b.Arg(0)), bObserved = b.IsObserved(b.Arg(1));
            string an = ModelCompiler.Resolve(b.Arg(0)).Base.Name, bn = ModelCompiler.Resolve(b.Arg(1)).Base.Name;
            if (!aObserved && !bObserved)
                throw new NotSupportedException($"MatrixMultiply('{an}', '{bn}') of two random matrices is not supported: each entry would be a sum of products of two Gaussians. Observe one of '{an}' and '{bn}'.");
            if (aObserved && bObserved)
                throw new NotSupportedException($"MatrixMultiply('{an}', '{bn}') of two observed matrices is a constant; compute it outside the model.");
            C = b.Port<Gaussian>(this, b.Output, "product", Checks.FiniteDoubles("MatrixMultiply", "product"));
            A = b.Port<Gaussian>(this, b.Arg(0), "a", Checks.FiniteDoubles("MatrixMultiply", "a"));
            B = b.Port<Gaussian>(this, b.Arg(1), "b", Checks.FiniteDoubles("MatrixMultiply", "b"));
            (X, _known) = aObserved ? (B, A) : (A, B);
            _ports = [C, A, B];
        }

        internal Port<Gaussian> C { get; }
        internal Port<Gaussian> A { get; }
        internal Port<Gaussian> B { get; }
        private Port<Gaussian> X { get; }
        internal override IReadOnlyList<IPort> Ports => _ports;
        protected override Port<Gaussian> Sum => C;
        protected override Port<Gaussian> Terms => X;
        protected override double Coefficient(int i) => _known.Marginal(i).Point;

        // ---- EP: each block of terms sharing outputs (a row of the random side) is projected jointly ----

        private sealed record Block(int[] Elements, int[] FirstInstance, (int Rep, int[] Instances)[] Outputs);

        private Block[] _blocks = [];
        private int[] _firstOf = [];

        internal override void Prepare()
        {
            base.Prepare();
            if (X.IsObserved) return;
            // union of the elements that meet in one output: a block is a row of the random matrix
            var parent = Arrays.Indices(X.Node.Count);
            int Find(int e) { while (parent[e] != e) e = parent[e] = parent[parent[e]]; return e; }
            foreach (var g in Groups)
                for (int k = 1; k < g.Length; k++) parent[Find(X.Index(g[k]))] = Find(X.Index(g[0]));
            _firstOf = Enumerable.Repeat(-1, X.Node.Count).ToArray();
            for (int i = 0; i < Count; i++) if (_firstOf[X.Index(i)] < 0) _firstOf[X.Index(i)] = i;
            _blocks = Groups.GroupBy(g => Find(X.Index(g[0]))).Select(b =>
            {
                var elements = b.SelectMany(g => g.Select(X.Index)).Distinct().Order().ToArray();
                return new Block(elements, elements.Select(e => _firstOf[e]).ToArray(), b.Select(g => (g[0], g)).ToArray());
            }).ToArray();
        }

        /// <summary>The context of element e with respect to the whole factor (its message sits on the element's first instance).</summary>
        private Gaussian TermContext(int e) => X.Context(_firstOf[e]);

        private (Gaussian[] Marginals, double LogZ) Project(Block b)
        {
            var ctx = b.Elements.Select(TermContext).ToArray();
            var position = new Dictionary<int, int>();
            for (int k = 0; k < b.Elements.Length; k++) position[b.Elements[k]] = k;
            var sums = b.Outputs.Select(o =>
            {
                var c = new double[b.Elements.Length];
                foreach (int i in o.Instances) c[position[X.Index(i)]] += Coefficient(i);
                return (C.Context(o.Rep), c);
            }).ToList();
            try
            {
                return JointWeightedSumOp.Project(ctx, sums);
            }
            catch (ArgumentException e)
            {
                throw new InvalidOperationException($"ExpectationPropagation on the {Description} factor: {e.Message}", e);
            }
        }

        internal override void EpSendAll(IPort target)
        {
            if (ReferenceEquals(target, C))
            {
                foreach (var g in Groups)
                {
                    var ctx = g.Select(i => TermContext(X.Index(i))).ToArray();
                    var c = g.Select(Coefficient).ToArray();
                    C.SetMessage(g[0], WeightedSumOp.SumAverageConditional(ctx, c));
                }
            }
            else
            {
                foreach (var b in _blocks)
                {
                    var (marginals, _) = Project(b);
                    for (int k = 0; k < b.Elements.Length; k++) X.SetMessage(b.FirstInstance[k], marginals[k] / TermContext(b.Elements[k]));
                }
            }
            target.Commit();
        }

        internal override double EpEvidenceTerm()
        {
            double s = 0;
            foreach (var b in _blocks)
            {
                s += Project(b).LogZ;
                foreach (int i in b.FirstInstance) s -= X.LogNormalizerAt(i);
                foreach (var o in b.Outputs) s -= C.LogNormalizerAt(o.Rep);
            }
            return s;
        }
    }
}
