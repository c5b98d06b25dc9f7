using Probabilistic.FactorGraphs.Distributions;
using Probabilistic.FactorGraphs.Engine;
using Probabilistic.FactorGraphs.Factors;

namespace Probabilistic.FactorGraphs.Models
{
    public abstract partial class Variable
    {
        /// <summary>
        /// Constrains <paramref name="a"/> and <paramref name="b"/> to be equal (Infer.NET's <c>Variable.ConstrainEqual</c>);
        /// either may be a constant (<c>Variable.ConstrainEqual(x, 1)</c>). Both algorithms run it with a constant side;
        /// two random sides run under ExpectationPropagation.
        /// </summary>
        public static void ConstrainEqual<T>(Variable<T> a, Variable<T> b)
        {
            ArgumentNullException.ThrowIfNull(a);
            ArgumentNullException.ThrowIfNull(b);
            _ = new FactorSpec(ConstrainEqualFactor.Definition, null, [a, b], null);
        }
    }
}

namespace Probabilistic.FactorGraphs.Engine
{
    /// <summary>The constraint a = b, of the distribution type of its random side(s).</summary>
    internal static class ConstrainEqualFactor
    {
        internal static readonly FactorDefinition Definition = new("ConstrainEqual", Build);

        private static FactorNode Build(FactorBuilder b)
        {
            var random = b.NodeOf(b.Arg(0)) is { IsObserved: false } a ? a : b.NodeOf(b.Arg(1));
            var type = TypedFactory.DistributionOf(random)
                ?? throw new NotSupportedException($"ConstrainEqual('{b.Arg(0).Name}', '{b.Arg(1).Name}') compares two observed values; check them before inference instead.");
            return TypedFactory.Call<FactorNode>(typeof(ConstrainEqualFactor), nameof(Make), type, b);
        }

        private static FactorNode Make<T>(FactorBuilder b) where T : struct, IExponentialFamily<T> => new ConstrainEqualFactor<T>(b);
    }

    /// <summary>
    /// δ(a − b). EP: each side receives the other's context (exact). VMP: a constant side sends its point mass to the random
    /// one (an observation); two random sides are refused, since a factorised q cannot hold a = b except as point masses.
    /// <para>
    /// In a case of a gate, a continuous variable living outside it and fixed to a constant is pinned: its copy in the case
    /// is the point mass, and the case's evidence takes the density of the gate's cavity at the constant (∫ cavity(x) δ(x −
    /// v) dx), read from the gate's slot, since the point-mass marginal no longer holds the cavity to divide back out. The
    /// gate's exit then moment-matches the mixture of the cases' copies, as Infer.NET's does.
    /// </para>
    /// </summary>
    internal sealed class ConstrainEqualFactor<T> : FactorNode where T : struct, IExponentialFamily<T>
    {
        private readonly IReadOnlyList<IPort> _ports;

        internal ConstrainEqualFactor(FactorBuilder b) : base(b.Description)
        {
            var like = (b.NodeOf(b.Arg(0)) as VarNode<T> ?? (VarNode<T>)b.NodeOf(b.Arg(1))).Uniform;
            A = b.Port(this, b.Arg(0), "a", like);
            B = b.Port(this, b.Arg(1), "b", like);
            _ports = [A, B];
        }

        internal Port<T> A { get; }
        internal Port<T> B { get; }
        internal override IReadOnlyList<IPort> Ports => _ports;

        internal override void EpSend(IPort target, int i)
        {
            if (ReferenceEquals(target, A)) A.SetMessage(i, Sent(A, CopyOp.CopyAverageConditional(B.Context(i))));
            else B.SetMessage(i, Sent(B, CopyOp.CopyAverageConditional(A.Context(i))));
        }

        /// <summary>
        /// The engine keeps a marginal and divides a factor's message out of it to get the factor's context; a point-mass
        /// message would leave only the point, and a gate needs the cavity of a variable living outside it for its case
        /// evidence. There a finite family gets a "certain" message instead (e^−200 off the constant, as ConstrainTrue
        /// sends), from which the cavity divides back exactly; a continuous one is pinned (<see cref="PinnedCavity"/>).
        /// </summary>
        private T Sent(Port<T> to, T message)
        {
            if (!message.IsPointMass || !Outside(to)) return message;
            return message switch
            {
                Bernoulli b => (T)(object)Bernoulli.FromLogOdds(b.Point ? BooleanOps.Certain : -BooleanOps.Certain),
                Discrete d => (T)(object)Discrete.FromNaturalOwned(Enumerable.Range(0, d.Dimension).Select(k => k == d.Point ? 0 : -BooleanOps.Certain).ToArray()),
                _ => message,
            };
        }

        /// <summary>True when the port's variable lives outside the gate this factor sits in.</summary>
        private bool Outside(Port<T> p) => Gate is { } g && !p.IsObserved && !p.Node.LivesInside(g.Frame);

        /// <summary>
        /// For a continuous variable living outside the gate this factor sits in and a constant other side: the cavity of
        /// instance i's element as the gate's case sees it (the gate's slot holds it), else null.
        /// </summary>
        private (T Cavity, T Constant)? PinnedCavity(int i)
        {
            var (random, constant) = A.IsObserved ? (B, A) : (A, B);
            if (!constant.IsObserved || !Outside(random) || random.Like is Bernoulli or Discrete) return null;
            var gate = Gate!;
            if (gate.Group?.SlotOf(gate.SelectorIndex(i), random.Node, random.ElementIndex(i)) is not GateSlot<T> slot)
                throw new InvalidOperationException($"{Description}: no gate slot for {Where(random)} in the gate on '{gate.Selector.Name}'.");
            return (slot.Cavity, constant.Marginal(i));
        }

        // pinned: log ∫ cavity(x) δ(x − v) dx with the cavity unnormalised, as the engine's contexts are (exp(A) its mass)
        internal override double EpLogZ(int i) =>
            PinnedCavity(i) is var (cavity, constant)
                ? cavity.GetLogProbAtPointOf(constant) + cavity.GetLogNormalizer()
                : CopyOp.LogAverageFactor(A.Context(i), B.Context(i));

        internal override string? VmpRefusal
        {
            get
            {
                if (!A.IsObserved && !B.IsObserved)
                    return $"Under VariationalMessagePassing {Description} between the random variables {Where(A)} and {Where(B)} is not supported: a factorised q can hold a = b only as point masses. Define one as the other (Variable.Copy) or use ExpectationPropagation.";
                var random = A.IsObserved ? B : A;
                if (Gate is { } g && !random.Node.LivesInside(g.Frame))
                    return $"Under VariationalMessagePassing {Description} inside the gate on '{g.Selector.Name}' would make {Where(random)}, which lives outside the gate, a point mass in one case only, and the bound of every other case −∞. Use ExpectationPropagation.";
                return null;
            }
        }

        internal override void VmpSend(IPort target, double[]? w)
        {
            var (to, from) = ReferenceEquals(target, A) ? (A, B) : (B, A);
            for (int i = 0; i < Count; i++) to.AddVmp(i, from.Marginal(i));
        }

        // log δ(a − b) under q: 0 once the random side is the constant's point mass, −∞ while it is not
        internal override double VmpAverageLog(int i)
        {
            var (random, constant) = A.IsObserved ? (B, A) : (A, B);
            var q = random.Marginal(i);
            return q.IsPointMass ? q.GetLogProbAtPointOf(constant.Marginal(i)) : double.NegativeInfinity;
        }
    }
}
