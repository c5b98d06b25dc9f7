using Range = Probabilistic.FactorGraphs.Models.Range;
using Probabilistic.FactorGraphs.Distributions;
using Probabilistic.FactorGraphs.Factors;
using Probabilistic.FactorGraphs.Models;

namespace Probabilistic.FactorGraphs.Engine;

internal static partial class ModelCompiler
{
    private static VarNode CreateRandomNode(Variable b, FactorSpec def) => def.Kind switch
    {
        FactorKind.Prior => def.Parameter switch
        {
            Gaussian => new VarNode<Gaussian>(b, Gaussian.Uniform()),
            Gamma => new VarNode<Gamma>(b, Gamma.Uniform()),
            Beta => new VarNode<Beta>(b, Beta.Uniform()),
            Bernoulli => new VarNode<Bernoulli>(b, Bernoulli.Uniform()),
            Discrete d => new VarNode<Discrete>(b, Discrete.Uniform(d.Dimension)),
            Dirichlet d => new VarNode<Dirichlet>(b, Dirichlet.Uniform(d.Dimension)),
            VectorGaussian g => new VarNode<VectorGaussian>(b, VectorGaussian.Uniform(g.Dimension)),
            Wishart g => new VarNode<Wishart>(b, Wishart.Uniform(g.Dimension)),
            _ => throw new NotSupportedException($"Priors of type {def.Parameter?.GetType().Name} are not supported."),
        },
        FactorKind.Gaussian or FactorKind.Plus or FactorKind.Minus or FactorKind.Scale or FactorKind.InnerProduct or FactorKind.Product => new VarNode<Gaussian>(b, Gaussian.Uniform()),
        FactorKind.Poisson => throw new NotSupportedException($"'{b.Name}' = Variable.Poisson('{def.Args[0].Name}') is a random count; the Poisson factor supports observed counts only (set {b.Name}.ObservedValue). A count to be predicted has no conjugate message here: infer the mean '{def.Args[0].Name}' and use its Gamma posterior (the predictive count is negative binomial)."),
        FactorKind.BernoulliFromBeta or FactorKind.And or FactorKind.Or or FactorKind.Not or FactorKind.IsPositive => new VarNode<Bernoulli>(b, Bernoulli.Uniform()),
        FactorKind.VectorGaussian => new VarNode<VectorGaussian>(b, VectorGaussian.Uniform(VectorDimension(def))),
        FactorKind.DiscreteFromDirichlet => new VarNode<Discrete>(b, Discrete.Uniform(DirichletDimension(def.Args[0]))),
        _ => throw new NotSupportedException($"Factor {def.Kind} cannot define a variable."),
    };

    /// <summary>
    /// The distribution of a variable whose only definition is a VectorGaussian, Dirichlet or Wishart point-mass prior: such
    /// a variable is a constant and is compiled as if observed at the point (inside a gate too, like a variable observed
    /// there), so every factor that takes an observed vector or matrix takes it, and one that needs a random one says so.
    /// Scalar point masses stay random variables with point-mass marginals, which their factors already handle.
    /// </summary>
    private static object? PointMassPrior(List<FactorSpec> defs)
    {
        if (defs.Count != 1 || defs[0].Kind != FactorKind.Prior) return null;
        return defs[0].Parameter switch
        {
            VectorGaussian { IsPointMass: true } g => g,
            Dirichlet { IsPointMass: true } d => d,
            Wishart { IsPointMass: true } w => w,
            _ => null,
        };
    }

    /// <summary>The factors whose output is stored in <paramref name="b"/> (reached through the aliases linked to it, e.g. b[r] = ...).</summary>
    private static IEnumerable<FactorSpec> DefiningSpecs(Variable b)
    {
        var seen = new HashSet<Variable> { b };
        var queue = new Queue<Variable>([b]);
        while (queue.Count > 0)
        {
            var v = queue.Dequeue();
            foreach (var s in v.Factors)
                if (s.Output is not null && ReferenceEquals(Resolve(s.Output).Base, b)) yield return s;
            foreach (var l in v.Links)
                if (seen.Add(l) && ReferenceEquals(Resolve(l).Base, b)) queue.Enqueue(l);
        }
    }

    /// <summary>The dimension of a VectorGaussian factor: from its mean (a prior or observed vector) or its precision.</summary>
    private static int VectorDimension(FactorSpec spec)
    {
        foreach (var v in new[] { spec.Args[0], spec.Output!, spec.Args[1] })
        {
            var b = Resolve(v).Base;
            switch (b.ObservedObject)
            {
                case LinearAlgebra.Vector x: return x.Count;
                case LinearAlgebra.Vector[] xs when xs.Length > 0: return xs[0].Count;
                case LinearAlgebra.PositiveDefiniteMatrix m: return m.Dimension;
                case LinearAlgebra.PositiveDefiniteMatrix[] ms when ms.Length > 0: return ms[0].Dimension;
            }
            foreach (var s in DefiningSpecs(b))
                if (!ReferenceEquals(s, spec))
                {
                    if (s.Parameter is VectorGaussian g) return g.Dimension;
                    if (s.Parameter is Wishart w) return w.Dimension;
                    if (s.Kind == FactorKind.VectorGaussian) return VectorDimension(s);
                }
        }
        throw new NotSupportedException($"The dimension of '{spec.Output?.Name}' ~ VectorGaussian('{spec.Args[0].Name}', '{spec.Args[1].Name}') cannot be found: give the mean a VectorGaussian prior or an observed Vector.");
    }

    private static int DirichletDimension(Variable probs)
    {
        var b = Resolve(probs).Base;
        switch (b.ObservedObject)
        {
            case double[] p: return p.Length;
            case LinearAlgebra.Vector v: return v.Count;
            case LinearAlgebra.Vector[] vs when vs.Length > 0: return vs[0].Count;
        }
        foreach (var s in DefiningSpecs(b))
            if (s.Kind == FactorKind.Prior && s.Parameter is Dirichlet d) return d.Dimension;
        throw new NotSupportedException($"'{probs.Name}' must be a Dirichlet variable (Variable.Dirichlet...) or an observed probability vector to parameterise a Discrete.");
    }

    private static FactorNode CreateFactor(CompiledModel model, FactorSpec spec, GateCases caseValue)
    {
        string name = spec.Output is null ? spec.Describe() : $"{spec.Describe()} ('{Resolve(spec.Output).Base.Name}')";
        switch (spec.Kind)
        {
            case FactorKind.Prior:
                return spec.Parameter switch
                {
                    Gaussian g => Prior(model, spec, caseValue, name, g, GaussianPoint()),
                    Gamma g => Prior(model, spec, caseValue, name, g, GammaPoint("value", false)),
                    Beta g => Prior(model, spec, caseValue, name, g, BetaPoint()),
                    Bernoulli g => Prior(model, spec, caseValue, name, g, BoolPoint()),
                    Discrete g => Prior(model, spec, caseValue, name, g, IntPoint(g.Dimension)),
                    Dirichlet g => Prior(model, spec, caseValue, name, g, DirichletPoint(g.Dimension)),
                    VectorGaussian g => Prior(model, spec, caseValue, name, g, VectorPoint(g.Dimension)),
                    Wishart g => Prior(model, spec, caseValue, name, g, WishartPoint(g.Dimension)),
                    _ => throw new NotSupportedException($"Priors of type {spec.Parameter?.GetType().Name} are not supported."),
                };
            case FactorKind.Gaussian:
            {
                var f = new GaussianFactor(name);
                f.X = MakePort(model, f, spec, spec.Output!, caseValue, GaussianPoint());
                f.Mean = MakePort(model, f, spec, spec.Args[0], caseValue, GaussianPoint());
                bool variance = spec.Parameter as string == "variance";
                if (variance && !Resolve(spec.Args[1]).Base.IsObserved)
                    throw new NotSupportedException($"GaussianFromMeanAndVariance with a random variance ('{spec.Args[1].Name}') is not supported; use GaussianFromMeanAndPrecision with a Gamma precision.");
                f.Prec = MakePort(model, f, spec, spec.Args[1], caseValue, GammaPoint(variance ? "variance" : "precision", variance));
                return f;
            }
            case FactorKind.BernoulliFromBeta:
            {
                var f = new BernoulliFromBetaFactor(name);
                f.X = MakePort(model, f, spec, spec.Output!, caseValue, BoolPoint());
                f.P = MakePort(model, f, spec, spec.Args[0], caseValue, BetaPoint());
                return f;
            }
            case FactorKind.DiscreteFromDirichlet:
            {
                var f = new DiscreteFromDirichletFactor(name);
                int k = DirichletDimension(spec.Args[0]);
                f.X = MakePort(model, f, spec, spec.Output!, caseValue, IntPoint(k));
                f.P = MakePort(model, f, spec, spec.Args[0], caseValue, DirichletPoint(k));
                return f;
            }
            case FactorKind.And or FactorKind.Or or FactorKind.Not:
            {
                Func<bool, bool, bool> fn = spec.Kind switch { FactorKind.And => BooleanOps.And, FactorKind.Or => BooleanOps.Or, _ => BooleanOps.Not };
                var f = new BoolFactor(name, fn);
                f.C = MakePort(model, f, spec, spec.Output!, caseValue, BoolPoint());
                f.A = MakePort(model, f, spec, spec.Args[0], caseValue, BoolPoint());
                if (spec.Args.Length > 1) f.B = MakePort(model, f, spec, spec.Args[1], caseValue, BoolPoint());
                return f;
            }
            case FactorKind.IsPositive:
            {
                var f = new IsPositiveFactor(name);
                f.C = MakePort(model, f, spec, spec.Output!, caseValue, BoolPoint());
                f.X = MakePort(model, f, spec, spec.Args[0], caseValue, GaussianPoint());
                return f;
            }
            case FactorKind.Plus or FactorKind.Minus:
            {
                var f = new LinearFactor(name, spec.Kind == FactorKind.Plus ? 1 : -1);
                f.C = MakePort(model, f, spec, spec.Output!, caseValue, GaussianPoint());
                f.A = MakePort(model, f, spec, spec.Args[0], caseValue, GaussianPoint());
                f.B = MakePort(model, f, spec, spec.Args[1], caseValue, GaussianPoint());
                return f;
            }
            case FactorKind.Scale:
            {
                double k = (double)spec.Parameter!;
                if (k == 0 || !double.IsFinite(k)) throw new NotSupportedException($"Multiplying '{spec.Args[0].Name}' by {k} is not supported (the constant must be finite and non-zero).");
                var f = new ScaleFactor(name, k);
                f.C = MakePort(model, f, spec, spec.Output!, caseValue, GaussianPoint());
                f.A = MakePort(model, f, spec, spec.Args[0], caseValue, GaussianPoint());
                return f;
            }
            case FactorKind.Poisson:
            {
                var f = new PoissonFactor(name);
                f.X = MakePort(model, f, spec, spec.Output!, caseValue, CountPoint());
                f.Mean = MakePort(model, f, spec, spec.Args[0], caseValue, GammaPoint("mean", false));
                return f;
            }
            case FactorKind.Product:
            {
                var f = new ProductFactor(name);
                var (a, b) = (spec.Args[0], spec.Args[1]);
                if (!model.Vmp && !Resolve(a).Base.IsObserved && !Resolve(b).Base.IsObserved)
                    throw new NotSupportedException($"ExpectationPropagation cannot run the product '{a.Name}' * '{b.Name}' of two random variables: the product of two Gaussians is not Gaussian, and moment matching it is an approximation of its own. Use VariationalMessagePassing (new InferenceEngine(new VariationalMessagePassing())), whose update for a product is exact for Gaussian children, or observe one of '{a.Name}' and '{b.Name}'.");
                f.C = MakePort(model, f, spec, spec.Output!, caseValue, GaussianPoint());
                f.A = MakePort(model, f, spec, a, caseValue, GaussianPoint());
                f.B = MakePort(model, f, spec, b, caseValue, GaussianPoint());
                return f;
            }
            case FactorKind.VectorGaussian:
            {
                int d = VectorDimension(spec);
                var f = new VectorGaussianFactor(name, d);
                f.X = MakePort(model, f, spec, spec.Output!, caseValue, VectorPoint(d));
                f.Mean = MakePort(model, f, spec, spec.Args[0], caseValue, VectorPoint(d));
                f.Prec = MakePort(model, f, spec, spec.Args[1], caseValue, WishartPoint(d));
                return f;
            }
            case FactorKind.InnerProduct:
            {
                var f = new InnerProductFactor(name);
                var (a, b) = (spec.Args[0], spec.Args[1]);
                if (model.NodeOf[Resolve(a).Base].IsObserved) (a, b) = (b, a);
                if (model.NodeOf[Resolve(a).Base].IsObserved || !model.NodeOf[Resolve(b).Base].IsObserved)
                    throw new NotSupportedException($"InnerProduct('{spec.Args[0].Name}', '{spec.Args[1].Name}') needs one random VectorGaussian vector and one observed vector (a variable with a point-mass prior counts as observed).");
                var w = model.NodeOf[Resolve(a).Base] as VarNode<VectorGaussian>
                    ?? throw new NotSupportedException($"InnerProduct: '{a.Name}' must be a VectorGaussian variable.");
                f.C = MakePort(model, f, spec, spec.Output!, caseValue, GaussianPoint());
                f.W = MakePort(model, f, spec, a, caseValue, VectorPoint(w.Uniform.Dimension));
                f.X = MakePort(model, f, spec, b, caseValue, VectorPoint(w.Uniform.Dimension));
                return f;
            }
            default:
                throw new NotSupportedException($"Factor {spec.Kind} is not supported.");
        }
    }

    private static PriorFactor<T> Prior<T>(CompiledModel model, FactorSpec spec, GateCases caseValue, string name, T prior,
        (Func<ObservedNode, int, T>, Action<ObservedNode>) point) where T : struct, IDistribution<T>
    {
        var f = new PriorFactor<T>(name, prior);
        f.Out = MakePort(model, f, spec, spec.Output!, caseValue, point);
        return f;
    }

    private static Port<T> MakePort<T>(CompiledModel model, FactorNode f, FactorSpec spec, Variable v, GateCases caseValue,
        (Func<ObservedNode, int, T> At, Action<ObservedNode> Check) point) where T : struct, IDistribution<T>
    {
        var node = model.NodeOf[Resolve(v).Base];
        var port = new Port<T>(f, node, point.At) { Validate = point.Check, IsOutput = ReferenceEquals(v, spec.Output) };
        var indexer = IndexerFor(model, v, SpaceOf(model, spec), spec, caseValue, f.Description);
        port.Scalar = indexer.Scalar;
        port.MapBuilder = indexer.MapBuilder;
        return port;
    }

    private static (VarNode, bool, Func<int[]?>?) ResolveSelector(CompiledModel model, FactorSpec spec, Variable selector, GateCases cases)
    {
        var node = model.NodeOf[Resolve(selector).Base];
        var indexer = IndexerFor(model, selector, SpaceOf(model, spec), spec, cases, "gated");
        return (node, indexer.Scalar, indexer.MapBuilder);
    }

    private static void Check(ObservedNode o, string role, string factor, Func<double, bool> ok, string support)
    {
        var d = o.Doubles ?? throw new InvalidOperationException($"The {factor} factor's {role} '{o.Name}' is observed with a non-double value.");
        for (int j = 0; j < d.Length; j++)
            if (!ok(d[j]))
                throw new ArgumentOutOfRangeException(o.Name, d[j], $"Observed value {d[j]} of '{o.Name}'{(d.Length > 1 ? $"[{j}]" : "")} is outside the support of the {factor} factor's {role} ({support}).");
    }

    private static (Func<ObservedNode, int, Gaussian>, Action<ObservedNode>) GaussianPoint() =>
        ((o, j) => Gaussian.PointMass(o.Doubles![j]), o => Check(o, "value", "Gaussian", double.IsFinite, "a finite real"));

    private static (Func<ObservedNode, int, Gamma>, Action<ObservedNode>) GammaPoint(string role, bool invert) =>
        (invert ? (o, j) => Gamma.PointMass(1 / o.Doubles![j]) : (o, j) => Gamma.PointMass(o.Doubles![j]),
         o => Check(o, role, "Gamma/precision", x => x > 0 && double.IsFinite(x), "finite and > 0"));

    private static (Func<ObservedNode, int, Beta>, Action<ObservedNode>) BetaPoint() =>
        ((o, j) => Beta.PointMass(o.Doubles![j]), o => Check(o, "probability", "Beta/Bernoulli", x => x >= 0 && x <= 1, "in [0, 1]"));

    private static (Func<ObservedNode, int, Dirichlet>, Action<ObservedNode>) DirichletPoint(int k) =>
        ((o, j) => Dirichlet.PointMass(LinearAlgebra.Vector.Wrap(o.Vectors![j])),
         o =>
         {
             var ps = o.Vectors ?? throw new InvalidOperationException($"'{o.Name}' must be observed as a probability vector (Vector or double[]).");
             for (int j = 0; j < ps.Length; j++)
             {
                 string at = ps.Length > 1 ? $"[{j}]" : "";
                 if (ps[j].Length != k) throw new ArgumentException($"Observed probability vector '{o.Name}'{at} has {ps[j].Length} entries; the Discrete has {k} values.");
                 if (ps[j].Any(p => !(p >= 0) || double.IsInfinity(p)) || Math.Abs(ps[j].Sum() - 1) > 1e-9)
                     throw new ArgumentOutOfRangeException(o.Name, $"Observed probability vector '{o.Name}'{at} = ({string.Join(", ", ps[j])}) must be non-negative and sum to 1.");
             }
         });

    private static (Func<ObservedNode, int, VectorGaussian>, Action<ObservedNode>) VectorPoint(int d) =>
        ((o, j) => VectorGaussian.PointMass(LinearAlgebra.Vector.Wrap(o.Vectors![j])),
         o =>
         {
             var vs = o.Vectors ?? throw new InvalidOperationException($"'{o.Name}' must be observed as Vector values.");
             for (int j = 0; j < vs.Length; j++)
                 if (vs[j].Length != d) throw new ArgumentException($"Observed vector '{o.Name}'{(vs.Length > 1 ? $"[{j}]" : "")} has {vs[j].Length} entries; the weights have {d}.");
         });

    private static (Func<ObservedNode, int, Wishart>, Action<ObservedNode>) WishartPoint(int d) =>
        ((o, j) => Wishart.PointMass(LinearAlgebra.PositiveDefiniteMatrix.Wrap(d, o.Matrices![j])),
         o =>
         {
             var ms = o.Matrices ?? throw new InvalidOperationException($"'{o.Name}' must be observed as PositiveDefiniteMatrix values.");
             for (int j = 0; j < ms.Length; j++)
             {
                 string at = ms.Length > 1 ? $"[{j}]" : "";
                 if (ms[j].Length != d * d) throw new ArgumentException($"Observed matrix '{o.Name}'{at} is {(int)Math.Sqrt(ms[j].Length)}×{(int)Math.Sqrt(ms[j].Length)}; the vectors have dimension {d}.");
                 if (!Core.Numerics.Cholesky.TryFactor(ms[j].ToArray(), d))
                     throw new ArgumentException($"Observed precision matrix '{o.Name}'{at} is not positive definite.");
             }
         });

    /// <summary>An observed Poisson count: non-negative ints, read directly by <see cref="PoissonFactor"/>.</summary>
    private static (Func<ObservedNode, int, Discrete>, Action<ObservedNode>) CountPoint() =>
        ((o, j) => throw new NotSupportedException($"The observed count '{o.Name}' is read as an int, not as a distribution."), o =>
        {
            var ks = o.Ints ?? throw new InvalidOperationException($"The Poisson count '{o.Name}' must be observed as int (or int[]).");
            for (int j = 0; j < ks.Length; j++)
                if (ks[j] < 0)
                    throw new ArgumentOutOfRangeException(o.Name, ks[j], $"Observed count {ks[j]} of '{o.Name}'{(ks.Length > 1 ? $"[{j}]" : "")} is negative; a Poisson count must be 0, 1, 2, ...");
        });

    private static (Func<ObservedNode, int, Bernoulli>, Action<ObservedNode>) BoolPoint() =>
        ((o, j) => Bernoulli.PointMass(o.Bools![j]), o => { if (o.Bools is null) throw new InvalidOperationException($"'{o.Name}' must be observed as bool."); });

    private static (Func<ObservedNode, int, Discrete>, Action<ObservedNode>) IntPoint(int k) =>
        ((o, j) => Discrete.PointMass(o.Ints![j], k), o =>
        {
            var ks = o.Ints ?? throw new InvalidOperationException($"'{o.Name}' must be observed as int.");
            for (int j = 0; j < ks.Length; j++)
                if ((uint)ks[j] >= (uint)k)
                    throw new ArgumentOutOfRangeException(o.Name, ks[j], $"Observed value {ks[j]} of '{o.Name}'{(ks.Length > 1 ? $"[{j}]" : "")} is outside the support of its Discrete distribution (0..{k - 1}).");
        });
}
