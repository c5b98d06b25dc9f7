using System.Text.Json;
using System.Text.Json.Nodes;
using Probabilistic.Core.Inference;
using Probabilistic.Core.IO;
using Probabilistic.Hmm.Emissions;
using Probabilistic.Core.Gaussians;

namespace Probabilistic.Hmm.Tests;

/// <summary>
/// Tied covariance (one full D×D Σ shared by all states, hmmlearn's <c>covariance_type="tied"</c>): the Baum-Welch step
/// against path enumeration and the pooled MAP formula written here, equality with the same model written as Full,
/// monotone fits that recover Σ and the means, model files and bad input.
/// </summary>
public sealed class TiedCovarianceTests : IDisposable
{
    private readonly string _path = Path.Combine(Path.GetTempPath(), $"hmm-tied-{Guid.NewGuid():N}.json");

    public void Dispose() { if (File.Exists(_path)) File.Delete(_path); }

    private static int Seed(int fallback) =>
        int.TryParse(Environment.GetEnvironmentVariable("PROB_TEST_SEED"), out var s) ? s : fallback;

    private static readonly double[] Means = [0.0, 0.0, 1.5, -1.0, -1.0, 2.0];
    private static readonly double[] Shared = [1.1, 0.35, 0.35, 0.7];

    private static HiddenMarkovModel<GaussianEmission, GaussianStatistics> Tied3(double regularization = 0) =>
        new(TinyModels.Start3, TinyModels.Transitions3, GaussianEmission.FromParameters(3, 2, CovarianceType.Tied, Means, Shared, regularization));

    /// <summary>log N(x; μ, Σ) for 2-D x in closed form: Σ⁻¹ = [d, −b; −b, a]/(ad − b²).</summary>
    private static double LogNormal2(double x0, double x1, double m0, double m1, double[] s)
    {
        double a = s[0], b = s[1], d = s[3], det = a * d - b * b;
        double z0 = x0 - m0, z1 = x1 - m1;
        double q = (d * z0 * z0 - 2 * b * z0 * z1 + a * z1 * z1) / det;
        return -Math.Log(2 * Math.PI) - 0.5 * Math.Log(det) - 0.5 * q;
    }

    [Fact]
    public void OneStepEqualsEnumeratedStatisticsAndThePooledMapFormula()
    {
        // Three short 2-D sequences (lengths 4, 5, 3) under a 3-state tied model with r = 0.05. Independent reference:
        // emission densities in closed form, γ and ξ by enumerating all 3^T paths, then
        //   π' ∝ Σ γ_0, A' ∝ Σ ξ, μ'_k = Σ_t γ_tk x_t / N_k, Σ' = (Σ_k Σ_t γ_tk (x_t − μ'_k)(x_t − μ'_k)ᵀ + r I) / Σ_k N_k.
        const double r = 0.05;
        var model = Tied3(r);
        double[][] seqs =
        [
            [0.2, -0.3, 1.4, -0.8, -1.2, 2.5, 0.1, 0.4],
            [1.9, -1.3, 1.0, -0.2, -0.7, 1.6, -1.5, 2.2, 0.3, 0.9],
            [-0.4, 0.6, 2.1, -1.1, 0.0, 0.0],
        ];
        int k = 3;
        var start = new double[k]; var trans = new double[k * k]; var n = new double[k]; var sx = new double[k * 2];
        var gammas = new List<(double[] X, double[] G)>();
        double logLik = 0;
        foreach (var x in seqs)
        {
            int steps = x.Length / 2;
            var logFrame = new double[steps * k];
            for (int t = 0; t < steps; t++)
                for (int j = 0; j < k; j++) logFrame[t * k + j] = LogNormal2(x[2 * t], x[2 * t + 1], Means[2 * j], Means[2 * j + 1], Shared);
            var e = BruteForce.Enumerate(TinyModels.Start3, TinyModels.Transitions3, logFrame, steps, k);
            logLik += e.LogLikelihood;
            for (int j = 0; j < k; j++) start[j] += e.Gamma[j];
            for (int t = 0; t + 1 < steps; t++) for (int i = 0; i < k * k; i++) trans[i] += e.Xi[t * k * k + i];
            for (int t = 0; t < steps; t++)
                for (int j = 0; j < k; j++)
                {
                    double g = e.Gamma[t * k + j];
                    n[j] += g; sx[2 * j] += g * x[2 * t]; sx[2 * j + 1] += g * x[2 * t + 1];
                }
            gammas.Add((x, e.Gamma));
        }
        var mu = new double[k * 2];
        for (int j = 0; j < k; j++) { mu[2 * j] = sx[2 * j] / n[j]; mu[2 * j + 1] = sx[2 * j + 1] / n[j]; }
        var sigma = new double[4];
        foreach (var (x, g) in gammas)
            for (int t = 0; t < x.Length / 2; t++)
                for (int j = 0; j < k; j++)
                {
                    double z0 = x[2 * t] - mu[2 * j], z1 = x[2 * t + 1] - mu[2 * j + 1], w = g[t * k + j];
                    sigma[0] += w * z0 * z0; sigma[1] += w * z0 * z1; sigma[2] += w * z1 * z0; sigma[3] += w * z1 * z1;
                }
        double total = n.Sum();
        sigma[0] = (sigma[0] + r) / total; sigma[1] /= total; sigma[2] /= total; sigma[3] = (sigma[3] + r) / total;
        // The objective the step reports: log-likelihood plus the penalty −½ r tr(Σ⁻¹), tr(Σ⁻¹) = (a + d)/(ad − b²).
        double penalty = -0.5 * r * (Shared[0] + Shared[3]) / (Shared[0] * Shared[3] - Shared[1] * Shared[1]);

        var bw = new BaumWelch<GaussianEmission, GaussianStatistics>(model, SequenceSet.FromSequences(seqs, 2));
        Assert.Equal(logLik + penalty, bw.Objective, 10); // the start's objective, from the constructor's E-step
        double objective = bw.Step(CancellationToken.None);
        var next = bw.Model;
        // A step reports the objective of the model it ends with.
        Assert.Equal(next.Score(SequenceSet.FromSequences(seqs, 2)) + next.Emission.LogPrior(), objective, 10);
        Assert.Equal(CovarianceType.Tied, next.Emission.CovarianceType);
        double startTotal = start.Sum();
        for (int j = 0; j < k; j++)
        {
            Assert.Equal(start[j] / startTotal, next.Start[j], 10);
            double rowTotal = trans[(j * k)..(j * k + k)].Sum();
            for (int i = 0; i < k; i++) Assert.Equal(trans[j * k + i] / rowTotal, next.Transition(j, i), 10);
            for (int i = 0; i < 2; i++) Assert.Equal(mu[2 * j + i], next.Emission.Means[2 * j + i], 10);
        }
        var fitted = next.Emission.Covariances;
        Assert.Equal(4, fitted.Length); // the shared matrix once, not K copies
        for (int i = 0; i < 4; i++) Assert.Equal(sigma[i], fitted[i], 10);
        for (int j = 0; j < k; j++) Assert.Equal(fitted, next.Emission.FullCovariance(j));
    }

    [Fact]
    public void LogLikelihoodEqualsTheSameModelWrittenAsFull()
    {
        // Tied Σ is Full with Σ repeated per state: per-frame densities, sequence scores and the log prior must agree.
        // The log prior differs by design: tied pays −½ r tr(Σ⁻¹) once, Full K times.
        var tied = Tied3(0.3);
        var full = new HiddenMarkovModel<GaussianEmission, GaussianStatistics>(TinyModels.Start3, TinyModels.Transitions3,
            GaussianEmission.FromParameters(3, 2, CovarianceType.Full, Means, [.. Shared, .. Shared, .. Shared], 0.3));
        var random = new Random(Seed(3));
        var x = Enumerable.Range(0, 2 * 40).Select(_ => 3 * random.NextDouble() - 1.5).ToArray();
        var a = TinyModels.LogFrame(tied, x); var b = TinyModels.LogFrame(full, x);
        for (int i = 0; i < a.Length; i++) Assert.True(Math.Abs(a[i] - b[i]) <= 1e-12 * Math.Max(1, Math.Abs(b[i])), $"frame {i}: tied {a[i]:R}, full {b[i]:R}");
        for (int t = 0; t < 3; t++)
            Assert.Equal(LogNormal2(x[2 * t], x[2 * t + 1], Means[0], Means[1], Shared), a[t * 3], 12);
        double st = tied.Score(x), sf = full.Score(x);
        Assert.True(Math.Abs(st - sf) <= 1e-12 * Math.Abs(sf), $"score: tied {st:R}, full {sf:R}");
        Assert.Equal(full.Emission.LogPrior() / 3, tied.Emission.LogPrior(), 12);
    }

    [Fact]
    public void TraceNeverDecreasesAndRecoversTheSharedCovarianceAndMeans()
    {
        int seed = Seed(17);
        double[] trueShared = [1.0, 0.4, 0.4, 0.6];
        var truth = new HiddenMarkovModel<GaussianEmission, GaussianStatistics>([0.6, 0.3, 0.1],
            [0.90, 0.05, 0.05, 0.10, 0.85, 0.05, 0.05, 0.15, 0.80],
            GaussianEmission.FromParameters(3, 2, CovarianceType.Tied, [-3, 0, 0, 3, 3, -1], trueShared));
        var seqs = Enumerable.Range(0, 40).Select(m => truth.Sample(250, seed * 1000 + m).Observations).ToList();
        var data = SequenceSet.FromSequences(seqs, 2);
        var init = new HiddenMarkovModel<GaussianEmission, GaussianStatistics>([1 / 3.0, 1 / 3.0, 1 / 3.0],
            [0.5, 0.25, 0.25, 0.25, 0.5, 0.25, 0.25, 0.25, 0.5],
            GaussianEmission.FromParameters(3, 2, CovarianceType.Tied, [-2, 1, 1, 2, 2, 0], [2, 0, 0, 2], regularization: 1e-6));
        var fit = new GaussianHmm(new HmmOptions(init.StateCount)).Fit(data, init, new FitOptions(MaxIterations: 200, Tolerance: 1e-9, Seed: seed));
        Assert.True(fit.Trace.Count > 2, $"seed {seed}: only {fit.Trace.Count} iterations");
        for (int i = 1; i < fit.Trace.Count; i++)
            Assert.True(fit.Trace[i].Elbo >= fit.Trace[i - 1].Elbo - 1e-9 * Math.Abs(fit.Trace[i].Elbo),
                $"seed {seed}: trace fell at step {i + 1}: {fit.Trace[i - 1].Elbo:R} -> {fit.Trace[i].Elbo:R}");
        Assert.Equal(CovarianceType.Tied, fit.Model.Emission.CovarianceType);
        // Tolerances from the sample size: 10 000 observations; the chain's stationary mass is (0.45, 0.35, 0.20), so the
        // rarest state holds about 2 000. A mean coordinate has standard error √(σ_ii/N_k) ≤ √(1/2 000) ≈ 0.022, so 0.1
        // is about 4.5 SE. Σ pools all 10 000 points; an entry of a sample covariance has standard error
        // √((σ_ii σ_jj + σ_ij²)/N), largest for Σ_00: √(2·1²/10 000) ≈ 0.014, so 0.06 is about 4 SE.
        var means = fit.Model.Emission.Means;
        var tm = truth.Emission.Means;
        var map = new int[3];
        for (int j = 0; j < 3; j++)
        {
            map[j] = Enumerable.Range(0, 3).OrderBy(s => Math.Pow(means[2 * s] - tm[2 * j], 2) + Math.Pow(means[2 * s + 1] - tm[2 * j + 1], 2)).First();
            for (int i = 0; i < 2; i++)
                Assert.True(Math.Abs(means[2 * map[j] + i] - tm[2 * j + i]) < 0.1, $"seed {seed}: mean {j}[{i}] fitted {means[2 * map[j] + i]:F3}, true {tm[2 * j + i]}");
        }
        Assert.Equal(3, map.Distinct().Count());
        var shared = fit.Model.Emission.Covariances;
        for (int i = 0; i < 4; i++)
            Assert.True(Math.Abs(shared[i] - trueShared[i]) < 0.06, $"seed {seed}: shared covariance [{i}] fitted {shared[i]:F4}, true {trueShared[i]}");
    }

    [Fact]
    public void ModelFileRoundTripsExactlyAsVersion2AndOlderReadersRefuseIt()
    {
        var model = Tied3(0.01);
        model.Save(_path);
        var root = JsonNode.Parse(File.ReadAllText(_path))!;
        Assert.Equal(2, root["version"]!.GetValue<int>());
        Assert.Single(root["model"]!["covariances"]!.AsArray());
        var loaded = HmmModelFile.Load(_path);
        var data = HmmModelFile.ToData(loaded);
        Assert.Equal(CovarianceType.Tied, data.CovarianceType);
        var g = Assert.IsType<HiddenMarkovModel<GaussianEmission, GaussianStatistics>>(loaded);
        Assert.Equal(CovarianceType.Tied, g.Emission.CovarianceType);
        Assert.Equal(Shared, g.Emission.Covariances);
        Assert.Equal(0.01, g.Emission.Regularization);
        var x = SequenceSet.Single([0.3, -0.2, 1.1, 0.8, -1.0, 2.0], 2);
        Assert.Equal(model.ScoreEach(x), loaded.ScoreEach(x));

        // A reader of version 1 only (every build before tied) refuses the file by its version.
        var e = Assert.Throws<ModelFormatException>(() => ModelFile.Load<HmmFileData>(_path, HmmModelFile.Kind, 1));
        Assert.Contains("version 2", e.Message);
        // Models without a tied covariance are still written as version 1, so those builds keep reading them.
        TinyModels.GaussianFull3().Save(_path);
        Assert.Equal(1, JsonNode.Parse(File.ReadAllText(_path))!["version"]!.GetValue<int>());
    }

    [Fact]
    public void TiedFileMarkedVersion1OrWithKMatricesOrAnUnknownVersionIsRefused()
    {
        Tied3().Save(_path);
        var root = JsonNode.Parse(File.ReadAllText(_path))!;
        root["version"] = 1;
        File.WriteAllText(_path, root.ToJsonString());
        var e = Assert.Throws<ModelFormatException>(() => HmmModelFile.Load(_path));
        Assert.Contains("needs format version 2", e.Message);

        root["version"] = 2;
        root["model"]!["covariances"] = new JsonArray(new JsonArray(1.1, 0.35, 0.35, 0.7), new JsonArray(1.1, 0.35, 0.35, 0.7));
        File.WriteAllText(_path, root.ToJsonString());
        e = Assert.Throws<ModelFormatException>(() => HmmModelFile.Load(_path));
        Assert.Contains("a tied model has one", e.Message);

        root["version"] = 3;
        File.WriteAllText(_path, root.ToJsonString());
        e = Assert.Throws<ModelFormatException>(() => HmmModelFile.Load(_path));
        Assert.Contains("is a version 3 'hmm' file; this build reads versions 1 and 2", e.Message);
    }

    [Fact]
    public void NonPositiveDefiniteSharedCovarianceIsRefusedByName()
    {
        // [1, 2; 2, 1] has eigenvalues 3 and −1.
        var e = Assert.Throws<ArgumentException>(() => GaussianEmission.FromParameters(3, 2, CovarianceType.Tied, Means, [1, 2, 2, 1]));
        Assert.Contains("tied (shared) covariance is not positive definite", e.Message);
        e = Assert.Throws<ArgumentException>(() => GaussianEmission.FromParameters(3, 2, CovarianceType.Tied, Means, [1, 0.2, 0.3, 1]));
        Assert.Contains("tied (shared) covariance is not symmetric", e.Message);
        e = Assert.Throws<ArgumentException>(() => GaussianEmission.FromParameters(3, 2, CovarianceType.Tied, Means, [.. Shared, .. Shared, .. Shared]));
        Assert.Contains("not 2×2 (one matrix shared by all states)", e.Message);

        // Through a model file: the file is refused with the same reason and its path.
        Tied3().Save(_path);
        var root = JsonNode.Parse(File.ReadAllText(_path))!;
        root["model"]!["covariances"] = new JsonArray(new JsonArray(1.0, 2.0, 2.0, 1.0));
        File.WriteAllText(_path, root.ToJsonString());
        var f = Assert.Throws<ModelFormatException>(() => HmmModelFile.Load(_path));
        Assert.Contains("tied (shared) covariance is not positive definite", f.Message);
        Assert.Contains(_path, f.Message);
    }

    [Fact]
    public void GmmHmmRefusesTiedComponents()
    {
        var components = GaussianEmission.FromParameters(4, 2, CovarianceType.Tied, [0, 0, 1, 1, 2, 2, 3, 3], Shared);
        var e = Assert.Throws<NotSupportedException>(() => GaussianMixtureEmission.Create(2, 2, [0.5, 0.5, 0.5, 0.5], components));
        Assert.Contains("tied covariances is not supported", e.Message);
    }

    [Fact]
    public void StartPointAveragesThePerStateMatricesIntoTheSharedOne()
    {
        // Peer start-point format: K full matrices; tied takes their mean (exact when all K are the same matrix).
        var json = """{"start":[0.5,0.5],"transitions":[[0.9,0.1],[0.1,0.9]],"means":[[0,0],[1,1]],"covariances":[[[1.0,0.2],[0.2,2.0]],[[3.0,0.4],[0.4,1.0]]]}""";
        File.WriteAllText(_path, json);
        var model = GaussianStartPoint.Read(_path).ToModel(CovarianceType.Tied);
        double[] mean = [(1.0 + 3.0) / 2, (0.2 + 0.4) / 2, (0.2 + 0.4) / 2, (2.0 + 1.0) / 2];
        var shared = model.Emission.Covariances;
        Assert.Equal(4, shared.Length);
        for (int i = 0; i < 4; i++) Assert.Equal(mean[i], shared[i], 15);
    }

    [Fact]
    public void SamplesHaveTheSharedCovarianceInEveryState()
    {
        // 20 000 draws per state: a covariance entry's standard error is √((σ_ii σ_jj + σ_ij²)/N), largest for Σ_00:
        // √(2·1.1²/20 000) ≈ 0.011, so 0.05 is about 4.5 SE; a mean coordinate's is √(1.1/20 000) ≈ 0.0074, so 0.04 is about 5 SE.
        var model = Tied3();
        var random = new Random(Seed(23));
        const int count = 20_000;
        var draw = new double[2];
        for (int s = 0; s < 3; s++)
        {
            double m0 = 0, m1 = 0, c00 = 0, c01 = 0, c11 = 0;
            var xs = new double[count * 2];
            for (int i = 0; i < count; i++) { model.Emission.Sample(s, random, draw); xs[2 * i] = draw[0]; xs[2 * i + 1] = draw[1]; m0 += draw[0] / count; m1 += draw[1] / count; }
            for (int i = 0; i < count; i++)
            {
                double z0 = xs[2 * i] - m0, z1 = xs[2 * i + 1] - m1;
                c00 += z0 * z0 / count; c01 += z0 * z1 / count; c11 += z1 * z1 / count;
            }
            Assert.True(Math.Abs(m0 - Means[2 * s]) < 0.04 && Math.Abs(m1 - Means[2 * s + 1]) < 0.04, $"state {s}: sample mean ({m0:F3}, {m1:F3})");
            Assert.True(Math.Abs(c00 - Shared[0]) < 0.05 && Math.Abs(c01 - Shared[1]) < 0.05 && Math.Abs(c11 - Shared[3]) < 0.05,
                $"state {s}: sample covariance [{c00:F3}, {c01:F3}; {c11:F3}], shared [{Shared[0]}, {Shared[1]}; {Shared[3]}]");
        }
    }
}
