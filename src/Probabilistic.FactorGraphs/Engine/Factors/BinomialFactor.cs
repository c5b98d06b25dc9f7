using System.Collections;
using Probabilistic.FactorGraphs.Distributions;
using Probabilistic.FactorGraphs.Engine;
using Probabilistic.FactorGraphs.Factors;

namespace Probabilistic.FactorGraphs.Models
{
    public abstract partial class Variable
    {
        /// <summary>k ~ Binomial(trialCount, probSuccess), the probability a Beta variable or observed (Infer.NET's <c>Variable.Binomial</c>).</summary>
        public static Variable<int> Binomial(int trialCount, Variable<double> probSuccess)
        {
            if (trialCount < 0) throw new ArgumentOutOfRangeException(nameof(trialCount), trialCount, "A trial count must be >= 0.");
            return Binomial(Constant(trialCount), probSuccess);
        }

        /// <summary>
        /// k ~ Binomial(trialCount, probSuccess) with an observed trial count or a random one (a Discrete variable); the count
        /// may be observed or inferred (a Discrete over 0..largest trial count).
        /// </summary>
        public static Variable<int> Binomial(Variable<int> trialCount, Variable<double> probSuccess) =>
            Derived<int>(BinomialFactor.Definition, trialCount, probSuccess);
    }
}

namespace Probabilistic.FactorGraphs.Engine
{
    /// <summary>k ~ Binomial(n, p): exact EP messages to k and n, a Beta projection to p; conjugate VMP (<see cref="BinomialOp"/>).</summary>
    internal sealed class BinomialFactor : FactorNode
    {
        internal static readonly FactorDefinition Definition = new("Binomial", b => new BinomialFactor(b), b => Outputs.Discrete(b, Dimension(b)));

        private readonly IReadOnlyList<IPort> _ports;
        private readonly int _dimension;

        private BinomialFactor(FactorBuilder b) : base(b.Description)
        {
            _dimension = Dimension(b);
            var like = Discrete.Uniform(_dimension);
            K = b.Port(this, b.Output, "sample", like);
            N = b.Port(this, b.Arg(0), "trialCount", like, NonNegative);
            P = b.Port<Beta>(this, b.Arg(1), "probSuccess", Checks.Probabilities("Binomial", "probSuccess"));
            _ports = [K, N, P];
        }

        internal Port<Discrete> K { get; }
        internal Port<Discrete> N { get; }
        internal Port<Beta> P { get; }
        internal override IReadOnlyList<IPort> Ports => _ports;

        /// <summary>1 + the largest trial count: the trial count's Discrete dimension, or its largest observed value + 1.</summary>
        private static int Dimension(FactorBuilder b)
        {
            var trials = b.Arg(0);
            if (b.RandomShape<Discrete>(trials) is { } d) return d.Dimension;
            if (!b.IsObserved(trials))
                throw new NotSupportedException($"The Binomial factor's trial count '{trials.Name}' must be observed or a Discrete variable.");
            int max = MaxInt(b.ObservedValue(trials));
            if (max < 0) throw new ArgumentOutOfRangeException(trials.Name, max, $"The Binomial factor's trial count '{trials.Name}' is observed as {max}; it must be >= 0.");
            return max + 1;
        }

        private static int MaxInt(object? value) => value switch
        {
            int k => k,
            IEnumerable items => items.Cast<object>().Select(MaxInt).DefaultIfEmpty(0).Max(),
            _ => throw new NotSupportedException($"The Binomial factor's trial count must be observed as int values, not {value?.GetType().Name ?? "null"}."),
        };

        private static void NonNegative(ObservedNode o)
        {
            var ks = o.Ints ?? throw new InvalidOperationException($"The Binomial factor's trial count '{o.Name}' is observed with a non-int value.");
            for (int j = 0; j < ks.Length; j++)
                if (ks[j] < 0) throw new ArgumentOutOfRangeException(o.Name, ks[j], $"Observed value {ks[j]} of {o.Quoted(j)} is not a trial count (>= 0).");
        }

        private (Discrete ToSample, Discrete ToTrials, Beta ToP, double LogZ) Messages(int i)
        {
            try
            {
                return BinomialOp.Messages(K.Context(i), N.Context(i), P.Context(i));
            }
            catch (ArgumentException e)
            {
                throw new InvalidOperationException($"ExpectationPropagation on the {Description} factor: {e.Message} ({Where(K)}, {Where(N)}).", e);
            }
        }

        internal override void EpSend(IPort target, int i)
        {
            var m = Messages(i);
            if (ReferenceEquals(target, K)) K.SetMessage(i, m.ToSample);
            else if (ReferenceEquals(target, N)) N.SetMessage(i, m.ToTrials);
            else P.SetMessage(i, m.ToP);
        }

        internal override double EpLogZ(int i) => Messages(i).LogZ;

        internal override string? VmpRefusal => null;

        internal override void VmpSend(IPort target, double[]? w)
        {
            for (int i = 0; i < Count; i++)
            {
                double wi = w?[i] ?? 1;
                if (ReferenceEquals(target, K)) K.AddVmp(i, BinomialOp.SampleAverageLogarithm(N.Marginal(i), P.Marginal(i), _dimension).Pow(wi));
                else if (ReferenceEquals(target, N)) N.AddVmp(i, BinomialOp.TrialsAverageLogarithm(K.Marginal(i), P.Marginal(i), _dimension).Pow(wi));
                else P.AddVmp(i, BinomialOp.PAverageLogarithm(K.Marginal(i), N.Marginal(i)).Pow(wi));
            }
        }

        internal override double VmpAverageLog(int i) => BinomialOp.AverageLogFactor(K.Marginal(i), N.Marginal(i), P.Marginal(i));
    }
}
