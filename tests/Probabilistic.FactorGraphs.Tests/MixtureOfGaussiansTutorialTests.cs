using Probabilistic.FactorGraphs.Algorithms;
using Probabilistic.FactorGraphs.Distributions;
using Probabilistic.FactorGraphs.LinearAlgebra;
using Probabilistic.FactorGraphs.Models;
using Range = Probabilistic.FactorGraphs.Models.Range;

namespace Probabilistic.FactorGraphs.Tests;

/// <summary>Infer.NET's "Mixture of Gaussians" tutorial: 2-D VectorGaussian means, Wishart precisions, VMP.</summary>
public class MixtureOfGaussiansTutorialTests
{
    private static Vector[] GenerateData(int nData, Random rng)
    {
        // the tutorial's generating model: weights 0.6/0.4, means (2,3) and (7,5)
        var trueVG1 = VectorGaussian.FromMeanAndPrecision(Vector.FromArray(2.0, 3.0), PositiveDefiniteMatrix.FromArray(new[,] { { 3.0, 0.2 }, { 0.2, 2.0 } }));
        var trueVG2 = VectorGaussian.FromMeanAndPrecision(Vector.FromArray(7.0, 5.0), PositiveDefiniteMatrix.FromArray(new[,] { { 2.0, 0.4 }, { 0.4, 4.0 } }));
        var data = new Vector[nData];
        for (int j = 0; j < nData; j++) data[j] = rng.NextDouble() < 0.6 ? trueVG1.Sample(rng) : trueVG2.Sample(rng);
        return data;
    }

    [Fact]
    public void MixtureOfGaussians_Vmp_FindsTheTwoClusters()
    {
        var rng = new Random(2024);
        Range k = new Range(2).Named("k");
        VariableArray<Vector> means = Variable.Array<Vector>(k).Named("means");
        means[k] = Variable.VectorGaussianFromMeanAndPrecision(Vector.FromArray(0.0, 0.0), PositiveDefiniteMatrix.IdentityScaledBy(2, 0.01)).ForEach(k);
        VariableArray<PositiveDefiniteMatrix> precs = Variable.Array<PositiveDefiniteMatrix>(k).Named("precs");
        precs[k] = Variable.WishartFromShapeAndScale(100.0, PositiveDefiniteMatrix.IdentityScaledBy(2, 0.01)).ForEach(k);
        Variable<Vector> weights = Variable.Dirichlet(k, new double[] { 1, 1 }).Named("weights");
        Range n = new Range(300).Named("n");
        VariableArray<Vector> data = Variable.Array<Vector>(n).Named("x");
        VariableArray<int> z = Variable.Array<int>(n).Named("z");
        using (Variable.ForEach(n))
        {
            z[n] = Variable.Discrete(weights);
            using (Variable.Switch(z[n]))
            {
                data[n] = Variable.VectorGaussianFromMeanAndPrecision(means[z[n]], precs[z[n]]);
            }
        }
        data.ObservedValue = GenerateData(n.SizeAsInt, rng);
        Discrete[] zinit = new Discrete[n.SizeAsInt];
        for (int i = 0; i < zinit.Length; i++) zinit[i] = Discrete.PointMass(rng.Next(k.SizeAsInt), k.SizeAsInt);
        z.InitialiseTo(Distribution<int>.Array(zinit));
        InferenceEngine ie = new InferenceEngine(new VariationalMessagePassing());

        var w = ie.Infer<Dirichlet>(weights).GetMean();
        var m = ie.Infer<VectorGaussian[]>(means).Select(g => g.GetMean()).OrderBy(v => v[0]).ToArray();
        Assert.True(Math.Abs(m[0][0] - 2) < 0.3 && Math.Abs(m[0][1] - 3) < 0.3, $"first mean {m[0]} vs (2, 3)");
        Assert.True(Math.Abs(m[1][0] - 7) < 0.3 && Math.Abs(m[1][1] - 5) < 0.3, $"second mean {m[1]} vs (7, 5)");
        Assert.True(Math.Abs(w.Max() - 0.6) < 0.08, $"weights {string.Join(", ", w)} vs 0.6/0.4");
        var trace = ie.LastTrace!;
        Assert.True(trace.IsBound && trace[^1].Elbo >= trace[0].Elbo, "the VMP bound rose (the driver checks every step)");
        Assert.Contains("[1] VectorGaussian(", ie.Infer(means).ToString());
    }
}
