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

        private int[] _elem = [];
        private double[] _lo = [], _hi = [];
        private Gaussian[] _rest = [];
        private double[] _logZ = [];

        public VarNode<Gaussian>? TruncationTarget { get; private set; }

        public bool Truncates => C.IsObserved;

        /// <summary>Resolves the variable x truncates and the interval, in its units, per instance (VMP bind time).</summary>
        public void BindTruncation()
        {
            _elem = new int[Count]; _lo = new double[Count]; _hi = new double[Count];
            _rest = new Gaussian[Count]; _logZ = new double[Count];
            _lagged = new Gaussian[Count];
            Array.Fill(_lagged, Gaussian.Uniform());
            TruncationTarget = null;
            for (int i = 0; i < Count; i++)
            {
                if (!InTakenCase(i)) { _elem[i] = -1 - i; continue; }
                if (!C.Marginal(i).Point)
                    throw new NotSupportedException($"Under VariationalMessagePassing the {Description} factor is observed false at instance {i}: q(x) outside an interval is not a truncated Gaussian (Infer.NET refuses it too); use ExpectationPropagation.");
                var (z, j, a, b) = Collapsed.Affine(X, i);
                if (z is null || a == 0 || !double.IsFinite(a) || (TruncationTarget is not null && !ReferenceEquals(TruncationTarget, z)))
                    throw new NotSupportedException(Collapsed.TruncationMessage(this, X));
                TruncationTarget = z; _elem[i] = j;
                // l ≤ a z + b < u: z in [(l − b)/a, (u − b)/a), the ends swapped when a < 0
                double lo = (L.Marginal(i).Point - b) / a, hi = (U.Marginal(i).Point - b) / a;
                (_lo[i], _hi[i]) = a > 0 ? (lo, hi) : (hi, lo);
            }
            if (TruncationTarget is not null && _elem.Distinct().Count() != Count)
                throw new NotSupportedException($"Under VMP the {Description} factor constrains the same element of '{TruncationTarget.Name}' more than once; use ExpectationPropagation.");
        }

        // the truncation's message to z per instance, computed after z's update (Infer.NET's schedule, as IsPositive's)
        private Gaussian[] _lagged = [];

        /// <summary>Multiplies the truncation's last message into z's accumulated messages.</summary>
        public void Truncate(int only)
        {
            var acc = TruncationTarget!.Accumulator;
            for (int i = 0; i < Count; i++)
            {
                int j = _elem[i];
                if (j < 0 || (only >= 0 && j != only)) continue;
                acc[j] = acc[j] * _lagged[i];
            }
        }

        /// <summary>
        /// The truncation's message after z's update: with m̂ = q(z) / (this message), the product of z's other messages,
        /// the message is proj[m̂ · 1(lo ≤ z &lt; hi)] / m̂.
        /// </summary>
        public void UpdateMessages()
        {
            for (int i = 0; i < Count; i++)
            {
                if (_elem[i] < 0) continue;
                var m = TruncationTarget!.Marginal[_elem[i]] / _lagged[i];
                if (!m.IsProper() || m.IsPointMass)
                    throw new InvalidOperationException($"Under VMP the {Description} factor truncates '{TruncationTarget.Name}', whose other messages give {m}; it needs a proper Gaussian (give '{TruncationTarget.Name}' a proper prior or noise).");
                var (projection, logZ) = IsBetweenOp.Truncate(m, _lo[i], _hi[i]);
                _rest[i] = m; _logZ[i] = logZ;
                _lagged[i] = projection / m;
            }
        }

        /// <summary>The entropy of the truncated q over that of its projection, as IsPositive's (E_q[log 1[..]] = 0).</summary>
        internal override double VmpAverageLog(int i)
        {
            if (!C.IsObserved || _elem[i] < 0) return 0;
            var q = TruncationTarget!.Marginal[_elem[i]];
            return -q.GetAverageLog(_rest[i]) + _logZ[i] + q.GetAverageLogSelf();
        }
    }
}
