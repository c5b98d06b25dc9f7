using Probabilistic.FactorGraphs.Distributions;
using Probabilistic.FactorGraphs.Engine;
using Probabilistic.FactorGraphs.Factors;

namespace Probabilistic.FactorGraphs.Models
{
    public abstract partial class Variable
    {
        /// <summary>e^exponent, a positive double (a Gamma variable), as Infer.NET's <c>Variable.Exp</c>: Poisson regression's link.</summary>
        public static Variable<double> Exp(Variable<double> exponent) => Derived<double>(ExpFactor.Definition, exponent);
    }
}

namespace Probabilistic.FactorGraphs.Engine
{
    /// <summary>y = e^d: EP by exact moment matches of the tilted density; VMP with y collapsed onto d (<see cref="ExpOp"/>).</summary>
    internal sealed class ExpFactor : FactorNode
    {
        internal static readonly FactorDefinition Definition = new("Exp", b => new ExpFactor(b), Outputs.Gamma);

        private readonly IReadOnlyList<IPort> _ports;

        private ExpFactor(FactorBuilder b) : base(b.Description)
        {
            Y = b.Port<Gamma>(this, b.Output, "exp", Checks.PositiveDoubles("Exp", "exp"));
            D = b.Port<Gaussian>(this, b.Arg(0), "d", Checks.FiniteDoubles("Exp", "d"));
            _ports = [Y, D];
        }

        internal Port<Gamma> Y { get; }
        internal Port<Gaussian> D { get; }
        internal override IReadOnlyList<IPort> Ports => _ports;

        internal override void EpSend(IPort target, int i)
        {
            if (ReferenceEquals(target, Y)) Y.SetMessage(i, ExpOp.ExpAverageConditional(Y.Context(i), D.Context(i)));
            else D.SetMessage(i, ExpOp.DAverageConditional(Y.Context(i), D.Context(i)));
        }

        internal override double EpLogZ(int i) => ExpOp.LogAverageFactor(Y.Context(i), D.Context(i));

        internal override string? VmpRefusal => null;

        internal override bool IsDeterministic => true;

        internal override void VmpForward()
        {
            for (int i = 0; i < Count; i++) Y.Random!.Marginal[Y.Index(i)] = ExpOp.ExpAverageLogarithm(D.Marginal(i));
        }

        internal override void VmpSend(IPort target, double[]? w)
        {
            var back = Y.IsObserved ? null : Collapsed.Backward(Y.Random!);
            for (int i = 0; i < Count; i++)
            {
                var my = back is null ? Y.Marginal(i) : back[Y.Index(i)];
                D.AddVmp(i, ExpOp.DAverageLogarithm(my, D.Marginal(i)).Pow(w?[i] ?? 1));
            }
        }

        internal override double VmpAverageLog(int i) => 0;
    }
}
