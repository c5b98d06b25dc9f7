using Probabilistic.FactorGraphs.Distributions;
using Probabilistic.FactorGraphs.Engine;
using Probabilistic.FactorGraphs.Factors;

namespace Probabilistic.FactorGraphs.Models
{
    public abstract partial class Variable
    {
        /// <summary>
        /// lowerBound ≤ x &lt; upperBound (Infer.NET's <c>Variable.IsBetween</c>); the bounds constant or random. EP runs every
        /// form; VMP, as Infer.NET, an observed-true result with constant bounds outside gates (a truncated Gaussian).
        /// </summary>
        public static Variable<bool> IsBetween(Variable<double> x, Variable<double> lowerBound, Variable<double> upperBound) =>
            Derived<bool>(IsBetweenFactor.Definition, x, lowerBound, upperBound);

        /// <summary>Constrains lowerBound ≤ x &lt; upperBound (ConstrainTrue(IsBetween(...)), as Infer.NET).</summary>
        public static void ConstrainBetween(Variable<double> x, Variable<double> lowerBound, Variable<double> upperBound) =>
            ConstrainTrue(IsBetween(x, lowerBound, upperBound));
    }
}

namespace Probabilistic.FactorGraphs.Engine
{
    /// <summary>
    /// c = (l ≤ x &lt; u). EP: exact moment matching (<see cref="IsBetweenOp"/>). VMP: with c observed true and constant
    /// bounds, a truncated q for the one random Gaussian x is an affine function of (as IsPositive's), with the entropy of
    /// the truncation in the bound; with c random, collapsed (allowed only when nothing reads c).
    /// </summary>
    internal sealed class IsBetweenFactor : FactorNode, ITruncatingFactor
    {
        internal static readonly FactorDefinition Definition = new("IsBetween", b => new IsBetweenFactor(b), Outputs.Bernoulli);

        private readonly IReadOnlyList<IPort> _ports;

        private IsBetweenFactor(FactorBuilder b) : base(b.Description)
        {
            C = b.Port<Bernoulli>(this, b.Output, "isBetween");
            X = b.Port<Gaussian>(this, b.Arg(0), "x", Checks.FiniteDoubles("IsBetween", "x"));
            L = b.Port<Gaussian>(this, b.Arg(1), "lowerBound", Checks.Doubles("IsBetween", "lowerBound", d => !double.IsNaN(d), "a number or −∞"));
            U = b.Port<Gaussian>(this, b.Arg(2), "upperBound", Checks.Doubles("IsBetween", "upperBound", d => !double.IsNaN(d), "a number or +∞"));
            _ports = [C, X, L, U];
            _truncation = new Truncation(this);
        }

        internal Port<Bernoulli> C { get; }
        internal Port<Gaussian> X { get; }
        internal Port<Gaussian> L { get; }
        internal Port<Gaussian> U { get; }
        internal override IReadOnlyList<IPort> Ports => _ports;

        internal override void EpSend(IPort target, int i)
        {
            if (ReferenceEquals(target, C)) { C.SetMessage(i, IsBetweenOp.IsBetweenAverageConditional(X.Context(i), L.Context(i), U.Context(i))); return; }
            var (toX, toL, toU) = IsBetweenOp.Messages(C.Context(i), X.Context(i), L.Context(i), U.Context(i));
            if (ReferenceEquals(target, X)) X.SetMessage(i, toX);
            else if (ReferenceEquals(target, L)) L.SetMessage(i, toL);
            else U.SetMessage(i, toU);
        }

        internal override double EpLogZ(int i) => IsBetweenOp.LogAverageFactor(C.Context(i), X.Context(i), L.Context(i), U.Context(i));

        internal override string? VmpRefusal
        {
            get
            {
                if (!L.IsObserved || !U.IsObserved)
                    return $"Under VariationalMessagePassing the {Description} factor needs constant bounds, as in Infer.NET ({(L.IsObserved ? Where(U) : Where(L))} is random); use ExpectationPropagation.";
                if (Gate is { } g)
                    return $"Under VariationalMessagePassing the {Description} factor inside the gate on '{g.Selector.Name}' is not supported, as in Infer.NET; use ExpectationPropagation.";
                return null;
            }
        }

        internal override bool IsDeterministic => true;

        internal override void VmpForward()
        {
            for (int i = 0; i < Count; i++)
                C.Random!.Marginal[C.Index(i)] = IsBetweenOp.IsBetweenAverageLogarithm(X.Marginal(i), L.Marginal(i).Point, U.Marginal(i).Point);
        }

        internal override void VmpSend(IPort target, double[]? w)
        {
            // an observed output acts through the truncation (Truncate); a random one is a step function of x, Gaussian only
            // when nothing reads the output
            if (C.IsObserved) return;
            var back = Collapsed.Backward(C.Random!);
            for (int i = 0; i < Count; i++)
                if (!back[C.Index(i)].IsUniform())
                    throw new NotSupportedException($"Under VMP the {Description} factor's output is random and other factors depend on it; the message to {Where(X)} would be a step function, not a Gaussian. Observe the output (or constrain it), or use ExpectationPropagation.");
        }

        private readonly Truncation _truncation;
        private double[] _lo = [], _hi = [];

        public VarNode<Gaussian>? TruncationTarget => _truncation.Target;

        public bool Truncates => C.IsObserved;

        /// <summary>Resolves the variable x truncates and the interval, in its units, per instance (VMP bind time).</summary>
        public void BindTruncation()
        {
            _lo = new double[Count];
            _hi = new double[Count];
            for (int i = 0; i < Count; i++)
                if (InTakenCase(i) && !C.Marginal(i).Point)
                    throw new NotSupportedException($"Under VariationalMessagePassing the {Description} factor is observed false at instance {i}: q(x) outside an interval is not a truncated Gaussian (Infer.NET refuses it too); use ExpectationPropagation.");
            // l ≤ a z + b < u: z in [(l − b)/a, (u − b)/a), the ends swapped when a < 0
            _truncation.Bind(X,
                (i, a, b) =>
                {
                    double lo = (L.Marginal(i).Point - b) / a, hi = (U.Marginal(i).Point - b) / a;
                    (_lo[i], _hi[i]) = a > 0 ? (lo, hi) : (hi, lo);
                },
                (i, m) => IsBetweenOp.Truncate(m, _lo[i], _hi[i]));
        }

        public void Truncate(int only) => _truncation.Truncate(only);

        public void UpdateMessages() => _truncation.UpdateMessages();

        /// <summary>The entropy of the truncated q over that of its projection, as IsPositive's (E_q[log 1[..]] = 0).</summary>
        internal override double VmpAverageLog(int i) => C.IsObserved ? _truncation.AverageLog(i) : 0;
    }
}
