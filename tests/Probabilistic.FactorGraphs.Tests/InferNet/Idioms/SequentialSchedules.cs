#if INFERNET
using Microsoft.ML.Probabilistic.Models; using Microsoft.ML.Probabilistic.Distributions; using Microsoft.ML.Probabilistic.Algorithms; using Microsoft.ML.Probabilistic.Math; using Range = Microsoft.ML.Probabilistic.Models.Range;
using Microsoft.ML.Probabilistic.Models.Attributes;
#else
using Probabilistic.FactorGraphs.Models; using Probabilistic.FactorGraphs.Distributions; using Probabilistic.FactorGraphs.Algorithms; using Probabilistic.FactorGraphs.LinearAlgebra;
using Probabilistic.FactorGraphs.Models.Attributes;
// Range = Probabilistic.FactorGraphs.Models.Range comes from the test project's GlobalUsings.cs (a second alias is CS1537)
#endif

namespace Probabilistic.FactorGraphs.Tests.InferNet.Idioms;

/// <summary>
/// Issue 12 §1.5 with <c>range.AddAttribute(new Sequential())</c> (not in our API yet): the schedules of
/// <see cref="Schedules"/> with the data range processed sequentially.
/// </summary>
public static class SequentialSchedules
{
    private static void Sequential(Range n) => n.AddAttribute(new Sequential());

    [Idiom(IdiomAlgorithm.EP, IdiomAlgorithm.VMP, NumberOfIterations = 1)]
    public static void ProbitSequential1(InferenceEngine engine, IIdiomRecorder record) => Schedules.Probit(engine, record, Sequential);

    [Idiom(IdiomAlgorithm.EP, IdiomAlgorithm.VMP, NumberOfIterations = 2)]
    public static void ProbitSequential2(InferenceEngine engine, IIdiomRecorder record) => Schedules.Probit(engine, record, Sequential);

    [Idiom(IdiomAlgorithm.EP, IdiomAlgorithm.VMP, NumberOfIterations = 3)]
    public static void ProbitSequential3(InferenceEngine engine, IIdiomRecorder record) => Schedules.Probit(engine, record, Sequential);

    [Idiom(IdiomAlgorithm.EP, IdiomAlgorithm.VMP, NumberOfIterations = 5)]
    public static void ProbitSequential5(InferenceEngine engine, IIdiomRecorder record) => Schedules.Probit(engine, record, Sequential);

    [Idiom(IdiomAlgorithm.EP, IdiomAlgorithm.VMP, NumberOfIterations = 1)]
    public static void ClutterSequential1(InferenceEngine engine, IIdiomRecorder record) => Schedules.Clutter(engine, record, Sequential);

    [Idiom(IdiomAlgorithm.EP, IdiomAlgorithm.VMP, NumberOfIterations = 2)]
    public static void ClutterSequential2(InferenceEngine engine, IIdiomRecorder record) => Schedules.Clutter(engine, record, Sequential);

    [Idiom(IdiomAlgorithm.EP, IdiomAlgorithm.VMP, NumberOfIterations = 5)]
    public static void ClutterSequential5(InferenceEngine engine, IIdiomRecorder record) => Schedules.Clutter(engine, record, Sequential);
}
