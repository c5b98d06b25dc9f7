#if INFERNET
using Microsoft.ML.Probabilistic.Models; using Microsoft.ML.Probabilistic.Distributions; using Microsoft.ML.Probabilistic.Algorithms; using Microsoft.ML.Probabilistic.Math; using Range = Microsoft.ML.Probabilistic.Models.Range;
#else
using Probabilistic.FactorGraphs.Models; using Probabilistic.FactorGraphs.Distributions; using Probabilistic.FactorGraphs.Algorithms; using Probabilistic.FactorGraphs.LinearAlgebra;
// Range = Probabilistic.FactorGraphs.Models.Range comes from the test project's GlobalUsings.cs (a second alias is CS1537)
#endif
using S = Probabilistic.FactorGraphs.Samples;

namespace Probabilistic.FactorGraphs.Tests.InferNet.Idioms;

/// <summary>
/// Issue 12's acceptance samples (src/Probabilistic.FactorGraphs/Samples/Examples, one file each, compiled by the oracle as
/// well): each is run here under every algorithm Infer.NET might support, so its fixtures hold Infer.NET's numbers.
/// The iteration counts are those of <c>SampleCatalog</c> (checked by <c>SampleTests</c>).
/// </summary>
public static class Samples
{
    /// <summary>Sprinkler / wet grass with learned tables.</summary>
    [Idiom(IdiomAlgorithm.EP, IdiomAlgorithm.VMP)]
    public static void WetGrassLearnedTables(InferenceEngine engine, IIdiomRecorder record) =>
        S.WetGrassLearnedTables.Run(engine, record.Add);

    /// <summary>Monty Hall.</summary>
    [Idiom(IdiomAlgorithm.EP, IdiomAlgorithm.VMP)]
    public static void MontyHall(InferenceEngine engine, IIdiomRecorder record) => S.MontyHall.Run(engine, record.Add);

    /// <summary>The student network.</summary>
    [Idiom(IdiomAlgorithm.EP, IdiomAlgorithm.VMP)]
    public static void StudentNetwork(InferenceEngine engine, IIdiomRecorder record) => S.StudentNetwork.Run(engine, record.Add);

    /// <summary>The click model.</summary>
    [Idiom(IdiomAlgorithm.EP, IdiomAlgorithm.VMP)]
    public static void ClickModel(InferenceEngine engine, IIdiomRecorder record) => S.ClickModel.Run(engine, record.Add);

    /// <summary>Crowdsourcing (Dawid–Skene / BCC).</summary>
    [Idiom(IdiomAlgorithm.EP, IdiomAlgorithm.VMP)]
    public static void Crowdsourcing(InferenceEngine engine, IIdiomRecorder record) => S.Crowdsourcing.Run(engine, record.Add);

    /// <summary>A Matchbox-style recommender (EP refused by our engine: a known difference).</summary>
    [Idiom(IdiomAlgorithm.EP, IdiomAlgorithm.VMP)]
    public static void Recommender(InferenceEngine engine, IIdiomRecorder record) => S.Recommender.Run(engine, record.Add);

    /// <summary>Latent Dirichlet allocation.</summary>
    [Idiom(IdiomAlgorithm.EP, IdiomAlgorithm.VMP)]
    public static void Lda(InferenceEngine engine, IIdiomRecorder record) => S.Lda.Run(engine, record.Add);

    /// <summary>Multinomial regression (refused under EP by both libraries).</summary>
    [Idiom(IdiomAlgorithm.EP, IdiomAlgorithm.VMP, NumberOfIterations = 500)]
    public static void MultinomialRegression(InferenceEngine engine, IIdiomRecorder record) =>
        S.MultinomialRegression.Run(engine, record.Add);

    /// <summary>Poisson regression.</summary>
    [Idiom(IdiomAlgorithm.EP, IdiomAlgorithm.VMP, NumberOfIterations = 500)]
    public static void PoissonRegression(InferenceEngine engine, IIdiomRecorder record) => S.PoissonRegression.Run(engine, record.Add);

    /// <summary>TrueSkill through time.</summary>
    [Idiom(IdiomAlgorithm.EP, IdiomAlgorithm.VMP)]
    public static void TrueSkillThroughTime(InferenceEngine engine, IIdiomRecorder record) =>
        S.TrueSkillThroughTime.Run(engine, record.Add);

    /// <summary>Online learning of a Gaussian.</summary>
    [Idiom(IdiomAlgorithm.EP, IdiomAlgorithm.VMP)]
    public static void OnlineGaussian(InferenceEngine engine, IIdiomRecorder record) => S.OnlineGaussian.Run(engine, record.Add);
}
