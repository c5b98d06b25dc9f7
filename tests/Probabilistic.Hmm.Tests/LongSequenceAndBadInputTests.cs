using Probabilistic.Hmm.Emissions;
using Probabilistic.Core.Gaussians;

namespace Probabilistic.Hmm.Tests;

/// <summary>A 1,000,000-step sequence, and what bad input does.</summary>
public class LongSequenceAndBadInputTests
{
    [Fact]
    public void MillionStepLogLikelihoodIsFiniteAndEqualsSumOfFilteredChunks()
    {
        var model = TinyModels.Gaussian3();
        var (x, _) = model.Sample(1_000_000, seed: 3);
        double total = model.Score(x);
        Assert.True(double.IsFinite(total), $"log-likelihood of 1e6 steps is {total}");
        // Chunks of 100,000 computed independently, each starting from the previous chunk's filtered
        // distribution pushed through A: log p(x) = Σ_c log p(chunk_c | earlier chunks).
        double sum = 0;
        double[] initial = model.Start;
        var filtered = new double[3];
        for (int c = 0; c < 10; c++)
        {
            sum += model.FilterChunk(x.AsSpan(c * 100_000, 100_000), initial, filtered);
            initial = model.PredictNextState(filtered);
        }
        Assert.True(Math.Abs(total - sum) < 1e-9 * Math.Abs(total), $"whole {total:R} vs chunked {sum:R}");
        Assert.True(total < -1e6 && total > -3e6, $"log-likelihood {total} is not of the order of 1e6 nats (≈ −1.5 per step)");
    }

    [Fact]
    public void SymbolNeverSeenInTrainingIsRefusedWithItsPosition()
    {
        var model = TinyModels.Categorical3();
        var e = Assert.Throws<Core.Data.DataFormatException>(() => model.Score(SequenceSet.FromSymbols([[0, 1], [2, 7, 1]])));
        Assert.Contains("sequence 1, step 1: symbol 7", e.Message);
    }

    [Fact]
    public void ZeroProbabilitySequenceScoresMinusInfinityAndCannotBeDecodedOrFitted()
    {
        // State 0 only emits symbol 0 and state 1 only symbol 1; from state 0 one can never reach state 1.
        var model = new HiddenMarkovModel<CategoricalEmission, CategoricalStatistics>([1, 0], [1, 0, 0, 1],
            CategoricalEmission.FromProbabilities(new double[,] { { 1, 0 }, { 0, 1 } }));
        double[] x = [0, 1];
        Assert.Equal(double.NegativeInfinity, model.Score(x));
        var d = Assert.Throws<InvalidOperationException>(() => model.Decode(x));
        Assert.Contains("probability zero", d.Message);
        Assert.Throws<InvalidOperationException>(() => model.StatePosteriors(x));
        var fit = Assert.Throws<Core.Data.DataFormatException>(() =>
            new BaumWelch<CategoricalEmission, CategoricalStatistics>(model, SequenceSet.FromSymbols([[0, 0], [0, 1]])));
        Assert.Contains("sequence 1 (0-based, 2 steps) has probability zero", fit.Message);
        var decode = Assert.Throws<Core.Data.DataFormatException>(() => model.DecodeAll(SequenceSet.FromSymbols([[0, 0], [0, 1]])));
        Assert.Contains("sequence 1 (0-based, 2 steps) has probability zero", decode.Message);
    }

    [Fact]
    public void EmptySequenceIsRefused()
    {
        var model = TinyModels.Gaussian3();
        Assert.Contains("empty", Assert.Throws<ArgumentException>(() => model.Score(ReadOnlySpan<double>.Empty)).Message);
        Assert.Contains("Sequence 1 is empty", Assert.Throws<ArgumentException>(() => SequenceSet.FromLengths([1.0, 2.0], 1, [2, 0])).Message);
    }

    [Fact]
    public void NaNInDataIsRefusedWithItsPosition()
    {
        var e = Assert.Throws<ArgumentException>(() => SequenceSet.FromLengths([1.0, 2.0, double.NaN, 4.0], 1, [2, 2]));
        Assert.Contains("Sequence 1, step 0", e.Message);
        var model = TinyModels.Gaussian3();
        Assert.Contains("NaN", Assert.Throws<ArgumentException>(() => model.Score([0.5, double.NaN])).Message);
    }

    [Fact]
    public void InvalidParametersAreRefusedWithTheReason()
    {
        Assert.Contains("sums to", Assert.Throws<ArgumentException>(() => new HiddenMarkovModel<GaussianEmission, GaussianStatistics>(
            [0.5, 0.5], [0.5, 0.6, 0.5, 0.5], GaussianEmission.Univariate([0, 1], [1, 1]))).Message);
        Assert.Contains(">= 0", Assert.Throws<ArgumentException>(() => new HiddenMarkovModel<GaussianEmission, GaussianStatistics>(
            [1.2, -0.2], [0.5, 0.5, 0.5, 0.5], GaussianEmission.Univariate([0, 1], [1, 1]))).Message);
        Assert.Contains("positive definite", Assert.Throws<ArgumentException>(() =>
            GaussianEmission.FromParameters(1, 2, CovarianceType.Full, [0, 0], [1, 2, 2, 1])).Message);
    }
}

/// <summary>Poisson emissions keep their digits for huge counts (issue 13: −9.38 was printed where about −20.5 or −29.9 is right).</summary>
public class HugePoissonCountTests
{
    [Fact]
    public void A_count_of_1e17_at_rate_1e17_scores_minus_half_log_two_pi_x()
    {
        // mpmath 1.3.0, 50 digits: 1e17·ln(1e17) − 1e17 − loggamma(1e17 + 1) = −20.490911823654061056766590434556.
        var model = new HiddenMarkovModel<PoissonEmission, PoissonStatistics>([1.0], [1.0], PoissonEmission.FromRates(1, 1, [1e17]));
        double ll = model.Score([1e17]);
        Assert.True(Math.Abs(ll - -20.490911823654061) < 1e-11, $"log p = {ll:R}");
    }

    [Fact]
    public void Huge_and_small_counts_in_one_observation_add_their_exact_terms()
    {
        // Dimension 0: x = 3 at rate 2.5 (−1.5428872736055898); dimension 1: x = 1e18 at rate 9e17 (−5360515657826322.8697), both mpmath 1.3.0.
        var model = new HiddenMarkovModel<PoissonEmission, PoissonStatistics>([1.0], [1.0], PoissonEmission.FromRates(1, 2, [2.5, 9e17]));
        double ll = model.Score([3, 1e18]);
        double expected = -1.5428872736055898 + -5360515657826322.8697;
        Assert.True(Math.Abs(ll - expected) <= 1e-12 * Math.Abs(expected), $"log p = {ll:R}, expected {expected:R}");
    }
}
