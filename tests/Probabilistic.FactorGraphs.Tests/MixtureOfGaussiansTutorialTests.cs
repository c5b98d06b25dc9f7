using Probabilistic.FactorGraphs.Algorithms;
using Probabilistic.FactorGraphs.Distributions;
using Probabilistic.FactorGraphs.LinearAlgebra;
using Probabilistic.FactorGraphs.Models;
using Range = Probabilistic.FactorGraphs.Models.Range;

namespace Probabilistic.FactorGraphs.Tests;

/// <summary>
/// Infer.NET's "Mixture of Gaussians" tutorial (2-D VectorGaussian means, Wishart precisions, VMP), written as the
/// tutorial has it with only the using lines changed.
/// </summary>
public class MixtureOfGaussiansTutorialTests
{
    /// <summary>Generates a data set from a particular true model (the tutorial's GenerateData).</summary>
    public static Vector[] GenerateData(int nData)
    {
        Vector trueM1 = Vector.FromArray(2.0, 3.0);
        Vector trueM2 = Vector.FromArray(7.0, 5.0);
        PositiveDefiniteMatrix trueP1 = new PositiveDefiniteMatrix(
            new double[,] { { 3.0, 0.2 }, { 0.2, 2.0 } });
        PositiveDefiniteMatrix trueP2 = new PositiveDefiniteMatrix(
            new double[,] { { 2.0, 0.4 }, { 0.4, 4.0 } });
        VectorGaussian trueVG1 = VectorGaussian.FromMeanAndPrecision(trueM1, trueP1);
        VectorGaussian trueVG2 = VectorGaussian.FromMeanAndPrecision(trueM2, trueP2);
        double truePi = 0.6;
        Bernoulli trueB = new Bernoulli(truePi);

        // Restart the infer.NET random number generator
        Rand.Restart(12347);
        Vector[] data = new Vector[nData];
        for (int j = 0; j < nData; j++)
        {
            bool bSamp = trueB.Sample();
            data[j] = bSamp ? trueVG1.Sample() : trueVG2.Sample();
        }

        return data;
    }

    [Fact]
    public void MixtureOfGaussians_Vmp_RecoversTheGeneratingMeansAndWeights()
    {
        // Define a range for the number of mixture components
        Range k = new Range(2).Named("k");

        // Mixture component means
        VariableArray<Vector> means = Variable.Array<Vector>(k).Named("means");
        means[k] = Variable.VectorGaussianFromMeanAndPrecision(
            Vector.FromArray(0.0, 0.0),
            PositiveDefiniteMatrix.IdentityScaledBy(2, 0.01)).ForEach(k);

        // Mixture component precisions
        VariableArray<PositiveDefiniteMatrix> precs = Variable.Array<PositiveDefiniteMatrix>(k).Named("precs");
        precs[k] = Variable.WishartFromShapeAndScale(100.0, PositiveDefiniteMatrix.IdentityScaledBy(2, 0.01)).ForEach(k);

        // Mixture weights
        Variable<Vector> weights = Variable.Dirichlet(k, new double[] { 1, 1 }).Named("weights");

        // Create a variable array which will hold the data
        Range n = new Range(300).Named("n");
        VariableArray<Vector> data = Variable.Array<Vector>(n).Named("x");

        // Create latent indicator variable for each data point
        VariableArray<int> z = Variable.Array<int>(n).Named("z");

        // The mixture of Gaussians model
        using (Variable.ForEach(n))
        {
            z[n] = Variable.Discrete(weights);
            using (Variable.Switch(z[n]))
            {
                data[n] = Variable.VectorGaussianFromMeanAndPrecision(means[z[n]], precs[z[n]]);
            }
        }

        // Attach some generated data
        data.ObservedValue = GenerateData(n.SizeAsInt);

        // Initialise messages randomly so as to break symmetry
        Discrete[] zinit = new Discrete[n.SizeAsInt];
        for (int i = 0; i < zinit.Length; i++)
        {
            zinit[i] = Discrete.PointMass(Rand.Int(k.SizeAsInt), k.SizeAsInt);
        }

        z.InitialiseTo(Distribution<int>.Array(zinit));

        // The inference
        InferenceEngine ie = new InferenceEngine(new VariationalMessagePassing());
        string pi = "Dist over pi=" + ie.Infer(weights);
        string meansText = "Dist over means=\n" + ie.Infer(means);
        string precsText = "Dist over precs=\n" + ie.Infer(precs);

        // the generating model: means (2, 3) and (7, 5), weights 0.6 / 0.4; 300 points give a standard error of
        // about 0.05 on each mean coordinate and 0.03 on the weight
        var w = ie.Infer<Dirichlet>(weights).GetMean();
        var m = ie.Infer<VectorGaussian[]>(means).Select(g => g.GetMean()).OrderBy(v => v[0]).ToArray();
        Assert.True(Math.Abs(m[0][0] - 2) < 0.2 && Math.Abs(m[0][1] - 3) < 0.2, $"first mean {m[0]} vs (2, 3)");
        Assert.True(Math.Abs(m[1][0] - 7) < 0.2 && Math.Abs(m[1][1] - 5) < 0.2, $"second mean {m[1]} vs (7, 5)");
        Assert.True(Math.Abs(w.Max() - 0.6) < 0.1, $"weights {string.Join(", ", w)} vs 0.6/0.4");
        var trace = ie.LastTrace!;
        Assert.True(trace.IsBound && trace[^1].Elbo >= trace[0].Elbo, "the VMP bound rose (the driver checks every step)");
        Assert.StartsWith("Dist over pi=Dirichlet(", pi);
        Assert.Contains("[1] VectorGaussian(", meansText);
        Assert.Contains("[1] Wishart(", precsText);
    }
}
