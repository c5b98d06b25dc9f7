using Probabilistic.FactorGraphs.Distributions;
using Probabilistic.FactorGraphs.Engine;
using Probabilistic.FactorGraphs.Factors;

namespace Probabilistic.FactorGraphs.Models
{
    public abstract partial class Variable
    {
        /// <summary>p = 1/(1 + e^−x), a probability (a Beta variable) from a double (Infer.NET's <c>Variable.Logistic</c>).</summary>
        public static Variable<double> Logistic(Variable<double> x) => Derived<double>(LogisticFactor.Definition, x);

        /// <summary>
        /// y ~ Bernoulli(σ(logOdds)) (Infer.NET's <c>Variable.BernoulliFromLogOdds</c>, which is written, as here,
        /// <c>Bernoulli(Logistic(logOdds))</c>): logistic regression.
        /// </summary>
        public static Variable<bool> BernoulliFromLogOdds(Variable<double> logOdds) => Bernoulli(Logistic(logOdds));
    }
}

namespace Probabilistic.FactorGraphs.Engine
{
    /// <summary>
    /// p = σ(x): EP by the moment match of x's tilted density and Infer.NET's Beta message to p; VMP with p collapsed onto x
    /// through the Saul–Jordan bound, x's message the bound's gradient (<see cref="LogisticOp"/>).
    /// </summary>
    internal sealed class LogisticFactor : FactorNode
    {
        internal static readonly FactorDefinition Definition = new("Logistic", b => new LogisticFactor(b), Outputs.Beta);

        private readonly IReadOnlyList<IPort> _ports;

        private LogisticFactor(FactorBuilder b) : base(b.Description)
        {
            P = b.Port<Beta>(this, b.Output, "logistic", Checks.Doubles("Logistic", "logistic", p => p > 0 && p < 1, "in (0, 1)"));
            X = b.Port<Gaussian>(this, b.Arg(0), "x", Checks.FiniteDoubles("Logistic", "x"));
            _ports = [P, X];
        }

        internal Port<Beta> P { get; }
        internal Port<Gaussian> X { get; }
        internal override IReadOnlyList<IPort> Ports => _ports;

        internal override void EpSend(IPort target, int i)
        {
            if (ReferenceEquals(target, P)) P.SetMessage(i, LogisticOp.LogisticAverageConditional(P.Context(i), X.Context(i), X.Marginal(i)));
            else X.SetMessage(i, LogisticOp.XAverageConditional(P.Context(i), X.Context(i)));
        }

        internal override double EpLogZ(int i) => LogisticOp.LogAverageFactor(P.Context(i), X.Context(i));

        internal override string? VmpRefusal => null;

        internal override bool IsDeterministic => true;

        internal override void VmpForward()
        {
            for (int i = 0; i < Count; i++) P.Random!.Marginal[P.Index(i)] = LogisticOp.LogisticAverageLogarithm(X.Marginal(i));
        }

        internal override void VmpSend(IPort target, double[]? w)
        {
            var back = P.IsObserved ? null : Collapsed.Backward(P.Random!);
            for (int i = 0; i < Count; i++)
            {
                var mp = back is null ? P.Marginal(i) : back[P.Index(i)];
                X.AddVmp(i, LogisticOp.XAverageLogarithm(mp, X.Marginal(i)).Pow(w?[i] ?? 1));
            }
        }

        internal override double VmpAverageLog(int i) => 0;
    }
}
