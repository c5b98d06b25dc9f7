#if INFERNET
using Microsoft.ML.Probabilistic.Models; using Microsoft.ML.Probabilistic.Distributions; using Microsoft.ML.Probabilistic.Algorithms; using Microsoft.ML.Probabilistic.Math; using Range = Microsoft.ML.Probabilistic.Models.Range;
#else
using Probabilistic.FactorGraphs.Models; using Probabilistic.FactorGraphs.Distributions; using Probabilistic.FactorGraphs.Algorithms; using Probabilistic.FactorGraphs.LinearAlgebra;
// Range = Probabilistic.FactorGraphs.Models.Range comes from the test project's GlobalUsings.cs (a second alias is CS1537)
#endif

namespace Probabilistic.FactorGraphs.Tests.InferNet.Idioms;

/// <summary>
/// Issue 12 §1.5: Infer.NET's iteration order is part of its answer after a fixed number of iterations. Each model runs
/// with NumberOfIterations 1, 2, 3 and 5 so the fixtures pin the schedule itself (Pending/SequentialSchedules.cs has the
/// same models with a Sequential range).
/// </summary>
public static class Schedules
{
    internal static readonly double[][] ProbitInputs =
    [
        [1, 0.6, -1.2], [1, -0.8, 0.3], [1, 1.5, 0.9], [1, -0.2, -1.9], [1, 0.4, 0.8], [1, -1.6, -0.5], [1, 0.9, -0.3], [1, -0.1, 1.4],
    ];

    internal static readonly bool[] ProbitLabels = [true, false, true, false, true, false, true, true];

    internal static readonly double[] ClutterData = [2.1, 1.8, -6.5, 2.4, 9.0, 1.6, 2.9, 2.2];

    internal static readonly double[] MixtureData = [-2.1, -1.7, 2.3, -2.6, 1.9, 2.7, -1.8, 2.2, 0.3];

    // configureRange: what Pending/SequentialSchedules.cs does to the data range (AddAttribute(new Sequential())).

    /// <summary>A Bayes-point-machine-like probit regression: w ~ N(0, I), y[n] = IsPositive(N(w·x[n], 1)).</summary>
    internal static void Probit(InferenceEngine engine, IIdiomRecorder record, Action<Range>? configureRange = null)
    {
        Range n = new Range(ProbitInputs.Length).Named("n");
        configureRange?.Invoke(n);
        var inputs = ProbitInputs.Select(v => Vector.FromArray(v)).ToArray();
        VariableArray<Vector> x = Variable.Observed(inputs, n).Named("x");
        Variable<Vector> w = Variable.VectorGaussianFromMeanAndPrecision(Vector.Zero(3), PositiveDefiniteMatrix.Identity(3)).Named("w");
        VariableArray<bool> y = Variable.Array<bool>(n).Named("y");
        y[n] = Variable.IsPositive(Variable.GaussianFromMeanAndVariance(Variable.InnerProduct(w, x[n]), 1));
        y.ObservedValue = ProbitLabels;
        record.Add("w", engine.Infer<VectorGaussian>(w));
    }

    /// <summary>The clutter problem: x ~ N(0, 100); each point is N(x, 1) or, with probability 0.25, clutter N(0, 10).</summary>
    internal static void Clutter(InferenceEngine engine, IIdiomRecorder record, Action<Range>? configureRange = null)
    {
        Range n = new Range(ClutterData.Length).Named("n");
        configureRange?.Invoke(n);
        Variable<double> mean = Variable.GaussianFromMeanAndVariance(0, 100).Named("mean");
        VariableArray<bool> clutter = Variable.Array<bool>(n).Named("clutter");
        VariableArray<double> y = Variable.Array<double>(n).Named("y");
        using (Variable.ForEach(n))
        {
            clutter[n] = Variable.Bernoulli(0.25);
            using (Variable.If(clutter[n])) y[n] = Variable.GaussianFromMeanAndVariance(0, 10);
            using (Variable.IfNot(clutter[n])) y[n] = Variable.GaussianFromMeanAndVariance(mean, 1);
        }
        y.ObservedValue = ClutterData;
        record.Add("mean", engine.Infer<Gaussian>(mean));
        record.Add("clutter", engine.Infer<Bernoulli[]>(clutter));
    }

    /// <summary>A two-component 1-D mixture (Switch on z[n]) with the assignments initialised by InitialiseTo.</summary>
    internal static void Mixture(InferenceEngine engine, IIdiomRecorder record)
    {
        Range k = new Range(2).Named("k");
        Range n = new Range(MixtureData.Length).Named("n");
        VariableArray<double> means = Variable.Array<double>(k).Named("means");
        means[k] = Variable.GaussianFromMeanAndVariance(0, 100).ForEach(k);
        Variable<Vector> weights = Variable.Dirichlet(k, new[] { 1.0, 1.0 }).Named("weights");
        VariableArray<int> z = Variable.Array<int>(n).Named("z");
        VariableArray<double> x = Variable.Array<double>(n).Named("x");
        using (Variable.ForEach(n))
        {
            z[n] = Variable.Discrete(weights);
            using (Variable.Switch(z[n])) x[n] = Variable.GaussianFromMeanAndPrecision(means[z[n]], 1);
        }
        x.ObservedValue = MixtureData;
        var init = new Discrete[MixtureData.Length];
        for (int i = 0; i < init.Length; i++) init[i] = i % 2 == 0 ? new Discrete(0.7, 0.3) : new Discrete(0.4, 0.6);
        z.InitialiseTo(Distribution<int>.Array(init));
        record.Add("means", engine.Infer<Gaussian[]>(means));
        record.Add("weights", engine.Infer<Dirichlet>(weights));
        record.Add("z", engine.Infer<Discrete[]>(z));
    }

    [Idiom(IdiomAlgorithm.EP, IdiomAlgorithm.VMP, NumberOfIterations = 1)]
    public static void ProbitIterations1(InferenceEngine engine, IIdiomRecorder record) => Probit(engine, record);

    [Idiom(IdiomAlgorithm.EP, IdiomAlgorithm.VMP, NumberOfIterations = 2)]
    public static void ProbitIterations2(InferenceEngine engine, IIdiomRecorder record) => Probit(engine, record);

    [Idiom(IdiomAlgorithm.EP, IdiomAlgorithm.VMP, NumberOfIterations = 3)]
    public static void ProbitIterations3(InferenceEngine engine, IIdiomRecorder record) => Probit(engine, record);

    [Idiom(IdiomAlgorithm.EP, IdiomAlgorithm.VMP, NumberOfIterations = 5)]
    public static void ProbitIterations5(InferenceEngine engine, IIdiomRecorder record) => Probit(engine, record);

    [Idiom(IdiomAlgorithm.EP, IdiomAlgorithm.VMP, NumberOfIterations = 1)]
    public static void ClutterIterations1(InferenceEngine engine, IIdiomRecorder record) => Clutter(engine, record);

    [Idiom(IdiomAlgorithm.EP, IdiomAlgorithm.VMP, NumberOfIterations = 2)]
    public static void ClutterIterations2(InferenceEngine engine, IIdiomRecorder record) => Clutter(engine, record);

    [Idiom(IdiomAlgorithm.EP, IdiomAlgorithm.VMP, NumberOfIterations = 3)]
    public static void ClutterIterations3(InferenceEngine engine, IIdiomRecorder record) => Clutter(engine, record);

    [Idiom(IdiomAlgorithm.EP, IdiomAlgorithm.VMP, NumberOfIterations = 5)]
    public static void ClutterIterations5(InferenceEngine engine, IIdiomRecorder record) => Clutter(engine, record);

    [Idiom(IdiomAlgorithm.EP, IdiomAlgorithm.VMP, NumberOfIterations = 1)]
    public static void MixtureIterations1(InferenceEngine engine, IIdiomRecorder record) => Mixture(engine, record);

    [Idiom(IdiomAlgorithm.EP, IdiomAlgorithm.VMP, NumberOfIterations = 2)]
    public static void MixtureIterations2(InferenceEngine engine, IIdiomRecorder record) => Mixture(engine, record);

    [Idiom(IdiomAlgorithm.EP, IdiomAlgorithm.VMP, NumberOfIterations = 3)]
    public static void MixtureIterations3(InferenceEngine engine, IIdiomRecorder record) => Mixture(engine, record);

    [Idiom(IdiomAlgorithm.EP, IdiomAlgorithm.VMP, NumberOfIterations = 5)]
    public static void MixtureIterations5(InferenceEngine engine, IIdiomRecorder record) => Mixture(engine, record);

    /// <summary>The tutorial's mixture of 2-D Gaussians (Wishart precisions, Laplace's approximation under EP) after 1, 2 and 5 sweeps.</summary>
    [Idiom(IdiomAlgorithm.EP, NumberOfIterations = 1)]
    public static void WishartMixtureIterations1(InferenceEngine engine, IIdiomRecorder record) => Tutorials.MixtureOfGaussians(engine, record);

    [Idiom(IdiomAlgorithm.EP, NumberOfIterations = 2)]
    public static void WishartMixtureIterations2(InferenceEngine engine, IIdiomRecorder record) => Tutorials.MixtureOfGaussians(engine, record);

    [Idiom(IdiomAlgorithm.EP, NumberOfIterations = 5)]
    public static void WishartMixtureIterations5(InferenceEngine engine, IIdiomRecorder record) => Tutorials.MixtureOfGaussians(engine, record);

    /// <summary>The mixture run to convergence (50 iterations), for the fixed point the short runs approach.</summary>
    [Idiom(IdiomAlgorithm.EP, IdiomAlgorithm.VMP)]
    public static void MixtureConverged(InferenceEngine engine, IIdiomRecorder record) => Mixture(engine, record);

    internal static readonly double[][] GaussianData = [[3.2, -1.6], [2.1, -2.4], [3.9, -1.1], [2.7, -2.9], [3.4, -2.2], [2.2, -1.7]];

    /// <summary>
    /// A 2-D mean (VectorGaussian) and precision (Wishart) learned by VMP with one of them initialised to a point mass:
    /// pins the order in which Infer.NET updates an initialised variable and what it recomputes after its loop.
    /// </summary>
    internal static void InitialisedMeanAndPrecision(InferenceEngine engine, IIdiomRecorder record, bool initialiseMean)
    {
        Range n = new Range(GaussianData.Length).Named("n");
        Variable<Vector> mu = Variable.VectorGaussianFromMeanAndPrecision(Vector.FromArray(1.0, -1.0),
            new PositiveDefiniteMatrix(new double[,] { { 0.5, 0.1 }, { 0.1, 0.3 } })).Named("mu");
        Variable<PositiveDefiniteMatrix> lambda = Variable.WishartFromShapeAndScale(3,
            new PositiveDefiniteMatrix(new double[,] { { 0.6, 0.1 }, { 0.1, 0.4 } })).Named("lambda");
        VariableArray<Vector> x = Variable.Array<Vector>(n).Named("x");
        x[n] = Variable.VectorGaussianFromMeanAndPrecision(mu, lambda).ForEach(n);
        x.ObservedValue = GaussianData.Select(r => Vector.FromArray(r)).ToArray();
        if (initialiseMean) mu.InitialiseTo(VectorGaussian.PointMass(Vector.FromArray(2.5, -1.5)));
        else lambda.InitialiseTo(Wishart.PointMass(new PositiveDefiniteMatrix(new double[,] { { 2.0, 0.6 }, { 0.6, 1.5 } })));
        record.Add("mu", engine.Infer<VectorGaussian>(mu));
        record.Add("lambda", engine.Infer<Wishart>(lambda));
    }

    [Idiom(IdiomAlgorithm.VMP, NumberOfIterations = 1)]
    public static void InitialisedMeanIterations1(InferenceEngine engine, IIdiomRecorder record) => InitialisedMeanAndPrecision(engine, record, true);

    [Idiom(IdiomAlgorithm.VMP, NumberOfIterations = 2)]
    public static void InitialisedMeanIterations2(InferenceEngine engine, IIdiomRecorder record) => InitialisedMeanAndPrecision(engine, record, true);

    [Idiom(IdiomAlgorithm.VMP, NumberOfIterations = 1)]
    public static void InitialisedPrecisionIterations1(InferenceEngine engine, IIdiomRecorder record) => InitialisedMeanAndPrecision(engine, record, false);

    [Idiom(IdiomAlgorithm.VMP, NumberOfIterations = 2)]
    public static void InitialisedPrecisionIterations2(InferenceEngine engine, IIdiomRecorder record) => InitialisedMeanAndPrecision(engine, record, false);

    [Idiom(IdiomAlgorithm.VMP)]
    public static void InitialisedMeanConverged(InferenceEngine engine, IIdiomRecorder record) => InitialisedMeanAndPrecision(engine, record, true);

    [Idiom(IdiomAlgorithm.VMP)]
    public static void InitialisedPrecisionConverged(InferenceEngine engine, IIdiomRecorder record) => InitialisedMeanAndPrecision(engine, record, false);
}
