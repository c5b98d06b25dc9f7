using Probabilistic.FactorGraphs.Distributions;
using Probabilistic.FactorGraphs.Engine;
using Probabilistic.FactorGraphs.Factors;

namespace Probabilistic.FactorGraphs.Models
{
    public abstract partial class Variable
    {
        /// <summary>
        /// x ~ Gamma(shape, rate) with a random (Gamma) or observed rate and an observed shape (Infer.NET's
        /// <c>Variable.GammaFromShapeAndRate(Variable&lt;double&gt;, Variable&lt;double&gt;)</c>): a hierarchical prior on
        /// precisions or Poisson means. VMP is conjugate; EP projects by quadrature.
        /// </summary>
        public static Variable<double> GammaFromShapeAndRate(Variable<double> shape, Variable<double> rate) =>
            Derived<double>(GammaFromShapeAndRateFactor.Definition, shape, rate);
    }
}

namespace Probabilistic.FactorGraphs.Engine
{
    /// <summary>x ~ Gamma(s, r) with an observed shape s and a Gamma or observed rate r (<see cref="GammaFromShapeAndRateOp"/>).</summary>
    internal sealed class GammaFromShapeAndRateFactor : FactorNode
    {
        internal static readonly FactorDefinition Definition = new("GammaFromShapeAndRate", b => new GammaFromShapeAndRateFactor(b), Outputs.Gamma);

        private readonly IReadOnlyList<IPort> _ports;

        private GammaFromShapeAndRateFactor(FactorBuilder b) : base(b.Description)
        {
            if (!b.IsObserved(b.Arg(0)))
                throw new NotSupportedException($"GammaFromShapeAndRate with a random shape ('{b.Arg(0).Name}') is not supported; observe the shape (a Gamma's shape has no conjugate prior).");
            X = b.Port<Gamma>(this, b.Output, "sample", Checks.PositiveDoubles("GammaFromShapeAndRate", "sample"));
            Shape = b.Port<Gaussian>(this, b.Arg(0), "shape", Checks.PositiveDoubles("GammaFromShapeAndRate", "shape"));
            Rate = b.Port<Gamma>(this, b.Arg(1), "rate", Checks.PositiveDoubles("GammaFromShapeAndRate", "rate"));
            _ports = [X, Shape, Rate];
        }

        internal Port<Gamma> X { get; }
        internal Port<Gaussian> Shape { get; }
        internal Port<Gamma> Rate { get; }
        internal override IReadOnlyList<IPort> Ports => _ports;

        private double ShapeAt(int i) => Shape.Marginal(i).Point;

        private (Gamma ToSample, Gamma ToRate, double LogZ) Messages(int i)
        {
            try
            {
                return GammaFromShapeAndRateOp.Messages(X.Context(i), ShapeAt(i), Rate.Context(i));
            }
            catch (ArithmeticException e)
            {
                throw new InvalidOperationException($"ExpectationPropagation on the {Description} factor: {e.Message} (contexts {X.Context(i)} for {Where(X)}, {Rate.Context(i)} for {Where(Rate)}). Give '{Rate.Node.Name}' a proper prior.", e);
            }
        }

        internal override void EpSend(IPort target, int i)
        {
            var m = Messages(i);
            if (ReferenceEquals(target, X)) X.SetMessage(i, m.ToSample);
            else Rate.SetMessage(i, m.ToRate);
        }

        internal override double EpLogZ(int i) => Messages(i).LogZ;

        internal override string? VmpRefusal => null;

        internal override void VmpSend(IPort target, double[]? w)
        {
            for (int i = 0; i < Count; i++)
            {
                double wi = w?[i] ?? 1;
                if (ReferenceEquals(target, X)) X.AddVmp(i, GammaFromShapeAndRateOp.SampleAverageLogarithm(ShapeAt(i), Rate.Marginal(i)).Pow(wi));
                else Rate.AddVmp(i, GammaFromShapeAndRateOp.RateAverageLogarithm(X.Marginal(i), ShapeAt(i)).Pow(wi));
            }
        }

        internal override double VmpAverageLog(int i) => GammaFromShapeAndRateOp.AverageLogFactor(X.Marginal(i), ShapeAt(i), Rate.Marginal(i));
    }
}
