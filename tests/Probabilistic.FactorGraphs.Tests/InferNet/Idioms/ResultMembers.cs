#if INFERNET
using Microsoft.ML.Probabilistic.Models; using Microsoft.ML.Probabilistic.Distributions; using Microsoft.ML.Probabilistic.Algorithms; using Microsoft.ML.Probabilistic.Math; using Range = Microsoft.ML.Probabilistic.Models.Range;
#else
using Probabilistic.FactorGraphs.Models; using Probabilistic.FactorGraphs.Distributions; using Probabilistic.FactorGraphs.Algorithms; using Probabilistic.FactorGraphs.LinearAlgebra;
// Range = Probabilistic.FactorGraphs.Models.Range comes from the test project's GlobalUsings.cs (a second alias is CS1537)
#endif
using Probabilistic.FactorGraphs.Samples; // SampleRandom, the seeded generator of our own

namespace Probabilistic.FactorGraphs.Tests.InferNet.Idioms;

/// <summary>
/// Issue 12 §2, members users read results with: GetMeanAndVariance, GetMeanAndPrecision, PositiveDefiniteMatrix.Rows /
/// Cols, Wishart.Rate, the Vector indexer setter, and other distribution members (GetMean, GetVariance, GetMode,
/// GetLogProb, GetProbTrue, GetMeanLog). Recorded as doubles.
/// </summary>
public static class ResultMembers
{
    /// <summary>Scalar results read through their members.</summary>
    [Idiom(IdiomAlgorithm.EP, IdiomAlgorithm.VMP)]
    public static void ScalarMembers(InferenceEngine engine, IIdiomRecorder record)
    {
        Variable<double> mean = Variable.GaussianFromMeanAndVariance(0, 10).Named("mean");
        Variable<double> precision = Variable.GammaFromShapeAndRate(2, 2).Named("precision");
        VariableArray<double> x = Variable.Observed(new[] { 1.1, 0.7, 1.6, 0.9 }).Named("x");
        Range n = x.Range.Named("n");
        x[n] = Variable.GaussianFromMeanAndPrecision(mean, precision).ForEach(n);
        Variable<double> p = Variable.Beta(2, 3).Named("p");
        Variable<bool> coin = Variable.Bernoulli(p).Named("coin");
        coin.ObservedValue = true;
        Variable<int> die = Variable.Discrete(0.1, 0.6, 0.3).Named("die");

        Gaussian meanPost = engine.Infer<Gaussian>(mean);
        meanPost.GetMeanAndVariance(out double m, out double v);
        meanPost.GetMeanAndPrecision(out double m2, out double prec);
        record.Add("gaussianMeanAndVariance", new[] { m, v });
        record.Add("gaussianMeanAndPrecision", new[] { m2, prec });
        record.Add("gaussianLogProbAt1", meanPost.GetLogProb(1.0));
        Gamma precPost = engine.Infer<Gamma>(precision);
        precPost.GetMeanAndVariance(out double gm, out double gv);
        record.Add("gammaMeanAndVariance", new[] { gm, gv });
        record.Add("gammaMeanLog", precPost.GetMeanLog());
        record.Add("gammaMode", precPost.GetMode());
        Beta pPost = engine.Infer<Beta>(p);
        record.Add("betaMeanAndVariance", new[] { pPost.GetMean(), pPost.GetVariance() });
        record.Add("bernoulliProbTrue", engine.Infer<Bernoulli>(coin).GetProbTrue());
        Discrete diePost = engine.Infer<Discrete>(die);
        record.Add("discreteMode", diePost.GetMode());
        record.Add("discreteProbs", diePost.GetProbs().ToArray());
    }

    /// <summary>
    /// Matrix results read through their members: VectorGaussian's variance Rows/Cols and entries, Wishart.Rate, and
    /// observed inputs built with the Vector indexer setter.
    /// </summary>
    [Idiom(IdiomAlgorithm.EP, IdiomAlgorithm.VMP)]
    public static void MatrixMembers(InferenceEngine engine, IIdiomRecorder record)
    {
        var rng = new SampleRandom(71);
        var data = new Vector[12];
        for (int i = 0; i < data.Length; i++)
        {
            var v = Vector.Zero(2);
            v[0] = rng.Normal(1, 1);
            v[1] = 0.5 * v[0] + rng.Normal(0, 0.5);
            data[i] = v;
        }
        Range n = new Range(data.Length).Named("n");
        Variable<Vector> mean = Variable.VectorGaussianFromMeanAndPrecision(Vector.Zero(2), PositiveDefiniteMatrix.IdentityScaledBy(2, 0.1))
            .Named("mean");
        Variable<PositiveDefiniteMatrix> precision = Variable.WishartFromShapeAndScale(3, PositiveDefiniteMatrix.Identity(2))
            .Named("precision");
        VariableArray<Vector> x = Variable.Array<Vector>(n).Named("x");
        x[n] = Variable.VectorGaussianFromMeanAndPrecision(mean, precision).ForEach(n);
        x.ObservedValue = data;
        VectorGaussian meanPost = engine.Infer<VectorGaussian>(mean);
        PositiveDefiniteMatrix cov = meanPost.GetVariance();
        record.Add("covRowsCols", new double[] { cov.Rows, cov.Cols });
        record.Add("cov01", cov[0, 1]);
        Wishart precPost = engine.Infer<Wishart>(precision);
        record.Add("wishartRate", precPost.Rate);
        record.Add("wishartShape", precPost.Shape);
        record.Add("wishartMean", precPost.GetMean());
    }
}
