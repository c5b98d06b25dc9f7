using Probabilistic.FactorGraphs.Distributions;
using Probabilistic.FactorGraphs.Engine;
using Probabilistic.FactorGraphs.Factors;

namespace Probabilistic.FactorGraphs.Models
{
    public abstract partial class Variable
    {
        /// <summary>True when every element of <paramref name="array"/> is true (Infer.NET's <c>Variable.AllTrue</c>); EP only, as in Infer.NET.</summary>
        public static Variable<bool> AllTrue(VariableArray<bool> array)
        {
            ArgumentNullException.ThrowIfNull(array);
            var all = new Variable<bool>();
            using (ForEach(array.Range)) _ = new FactorSpec(AllTrueFactor.Definition, all, [array[array.Range]], null);
            return all;
        }
    }
}

namespace Probabilistic.FactorGraphs.Engine
{
    /// <summary>
    /// c = ∧_i x_i over an array's range: one instance per element, the output shared by all. Instance 0 carries the
    /// message to c and the factor's log evidence; the others send c the unit message and add back the share of c's log
    /// normaliser the engine subtracts per instance, so the factor's evidence counts it once.
    /// </summary>
    internal sealed class AllTrueFactor : FactorNode
    {
        internal static readonly FactorDefinition Definition = new("AllTrue", b => new AllTrueFactor(b), Outputs.Bernoulli);

        private readonly IReadOnlyList<IPort> _ports;
        private Bernoulli[] _contexts = [];
        private Bernoulli[] _messages = [];

        private AllTrueFactor(FactorBuilder b) : base(b.Description)
        {
            C = b.Port<Bernoulli>(this, b.Output, "allTrue");
            X = b.Port<Bernoulli>(this, b.Arg(0), "array");
            _ports = [C, X];
        }

        internal Port<Bernoulli> C { get; }
        internal Port<Bernoulli> X { get; }
        internal override IReadOnlyList<IPort> Ports => _ports;

        internal override void Prepare()
        {
            if (Count == 0)
                throw new InvalidOperationException($"The {Description} factor's array {Where(X)} is empty here; AllTrue of no elements is true: drop the factor (or observe the result) for an empty range.");
            _contexts = new Bernoulli[Count];
            _messages = new Bernoulli[Count];
        }

        private ReadOnlySpan<Bernoulli> Contexts()
        {
            for (int j = 0; j < Count; j++) _contexts[j] = X.Context(j);
            return _contexts;
        }

        internal override void EpSend(IPort target, int i)
        {
            if (ReferenceEquals(target, C)) C.SetMessage(i, i == 0 ? AllTrueOp.AllTrueAverageConditional(Contexts()) : Bernoulli.Uniform());
            else
            {
                AllTrueOp.ArrayAverageConditional(C.Context(0), Contexts(), _messages);
                X.SetMessage(i, _messages[i]);
            }
        }

        internal override void EpSendAll(IPort target)
        {
            if (ReferenceEquals(target, C)) { base.EpSendAll(target); return; }
            AllTrueOp.ArrayAverageConditional(C.Context(0), Contexts(), _messages);
            for (int i = 0; i < Count; i++) X.SetMessage(i, _messages[i]);
            X.Commit();
        }

        internal override double EpLogZ(int i) => i == 0 ? AllTrueOp.LogAverageFactor(C.Context(0), Contexts()) : C.LogNormalizerAt(i);

        internal override string? VmpRefusal =>
            $"The {Description} factor (on the array {Where(X)}) has no VariationalMessagePassing operator, as in Infer.NET; use ExpectationPropagation, or write the conjunction with & (x[0] & x[1] & …), which VMP runs.";
    }
}
