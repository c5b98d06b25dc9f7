using Probabilistic.Mixtures.Kernels;
using Probabilistic.Core.Gaussians;

namespace Probabilistic.Mixtures.Tests;

/// <summary>
/// The register-tiled block kernels (<see cref="TiledKernels"/> through the CPU backend) against the plain per-point
/// reference kernels, on random data and parameters with sizes that are not multiples of the tiles (4 rows of U, 4×4
/// moment tiles, pairs of diagonal components, 4 components × 2 dimensions) or of the block, D = 1 and K = 1, and data
/// far from the origin (the backend stores x − x̄ so that U x − U μ does not cancel).
/// </summary>
public class TiledKernelTests
{
    /// <summary>
    /// The inline exponential of the responsibilities against Math.Exp over the range they use, [−708, 0], and up to 709:
    /// within 2 ulp (a relative 4.5e-16) at 20,000 points including the ends and 0.
    /// </summary>
    [Fact]
    public void InlineExpMatchesMathExp()
    {
        var xs = ExpArguments();
        var e = new double[xs.Length];
        for (int i = 0; i < xs.Length; i += System.Numerics.Vector<double>.Count)
            TiledKernels.Exp(new System.Numerics.Vector<double>(xs.AsSpan(i))).CopyTo(e, i);
        AssertExpWithin2Ulp(xs, e, "Vector<double>");
    }

    /// <summary>The AVX-512 exponential (<c>vscalefpd</c>) as <see cref="InlineExpMatchesMathExp"/>, where the CPU has AVX-512.</summary>
    [SkippableFact]
    public void Avx512ExpMatchesMathExp()
    {
        Skip.IfNot(System.Runtime.Intrinsics.X86.Avx512F.IsSupported, "this CPU has no AVX-512 (the Vector<double> path is tested alone)");
        var xs = ExpArguments();
        var e = new double[xs.Length];
        for (int i = 0; i < xs.Length; i += 8)
            System.Runtime.Intrinsics.Vector512.StoreUnsafe(TiledKernels.Exp512(System.Runtime.Intrinsics.Vector512.Create(xs.AsSpan(i, 8))), ref e[i]);
        AssertExpWithin2Ulp(xs, e, "AVX-512");
    }

    // 20,000 arguments in [−708, 709], the ends and 0 among them.
    private static double[] ExpArguments()
    {
        var rng = new Random(TestData.Seed(29));
        return Enumerable.Range(0, 20000).Select(i => i switch { 0 => -708.0, 1 => 0.0, 2 => 709.0, _ => rng.NextDouble() * 1417 - 708 }).ToArray();
    }

    private static void AssertExpWithin2Ulp(double[] xs, double[] e, string path)
    {
        double worst = 0, at = 0;
        for (int i = 0; i < xs.Length; i++)
        {
            double want = Math.Exp(xs[i]), rel = Math.Abs(e[i] - want) / want;
            if (!(rel <= worst)) (worst, at) = (rel, xs[i]);
        }
        Assert.True(worst <= 4.5e-16, $"{path}: exp({at:R}) is off by a relative {worst:E2} from Math.Exp, more than 2 ulp");
    }

    [Theory]
    [InlineData(CovarianceType.Full, 1, 1, 37, 32, 1, 0.0)]
    [InlineData(CovarianceType.Full, 5, 3, 100, 32, 2, 0.0)]
    [InlineData(CovarianceType.Full, 16, 16, 300, 64, 2, 0.0)]
    [InlineData(CovarianceType.Full, 17, 2, 129, 32, 1, 0.0)]
    [InlineData(CovarianceType.Full, 6, 4, 250, 128, 2, 1e4)]
    [InlineData(CovarianceType.Tied, 7, 3, 77, 32, 2, 0.0)]
    [InlineData(CovarianceType.Diagonal, 1, 1, 37, 32, 1, 0.0)]
    [InlineData(CovarianceType.Diagonal, 7, 5, 101, 32, 2, 0.0)]
    [InlineData(CovarianceType.Diagonal, 8, 32, 300, 64, 2, 0.0)]
    [InlineData(CovarianceType.Diagonal, 3, 6, 250, 128, 1, 1e4)]
    [InlineData(CovarianceType.Spherical, 3, 3, 50, 32, 1, 0.0)]
    public void TiledEStepMatchesThePerPointReference(CovarianceType type, int d, int k, int n, int block, int threads, double offset)
    {
        int seed = TestData.Seed(23);
        var (x, p) = RandomProblem(type, d, k, n, offset, seed);
        var f = PrecisionFactors.Compute(p);
        var logProb = new double[n * k];
        var logNorm = new double[n];
        EStepKernels.EstimateWeightedLogProb(x, n, f, logProb);
        EStepKernels.LogResponsibilities(logProb, n, k, logNorm);
        var resp = logProb.Select(Math.Exp).ToArray();
        bool full = type is CovarianceType.Full or CovarianceType.Tied;
        var reference = new GaussianStatistics(k, d, full);
        p.MeansArray.CopyTo(reference.Reference, 0);
        EStepKernels.AccumulateStatistics(x, n, resp, reference);

        using var bound = new CpuMixtureBackend(threads, block).Bind(x, n, d, k);
        var blockResp = new double[n * k];
        var blockLl = new double[n];
        bound.Responsibilities(f, blockResp, blockLl);
        string at = $"{type} D={d} K={k} N={n} block {block}, offset {offset} (seed {seed})";
        Numbers.AssertClose(logNorm, blockLl, 1e-12, 1e-12, $"log p(x) per point, {at}");
        Numbers.AssertClose(resp, blockResp, 1e-12, 1e-12, $"responsibilities, {at}");

        var stats = new GaussianStatistics(k, d, full);
        bound.EStep(f, stats);
        Numbers.AssertClose(logNorm.Sum(), stats.LogLikelihood, 1e-12, 0, $"log-likelihood, {at}");
        Numbers.AssertClose(reference.Weight, stats.Weight, 1e-12, 1e-12, $"N_k, {at}");
        // Moments about the means: sums of n terms of size up to (spread)², compared to rounding of that size.
        double scale = 1e-12 * n * 16;
        Numbers.AssertClose(reference.First, stats.First, 1e-11, scale, $"first moments, {at}");
        Numbers.AssertClose(reference.Second, stats.Second, 1e-11, scale, $"second moments, {at}");
    }

    [Theory]
    [InlineData(CovarianceType.Full)]
    [InlineData(CovarianceType.Diagonal)]
    public void ComponentsFarBelowTheBestGetResponsibilityZeroAndTheLikelihoodHolds(CovarianceType type)
    {
        // Clusters 60 standard deviations apart: log-responsibilities of the far ones are about −1800, below where exp
        // leaves the normal range; the kernel clamps them to 0 (exp would give at most 1e-304) and log p(x) is unchanged.
        int n = 200, d = 3, k = 2;
        var random = new Random(TestData.Seed(29));
        var x = new double[n * d];
        for (int row = 0; row < n; row++)
            for (int i = 0; i < d; i++) x[row * d + i] = (row % 2 == 0 ? -30 : 30) + random.NextDouble() - 0.5;
        double[] means = [-30, -30, -30, 30, 30, 30];
        var cov = type == CovarianceType.Full
            ? new double[] { 1, 0, 0, 0, 1, 0, 0, 0, 1, 1, 0, 0, 0, 1, 0, 0, 0, 1 }
            : Enumerable.Repeat(1.0, k * d).ToArray();
        var f = PrecisionFactors.Compute(new GaussianMixtureParameters(type, k, d, [0.5, 0.5], means, cov));
        var logProb = new double[n * k];
        var logNorm = new double[n];
        EStepKernels.EstimateWeightedLogProb(x, n, f, logProb);
        EStepKernels.LogResponsibilities(logProb, n, k, logNorm);
        using var bound = new CpuMixtureBackend(1, 32).Bind(x, n, d, k);
        var resp = new double[n * k];
        var ll = new double[n];
        bound.Responsibilities(f, resp, ll);
        Numbers.AssertClose(logNorm, ll, 1e-12, 1e-12, $"log p(x) per point, {type}");
        for (int row = 0; row < n; row++)
        {
            int far = row % 2 == 0 ? 1 : 0;
            Assert.True(logProb[row * k + far] < -1000, $"{type}: row {row}'s far log-responsibility {logProb[row * k + far]} is not below −1000");
            Assert.True(resp[row * k + far] == 0 && resp[row * k + 1 - far] == 1,
                $"{type}: row {row}: responsibilities {resp[row * k]}, {resp[row * k + 1]}; expected exactly 0 and 1");
        }
    }

    /// <summary>
    /// Data from spread-out random centres (so responsibilities span 0..1), random SPD covariances A Aᵀ/D + I/2 (full,
    /// tied: the first), or random variances, means near the data; everything moved by <paramref name="offset"/>.
    /// </summary>
    private static (double[] X, GaussianMixtureParameters P) RandomProblem(CovarianceType type, int d, int k, int n, double offset, int seed)
    {
        var random = new Random(seed);
        double Uniform(double scale) => scale * (2 * random.NextDouble() - 1);
        var centres = Enumerable.Range(0, k * d).Select(_ => Uniform(3)).ToArray();
        var x = new double[n * d];
        for (int row = 0; row < n; row++)
        {
            int c = random.Next(k);
            for (int i = 0; i < d; i++) x[row * d + i] = offset + centres[c * d + i] + Uniform(1.5);
        }
        var means = centres.Select(m => offset + m + Uniform(0.5)).ToArray();
        var weights = Enumerable.Range(0, k).Select(_ => 0.5 + random.NextDouble()).ToArray();
        double total = weights.Sum();
        for (int c = 0; c < k; c++) weights[c] /= total;
        double[] cov;
        switch (type)
        {
            case CovarianceType.Full or CovarianceType.Tied:
                int copies = type == CovarianceType.Full ? k : 1;
                cov = new double[copies * d * d];
                for (int c = 0; c < copies; c++)
                {
                    var a = Enumerable.Range(0, d * d).Select(_ => Uniform(1)).ToArray();
                    for (int i = 0; i < d; i++)
                        for (int j = 0; j < d; j++)
                        {
                            double v = i == j ? 0.5 : 0;
                            for (int r = 0; r < d; r++) v += a[i * d + r] * a[j * d + r] / d;
                            cov[(c * d + i) * d + j] = v;
                        }
                }
                break;
            case CovarianceType.Diagonal:
                cov = Enumerable.Range(0, k * d).Select(_ => 0.3 + random.NextDouble()).ToArray();
                break;
            default:
                cov = Enumerable.Range(0, k).Select(_ => 0.3 + random.NextDouble()).ToArray();
                break;
        }
        return (x, new GaussianMixtureParameters(type, k, d, weights, means, cov));
    }
}
