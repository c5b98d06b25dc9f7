using Probabilistic.Hmm.Emissions;

namespace Probabilistic.Hmm.Tests;

/// <summary>Forward-backward and Viterbi against enumeration of all K^T state paths (3 states, lengths 5–6).</summary>
public class BruteForceTests
{
    private static void CheckAgainstEnumeration<TE, TS>(HiddenMarkovModel<TE, TS> model, double[] x, string label)
        where TE : IEmissionModel<TE, TS> where TS : class
    {
        int k = model.StateCount, steps = x.Length / model.Emission.Dimension;
        var reference = BruteForce.Enumerate(model.Start, model.Transitions, TinyModels.LogFrame(model, x), steps, k);

        Assert.Equal(reference.LogLikelihood, model.Score(x), 10);
        var (gamma, ll) = model.StatePosteriors(x);
        Assert.Equal(reference.LogLikelihood, ll, 10);
        for (int i = 0; i < gamma.Length; i++)
            Assert.True(Math.Abs(reference.Gamma[i] - gamma[i]) < 1e-10, $"{label}: γ[t={i / k}, k={i % k}] = {gamma[i]}, enumeration gives {reference.Gamma[i]}");
        var xi = model.PairwisePosteriors(x);
        Assert.Equal(reference.Xi.Length, xi.Length);
        for (int i = 0; i < xi.Length; i++)
            Assert.True(Math.Abs(reference.Xi[i] - xi[i]) < 1e-10, $"{label}: ξ[t={i / (k * k)}, {i / k % k}→{i % k}] = {xi[i]}, enumeration gives {reference.Xi[i]}");
        var viterbi = model.Decode(x, DecodeAlgorithm.Viterbi);
        Assert.Equal(reference.BestPath, viterbi.States);
        Assert.Equal(reference.BestLogProb, viterbi.LogProbability, 10);
        var map = model.Decode(x, DecodeAlgorithm.Map);
        for (int t = 0; t < steps; t++)
        {
            int best = 0;
            for (int j = 1; j < k; j++) if (reference.Gamma[t * k + j] > reference.Gamma[t * k + best]) best = j;
            Assert.True(best == map.States[t], $"{label}: MAP state at t={t} is {map.States[t]}, enumeration's argmax γ is {best}");
        }
    }

    [Theory]
    [InlineData(new[] { 0.1, -1.3, 2.2, 0.4, 1.9 })]
    [InlineData(new[] { 3.0, 2.5, -2.0, -0.5, 0.0, 1.0 })]
    public void GaussianMatchesEnumeration(double[] x) => CheckAgainstEnumeration(TinyModels.Gaussian3(), x, "gaussian");

    [Theory]
    [InlineData(new[] { 0.0, 1, 2, 3, 2 })]
    [InlineData(new[] { 3.0, 3, 0, 1, 2, 0 })]
    public void CategoricalMatchesEnumeration(double[] x) => CheckAgainstEnumeration(TinyModels.Categorical3(), x, "categorical");

    [Fact]
    public void FullCovarianceGaussianMatchesEnumeration() =>
        CheckAgainstEnumeration(TinyModels.GaussianFull3(), [0.2, -0.1, 1.0, -0.8, -1.5, 2.1, 0.0, 0.3, 2.2, 0.4, 1.0, 1.0], "full");

    [Fact]
    public void UnderflowFallbackMatchesEnumeration()
    {
        // A jump to a state reachable only with probability 1e-305 makes the scaled normaliser c_t < 1e-300, which
        // sends the sequence down the exact log-space path; its results must still equal the enumeration.
        var model = new HiddenMarkovModel<GaussianEmission, GaussianStatistics>(
            [1.0, 0.0, 0.0], [1 - 1e-305, 1e-305, 0, 0.3, 0.4, 0.3, 0.2, 0.2, 0.6],
            GaussianEmission.Univariate([0.0, 1000.0, 5.0], [1.0, 1.0, 1.0]));
        CheckAgainstEnumeration(model, [0.1, -0.2, 1000.5, 999.0, 4.0], "fallback");
    }

    [Fact]
    public void ViterbiTiesGoToLowestStateIndex()
    {
        // Every path has the same probability: the decoded path must be all zeros.
        var model = new HiddenMarkovModel<CategoricalEmission, CategoricalStatistics>(
            [1 / 3.0, 1 / 3.0, 1 / 3.0], Enumerable.Repeat(1 / 3.0, 9).ToArray(),
            CategoricalEmission.FromProbabilities(new double[,] { { 0.5, 0.5 }, { 0.5, 0.5 }, { 0.5, 0.5 } }));
        var path = model.Decode([0, 1, 1, 0, 1], DecodeAlgorithm.Viterbi);
        Assert.True(path.States.All(s => s == 0), $"tied Viterbi path should be all state 0, got [{string.Join(",", path.States)}]");
        Assert.Equal(5 * Math.Log(1 / 3.0 * 0.5), path.LogProbability, 12);
    }

    [Fact]
    public void WikipediaExampleMatchesPublishedFigures()
    {
        // hmmlearn tests/test_base.py TestBaseAgainstWikipedia (Wikipedia "Forward–backward algorithm", umbrella
        // world): π = (0.5, 0.5), A = [[0.7, 0.3], [0.3, 0.7]], frame probabilities (0.9, 0.2) for "umbrella" and
        // (0.1, 0.8) for "no umbrella", observations umbrella, umbrella, none, umbrella, umbrella:
        // log p = −3.3725 (forward pass), Viterbi log p = −4.4590 on path [0, 0, 1, 0, 0].
        var model = new HiddenMarkovModel<CategoricalEmission, CategoricalStatistics>(
            [0.5, 0.5], [0.7, 0.3, 0.3, 0.7],
            CategoricalEmission.FromProbabilities(new double[,] { { 0.9, 0.1 }, { 0.2, 0.8 } }));
        double[] x = [0, 0, 1, 0, 0];
        Assert.Equal(-3.3725, Math.Round(model.Score(x), 4));
        var path = model.Decode(x);
        Assert.Equal([0, 0, 1, 0, 0], path.States);
        Assert.Equal(-4.4590, Math.Round(path.LogProbability, 4));
    }
}
