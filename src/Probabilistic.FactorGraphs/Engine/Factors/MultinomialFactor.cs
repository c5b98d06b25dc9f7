using Probabilistic.FactorGraphs.Distributions;
using Probabilistic.FactorGraphs.Engine;
using Probabilistic.FactorGraphs.Factors;
using Range = Probabilistic.FactorGraphs.Models.Range;

namespace Probabilistic.FactorGraphs.Models
{
    public abstract partial class Variable
    {
        /// <summary>The value ranges of probability vectors made by the factories that take one (Dirichlet(range, ...), DirichletUniform(range)).</summary>
        private static readonly System.Runtime.CompilerServices.ConditionalWeakTable<Variable, Range> ProbabilityRanges = [];

        /// <summary>Records that <paramref name="probs"/> is a probability vector over the values of <paramref name="values"/>.</summary>
        internal static T WithValueRange<T>(T probs, Range values) where T : Variable
        {
            ProbabilityRanges.AddOrUpdate(probs, values);
            return probs;
        }

        /// <summary>
        /// Counts x[k] of each value k in <paramref name="trialCount"/> draws from <paramref name="probs"/> (Infer.NET's
        /// <c>Variable.Multinomial</c>), an array over the values of probs (made by <see cref="Softmax"/>, which gives it its
        /// range, or by a Dirichlet factory taking a range). The counts must be observed; the message to probs is exact (conjugate).
        /// </summary>
        public static VariableArray<int> Multinomial(Variable<int> trialCount, Variable<LinearAlgebra.Vector> probs)
        {
            ArgumentNullException.ThrowIfNull(trialCount);
            ArgumentNullException.ThrowIfNull(probs);
            var values = ValueRangeOf(probs) ?? (ProbabilityRanges.TryGetValue(probs, out var r) ? r : null) ?? throw new NotSupportedException(
                $"Variable.Multinomial needs the range of values of '{probs.Name}' (Infer.NET reads its ValueRange attribute): create it with Variable.Softmax(array), Variable.Dirichlet(range, counts) or Variable.DirichletUniform(range), whose range it takes.");
            var counts = Array<int>(values);
            var spec = new FactorSpec(MultinomialFactor.Definition, counts[values], [trialCount, probs], values);
            if (!spec.Plates.Contains(values)) spec.Plates.Add(values);
            return counts;
        }
    }
}

namespace Probabilistic.FactorGraphs.Engine
{
    /// <summary>
    /// counts ~ Multinomial(N, p) with observed counts: one instance per (draw set, value), grouped by draw set; the
    /// message to p is Dirichlet(1 + counts), exact under EP and VMP, and the evidence is the Dirichlet-multinomial's.
    /// </summary>
    internal sealed class MultinomialFactor : FactorNode
    {
        internal static readonly FactorDefinition Definition = new("Multinomial", b => new MultinomialFactor(b), RandomCounts);

        private readonly IReadOnlyList<IPort> _ports;
        private readonly Range _values;
        private int[][] _groups = [];

        private MultinomialFactor(FactorBuilder b) : base(b.Description)
        {
            _values = (Range)b.Spec.Parameter!;
            Counts = b.Port(this, b.Output, "counts", Discrete.Uniform(1), NonNegative, raw: true);
            N = b.Port(this, b.Arg(0), "trialCount", Discrete.Uniform(1), NonNegative, raw: true);
            P = b.Port(this, b.Arg(1), "probs", Dirichlet.Uniform(_values.SizeAsInt));
            _ports = [Counts, N, P];
        }

        private static VarNode RandomCounts(FactorBuilder b) =>
            throw new NotSupportedException($"The counts '{b.OutputBase.Name}' of Variable.Multinomial are random; the Multinomial factor supports observed counts only (set {b.OutputBase.Name}.ObservedValue).");

        private static void NonNegative(ObservedNode o)
        {
            var ks = o.Ints ?? throw new InvalidOperationException($"The Multinomial factor's '{o.Name}' must be observed as int values.");
            for (int j = 0; j < ks.Length; j++)
                if (ks[j] < 0) throw new ArgumentOutOfRangeException(o.Name, ks[j], $"Observed count {ks[j]} of {o.Quoted(j)} is negative.");
        }

        internal Port<Discrete> Counts { get; }
        internal Port<Discrete> N { get; }
        internal Port<Dirichlet> P { get; }
        internal override IReadOnlyList<IPort> Ports => _ports;

        private int CountAt(int i) => ((int[])Counts.ObservedValues)[Counts.Index(i)];

        internal override void Prepare()
        {
            // a group is one draw set: the instances that differ only in their coordinate on the value range
            int dim = Space.IndexOf(_values);
            string Key(int i) => string.Join(",", Enumerable.Range(0, Space.Rank).Where(d => d != dim).Select(d => Space.Coordinate(i, d)));
            _groups = Enumerable.Range(0, Count).GroupBy(Key)
                .Select(g => g.OrderBy(i => Space.Coordinate(i, dim)).ToArray()).OrderBy(g => g[0]).ToArray();
            foreach (var g in _groups)
            {
                int total = g.Sum(CountAt), n = ((int[])N.ObservedValues)[N.Index(g[0])];
                if (total != n)
                    throw new ArgumentException($"The counts {Where(Counts)} of the {Description} factor add up to {total}, but the trial count {Where(N)} is {n}: a multinomial draw has probability zero.");
            }
        }

        /// <summary>Dirichlet(1 + counts) for a group; log N! − Σ log x_k!.</summary>
        private (Dirichlet Message, double LogCoefficient, int[] X) Group(int[] g)
        {
            var x = g.Select(CountAt).ToArray();
            var alpha = x.Select(k => 1.0 + k).ToArray();
            double c = MessageMath.GammaLn(x.Sum() + 1.0) - x.Sum(k => MessageMath.GammaLn(k + 1.0));
            return (Dirichlet.FromPseudoCounts(alpha), c, x);
        }

        // ---- EP: the whole group's message sits on its first instance ----

        internal override string? EpRefusal => Gate is null ? null : GateRefusal;

        private string GateRefusal => $"The {Description} factor takes a whole array of counts and cannot sit inside a gate (If, Case, Switch).";

        internal override void EpSendAll(IPort target)
        {
            foreach (var g in _groups) P.SetMessage(g[0], Group(g).Message);
            P.Commit();
        }

        internal override void EpSend(IPort target, int i) => throw new NotSupportedException($"The {Description} factor sends its messages a whole group at a time.");

        internal override double EpLogZ(int i) => throw new NotSupportedException($"The {Description} factor's evidence is per group.");

        /// <summary>log N! − Σ log x_k! + log ∫ Π p_k^(x_k) ctx(p) dp − A(q_p), the context unnormalised.</summary>
        internal override double EpEvidenceTerm()
        {
            double s = 0;
            foreach (var g in _groups)
            {
                var (message, c, _) = Group(g);
                var ctx = P.Context(g[0]);
                s += c + (ctx.IsPointMass ? PointLog(ctx, g) : (ctx * message).GetLogNormalizer()) - P.LogNormalizerAt(g[0]);
            }
            return s;
        }

        private double PointLog(Dirichlet point, int[] g)
        {
            var p = point.Point;
            double s = 0;
            for (int k = 0; k < g.Length; k++) s += MessageMath.Mul(CountAt(g[k]), Math.Log(p[k]));
            return s;
        }

        // ---- VMP ----

        internal override string? VmpRefusal => Gate is null ? null : GateRefusal;

        internal override void VmpSend(IPort target, double[]? w)
        {
            foreach (var g in _groups) P.AddVmp(g[0], Group(g).Message);
        }

        internal override double VmpAverageLogSum(double[]? w)
        {
            double s = 0;
            foreach (var g in _groups)
            {
                var (_, c, x) = Group(g);
                var q = P.Marginal(g[0]);
                var meanLog = q.IsPointMass ? q.Point.Select(v => Math.Log(v)).ToArray() : q.GetMeanLog();
                s += c;
                for (int k = 0; k < x.Length; k++) s += MessageMath.Mul(x[k], meanLog[k]);
            }
            return s;
        }

        internal override double VmpAverageLog(int i) => throw new NotSupportedException($"The {Description} factor's expected log is per group.");
    }
}
