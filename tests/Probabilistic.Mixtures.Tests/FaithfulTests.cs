using Probabilistic.Core.Inference;
using Probabilistic.Core.Gaussians;

namespace Probabilistic.Mixtures.Tests;

/// <summary>Old Faithful (272×2), K=2, from the peers' fixed start, against scikit-learn 1.2.1.</summary>
public class FaithfulTests
{
    // Reference figures, produced in this session with (Debian python3-sklearn 1.2.1, OpenBLAS 0.3.21):
    //   cd ../shared/peers && /usr/bin/python3 gmm_data.py
    //   /usr/bin/python3 gmm_sklearn.py --workload faithful --cov full --init file --max-iter 50 --repeats 3 --threads 2
    //     -> "mean_loglik_final": -4.15538220659224, "n_iter": 50
    //   /usr/bin/python3 gmm_sklearn.py --workload faithful --cov diag --init file --max-iter 50 --repeats 1 --threads 2
    //     -> "mean_loglik_final": -4.219876296118833
    // (the peers README quotes -4.155382 and -4.219876).
    [Theory]
    [InlineData(CovarianceType.Full, -4.15538220659224)]
    [InlineData(CovarianceType.Diagonal, -4.219876296118833)]
    public void FiftyIterationsFromTheFixedStartMatchScikitLearn(CovarianceType type, double sklearn)
    {
        var data = TestData.Faithful();
        var gmm = new GaussianMixture(new GaussianMixtureOptions(2, type,
            Init: MixtureInit.Parameters, InitialParameters: TestData.FaithfulStart(type)));
        var (_, trace) = gmm.Fit(data, new FitOptions(MaxIterations: 50, Tolerance: 0));
        Assert.Equal(50, trace.Count);
        Assert.Equal(StopReason.MaxIterations, trace.StopReason);
        double ours = trace.FinalElboPerObservation;
        Assert.True(Math.Abs(ours - sklearn) <= 1e-6 * Math.Abs(sklearn), $"mean LL after 50 iterations: ours {ours:R}, scikit-learn {sklearn:R}");
        double score = gmm.ScorePerObservation(data);
        Assert.True(Math.Abs(score - ours) < 1e-12, $"Score() {score:R} vs the trace's final value {ours:R} (the last E-step is on the final parameters)");
    }

    [Fact]
    public void TraceNeverDecreasesAndPredictAgreesWithTheFinalEStep()
    {
        var data = TestData.Faithful();
        var gmm = new GaussianMixture(new GaussianMixtureOptions(2));
        var (_, trace) = gmm.Fit(data, new FitOptions(MaxIterations: 200, Tolerance: 1e-10, Seed: TestData.Seed(3)));
        for (int i = 1; i < trace.Count; i++)
            Assert.True(trace[i].ElboPerObservation >= trace[i - 1].ElboPerObservation - 1e-12,
                $"iteration {i + 1}: {trace[i].ElboPerObservation:R} < {trace[i - 1].ElboPerObservation:R}");
        Assert.Equal(StopReason.Converged, trace.StopReason);
        // The well-known two clusters: short eruptions (~2.04 min, ~54.5 min wait) and long ones (~4.29, ~80).
        var p = gmm.Parameters!;
        var shortK = p.Means[0] < p.Means[2] ? 0 : 1;
        Assert.Equal(2.04, p.Means[shortK * 2], 1);
        Assert.Equal(54.5, p.Means[shortK * 2 + 1], 0);
        var labels = gmm.Predict(data);
        int shortCount = labels.Count(l => l == shortK);
        Assert.True(shortCount is > 90 and < 105, $"{shortCount} short eruptions predicted (about 97 expected)");
    }
}
