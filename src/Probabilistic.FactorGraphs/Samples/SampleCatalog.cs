using Probabilistic.FactorGraphs.Algorithms;
using Probabilistic.FactorGraphs.Models;

namespace Probabilistic.FactorGraphs.Samples;

/// <summary>
/// One acceptance sample (issue 12): its kebab-case name, a one-line description, the algorithm and number of sweeps it runs
/// under by default, and its model.
/// </summary>
/// <param name="Name">The name to ask for it by, e.g. <c>monty-hall</c>.</param>
/// <param name="Description">What the model is, in one line.</param>
/// <param name="Algorithm">The default algorithm: EP unless only VMP applies.</param>
/// <param name="Iterations">The engine's <c>NumberOfIterations</c> (the sweeps the sample's fixtures were made with).</param>
/// <param name="Model">Builds the model on the engine given, infers and reports each posterior by name.</param>
/// <param name="Tolerance">
/// The engine's <c>Tolerance</c>: sweeps stop once the bound (or EP's evidence) changes by less than this, relative, and
/// <paramref name="Iterations"/> is only the most they may take. Infer.NET runs a fixed number of sweeps; this engine stops
/// once the answer has stopped moving (wet grass: 17 sweeps of 50, multinomial regression: 37 of 500), and the tests check
/// that every sample's answer under its defaults still agrees with Infer.NET's fixed-sweep fixture to 1e-6. 0 runs every
/// sweep.
/// </param>
public sealed record Sample(string Name, string Description, IAlgorithm Algorithm, int Iterations,
    Action<InferenceEngine, Action<string, object>> Model, double Tolerance = 1e-15)
{
    /// <summary>A fresh engine with the sample's algorithm, number of sweeps and tolerance.</summary>
    public InferenceEngine CreateEngine() => new(Algorithm) { NumberOfIterations = Iterations, Tolerance = Tolerance, ShowProgress = false };

    /// <summary>Runs the sample on a fresh engine of its own, reporting each posterior by name.</summary>
    public void Run(Action<string, object> report)
    {
        ArgumentNullException.ThrowIfNull(report);
        Model(CreateEngine(), report);
    }
}

/// <summary>The acceptance samples of issue 12, in the order the issue lists them.</summary>
public static class SampleCatalog
{
    private static readonly IAlgorithm Ep = new ExpectationPropagation();
    private static readonly IAlgorithm Vmp = new VariationalMessagePassing();

    /// <summary>Every sample.</summary>
    public static IReadOnlyList<Sample> All { get; } =
    [
        new("wet-grass", "sprinkler / wet grass: tables learned from 40 days, then why is the grass wet today", Ep, 50,
            WetGrassLearnedTables.Run),
        new("monty-hall", "Monty Hall: guess door 0, the host opens door 2; where is the prize", Ep, 50, MontyHall.Run),
        new("student-network", "Koller & Friedman's student network: grade C and a high SAT observed", Ep, 50, StudentNetwork.Run),
        new("click-model", "search clicks as examination (by position) and attractiveness (by document)", Ep, 50, ClickModel.Run),
        new("crowdsourcing", "Dawid-Skene / BCC: true classes and worker confusion matrices from three workers' labels", Ep, 50,
            Crowdsourcing.Run),
        new("recommender", "Matchbox-style recommender: user and item traits and biases from ten likes and dislikes"
            + " (VMP, where this engine and Infer.NET agree to 1e-6; under EP Infer.NET's product quadrature is off by 2e-4)", Vmp, 50, Recommender.Run),
        new("lda", "latent Dirichlet allocation: two topics in three short documents", Ep, 50, Lda.Run),
        new("multinomial-regression", "softmax regression: three classes of 2-D inputs (VMP: Softmax has no EP operator)", Vmp, 500,
            MultinomialRegression.Run),
        new("poisson-regression", "Poisson regression: counts with an exponential link", Ep, 500, PoissonRegression.Run),
        new("trueskill-through-time", "TrueSkill through time: three players' skills over three years, smoothed jointly", Ep, 50,
            TrueSkillThroughTime.Run),
        new("online-gaussian", "online learning of a Gaussian's mean and precision, four batches, each posterior the next prior", Ep, 50,
            OnlineGaussian.Run),
    ];

    /// <summary>The sample named <paramref name="name"/> (ordinal, ignoring case), or null.</summary>
    public static Sample? Find(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        return All.FirstOrDefault(s => string.Equals(s.Name, name, StringComparison.OrdinalIgnoreCase));
    }
}
