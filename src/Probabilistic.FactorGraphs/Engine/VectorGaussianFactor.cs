using Probabilistic.FactorGraphs.Distributions;
using Probabilistic.FactorGraphs.Factors;

namespace Probabilistic.FactorGraphs.Engine;

/// <summary>x ~ N(μ, Λ⁻¹), vectors; VMP only, x observed.</summary>
internal sealed class VectorGaussianFactor : FactorNode
{
    internal VectorGaussianFactor(string description) : base(description) { }
    internal Port<VectorGaussian> X { get; set; } = null!;
    internal Port<VectorGaussian> Mean { get; set; } = null!;
    internal Port<Wishart> Prec { get; set; } = null!;
    internal override IEnumerable<IPort> Ports => [X, Mean, Prec];
    internal override bool SupportsVmp => true;

    private ReadOnlySpan<double> Vec(int i) => ((ObservedNode)X.Node).Vectors![X.Index(i)];

    internal override void EpUpdate() => throw new NotSupportedException(
        $"The {Description} factor (VectorGaussian with random mean and Wishart precision) has no ExpectationPropagation operator; use VariationalMessagePassing.");

    internal override double EpLogZ(int i) => throw new NotSupportedException("EP evidence for VectorGaussian with Wishart precision is not supported.");

    internal override void VmpSend(IPort target, double[]? w)
    {
        for (int i = 0; i < Count; i++)
        {
            double wi = w?[i] ?? 1;
            if (ReferenceEquals(target, Mean)) Mean.AddVmp(i, VectorGaussianOp.MeanAverageLogarithm(Vec(i), Prec.Marginal(i)).Pow(wi));
            else if (ReferenceEquals(target, Prec)) Prec.AddVmp(i, VectorGaussianOp.PrecisionAverageLogarithm(Vec(i), Mean.Marginal(i)).Pow(wi));
        }
    }

    internal override double VmpAverageLog(int i) => VectorGaussianOp.AverageLogFactor(Vec(i), Mean.Marginal(i), Prec.Marginal(i));
}
