using Probabilistic.Hmm.Emissions;

namespace Probabilistic.Hmm.Tests;

/// <summary>HMMs fitted from data alone (hmmlearn's <c>GaussianHMM(n).fit(X, lengths)</c>), restarts, BIC and model selection.</summary>
public class FromDataTests
{
    private static int Seed(int fallback) =>
        int.TryParse(Environment.GetEnvironmentVariable("PROB_TEST_SEED"), out var s) ? s : fallback;

    private static readonly HiddenMarkovModel<GaussianEmission, GaussianStatistics> Truth = new([0.6, 0.3, 0.1],
        [0.90, 0.05, 0.05, 0.10, 0.85, 0.05, 0.05, 0.15, 0.80],
        GaussianEmission.FromParameters(3, 2, CovarianceType.Full, [-3, 0, 0, 3, 3, -1],
            [1.0, 0.2, 0.2, 0.5, 0.6, 0, 0, 0.6, 0.8, -0.3, -0.3, 0.9]));

    private static SequenceSet Sample(int seed, int sequences = 40, int steps = 250) =>
        SequenceSet.FromSequences(Enumerable.Range(0, sequences).Select(n => Truth.Sample(steps, seed * 1000 + n).Observations).ToList(), 2);

    [Fact]
    public void A_Gaussian_HMM_fitted_from_data_alone_recovers_the_generating_model()
    {
        int seed = Seed(4);
        var data = Sample(seed);
        var (model, trace) = new GaussianHmm(new HmmOptions(3)).Fit(data, new FitOptions(MaxIterations: 300, Tolerance: 1e-9, Seed: seed));
        Assert.Equal(StopReason.Converged, trace.StopReason);
        var means = model.Emission.Means;
        var tm = Truth.Emission.Means;
        var map = new int[3];
        for (int j = 0; j < 3; j++)
        {
            map[j] = Enumerable.Range(0, 3).OrderBy(s => Math.Pow(means[2 * s] - tm[2 * j], 2) + Math.Pow(means[2 * s + 1] - tm[2 * j + 1], 2)).First();
            for (int i = 0; i < 2; i++)
                Assert.True(Math.Abs(means[2 * map[j] + i] - tm[2 * j + i]) < 0.1, $"seed {seed}: mean {j}[{i}] fitted {means[2 * map[j] + i]:F3}, true {tm[2 * j + i]}");
        }
        Assert.Equal(3, map.Distinct().Count());
        for (int i = 0; i < 3; i++)
            for (int j = 0; j < 3; j++)
                Assert.True(Math.Abs(model.Transition(map[i], map[j]) - Truth.Transition(i, j)) < 0.03,
                    $"seed {seed}: A[{i},{j}] fitted {model.Transition(map[i], map[j]):F3}, true {Truth.Transition(i, j)}");
        // Trace values are after the step: the last one is the returned model's objective.
        double objective = model.Score(data) + model.Emission.LogPrior();
        Assert.True(Math.Abs(objective - trace.FinalElbo) < 1e-9 * Math.Abs(objective), $"model objective {objective:R}, last trace value {trace.FinalElbo:R}");
    }

    [Fact]
    public void The_same_seed_gives_the_same_fit_and_the_start_is_at_the_k_means_centres()
    {
        var data = Sample(Seed(9), sequences: 10, steps: 100);
        var options = new FitOptions(MaxIterations: 5, Tolerance: 0, Seed: 17);
        var a = new GaussianHmm(new HmmOptions(3, CovarianceType.Diagonal)).Fit(data, options);
        var b = new GaussianHmm(new HmmOptions(3, CovarianceType.Diagonal)).Fit(data, options);
        Assert.Equal(a.Trace.Select(s => s.Elbo), b.Trace.Select(s => s.Elbo));
        Assert.Equal(17, a.Trace.Seed);
        var start = HmmStart.Gaussian(data, 3, CovarianceType.Diagonal, 1e-6, 17);
        var (centres, _) = Core.Numerics.KMeans.Fit(data.Values, (int)data.TotalLength, 2, 3, 17);
        Assert.Equal(centres, start.Emission.Means);
        Assert.Equal([1 / 3.0, 1 / 3.0, 1 / 3.0], start.Start);
    }

    [Fact]
    public void Restarts_keep_the_best_objective_of_the_seeds_they_derive()
    {
        var data = Sample(Seed(2), sequences: 8, steps: 120);
        var fit = new FitOptions(MaxIterations: 30, Tolerance: 0, Seed: 5);
        var best = new GaussianHmm(new HmmOptions(3, Restarts: 3)).Fit(data, fit);
        for (int r = 0; r < 3; r++)
        {
            var single = new GaussianHmm(new HmmOptions(3)).Fit(data, fit with { Seed = Core.Numerics.Rng.Derive(5, r) });
            Numbers.AssertKeptBest(best.Trace.FinalElbo, single.Trace.FinalElbo, Core.Inference.ElboDriver.RestartTieTolerance, $"best of 3, restart {r}");
        }
    }

    [Fact]
    public void Free_parameters_are_counted_as_hmmlearn_counts_them()
    {
        // hmmlearn _get_n_fit_scalars_per_param: s: K−1, t: K(K−1), m: K·D, c: full K·D(D+1)/2, diag K·D, spherical K, tied D(D+1)/2.
        var full = HmmStart.Gaussian(Sample(1, 2, 50), 3, CovarianceType.Full, 1e-6, 1);
        Assert.Equal(2 + 6 + 6 + 9, full.FreeParameters);
        var tied = HmmStart.Gaussian(Sample(1, 2, 50), 3, CovarianceType.Tied, 1e-6, 1);
        Assert.Equal(2 + 6 + 6 + 3, tied.FreeParameters);
        Assert.Equal(2 + 6 + 3 * 3, TinyModels.Categorical3().FreeParameters); // emissions K(V − 1), V = 4
        var data = Sample(1, 2, 50);
        Assert.Equal(-2 * full.Score(data) + full.FreeParameters * Math.Log(100), full.Bic(data), 9);
    }

    [Fact]
    public void Bic_over_the_number_of_states_picks_the_generating_three()
    {
        var data = Sample(Seed(6), sequences: 20, steps: 200);
        var result = HmmSelection.Select(data, [1, 2, 3, 4, 5], [(HmmEmission.Gaussian, CovarianceType.Full)],
            fitOptions: new FitOptions(MaxIterations: 200, Tolerance: 1e-7, Seed: 1), template: new HmmOptions(1, Restarts: 2));
        Assert.True(result.BestRow.Options.Options.States == 3,
            $"BIC chose {result.BestRow.Options}; the data come from 3 states. Table: " + string.Join("; ", result.Table.Select(r => $"{r.Options}: {r.Score:F1}")));
        Assert.Equal(3, result.Best.StateCount);
    }
}

/// <summary>Math.NET interop for HMMs: sequences from matrix rows, parameters as vectors and matrices.</summary>
public class HmmMathNetTests
{
    [Fact]
    public void Sequences_from_matrix_rows_score_as_the_same_values_do()
    {
        var model = TinyModels.GaussianFull3();
        var (x, _) = model.Sample(40, 3);
        var rows = MathNet.Numerics.LinearAlgebra.Matrix<double>.Build.DenseOfRowMajor(40, 2, x);
        Assert.Equal(model.Score(SequenceSet.FromSequences([x[..50], x[50..]], 2)), model.Score(SequenceSet.FromMatrix(rows, [25, 15])), 9);
        Assert.Equal(model.Transitions, model.TransitionMatrix().ToRowMajorArray());
        Assert.Equal(model.Emission.FullCovariance(2), model.Emission.CovarianceMatrix(2).ToRowMajorArray());
        Assert.Equal(model.Emission.Means[2..4], model.Emission.MeanVector(1).ToArray());
    }
}
