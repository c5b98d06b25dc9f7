#if INFERNET
using Microsoft.ML.Probabilistic.Models; using Microsoft.ML.Probabilistic.Distributions; using Microsoft.ML.Probabilistic.Algorithms; using Microsoft.ML.Probabilistic.Math; using Range = Microsoft.ML.Probabilistic.Models.Range;
#else
using Probabilistic.FactorGraphs.Models; using Probabilistic.FactorGraphs.Distributions; using Probabilistic.FactorGraphs.Algorithms; using Probabilistic.FactorGraphs.LinearAlgebra;
// Range = Probabilistic.FactorGraphs.Models.Range comes from the test project's GlobalUsings.cs (a second alias is CS1537)
#endif

namespace Probabilistic.FactorGraphs.Tests.InferNet.Idioms;

/// <summary>
/// Issue 12 §1.1: variables created inside a gate are local to it, and their posteriors are conditional on the branch.
/// Under VMP, the evidence variable's log-odds is the branch's bound.
/// </summary>
public static class GateLocalVariables
{
    /// <summary>Learning a Gaussian's mean and precision from 100 points, the whole model inside If(evidence).</summary>
    [Idiom(IdiomAlgorithm.EP, IdiomAlgorithm.VMP)]
    public static void LearningGaussianInEvidenceGate(InferenceEngine engine, IIdiomRecorder record)
    {
        double[] data = new IdiomRandom(12).Normals(100, 5, 1.2);
        Variable<bool> evidence = Variable.Bernoulli(0.5).Named("evidence");
        Variable<double> mean, precision;
        using (Variable.If(evidence))
        {
            mean = Variable.GaussianFromMeanAndVariance(0, 100).Named("mean");
            precision = Variable.GammaFromShapeAndScale(1, 1).Named("precision");
            Range n = new Range(data.Length).Named("n");
            VariableArray<double> x = Variable.Array<double>(n).Named("x");
            x[n] = Variable.GaussianFromMeanAndPrecision(mean, precision).ForEach(n);
            x.ObservedValue = data;
        }
        record.Add("mean", engine.Infer<Gaussian>(mean));
        record.Add("precision", engine.Infer<Gamma>(precision));
        record.Add("evidence", engine.Infer<Bernoulli>(evidence));
    }

    /// <summary>The same model without the gate, as the reference the gated posteriors must equal.</summary>
    [Idiom(IdiomAlgorithm.EP, IdiomAlgorithm.VMP)]
    public static void LearningGaussianUngated(InferenceEngine engine, IIdiomRecorder record)
    {
        double[] data = new IdiomRandom(12).Normals(100, 5, 1.2);
        Variable<double> mean = Variable.GaussianFromMeanAndVariance(0, 100).Named("mean");
        Variable<double> precision = Variable.GammaFromShapeAndScale(1, 1).Named("precision");
        Range n = new Range(data.Length).Named("n");
        VariableArray<double> x = Variable.Array<double>(n).Named("x");
        x[n] = Variable.GaussianFromMeanAndPrecision(mean, precision).ForEach(n);
        x.ObservedValue = data;
        record.Add("mean", engine.Infer<Gaussian>(mean));
        record.Add("precision", engine.Infer<Gamma>(precision));
    }
}
