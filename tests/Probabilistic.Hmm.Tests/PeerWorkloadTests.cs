using Probabilistic.Core.Data;
using Probabilistic.Core.Inference;
using Probabilistic.Hmm.Emissions;
using Xunit.Abstractions;
using Probabilistic.Core.Gaussians;

namespace Probabilistic.Hmm.Tests;

/// <summary>
/// The peer workloads G1/G4 (written by ../shared/peers/hmm_pomegranate.py gauss into $PEERS_DATA/hmm): 20 Baum-Welch
/// iterations from G?.init.json must end at pomegranate 0.14's total log-likelihood, −192039.4 (G1) and −652749.4
/// (G4) (shared/peers/README.md, reference figures). Skipped, with the reason printed, when the files are absent.
/// </summary>
public class PeerWorkloadTests
{
    [SkippableTheory]
    [InlineData(1, -192039.4)]
    [InlineData(4, -652749.4)]
    public void TwentyIterationsReachPomegranatesLogLikelihood(int dim, double expected)
    {
        var root = Environment.GetEnvironmentVariable("PEERS_DATA") is { Length: > 0 } d ? d : "/tmp/probabilistic-peers";
        var npy = Path.Combine(root, "hmm", $"G{dim}.npy");
        var init = Path.Combine(root, "hmm", $"G{dim}.init.json");
        TestPaths.RequireFiles($"run /usr/bin/python3 hmm_pomegranate.py gauss --dim {dim} --iters 2 --repeats 1 in ../shared/peers", npy, init);
        var array = NpyReader.Read(npy);
        var data = SequenceSet.FromLengths(array.Data, dim, Enumerable.Repeat(array.Shape[1], array.Shape[0]).ToArray());
        var start = GaussianStartPoint.Read(init).ToModel(CovarianceType.Full);
        var fit = new GaussianHmm(new HmmOptions(start.StateCount)).Fit(data, start, new FitOptions(20, 0, 1));
        Assert.Equal(20, fit.Trace.Count);
        Assert.True(Math.Abs(fit.Model.Score(data) - expected) < 0.05, $"G{dim}: log-likelihood after 20 iterations {fit.Model.Score(data):F2}, pomegranate {expected}");
    }
}
