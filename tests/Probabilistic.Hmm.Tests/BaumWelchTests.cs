using Probabilistic.Core.Inference;
using Probabilistic.Hmm.Emissions;
using Probabilistic.Core.Gaussians;

namespace Probabilistic.Hmm.Tests;

/// <summary>Baum-Welch: one step against expected counts from path enumeration, monotone traces, recovery of a known model.</summary>
public class BaumWelchTests
{
    private static int Seed(int fallback) =>
        int.TryParse(Environment.GetEnvironmentVariable("PROB_TEST_SEED"), out var s) ? s : fallback;

    [Fact]
    public void OneStepEqualsEnumeratedExpectedCounts()
    {
        // Two sequences (lengths 5 and 6) under a 3-state 1-D Gaussian model; the expected counts come from
        // enumerating all paths: π' ∝ Σ γ_0, A' ∝ Σ ξ, μ' = Σγx/Σγ, σ²' = Σγ(x−μ')²/Σγ.
        var model = TinyModels.Gaussian3();
        double[][] seqs = [[0.1, -1.3, 2.2, 0.4, 1.9], [3.0, 2.5, -2.0, -0.5, 0.0, 1.0]];
        int k = 3;
        var start = new double[k]; var trans = new double[k * k]; var w = new double[k]; var sx = new double[k];
        var gammas = new List<(double[] X, double[] G)>();
        foreach (var x in seqs)
        {
            var r = BruteForce.Enumerate(model.Start, model.Transitions, TinyModels.LogFrame(model, x), x.Length, k);
            for (int j = 0; j < k; j++) start[j] += r.Gamma[j];
            for (int t = 0; t + 1 < x.Length; t++) for (int i = 0; i < k * k; i++) trans[i] += r.Xi[t * k * k + i];
            for (int t = 0; t < x.Length; t++) for (int j = 0; j < k; j++) { w[j] += r.Gamma[t * k + j]; sx[j] += r.Gamma[t * k + j] * x[t]; }
            gammas.Add((x, r.Gamma));
        }
        var mu = new double[k]; var var = new double[k];
        for (int j = 0; j < k; j++) mu[j] = sx[j] / w[j];
        foreach (var (x, g) in gammas) for (int t = 0; t < x.Length; t++) for (int j = 0; j < k; j++) var[j] += g[t * k + j] * (x[t] - mu[j]) * (x[t] - mu[j]);
        for (int j = 0; j < k; j++) var[j] /= w[j];

        var bw = new BaumWelch<GaussianEmission, GaussianStatistics>(model, SequenceSet.FromSequences(seqs));
        Assert.Equal(model.Score(seqs[0]) + model.Score(seqs[1]), bw.Objective, 10); // the start's E-step, run by the constructor
        double objective = bw.Step(CancellationToken.None);
        var next = bw.Model;
        // The value a step reports belongs to the model it ends with (as every family's trace), here without a prior.
        Assert.Equal(next.Score(seqs[0]) + next.Score(seqs[1]), objective, 10);
        double startTotal = start.Sum();
        for (int j = 0; j < k; j++)
        {
            Assert.Equal(start[j] / startTotal, next.Start[j], 10);
            double rowTotal = trans[(j * k)..(j * k + k)].Sum();
            for (int i = 0; i < k; i++) Assert.Equal(trans[j * k + i] / rowTotal, next.Transition(j, i), 10);
            Assert.Equal(mu[j], next.Emission.Means[j], 10);
            Assert.Equal(var[j], next.Emission.Covariances[j], 10);
        }
    }

    [Fact]
    public void CategoricalStepEqualsHandCountsOnOneObservationPerSequence()
    {
        // Hand-derived: with length-1 sequences, γ_0(k) ∝ π_k B_k(x). For π = (0.5, 0.5) and B = [[0.9, 0.1], [0.2, 0.8]],
        // symbol 0 gives γ = (0.9, 0.2)/1.1 and symbol 1 gives (0.1, 0.8)/0.9. New π = mean of the γs, new B rows =
        // each state's γ mass on each symbol over its total.
        var model = new HiddenMarkovModel<CategoricalEmission, CategoricalStatistics>([0.5, 0.5], [0.5, 0.5, 0.5, 0.5],
            CategoricalEmission.FromProbabilities(new double[,] { { 0.9, 0.1 }, { 0.2, 0.8 } }));
        var bw = new BaumWelch<CategoricalEmission, CategoricalStatistics>(model, SequenceSet.FromSymbols([[0], [1]]));
        bw.Step(CancellationToken.None);
        double g00 = 0.9 / 1.1, g01 = 0.2 / 1.1, g10 = 0.1 / 0.9, g11 = 0.8 / 0.9;
        Assert.Equal((g00 + g10) / 2, bw.Model.Start[0], 12);
        Assert.Equal(g00 / (g00 + g10), bw.Model.Emission.Probability(0, 0), 12);
        Assert.Equal(g11 / (g01 + g11), bw.Model.Emission.Probability(1, 1), 12);
        Assert.Equal([0.5, 0.5, 0.5, 0.5], bw.Model.Transitions); // no transitions observed: rows keep their values
    }

    [Theory]
    [InlineData(CovarianceType.Full)]
    [InlineData(CovarianceType.Diagonal)]
    [InlineData(CovarianceType.Spherical)]
    public void TraceNeverDecreasesAndRecoversKnownModel(CovarianceType type)
    {
        int seed = Seed(7);
        var truth = new HiddenMarkovModel<GaussianEmission, GaussianStatistics>([0.6, 0.3, 0.1],
            [0.90, 0.05, 0.05, 0.10, 0.85, 0.05, 0.05, 0.15, 0.80],
            GaussianEmission.FromParameters(3, 2, CovarianceType.Full, [-3, 0, 0, 3, 3, -1],
                [1.0, 0.2, 0.2, 0.5, 0.6, 0, 0, 0.6, 0.8, -0.3, -0.3, 0.9]));
        var seqs = Enumerable.Range(0, 40).Select(n => truth.Sample(250, seed * 1000 + n).Observations).ToList();
        var data = SequenceSet.FromSequences(seqs, 2);
        int per = GaussianEmission.CovarianceLength(type, 2);
        double[] cov = type switch { CovarianceType.Full => [2, 0, 0, 2], CovarianceType.Diagonal => [2, 2], _ => [2] };
        var init = new HiddenMarkovModel<GaussianEmission, GaussianStatistics>([1 / 3.0, 1 / 3.0, 1 / 3.0],
            [0.5, 0.25, 0.25, 0.25, 0.5, 0.25, 0.25, 0.25, 0.5],
            GaussianEmission.FromParameters(3, 2, type, [-2, 1, 1, 2, 2, 0], [.. cov, .. cov, .. cov], regularization: 1e-6));
        var fit = new GaussianHmm(new HmmOptions(3)).Fit(data, init, new FitOptions(MaxIterations: 200, Tolerance: 1e-9, Seed: seed));
        for (int i = 1; i < fit.Trace.Count; i++)
            Assert.True(fit.Trace[i].Elbo >= fit.Trace[i - 1].Elbo - 1e-9 * Math.Abs(fit.Trace[i].Elbo),
                $"seed {seed}: trace fell at step {i + 1}: {fit.Trace[i - 1].Elbo:R} -> {fit.Trace[i].Elbo:R}");
        // The last trace value is the returned model's objective: its log-likelihood plus the regularisation's log prior.
        double objective = fit.Model.Score(data) + fit.Model.Emission.LogPrior();
        Assert.True(Math.Abs(objective - fit.Trace.FinalElbo) < 1e-9 * Math.Abs(objective), $"the fitted model's objective {objective:R}, last trace value {fit.Trace.FinalElbo:R}");
        // Recovery up to relabelling: match each true state to the fitted state with the nearest mean.
        var means = fit.Model.Emission.Means;
        var map = new int[3];
        for (int j = 0; j < 3; j++)
        {
            var tm = truth.Emission.Means;
            map[j] = Enumerable.Range(0, 3).OrderBy(s => Math.Pow(means[2 * s] - tm[2 * j], 2) + Math.Pow(means[2 * s + 1] - tm[2 * j + 1], 2)).First();
            for (int i = 0; i < 2; i++)
                Assert.True(Math.Abs(means[2 * map[j] + i] - tm[2 * j + i]) < 0.1, $"seed {seed}, {type}: mean {j}[{i}] fitted {means[2 * map[j] + i]:F3}, true {tm[2 * j + i]}");
        }
        Assert.Equal(3, map.Distinct().Count());
        for (int i = 0; i < 3; i++)
            for (int j = 0; j < 3; j++)
                Assert.True(Math.Abs(fit.Model.Transition(map[i], map[j]) - truth.Transition(i, j)) < 0.03,
                    $"seed {seed}, {type}: A[{i},{j}] fitted {fit.Model.Transition(map[i], map[j]):F3}, true {truth.Transition(i, j)}");
        if (type == CovarianceType.Full)
            for (int j = 0; j < 3; j++)
                for (int i = 0; i < 4; i++)
                    Assert.True(Math.Abs(fit.Model.Emission.FullCovariance(map[j])[i] - truth.Emission.FullCovariance(j)[i]) < 0.1,
                        $"seed {seed}: covariance {j}[{i}] fitted {fit.Model.Emission.FullCovariance(map[j])[i]:F3}, true {truth.Emission.FullCovariance(j)[i]}");
    }

    [Fact]
    public void CategoricalFitWithPseudocountsIsMonotoneAndKeepsStructuralZeros()
    {
        // Left-to-right 3-state model: A[1,0], A[2,0], A[2,1] are zero and must stay zero; the objective includes the
        // Dirichlet log prior, so it too must never decrease.
        int seed = Seed(11);
        var truth = new HiddenMarkovModel<CategoricalEmission, CategoricalStatistics>([1, 0, 0], [0.8, 0.2, 0, 0, 0.7, 0.3, 0, 0, 1],
            CategoricalEmission.FromProbabilities(new double[,] { { 0.7, 0.1, 0.1, 0.1 }, { 0.1, 0.7, 0.1, 0.1 }, { 0.1, 0.1, 0.1, 0.7 } }));
        var data = SequenceSet.FromSequences(Enumerable.Range(0, 30).Select(n => truth.Sample(20, seed + n).Observations).ToList());
        var init = new HiddenMarkovModel<CategoricalEmission, CategoricalStatistics>([1, 0, 0], [0.5, 0.5, 0, 0, 0.5, 0.5, 0, 0, 1],
            CategoricalEmission.Random(3, 4, seed, pseudocount: 0.5));
        var fit = new CategoricalHmm(new HmmOptions(3, Priors: new HmmPriors(0.1, 0.1))).Fit(data, init, new FitOptions(100, 1e-10, seed));
        for (int i = 1; i < fit.Trace.Count; i++)
            Assert.True(fit.Trace[i].Elbo >= fit.Trace[i - 1].Elbo - 1e-9, $"seed {seed}: objective fell at step {i + 1}");
        foreach (var (a, b) in new[] { (1, 0), (2, 0), (2, 1) })
            Assert.True(fit.Model.Transition(a, b) == 0, $"structural zero A[{a},{b}] became {fit.Model.Transition(a, b)}");
        Assert.Equal(0.0, fit.Model.Start[1]);
        Assert.True(fit.Model.Transition(0, 0) is > 0.65 and < 0.95, $"A[0,0] fitted {fit.Model.Transition(0, 0):F3}, true 0.8");
    }

    [Fact]
    public void SupervisedFitEqualsCounts()
    {
        var template = TinyModels.Categorical3();
        var data = SequenceSet.FromSymbols([[0, 1, 2], [3, 3]]);
        int[] states = [0, 0, 1, 2, 2];
        var model = SupervisedFit.Fit(template, data, states);
        Assert.Equal([0.5, 0, 0.5], model.Start);
        Assert.Equal(0.5, model.Transition(0, 0), 12); // 0→0 once, 0→1 once
        Assert.Equal(1.0, model.Transition(2, 2), 12);
        Assert.Equal(0.5, model.Emission.Probability(0, 0), 12);
        Assert.Equal(1.0, model.Emission.Probability(2, 3), 12);
        Assert.Equal(template.Transitions[3..6], model.Transitions[3..6]); // state 1 never transitions: row kept
    }

    [Fact]
    public void PoissonFitRecoversRates()
    {
        int seed = Seed(5);
        var truth = new HiddenMarkovModel<PoissonEmission, PoissonStatistics>([0.5, 0.5], [0.9, 0.1, 0.2, 0.8],
            PoissonEmission.FromRates(2, 1, [2.0, 12.0]));
        var data = SequenceSet.FromSequences(Enumerable.Range(0, 20).Select(n => truth.Sample(200, seed + n).Observations).ToList());
        var init = new HiddenMarkovModel<PoissonEmission, PoissonStatistics>([0.5, 0.5], [0.5, 0.5, 0.5, 0.5], PoissonEmission.FromRates(2, 1, [1.0, 5.0]));
        var fit = new PoissonHmm(new HmmOptions(2)).Fit(data, init, new FitOptions(200, 1e-10, seed));
        var r = fit.Model.Emission.Rates;
        Assert.True(Math.Abs(r[0] - 2) < 0.2 && Math.Abs(r[1] - 12) < 0.5, $"seed {seed}: rates fitted ({r[0]:F3}, {r[1]:F3}), true (2, 12)");
    }
}

/// <summary>Same data, same thread count: bitwise the same fit; other thread counts agree to rounding.</summary>
public class DeterminismTests
{
    [Fact]
    public void FitIsReproducibleAndThreadCountOnlyChangesRounding()
    {
        var truth = TinyModels.Gaussian3();
        var data = SequenceSet.FromSequences(Enumerable.Range(0, 37).Select(n => truth.Sample(50 + 7 * n, n).Observations).ToList());
        FitResult<HiddenMarkovModel<GaussianEmission, GaussianStatistics>> Fit(int threads) =>
            new GaussianHmm(new HmmOptions(3, MaxThreads: threads)).Fit(data, TinyModels.Gaussian3(), new FitOptions(15, 0, 1));
        var a = Fit(2); var b = Fit(2); var c = Fit(1);
        Assert.Equal(a.Trace.Select(s => s.Elbo), b.Trace.Select(s => s.Elbo));
        Assert.Equal(a.Model.Emission.Means, b.Model.Emission.Means);
        for (int i = 0; i < a.Trace.Count; i++)
            Assert.True(Math.Abs(a.Trace[i].Elbo - c.Trace[i].Elbo) < 1e-9 * Math.Abs(a.Trace[i].Elbo), $"1 vs 2 threads differ at step {i + 1}: {c.Trace[i].Elbo:R} vs {a.Trace[i].Elbo:R}");
    }
}
