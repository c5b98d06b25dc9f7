#if INFERNET
using Microsoft.ML.Probabilistic.Models; using Microsoft.ML.Probabilistic.Distributions; using Microsoft.ML.Probabilistic.Algorithms; using Microsoft.ML.Probabilistic.Math; using Range = Microsoft.ML.Probabilistic.Models.Range;
#else
using Probabilistic.FactorGraphs.Models; using Probabilistic.FactorGraphs.Distributions; using Probabilistic.FactorGraphs.Algorithms; using Probabilistic.FactorGraphs.LinearAlgebra; using Range = Probabilistic.FactorGraphs.Models.Range;
#endif
// Only the using lines above differ between Infer.NET and this library; tools/InferNetOracle compiles this file against
// Infer.NET (INFERNET defined) to make the fixture Samples.<Name>.<EP|VMP> the tests compare with.

namespace Probabilistic.FactorGraphs.Samples;

/// <summary>
/// Online learning of a Gaussian: the mean (prior N(0, 100)) and precision (prior Gamma(1, 1)) of data arriving in four
/// batches of ten points, drawn from N(4, 1.5²) (seed 44). The priors are observed distribution variables, so each batch
/// re-runs the same compiled model with the previous batch's posteriors as its priors; each batch's posteriors are
/// reported. <c>SampleTests</c> checks each batch against its exact posterior (a grid over mean and precision) under EP, and
/// against the mean-field fixed point in closed form (Bishop 2006, §10.1.3) under VMP.
/// </summary>
public static class OnlineGaussian
{
    /// <summary>The four batches of ten points.</summary>
    public static double[][] Batches()
    {
        var rng = new SampleRandom(44);
        var batches = new double[4][];
        for (int b = 0; b < batches.Length; b++) batches[b] = rng.Normals(10, 4, 1.5);
        return batches;
    }

    /// <summary>Builds the model once, infers batch by batch and reports <c>mean0</c>, <c>precision0</c>, … <c>precision3</c>.</summary>
    public static void Run(InferenceEngine engine, Action<string, object> report)
    {
        double[][] batches = Batches();
        Variable<Gaussian> meanPrior = Variable.New<Gaussian>().Named("meanPrior");
        Variable<Gamma> precisionPrior = Variable.New<Gamma>().Named("precisionPrior");
        Variable<double> mean = Variable<double>.Random(meanPrior).Named("mean");
        Variable<double> precision = Variable<double>.Random(precisionPrior).Named("precision");
        Range n = new Range(10).Named("n");
        VariableArray<double> x = Variable.Array<double>(n).Named("x");
        x[n] = Variable.GaussianFromMeanAndPrecision(mean, precision).ForEach(n);
        Gaussian meanPosterior = Gaussian.FromMeanAndVariance(0, 100);
        Gamma precisionPosterior = Gamma.FromShapeAndScale(1, 1);
        for (int batch = 0; batch < batches.Length; batch++)
        {
            meanPrior.ObservedValue = meanPosterior;
            precisionPrior.ObservedValue = precisionPosterior;
            x.ObservedValue = batches[batch];
            meanPosterior = engine.Infer<Gaussian>(mean);
            precisionPosterior = engine.Infer<Gamma>(precision);
            report("mean" + batch, meanPosterior);
            report("precision" + batch, precisionPosterior);
        }
    }
}
