using Probabilistic.Hmm.Emissions;
using Probabilistic.Hmm.Kernels;
using Probabilistic.Testing;

namespace Probabilistic.Hmm.Tests;

/// <summary>
/// The multi-sequence (SIMD lane) kernels against the one-sequence kernels they mirror: expected counts, scores and
/// Viterbi paths on random models, with sequence counts that are not a multiple of the lane width, lengths that
/// differ within a group, one state, and a sequence whose scaled pass underflows so that only it falls back.
/// </summary>
public class LaneKernelTests
{
    private static int Seed(int fallback) =>
        int.TryParse(Environment.GetEnvironmentVariable("PROB_TEST_SEED"), out var s) ? s : fallback;

    private static double[] RandomRows(Random random, int rows, int columns, double concentration = 1)
    {
        var p = new double[rows * columns];
        for (int r = 0; r < rows; r++)
        {
            double sum = 0;
            for (int c = 0; c < columns; c++) sum += p[r * columns + c] = concentration + random.NextDouble();
            for (int c = 0; c < columns; c++) p[r * columns + c] /= sum;
        }
        return p;
    }

    private static HiddenMarkovModel<GaussianEmission, GaussianStatistics> RandomGaussian(Random random, int states, int dimension)
    {
        var means = Enumerable.Range(0, states * dimension).Select(_ => 6 * random.NextDouble() - 3).ToArray();
        GaussianEmission emission;
        if (dimension == 1) emission = GaussianEmission.Univariate(means, Enumerable.Range(0, states).Select(_ => 0.3 + random.NextDouble()).ToArray());
        else
        {
            var covariances = new double[states * dimension * dimension];
            for (int k = 0; k < states; k++)
                for (int i = 0; i < dimension; i++)
                    for (int j = 0; j < dimension; j++)
                        covariances[(k * dimension + i) * dimension + j] = i == j ? 1 + random.NextDouble() : 0.3;
            emission = GaussianEmission.FromParameters(states, dimension, CovarianceType.Full, means, covariances);
        }
        return new(RandomRows(random, 1, states), RandomRows(random, states, states, 0.2), emission);
    }

    /// <summary>Sequences sampled from the model with random lengths in 1..<paramref name="maxLength"/>.</summary>
    private static SequenceSet Sample<TE, TS>(HiddenMarkovModel<TE, TS> model, Random random, int count, int maxLength)
        where TE : IEmissionModel<TE, TS> where TS : class
    {
        var samples = Enumerable.Range(0, count).Select(n => model.Sample(1 + random.Next(maxLength), seed: random.Next()).Observations).ToList();
        int d = model.Emission.Dimension;
        return SequenceSet.FromLengths(samples.SelectMany(s => s).ToArray(), d, samples.Select(s => s.Length / d).ToArray());
    }

    /// <summary>The one-sequence E-step, sequence by sequence in index order.</summary>
    private static ExpectedCounts<TS> ScalarCounts<TE, TS>(HiddenMarkovModel<TE, TS> model, SequenceSet data)
        where TE : IEmissionModel<TE, TS> where TS : class
    {
        var counts = new ExpectedCounts<TS>(model.StateCount, model.Emission.CreateStatistics());
        var ws = new SequenceWorkspace(model.StateCount);
        for (int n = 0; n < data.Count; n++)
            Assert.True(double.IsFinite(BaumWelchSteps.Accumulate(model, data.Sequence(n), data.Length(n), ws, counts)), $"sequence {n} is impossible");
        return counts;
    }

    /// <summary>The lane E-step over all sequences in groups of W, longest first.</summary>
    private static ExpectedCounts<TS> LaneCounts<TE, TS>(HiddenMarkovModel<TE, TS> model, SequenceSet data)
        where TE : IEmissionModel<TE, TS> where TS : class
    {
        var counts = new ExpectedCounts<TS>(model.StateCount, model.Emission.CreateStatistics());
        var ws = new SequenceWorkspace(model.StateCount);
        foreach (var group in SequenceLanes.Groups(data, 0, data.Count))
            Assert.Equal(-1, SequenceLanes.Accumulate(model, data, group, ws, counts));
        return counts;
    }

    private static void AssertCountsClose<TS>(ExpectedCounts<TS> expected, ExpectedCounts<TS> actual, Func<TS, double[]>[] statistics, string what)
        where TS : class
    {
        Numbers.AssertClose(expected.LogLikelihood, actual.LogLikelihood, 1e-12, what: $"{what}: log-likelihood");
        Numbers.AssertClose(expected.Start, actual.Start, 1e-12, 1e-12, $"{what}: Σγ_0");
        Numbers.AssertClose(expected.Transitions, actual.Transitions, 1e-12, 1e-12, $"{what}: Σξ");
        for (int s = 0; s < statistics.Length; s++)
            Numbers.AssertClose(statistics[s](expected.Emission), statistics[s](actual.Emission), 1e-12, 1e-10, $"{what}: emission statistics {s}");
    }

    private static readonly Func<GaussianStatistics, double[]>[] GaussianMoments = [s => s.Weight, s => s.First, s => s.Second];

    [Theory]
    [InlineData(1, 1, 7)]
    [InlineData(3, 1, 11)]
    [InlineData(8, 1, 13)]
    [InlineData(5, 3, 9)]
    [InlineData(13, 2, 6)]
    public void GaussianExpectedCountsMatchTheOneSequenceKernels(int states, int dimension, int sequences)
    {
        int seed = Seed(1400 + states);
        var random = new Random(seed);
        var model = RandomGaussian(random, states, dimension);
        var data = Sample(model, random, sequences, 60);
        string what = $"K={states}, D={dimension}, {sequences} sequences, lanes {LaneForwardBackward.Lanes}, seed {seed}";
        AssertCountsClose(ScalarCounts(model, data), LaneCounts(model, data), GaussianMoments, what);
        // The public E-step (lanes when this machine has SIMD) agrees too.
        var fit = new BaumWelch<GaussianEmission, GaussianStatistics>(model, data, maxThreads: 2);
        AssertCountsClose(ScalarCounts(model, data), fit.ExpectedCounts(model), GaussianMoments, $"{what}, BaumWelch");
    }

    [Fact]
    public void CategoricalEmissionsWithoutLaneMethodsRunOnLanesThroughTheOneSequenceMethods()
    {
        int seed = Seed(1411);
        var random = new Random(seed);
        const int states = 4, symbols = 6;
        var table = RandomRows(random, states, symbols);
        var probabilities = new double[states, symbols];
        for (int k = 0; k < states; k++) for (int v = 0; v < symbols; v++) probabilities[k, v] = table[k * symbols + v];
        var model = new HiddenMarkovModel<CategoricalEmission, CategoricalStatistics>(RandomRows(random, 1, states),
            RandomRows(random, states, states), CategoricalEmission.FromProbabilities(probabilities));
        var data = Sample(model, random, 10, 40);
        AssertCountsClose(ScalarCounts(model, data), LaneCounts(model, data), [s => s.Counts], $"categorical, seed {seed}");
    }

    /// <summary>
    /// Two states: state 0 emits near 0 and stays with probability 1 − 1e-301; state 1 emits near 100. The sequence
    /// (0, 100) has c_1 = 1e-301 in the scaled pass (its only explanation is the 1e-301 transition), which is below the
    /// 1e-300 threshold, so its lane is flagged and it alone is redone in log space; the others stay on lanes.
    /// </summary>
    [Fact]
    public void UnderflowingSequenceFallsBackToLogSpaceAloneAndMatches()
    {
        var model = new HiddenMarkovModel<GaussianEmission, GaussianStatistics>([1.0, 0.0], [1.0, 1e-301, 0.5, 0.5],
            GaussianEmission.Univariate([0.0, 100.0], [1.0, 1.0]));
        double[][] sequences = [[0.1, -0.2, 0.3], [0.0, 100.0], [0.2, 0.1, -0.1, 0.0, 0.3], [-0.3], [0.0, 0.1]];
        var data = SequenceSet.FromLengths(sequences.SelectMany(s => s).ToArray(), 1, sequences.Select(s => s.Length).ToArray());

        // The lane pass itself flags the underflowing sequence (index 1) and no other.
        var ws = new SequenceWorkspace(2);
        int w = LaneForwardBackward.Lanes;
        int[] group = new[] { 1, 0, 3, 4, 2 }[..Math.Min(w, 5)];
        var lanes = ws.Lanes;
        lanes.Ensure(5, 1, viterbi: false);
        var frame = new double[5 * 2 * w];
        var one = new double[5 * 2];
        for (int l = 0; l < group.Length; l++)
        {
            int n = group[l];
            lanes.Lengths[l] = data.Length(n);
            lanes.Ok[l] = -1;
            model.Emission.LogLikelihoods(data.Sequence(n), data.Length(n), one);
            for (int i = 0; i < data.Length(n) * 2; i++) frame[i * w + l] = one[i];
        }
        LaneForwardBackward.ExponentiateRows(frame, 5, 2, lanes.Shift, lanes.Ok);
        LaneForwardBackward.Forward(model.Start, model.Transitions, frame, 5, 2, lanes.Lengths, lanes.Alpha, lanes.Scale, lanes.Ok, lanes.LogLikelihood);
        Assert.True(lanes.Ok[0] == 0, "the lane of sequence (0, 100) should be flagged: its c_1 = 1e-301 underflows the scaled pass");
        for (int l = 1; l < group.Length; l++) Assert.True(lanes.Ok[l] != 0, $"lane {l} (sequence {group[l]}) should stay usable");

        // Its log-likelihood is log p(x_1 = 0 | 0) + log 1e-301 + log p(x_2 = 100 | 1), finite, and all counts agree.
        double expected = 2 * (-0.5 * Math.Log(2 * Math.PI)) + Math.Log(1e-301);
        Numbers.AssertClose(expected, model.ScoreEach(data)[1], 1e-12, what: "log p(0, 100)");
        AssertCountsClose(ScalarCounts(model, data), LaneCounts(model, data), GaussianMoments, "underflow");
    }

    [Theory]
    [InlineData(1, 5)]
    [InlineData(4, 9)]
    [InlineData(8, 14)]
    [InlineData(16, 3)]
    public void ScoresAndViterbiPathsEqualTheOneSequenceKernels(int states, int sequences)
    {
        int seed = Seed(1420 + states);
        var random = new Random(seed);
        var model = RandomGaussian(random, states, 1);
        var data = Sample(model, random, sequences, 80);
        var scores = model.ScoreEach(data);
        var paths = model.DecodeAll(data);
        var ws = new SequenceWorkspace(states);
        var laneScores = new double[data.Count];
        var lanePaths = new DecodedPath[data.Count];
        foreach (var group in SequenceLanes.Groups(data, 0, data.Count))
        {
            SequenceLanes.Score(model, data, group, ws, laneScores);
            Assert.Equal(-1, SequenceLanes.Viterbi(model, data, group, ws, lanePaths));
        }
        for (int n = 0; n < data.Count; n++)
        {
            var one = model.Decode(data.Sequence(n));
            string what = $"K={states}, sequence {n} of {sequences} (length {data.Length(n)}), seed {seed}";
            Numbers.AssertClose(model.Score(data.Sequence(n)), laneScores[n], 1e-12, what: $"{what}: lane log p(x)");
            Numbers.AssertClose(model.Score(data.Sequence(n)), scores[n], 1e-12, what: $"{what}: ScoreEach");
            Assert.True(one.States.SequenceEqual(lanePaths[n].States), $"{what}: lane Viterbi path differs from the one-sequence path");
            Assert.True(one.States.SequenceEqual(paths[n].States), $"{what}: DecodeAll path differs from the one-sequence path");
            Assert.True(one.LogProbability == lanePaths[n].LogProbability, $"{what}: lane Viterbi score {lanePaths[n].LogProbability:R} vs {one.LogProbability:R}");
        }
    }

    [Fact]
    public void ImpossibleSequenceOnLanesIsNamedByTheFitAndTheDecoder()
    {
        // State 0 only emits symbol 0 and never leaves; sequence 2 holds a 1.
        var model = new HiddenMarkovModel<CategoricalEmission, CategoricalStatistics>([1, 0], [1, 0, 0, 1],
            CategoricalEmission.FromProbabilities(new double[,] { { 1, 0 }, { 0, 1 } }));
        var data = SequenceSet.FromSymbols([[0, 0], [0], [0, 1, 0], [0, 0, 0], [0], [0, 0]]);
        var ws = new SequenceWorkspace(2);
        var counts = new ExpectedCounts<CategoricalStatistics>(2, model.Emission.CreateStatistics());
        var group = SequenceLanes.Groups(data, 0, data.Count).Single(g => g.Contains(2));
        Assert.Equal(2, SequenceLanes.Accumulate(model, data, group, ws, counts));
        Assert.Equal(2, SequenceLanes.Viterbi(model, data, group, ws, new DecodedPath[data.Count]));
        Assert.Equal(double.NegativeInfinity, model.ScoreEach(data)[2]);
    }

    [Fact]
    public void VectorExpMatchesMathExp()
    {
        var x = new List<double> { 0, -1e-300, -0.5, -0.34657359027997264, -1, -10, -100, -700, -707.9, -708.1, -800, double.NegativeInfinity, double.NaN };
        var random = new Random(Seed(1430));
        for (int i = 0; i < 1000; i++) x.Add(-750 * random.NextDouble() * random.NextDouble());
        var y = x.ToArray();
        VectorMath.ExpNonPositive(y);
        for (int i = 0; i < x.Count; i++)
        {
            if (double.IsNaN(x[i])) { Assert.True(double.IsNaN(y[i]), "exp(NaN) should be NaN"); continue; }
            double expected = x[i] < -708 ? 0 : Math.Exp(x[i]);
            Numbers.AssertClose(expected, y[i], 4e-16, what: $"exp({x[i]:R})");
        }
    }
}
