using Probabilistic.Core.Inference;
using Probabilistic.Hmm.Emissions;

namespace Probabilistic.Hmm.Tests;

/// <summary>Gaussian mixtures per state (GMM-HMM).</summary>
public class GmmEmissionTests
{
    private static GaussianMixtureEmission TwoByTwo() => GaussianMixtureEmission.Create(2, 2, [0.3, 0.7, 0.5, 0.5],
        GaussianEmission.Univariate([-2.0, 0.0, 3.0, 5.0], [0.5, 1.0, 0.7, 2.0]));

    [Fact]
    public void LogDensityIsTheLogOfTheWeightedSum()
    {
        var e = TwoByTwo();
        var lp = new double[2];
        e.LogLikelihoods([0.7], 1, lp);
        static double N(double x, double m, double v) => Math.Exp(-0.5 * (x - m) * (x - m) / v) / Math.Sqrt(2 * Math.PI * v);
        Assert.Equal(Math.Log(0.3 * N(0.7, -2, 0.5) + 0.7 * N(0.7, 0, 1)), lp[0], 12);
        Assert.Equal(Math.Log(0.5 * N(0.7, 3, 0.7) + 0.5 * N(0.7, 5, 2)), lp[1], 12);
    }

    [Fact]
    public void OneComponentPerStateEqualsTheGaussianHmm()
    {
        // With M = 1 every quantity must equal the plain Gaussian HMM's: log-likelihood and one Baum-Welch step.
        var g = TinyModels.Gaussian3();
        var m = new HiddenMarkovModel<GaussianMixtureEmission, GaussianMixtureStatistics>(g.Start, g.Transitions,
            GaussianMixtureEmission.Create(3, 1, [1.0, 1.0, 1.0], g.Emission));
        var data = SequenceSet.FromSequences([[0.1, -1.3, 2.2, 0.4, 1.9], [3.0, 2.5, -2.0, -0.5, 0.0, 1.0]]);
        Assert.Equal(g.Score(data), m.Score(data), 10);
        var bg = new BaumWelch<GaussianEmission, GaussianStatistics>(g, data); bg.Step(CancellationToken.None);
        var bm = new BaumWelch<GaussianMixtureEmission, GaussianMixtureStatistics>(m, data); bm.Step(CancellationToken.None);
        for (int i = 0; i < 3; i++)
        {
            Assert.Equal(bg.Model.Emission.Means[i], bm.Model.Emission.Components.Means[i], 10);
            Assert.Equal(bg.Model.Emission.Covariances[i], bm.Model.Emission.Components.Covariances[i], 10);
        }
        Assert.Equal(bg.Model.Transitions, bm.Model.Transitions.Select(v => v).ToArray());
    }

    [Fact]
    public void BaumWelchOnGmmHmmIsMonotoneAndSaveLoadRoundTrips()
    {
        var truth = new HiddenMarkovModel<GaussianMixtureEmission, GaussianMixtureStatistics>([0.5, 0.5], [0.9, 0.1, 0.2, 0.8], TwoByTwo());
        var data = SequenceSet.FromSequences(Enumerable.Range(0, 10).Select(n => truth.Sample(200, 40 + n).Observations).ToList());
        var init = new HiddenMarkovModel<GaussianMixtureEmission, GaussianMixtureStatistics>([0.5, 0.5], [0.5, 0.5, 0.5, 0.5],
            GaussianMixtureEmission.Create(2, 2, [0.5, 0.5, 0.5, 0.5], GaussianEmission.Univariate([-1.0, 1.0, 2.0, 4.0], [2.0, 2.0, 2.0, 2.0], 1e-6)));
        var fit = new GmmHmm(new HmmOptions(init.StateCount, ComponentsPerState: init.Emission.ComponentCount)).Fit(data, init, new FitOptions(100, 1e-10, 1));
        for (int i = 1; i < fit.Trace.Count; i++)
            Assert.True(fit.Trace[i].Elbo >= fit.Trace[i - 1].Elbo - 1e-9 * Math.Abs(fit.Trace[i].Elbo), $"GMM-HMM objective fell at step {i + 1}");
        Assert.True(fit.Model.Score(data) > truth.Score(data) - 15, $"fitted log-lik {fit.Model.Score(data)} far below the truth's {truth.Score(data)}");
        var path = Path.Combine(Path.GetTempPath(), $"gmmhmm-{Environment.ProcessId}.json");
        try
        {
            fit.Model.Save(path);
            var loaded = HiddenMarkovModel<GaussianMixtureEmission, GaussianMixtureStatistics>.Load(path);
            Assert.Equal(fit.Model.ScoreEach(data), loaded.ScoreEach(data));
        }
        finally { File.Delete(path); }
    }
}
