using Probabilistic.Core.Data;
using Probabilistic.Mixtures.Kernels;

namespace Probabilistic.Mixtures.Tests;

/// <summary>
/// The CPU backend keeps its E-step workspaces between bindings (a served model binds every request's rows): a reused
/// workspace must give what the per-point reference kernel gives, whatever the previous binding's size, and under
/// concurrent requests.
/// </summary>
public class WorkspaceReuseTests
{
    [Theory]
    [InlineData(CovarianceType.Full)]
    [InlineData(CovarianceType.Diagonal)]
    public void Bindings_that_reuse_workspaces_give_the_reference_densities(CovarianceType type)
    {
        var (x, _, truth) = TestData.KnownMixture(3000, 4, type);
        var backend = new CpuMixtureBackend(2);
        var f = PrecisionFactors.Compute(truth);
        // requests of many sizes, small and large, so the workspaces come back from other block fills
        int[] sizes = [1, 3000, 7, 130, 1, 2999, 64, 1000];
        var requests = sizes.Select((n, i) => x.AsSpan(((i * 37) % (3000 - n + 1)) * 2, n * 2).ToArray()).ToArray();
        double[] Reference(double[] rows)
        {
            int n = rows.Length / 2;
            var logp = new double[n * 3];
            EStepKernels.EstimateWeightedLogProb(rows, n, f, logp);
            var norm = new double[n];
            EStepKernels.LogResponsibilities(logp, n, 3, norm);
            return norm;
        }
        double[] Bound(double[] rows)
        {
            int n = rows.Length / 2;
            var ll = new double[n];
            using var data = backend.Bind(rows, n, 2, 3);
            data.Responsibilities(f, new double[n * 3], ll);
            return ll;
        }
        var expected = requests.Select(Reference).ToArray();
        for (int round = 0; round < 2; round++)
            for (int i = 0; i < requests.Length; i++)
                Numbers.AssertClose(expected[i], Bound(requests[i]), 1e-12, what: $"{type}, round {round}, request {i} ({sizes[i]} rows)");
        // concurrent requests on the one backend: each gets what it gets alone
        var results = new double[64][];
        Parallel.For(0, results.Length, new ParallelOptions { MaxDegreeOfParallelism = 8 }, i => results[i] = Bound(requests[i % requests.Length]));
        for (int i = 0; i < results.Length; i++)
            Numbers.AssertClose(expected[i % requests.Length], results[i], 1e-12, what: $"{type}, concurrent request {i}");
    }
}
