using Probabilistic.FactorGraphs.Distributions;
using Probabilistic.FactorGraphs.Engine;

namespace Probabilistic.FactorGraphs.Models;

public abstract partial class Variable
{
    // ---- constants, observations, arrays ----

    /// <summary>A variable with a fixed known value.</summary>
    public static Variable<T> Constant<T>(T value) => Observed(value);

    /// <summary>A constant array over a new range of its length.</summary>
    public static VariableArray<T> Constant<T>(T[] value) => Observed(value);

    /// <summary>A variable whose value is observed (and may be changed later through <see cref="Variable{T}.ObservedValue"/>).</summary>
    public static Variable<T> Observed<T>(T value)
    {
        var v = new Variable<T>();
        v.Plates.Clear();
        v.ObservedValue = value;
        return v;
    }

    /// <summary>An observed array over a new range of its length.</summary>
    public static VariableArray<T> Observed<T>(T[] value)
    {
        ArgumentNullException.ThrowIfNull(value);
        return Observed(value, new Range(value.Length));
    }

    /// <summary>An observed array over <paramref name="range"/>.</summary>
    public static VariableArray<T> Observed<T>(T[] value, Range range)
    {
        var v = Array<T>(range);
        v.ObservedValue = value;
        return v;
    }

    /// <summary>A variable to be defined later or observed (Infer.NET's <c>Variable.New&lt;T&gt;()</c>).</summary>
    public static Variable<T> New<T>() => new();

    /// <summary>An array of variables over <paramref name="range"/>; define its elements with <c>array[range] = ...</c>.</summary>
    public static VariableArray<T> Array<T>(Range range) => new(range);

    /// <summary>
    /// An array over <paramref name="range"/> of arrays shaped like <paramref name="item"/> (Infer.NET's jagged arrays):
    /// <c>Variable.Array(Variable.Array&lt;double&gt;(inner), outer)</c>, used as <c>x[outer][inner]</c>.
    /// </summary>
    public static VariableArray<VariableArray<T>, T[][]> Array<T>(VariableArray<T> item, Range range)
    {
        ArgumentNullException.ThrowIfNull(item);
        var inner = item.Range;
        return new VariableArray<VariableArray<T>, T[][]>(range, [inner], (parent, r, iv) => new VariableArray<T>(parent, r, iv, inner));
    }

    /// <summary>A two-dimensional array over <paramref name="range0"/> × <paramref name="range1"/>.</summary>
    public static VariableArray2D<T> Array<T>(Range range0, Range range1) => new(range0, range1);

    /// <summary>An observed jagged array over <paramref name="outer"/> and (possibly jagged) <paramref name="inner"/>.</summary>
    public static VariableArray<VariableArray<T>, T[][]> Observed<T>(T[][] value, Range outer, Range inner)
    {
        var v = Array(Array<T>(inner), outer);
        v.ObservedValue = value;
        return v;
    }

    /// <summary>An observed two-dimensional array over <paramref name="range0"/> × <paramref name="range1"/>.</summary>
    public static VariableArray2D<T> Observed<T>(T[,] value, Range range0, Range range1)
    {
        var v = Array<T>(range0, range1);
        v.ObservedValue = value;
        return v;
    }

    // ---- random variables with fixed parameters (prior factors) ----

    /// <summary>x ~ Bernoulli(probTrue).</summary>
    public static Variable<bool> Bernoulli(double probTrue) => Random(Distributions.Bernoulli.FromProbTrue(probTrue));

    /// <summary>x ~ Bernoulli(p) with a random (Beta) probability.</summary>
    public static Variable<bool> Bernoulli(Variable<double> probTrue) => Derived<bool>(BernoulliFromBetaFactor.Definition, probTrue);

    /// <summary>p ~ Beta(trueCount, falseCount).</summary>
    public static Variable<double> Beta(double trueCount, double falseCount) => Random(Distributions.Beta.FromCounts(trueCount, falseCount));

    /// <summary>x ~ N(mean, variance).</summary>
    public static Variable<double> GaussianFromMeanAndVariance(double mean, double variance) => Random(Gaussian.FromMeanAndVariance(mean, variance));

    /// <summary>x ~ N(mean, variance) with a random mean.</summary>
    public static Variable<double> GaussianFromMeanAndVariance(Variable<double> mean, double variance)
    {
        if (!(variance > 0) || double.IsInfinity(variance)) throw new ArgumentOutOfRangeException(nameof(variance), variance, "The variance must be finite and > 0.");
        return Derived<double>(GaussianFactor.Definition, mean, Constant(1 / variance));
    }

    /// <summary>x ~ N(mean, variance) with a random mean and an observed (possibly changing) variance.</summary>
    public static Variable<double> GaussianFromMeanAndVariance(Variable<double> mean, Variable<double> variance) =>
        Derived<double>(GaussianFactor.VarianceDefinition, mean, variance);

    /// <summary>x ~ N(mean, 1/precision).</summary>
    public static Variable<double> GaussianFromMeanAndPrecision(double mean, double precision) => Random(Gaussian.FromMeanAndPrecision(mean, precision));

    /// <summary>x ~ N(mean, 1/precision) with a random mean and/or precision.</summary>
    public static Variable<double> GaussianFromMeanAndPrecision(Variable<double> mean, Variable<double> precision) =>
        Derived<double>(GaussianFactor.Definition, mean, precision);

    /// <summary>x ~ Gamma(shape, scale).</summary>
    public static Variable<double> GammaFromShapeAndScale(double shape, double scale) => Random(Distributions.Gamma.FromShapeAndScale(shape, scale));

    /// <summary>x ~ Gamma(shape, rate).</summary>
    public static Variable<double> GammaFromShapeAndRate(double shape, double rate) => Random(Distributions.Gamma.FromShapeAndRate(shape, rate));

    /// <summary>x ~ Gamma with this mean and variance (shape mean²/variance, rate mean/variance).</summary>
    public static Variable<double> GammaFromMeanAndVariance(double mean, double variance)
    {
        if (!(mean > 0) || double.IsInfinity(mean)) throw new ArgumentOutOfRangeException(nameof(mean), mean, "A Gamma's mean must be finite and > 0.");
        if (!(variance > 0) || double.IsInfinity(variance)) throw new ArgumentOutOfRangeException(nameof(variance), variance, "A Gamma's variance must be finite and > 0.");
        return Random(Distributions.Gamma.FromMeanAndVariance(mean, variance));
    }

    /// <summary>
    /// An observed count x ~ Poisson(mean), p(x) = mean^x e^(−mean) / x!, with a Gamma (or known) mean. The count must be
    /// observed (int, or int[] over a range); EP and VMP messages to the mean are exact.
    /// </summary>
    public static Variable<int> Poisson(Variable<double> mean) => Derived<int>(PoissonFactor.Definition, mean);

    /// <summary>a·b: a scale when one side is observed now, else a product of two random doubles (VMP: collapsed; EP: the moment match of the tilted product).</summary>
    public static Variable<double> Product(Variable<double> a, Variable<double> b)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        if (b.IsObserved && !a.IsObserved) return Scaled<double>(a, b.ObservedValue);
        if (a.IsObserved && !b.IsObserved) return Scaled<double>(b, a.ObservedValue);
        return Derived<double>(ProductFactor.Definition, a, b);
    }

    /// <summary>x ~ Discrete(probs) over {0..K−1}.</summary>
    public static Variable<int> Discrete(params double[] probs) => Random(Distributions.Discrete.FromProbs(probs));

    /// <summary>x ~ Discrete(probs) over the values of <paramref name="valueRange"/> (Infer.NET's <c>Variable.Discrete(Range, double[])</c>).</summary>
    public static Variable<int> Discrete(Range valueRange, params double[] probs)
    {
        ArgumentNullException.ThrowIfNull(valueRange);
        ArgumentNullException.ThrowIfNull(probs);
        if (valueRange.FixedSize is int k && k != probs.Length)
            throw new ArgumentException($"Range '{valueRange.Name}' has {k} values but {probs.Length} probabilities were given.", nameof(probs));
        return Random(Distributions.Discrete.FromProbs(probs));
    }

    /// <summary>x ~ uniform over {0..K−1}.</summary>
    public static Variable<int> DiscreteUniform(int valueCount) => Random(Distributions.Discrete.Uniform(valueCount));

    /// <summary>x ~ uniform over the values of <paramref name="range"/>.</summary>
    public static Variable<int> DiscreteUniform(Range range) => DiscreteUniform(range.SizeAsInt);


    /// <summary>p ~ Dirichlet(pseudoCounts).</summary>
    public static Variable<LinearAlgebra.Vector> Dirichlet(params double[] pseudoCounts) => Random(Distributions.Dirichlet.FromPseudoCounts(pseudoCounts));

    /// <summary>p ~ Dirichlet(1, …, 1).</summary>
    public static Variable<LinearAlgebra.Vector> DirichletUniform(int dimension) => Random(Distributions.Dirichlet.Uniform(dimension));

    /// <summary>p ~ Dirichlet(1, …, 1) over the values of <paramref name="valueRange"/> (its size fixed when the model is written).</summary>
    public static Variable<LinearAlgebra.Vector> DirichletUniform(Range valueRange)
    {
        ArgumentNullException.ThrowIfNull(valueRange);
        return WithValueRange(DirichletUniform(valueRange.SizeAsInt), valueRange);
    }

    /// <summary>p ~ Dirichlet(α, …, α).</summary>
    public static Variable<LinearAlgebra.Vector> DirichletSymmetric(int dimension, double alpha) => Random(Distributions.Dirichlet.Symmetric(dimension, alpha));

    /// <summary>p ~ Dirichlet(α, …, α) over the values of <paramref name="valueRange"/> (its size fixed when the model is written).</summary>
    public static Variable<LinearAlgebra.Vector> DirichletSymmetric(Range valueRange, double alpha)
    {
        ArgumentNullException.ThrowIfNull(valueRange);
        return WithValueRange(DirichletSymmetric(valueRange.SizeAsInt, alpha), valueRange);
    }

    /// <summary>x ~ the given Gaussian.</summary>
    public static Variable<double> Random(Gaussian prior) => Prior<double, Gaussian>(prior);

    /// <summary>x ~ the given Gamma.</summary>
    public static Variable<double> Random(Gamma prior) => Prior<double, Gamma>(prior);

    /// <summary>x ~ the given Beta.</summary>
    public static Variable<double> Random(Beta prior) => Prior<double, Beta>(prior);

    /// <summary>x ~ the given Bernoulli.</summary>
    public static Variable<bool> Random(Bernoulli prior) => Prior<bool, Bernoulli>(prior);

    /// <summary>x ~ the given Discrete.</summary>
    public static Variable<int> Random(Discrete prior) => Prior<int, Discrete>(prior);

    /// <summary>p ~ the given Dirichlet.</summary>
    public static Variable<LinearAlgebra.Vector> Random(Dirichlet prior) => Prior<LinearAlgebra.Vector, Dirichlet>(prior, constantWhenPointMass: true);

    /// <summary>x ~ prior, with the value type named explicitly (Infer.NET's <c>Variable.Random&lt;T, TDist&gt;</c>).</summary>
    public static Variable<T> Random<T, TDist>(TDist prior) where TDist : struct, IExponentialFamily<TDist> =>
        Prior<T, TDist>(prior, constantWhenPointMass: prior is Distributions.VectorGaussian or Distributions.Dirichlet or Distributions.Wishart);

    /// <summary>w ~ N(mean, precision⁻¹), a vector.</summary>
    public static Variable<LinearAlgebra.Vector> VectorGaussianFromMeanAndPrecision(LinearAlgebra.Vector mean, LinearAlgebra.PositiveDefiniteMatrix precision) =>
        Random(Distributions.VectorGaussian.FromMeanAndPrecision(mean, precision));

    /// <summary>w ~ N(mean, variance), a vector.</summary>
    public static Variable<LinearAlgebra.Vector> VectorGaussianFromMeanAndVariance(LinearAlgebra.Vector mean, LinearAlgebra.PositiveDefiniteMatrix variance) =>
        Random(Distributions.VectorGaussian.FromMeanAndVariance(mean, variance));

    /// <summary>w ~ the given VectorGaussian.</summary>
    public static Variable<LinearAlgebra.Vector> Random(VectorGaussian prior) => Prior<LinearAlgebra.Vector, VectorGaussian>(prior, constantWhenPointMass: true);

    /// <summary>Λ ~ Wishart(shape, scale).</summary>
    public static Variable<LinearAlgebra.PositiveDefiniteMatrix> WishartFromShapeAndScale(double shape, LinearAlgebra.PositiveDefiniteMatrix scale) =>
        Random(Distributions.Wishart.FromShapeAndScale(shape, scale));

    /// <summary>Λ ~ the given Wishart.</summary>
    public static Variable<LinearAlgebra.PositiveDefiniteMatrix> Random(Wishart prior) => Prior<LinearAlgebra.PositiveDefiniteMatrix, Wishart>(prior, constantWhenPointMass: true);

    /// <summary>x ~ N(mean, precision⁻¹) with a random VectorGaussian mean and Wishart precision (VMP).</summary>
    public static Variable<LinearAlgebra.Vector> VectorGaussianFromMeanAndPrecision(Variable<LinearAlgebra.Vector> mean, Variable<LinearAlgebra.PositiveDefiniteMatrix> precision) =>
        Derived<LinearAlgebra.Vector>(VectorGaussianFactor.Definition, mean, precision);

    /// <summary>p ~ Dirichlet(pseudoCounts) over the values of <paramref name="valueRange"/> (Infer.NET's vector-valued form).</summary>
    public static Variable<LinearAlgebra.Vector> Dirichlet(Range valueRange, double[] pseudoCounts)
    {
        ArgumentNullException.ThrowIfNull(valueRange);
        ArgumentNullException.ThrowIfNull(pseudoCounts);
        if (valueRange.FixedSize is int k && k != pseudoCounts.Length)
            throw new ArgumentException($"Range '{valueRange.Name}' has {k} values but {pseudoCounts.Length} pseudo-counts were given.", nameof(pseudoCounts));
        return WithValueRange(Prior<LinearAlgebra.Vector, Dirichlet>(Distributions.Dirichlet.FromPseudoCounts(pseudoCounts), constantWhenPointMass: true), valueRange);
    }

    /// <summary>x ~ Discrete(p) with a random (Dirichlet) probability vector.</summary>
    public static Variable<int> Discrete(Variable<LinearAlgebra.Vector> probs) => Derived<int>(DiscreteFromDirichletFactor.Definition, probs);

    /// <summary>The inner product aᵀb of a random vector and an observed one.</summary>
    public static Variable<double> InnerProduct(Variable<LinearAlgebra.Vector> a, Variable<LinearAlgebra.Vector> b) => Derived<double>(InnerProductFactor.Definition, a, b);

    // ---- deterministic factors and constraints ----

    /// <summary>x &gt; 0.</summary>
    public static Variable<bool> IsPositive(Variable<double> x) => Derived<bool>(IsPositiveFactor.Definition, x);

    /// <summary>Constrains a bool variable to be true (its factor is 1 when true, 0 otherwise).</summary>
    public static void ConstrainTrue(Variable<bool> condition)
    {
        ArgumentNullException.ThrowIfNull(condition);
        _ = new FactorSpec(ConstrainTrueFactor.Definition, null, [condition], null);
    }

    /// <summary>Constrains a bool variable to be false.</summary>
    public static void ConstrainFalse(Variable<bool> condition) => ConstrainTrue(!condition);

    // ---- blocks ----

    /// <summary>Replicates everything created inside the block over <paramref name="range"/>.</summary>
    public static ModelBlock ForEach(Range range) => new(range ?? throw new ArgumentNullException(nameof(range)));

    /// <summary>Factors created inside apply only when <paramref name="condition"/> is true.</summary>
    public static ModelBlock If(Variable<bool> condition) => Gate(condition, 1);

    /// <summary>Factors created inside apply only when <paramref name="condition"/> is false.</summary>
    public static ModelBlock IfNot(Variable<bool> condition) => Gate(condition, 0);

    /// <summary>Factors created inside apply only when <paramref name="selector"/> equals <paramref name="value"/>.</summary>
    public static ModelBlock Case(Variable<int> selector, int value)
    {
        if (value < 0) throw new ArgumentOutOfRangeException(nameof(value), value, "A case value must be >= 0.");
        return Gate(selector, value);
    }

    /// <summary>One case block per value of <paramref name="selector"/>: inside, <c>array[selector]</c> is the selected element.</summary>
    public static ModelBlock Switch(Variable<int> selector) => Gate(selector, -1);

    private static ModelBlock Gate(Variable selector, int value)
    {
        ArgumentNullException.ThrowIfNull(selector);
        var parent = ModelStack.CurrentGate;
        for (var g = parent; g is not null; g = g.Parent)
            if (ReferenceEquals(g.Selector, selector))
                throw new NotSupportedException($"A gate on '{selector.Name}' is opened inside another gate on '{selector.Name}'; the inner condition is decided by the outer one. Put the factors in the outer block.");
        return new ModelBlock(new GateFrame(selector, value, ModelStack.Depth + 1, parent));
    }

    // ---- helpers ----

    internal static Variable<T> Prior<T, TDist>(TDist distribution, bool constantWhenPointMass = false) where TDist : struct, IExponentialFamily<TDist>
    {
        var v = new Variable<T>();
        _ = new FactorSpec(PriorFactor.Definition, v, [], new Prior<TDist>(distribution, constantWhenPointMass));
        return v;
    }

    internal static Variable<T> Derived<T>(FactorDefinition definition, params Variable[] args) => DerivedWith<T>(definition, null, args);

    internal static Variable<T> DerivedWith<T>(FactorDefinition definition, object? parameter, params Variable[] args)
    {
        foreach (var a in args) ArgumentNullException.ThrowIfNull(a);
        var v = new Variable<T>();
        var spec = new FactorSpec(definition, v, args, parameter);
        AdoptPlates(v, spec);
        return v;
    }

    internal static Variable<T> Scaled<T>(Variable a, double factor)
    {
        var v = new Variable<T>();
        var spec = new FactorSpec(ScaleFactor.Definition, v, [a], factor);
        AdoptPlates(v, spec);
        return v;
    }

    private static void AdoptPlates(Variable v, FactorSpec spec)
    {
        foreach (var r in spec.Plates) if (!v.Plates.Contains(r)) v.Plates.Add(r);
    }
}
