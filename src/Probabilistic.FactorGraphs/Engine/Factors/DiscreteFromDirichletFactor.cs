using Probabilistic.Core.Numerics;
using Probabilistic.FactorGraphs.Distributions;
using Probabilistic.FactorGraphs.Factors;
using Probabilistic.FactorGraphs.LinearAlgebra;

namespace Probabilistic.FactorGraphs.Engine;

/// <summary>x ~ Discrete(p), p a Dirichlet variable or an observed probability vector.</summary>
internal sealed class DiscreteFromDirichletFactor : FactorNode
{
    internal static readonly FactorDefinition Definition = new("Discrete", b => new DiscreteFromDirichletFactor(b), b => Outputs.Discrete(b, DimensionOf(b, b.Arg(0))));

    private readonly IReadOnlyList<IPort> _ports;

    private DiscreteFromDirichletFactor(FactorBuilder b) : base(b.Description)
    {
        int k = DimensionOf(b, b.Arg(0));
        X = b.Port(this, b.Output, "sample", Discrete.Uniform(k));
        P = b.Port(this, b.Arg(0), "probs", Dirichlet.Uniform(k), ProbabilityVectors(k));
        _ports = [X, P];
    }

    internal Port<Discrete> X { get; }
    internal Port<Dirichlet> P { get; }
    internal override IReadOnlyList<IPort> Ports => _ports;

    /// <summary>The number of values: from the Dirichlet's dimension, or the observed probability vector's length.</summary>
    internal static int DimensionOf(FactorBuilder b, Models.Variable probs)
    {
        if (b.RandomShape<Dirichlet>(probs) is { } d) return d.Dimension;
        switch (b.ObservedValue(probs))
        {
            case double[] p: return p.Length;
            case Vector v: return v.Count;
            case Vector[] vs when vs.Length > 0: return vs[0].Count;
        }
        if (b.NodeOf(probs) is ObservedNode { Constant: Dirichlet c }) return c.Dimension;
        throw new NotSupportedException($"'{probs.Name}' must be a Dirichlet variable (Variable.Dirichlet...) or an observed probability vector to parameterise a Discrete.");
    }

    private static Action<ObservedNode> ProbabilityVectors(int k) => o =>
    {
        for (int j = 0; j < o.Values.Length; j++)
        {
            var p = o.Values switch
            {
                Vector[] vs => vs[j].ToArray(),
                double[][] ds => ds[j],
                _ => throw new InvalidOperationException($"'{o.Name}' must be observed as a probability vector (Vector or double[])."),
            };
            if (p.Length != k) throw new ArgumentException($"Observed probability vector {o.Quoted(j)} has {p.Length} entries; the Discrete has {k} values.");
            if (p.Any(x => !(x >= 0) || double.IsInfinity(x)) || Math.Abs(p.Sum() - 1) > 1e-9)
                throw new ArgumentOutOfRangeException(o.Name, $"Observed probability vector {o.Quoted(j)} = ({string.Join(", ", p)}) must be non-negative and sum to 1.");
        }
    };

    private double[] ObservedProbs(int i) => P.Marginal(i).Point.ToArray();

    internal override void EpSend(IPort target, int i)
    {
        if (ReferenceEquals(target, X))
            X.SetMessage(i, P.IsObserved ? Discrete.FromProbs(ObservedProbs(i)) : DiscreteFromDirichletOp.SampleAverageConditional(P.Context(i)));
        else P.SetMessage(i, DiscreteFromDirichletOp.ProbsAverageConditional(X.Context(i), P.Context(i)));
    }

    internal override double EpLogZ(int i)
    {
        var x = X.Context(i);
        if (P.IsObserved)
        {
            var probs = ObservedProbs(i);
            if (x.IsPointMass) return Math.Log(probs[x.Point]);
            double z = double.NegativeInfinity;
            for (int k = 0; k < probs.Length; k++) if (probs[k] > 0) z = LogSpace.LogAddExp(z, x.GetNatural(k) + Math.Log(probs[k]));
            return z;
        }
        var p = P.Context(i);
        if (x.IsPointMass) return (p * DiscreteFromDirichletOp.ProbsAverageConditional(x.Point, p.Dimension)).GetLogNormalizer();
        var mean = p.GetMean();
        double s = double.NegativeInfinity;
        for (int k = 0; k < mean.Count; k++) s = LogSpace.LogAddExp(s, x.GetNatural(k) + Math.Log(mean[k]));
        return p.GetLogNormalizer() + s;
    }

    internal override string? VmpRefusal => null;

    internal override void VmpSend(IPort target, double[]? w)
    {
        for (int i = 0; i < Count; i++)
        {
            double wi = w?[i] ?? 1;
            if (ReferenceEquals(target, X))
                X.AddVmp(i, (P.IsObserved ? Discrete.FromProbs(ObservedProbs(i)) : DiscreteFromDirichletOp.SampleAverageLogarithm(P.Marginal(i))).Pow(wi));
            else P.AddVmp(i, DiscreteFromDirichletOp.ProbsAverageLogarithm(X.Marginal(i)).Pow(wi));
        }
    }

    internal override double VmpAverageLog(int i)
    {
        if (!P.IsObserved) return DiscreteFromDirichletOp.AverageLogFactor(X.Marginal(i), P.Marginal(i));
        var probs = ObservedProbs(i);
        var q = X.Marginal(i);
        double s = 0;
        for (int k = 0; k < probs.Length; k++) s += MessageMath.Mul(q[k], Math.Log(probs[k]));
        return s;
    }
}
