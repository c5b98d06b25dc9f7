using Probabilistic.FactorGraphs.Distributions;
using Probabilistic.FactorGraphs.Engine;
using Probabilistic.FactorGraphs.Factors;

namespace Probabilistic.FactorGraphs.Models
{
    public partial class Variable<T>
    {
        /// <summary>
        /// x ~ the observed value of <paramref name="distribution"/> (Infer.NET's <c>Variable&lt;T&gt;.Random(Variable&lt;TDist&gt;)</c>):
        /// a prior that can change without recompiling the model, e.g. yesterday's posterior as today's prior
        /// (<c>prior.ObservedValue = engine.Infer&lt;Gaussian&gt;(x)</c>). An element of an observed distribution array gives one
        /// prior per element: <c>x[n] = Variable&lt;double&gt;.Random(priors[n])</c>.
        /// </summary>
        public static Variable<T> Random<TDist>(Variable<TDist> distribution) where TDist : struct, IDistribution<T>, IExponentialFamily<TDist> =>
            Variable.Random<T, TDist>(distribution);
    }

    public abstract partial class Variable
    {
        /// <summary>x ~ the observed value of <paramref name="distribution"/> (see <see cref="Variable{T}.Random{TDist}(Variable{TDist})"/>).</summary>
        public static Variable<T> Random<T, TDist>(Variable<TDist> distribution) where TDist : struct, IDistribution<T>, IExponentialFamily<TDist>
        {
            ArgumentNullException.ThrowIfNull(distribution);
            return DerivedWith<T>(RandomFactor.Definition, new DistributionArgument<TDist>("Random", "prior"), distribution);
        }
    }
}

namespace Probabilistic.FactorGraphs.Engine
{
    /// <summary>x ~ d with d the observed value of a distribution variable (per element when d is an array element).</summary>
    internal static class RandomFactor
    {
        internal static readonly FactorDefinition Definition = new("Random", b => ((ITypedParameter)b.Spec.Parameter!).Build(b));
    }

    /// <summary>
    /// The typed parameter of a factor whose last argument is an observed distribution variable: the distribution type, and
    /// the shape of the value it is over (the dimension of a Dirichlet, say), read from the observed value.
    /// </summary>
    internal sealed class DistributionArgument<T>(string factor, string role) : ITypedParameter where T : struct, IExponentialFamily<T>
    {
        public VarNode CreateNode(Models.Variable b, FactorBuilder builder) => new VarNode<T>(b, Shape(builder, builder.Arg(builder.Spec.Args.Length - 1)));

        public FactorNode Build(FactorBuilder builder) => new DistributionFactor<T>(builder, Shape(builder, builder.Arg(builder.Spec.Args.Length - 1)), role);

        public string Describe() => $"{factor} ({typeof(T).Name} {role})";

        /// <summary>The uniform distribution of the observed distributions' shape (the first one's).</summary>
        private T Shape(FactorBuilder b, Models.Variable distribution)
        {
            var value = b.ObservedValue(distribution)
                ?? throw new InvalidOperationException($"'{distribution.Name}' gives the {typeof(T).Name} {role} of the {factor} factor but has no observed value; set {distribution.Name}.ObservedValue before inference.");
            return (First(value) ?? default).CreateUniform();
        }

        private static T? First(object value) => value switch
        {
            T d => d,
            Array a => FirstIn(a),
            _ => throw new InvalidOperationException($"An observed {typeof(T).Name} was expected, not {value.GetType().Name}."),
        };

        // a loop rather than Select(First).FirstOrDefault: LINQ over T? is not precompiled by ReadyToRun
        private static T? FirstIn(Array a)
        {
            foreach (var item in a)
                if (First(item) is { } d) return d;
            return null;
        }
    }

    /// <summary>
    /// The factor d(x) for a distribution d observed per instance (a distribution variable, or an element of an array of them):
    /// x ~ d when x is the factor's output (<c>Variable&lt;T&gt;.Random(prior)</c>), soft evidence on x otherwise
    /// (<c>Variable.ConstrainEqualRandom(x, d)</c>). EP sends d itself; VMP sends d and scores E_q[log d(x)].
    /// </summary>
    internal sealed class DistributionFactor<T> : FactorNode where T : struct, IExponentialFamily<T>
    {
        private readonly IReadOnlyList<IPort> _ports;
        private T[] _d = Arrays.Empty<T>();

        internal DistributionFactor(FactorBuilder b, T like, string role) : base(b.Description)
        {
            X = b.Spec.Output is null ? b.Port(this, b.Arg(0), "value", like) : b.Port(this, b.Output, "value", like);
            D = b.Port(this, b.Arg(b.Spec.Args.Length - 1), role, like, Shaped(like, role), raw: true);
            _ports = [X, D];
        }

        internal Port<T> X { get; }
        internal Port<T> D { get; }
        internal override IReadOnlyList<IPort> Ports => _ports;

        private static Action<ObservedNode> Shaped(T like, string role) => o =>
        {
            if (o.Values is not T[] ds) throw new InvalidOperationException($"'{o.Name}' must be observed as {typeof(T).Name} values, not {o.Values.GetType().GetElementType()?.Name}.");
            for (int j = 0; j < ds.Length; j++)
                if (!ds[j].CreateUniform().Equals(like))
                    throw new ArgumentException($"Observed {role} {o.Quoted(j)} = {ds[j]} has another dimension than the variable it applies to ({like}); the model was compiled for the first value's.");
        };

        internal override void Prepare() => _d = (T[])D.ObservedValues;

        private T Dist(int i) => _d[D.Index(i)];

        internal override void EpSend(IPort target, int i) => X.SetMessage(i, Dist(i));

        internal override double EpLogZ(int i) => MessageMath.LogAverageWithContext(Dist(i), X.Context(i));

        internal override string? VmpRefusal => null;

        internal override void VmpSend(IPort target, double[]? w)
        {
            for (int i = 0; i < Count; i++) X.AddVmp(i, w is null ? Dist(i) : Dist(i).Pow(w[i]));
        }

        internal override double VmpAverageLog(int i) => X.Marginal(i).GetAverageLog(Dist(i));
    }
}
