using Probabilistic.Core.Numerics;

namespace Probabilistic.Core.Tests;

public class LogSpaceTests
{
    [Fact]
    public void LogSumExp_matches_the_naive_sum_where_that_is_safe()
    {
        double[] x = [-1.5, 0.25, 2.0, -3.0];
        double naive = Math.Log(x.Sum(Math.Exp));
        Assert.Equal(naive, LogSpace.LogSumExp(x), 14);
    }

    [Fact]
    public void LogSumExp_does_not_overflow_or_underflow()
    {
        // log(e^1000 + e^1000) = 1000 + log 2; log(e^-1000 + e^-1001) = -1000 + log(1 + e^-1).
        Assert.Equal(1000 + Math.Log(2), LogSpace.LogSumExp([1000.0, 1000.0]), 12);
        Assert.Equal(-1000 + Math.Log(1 + Math.Exp(-1)), LogSpace.LogSumExp([-1000.0, -1001.0]), 12);
    }

    [Fact]
    public void LogSumExp_edge_cases()
    {
        Assert.Equal(double.NegativeInfinity, LogSpace.LogSumExp([]));
        Assert.Equal(double.NegativeInfinity, LogSpace.LogSumExp([double.NegativeInfinity, double.NegativeInfinity]));
        Assert.Equal(3.0, LogSpace.LogSumExp([double.NegativeInfinity, 3.0]), 15);
        Assert.True(double.IsNaN(LogSpace.LogSumExp([1.0, double.NaN])), "NaN in, NaN out: never a silent number");
    }

    [Fact]
    public void LogAddExp_and_LogDiffExp_invert_each_other()
    {
        double a = -700.25, b = -702.5;
        double s = LogSpace.LogAddExp(a, b);
        Assert.Equal(a, LogSpace.LogDiffExp(s, b), 12);
        Assert.Equal(b, LogSpace.LogAddExp(double.NegativeInfinity, b));
        Assert.Equal(Math.Log(1 + Math.Exp(0.3)), LogSpace.Log1pExp(0.3), 15);
        Assert.Equal(800.0, LogSpace.Log1pExp(800.0));
    }

    [Fact]
    public void NormalizeInPlace_returns_the_normaliser_and_a_distribution()
    {
        double[] x = [Math.Log(1), Math.Log(3)];
        double z = LogSpace.NormalizeInPlace(x);
        Assert.Equal(Math.Log(4), z, 14);
        Assert.Equal(0.25, x[0], 14);
        Assert.Equal(0.75, x[1], 14);
    }
}

public class CholeskyTests
{
    [Fact]
    public void Factor_reconstructs_the_matrix_and_gives_the_log_determinant()
    {
        // A = [[4, 2, 0.4], [2, 5, 1], [0.4, 1, 3]]; det computed by cofactor expansion below.
        double[] a = [4, 2, 0.4, 2, 5, 1, 0.4, 1, 3];
        double det = 4 * (5 * 3 - 1 * 1) - 2 * (2 * 3 - 1 * 0.4) + 0.4 * (2 * 1 - 5 * 0.4);
        var l = (double[])a.Clone();
        Assert.True(Cholesky.TryFactor(l, 3));
        for (int i = 0; i < 3; i++)
            for (int j = 0; j < 3; j++)
            {
                double s = 0;
                for (int k = 0; k < 3; k++) s += l[i * 3 + k] * l[j * 3 + k];
                Assert.True(Math.Abs(s - a[i * 3 + j]) < 1e-12, $"(L Lᵀ)[{i},{j}] = {s}, A = {a[i * 3 + j]}");
            }
        Assert.Equal(Math.Log(det), Cholesky.LogDeterminant(l, 3), 12);
    }

    [Fact]
    public void Solves_and_inverse_agree()
    {
        double[] a = [4, 2, 0.4, 2, 5, 1, 0.4, 1, 3];
        var l = (double[])a.Clone();
        Cholesky.TryFactor(l, 3);
        double[] b = [1, -2, 0.5];
        var x = (double[])b.Clone();
        Cholesky.SolveLower(l, 3, x);
        Cholesky.SolveUpper(l, 3, x);
        for (int i = 0; i < 3; i++)
        {
            double ax = a[i * 3] * x[0] + a[i * 3 + 1] * x[1] + a[i * 3 + 2] * x[2];
            Assert.True(Math.Abs(ax - b[i]) < 1e-12, $"(A x)[{i}] = {ax}, b = {b[i]}");
        }
        var inv = new double[9];
        Cholesky.InvertLower(l, 3, inv);
        for (int i = 0; i < 3; i++)
            for (int j = 0; j < 3; j++)
            {
                double s = 0;
                for (int k = 0; k < 3; k++) s += inv[i * 3 + k] * l[k * 3 + j];
                Assert.True(Math.Abs(s - (i == j ? 1 : 0)) < 1e-12, $"(L⁻¹ L)[{i},{j}] = {s}");
            }
    }

    [Fact]
    public void Not_positive_definite_is_reported()
    {
        double[] a = [1, 2, 2, 1];
        Assert.False(Cholesky.TryFactor(a, 2));
        double[] singular = [1, 1, 1, 1];
        Assert.False(Cholesky.TryFactor(singular, 2));
    }
}

public class RngTests
{
    [Fact]
    public void Same_seed_same_draws_and_derived_streams_differ()
    {
        var a = Rng.Create(42);
        var b = Rng.Create(42);
        Assert.Equal(Enumerable.Range(0, 5).Select(_ => a.NextGaussian()), Enumerable.Range(0, 5).Select(_ => b.NextGaussian()));
        Assert.Equal(Rng.Derive(7, 1), Rng.Derive(7, 1));
        Assert.NotEqual(Rng.Derive(7, 1), Rng.Derive(7, 2));
    }

    [Fact]
    public void Gaussian_and_gamma_draws_have_the_right_moments()
    {
        // 200,000 draws: the standard error of the mean is 1/sqrt(2e5) ≈ 0.0022 (Gaussian) and
        // sqrt(k)/sqrt(2e5) (Gamma(k)); the bounds are > 5 standard errors, so a false failure has probability < 1e-6.
        var r = Rng.Create(3);
        const int n = 200_000;
        double s = 0, s2 = 0;
        for (int i = 0; i < n; i++) { double x = r.NextGaussian(); s += x; s2 += x * x; }
        Assert.InRange(s / n, -0.012, 0.012);
        Assert.InRange(s2 / n, 0.985, 1.015);
        foreach (var shape in new[] { 0.5, 3.0 })
        {
            double g = 0;
            for (int i = 0; i < n; i++) g += r.NextGamma(shape);
            double tolerance = 5.5 * Math.Sqrt(shape / n);
            Assert.True(Math.Abs(g / n - shape) < tolerance, $"Gamma({shape}) mean {g / n}, expected {shape} ± {tolerance}");
        }
    }

    [Fact]
    public void Categorical_draws_follow_the_weights_and_refuse_bad_weights()
    {
        var r = Rng.Create(5);
        var counts = new int[3];
        for (int i = 0; i < 60_000; i++) counts[r.NextCategorical([1.0, 0.0, 3.0])]++;
        Assert.Equal(0, counts[1]);
        Assert.InRange(counts[2] / 60000.0, 0.74, 0.76);
        Assert.Throws<ArgumentException>(() => r.NextCategorical([0.0, 0.0]));
    }
}

/// <summary>
/// The Gaussian M-step shared by mixtures and HMMs, under both regularisation conventions, against closed forms on
/// three weighted 2-D points: scikit-learn's Σ = S/(N + 10ε) + rI and hmmlearn's Σ = (S + rI)/N.
/// </summary>
public class GaussianMStepTests
{
    // Points (0, 0), (2, 1), (4, 5) with responsibilities 1, 0.5, 0.25 for one Gaussian; moments about r = (1, 1).
    private static readonly double[][] X = [[0, 0], [2, 1], [4, 5]];
    private static readonly double[] G = [1, 0.5, 0.25];

    private static Gaussians.GaussianStatistics Statistics(bool full)
    {
        var s = new Gaussians.GaussianStatistics(1, 2, full);
        s.Reference[0] = 1; s.Reference[1] = 1;
        for (int n = 0; n < 3; n++)
        {
            double a = X[n][0] - 1, b = X[n][1] - 1;
            s.Weight[0] += G[n]; s.First[0] += G[n] * a; s.First[1] += G[n] * b;
            if (full) { s.Second[0] += G[n] * a * a; s.Second[2] += G[n] * b * a; s.Second[3] += G[n] * b * b; } // lower triangle only
            else { s.Second[0] += G[n] * a * a; s.Second[1] += G[n] * b * b; }
        }
        return s;
    }

    /// <summary>The weighted mean and scatter Σ γ (x − μ)(x − μ)ᵀ computed directly from the points.</summary>
    private static (double[] Mean, double[,] Scatter, double N) Direct()
    {
        double n = G.Sum();
        double[] mean = [G.Select((g, i) => g * X[i][0]).Sum() / n, G.Select((g, i) => g * X[i][1]).Sum() / n];
        var scatter = new double[2, 2];
        for (int i = 0; i < 3; i++)
            for (int a = 0; a < 2; a++)
                for (int b = 0; b < 2; b++) scatter[a, b] += G[i] * (X[i][a] - mean[a]) * (X[i][b] - mean[b]);
        return (mean, scatter, n);
    }

    [Theory]
    [InlineData(Gaussians.CovarianceRegularization.AddToCovariance)]
    [InlineData(Gaussians.CovarianceRegularization.AddToScatter)]
    public void Full_diagonal_and_spherical_covariances_follow_their_convention(Gaussians.CovarianceRegularization convention)
    {
        const double r = 0.3;
        var (mean, scatter, n) = Direct();
        bool sk = convention == Gaussians.CovarianceRegularization.AddToCovariance;
        double nk = sk ? n + 10 * Gaussians.GaussianMStep.MachineEpsilon : n;
        double Cov(int a, int b) => sk ? scatter[a, b] / nk + (a == b ? r : 0) : (scatter[a, b] + (a == b ? r : 0)) / nk;

        var means = new double[2];
        var full = new double[4];
        Gaussians.GaussianMStep.Estimate(Statistics(true), Gaussians.CovarianceType.Full, r, convention, means, full);
        for (int a = 0; a < 2; a++)
        {
            Assert.True(Math.Abs(means[a] - mean[a]) < 1e-14, $"{convention}: mean[{a}] {means[a]:R}, direct {mean[a]:R}");
            for (int b = 0; b < 2; b++)
                Assert.True(Math.Abs(full[a * 2 + b] - Cov(a, b)) < 1e-13, $"{convention}: Σ[{a},{b}] {full[a * 2 + b]:R}, closed form {Cov(a, b):R}");
        }
        var diag = new double[2];
        Gaussians.GaussianMStep.Estimate(Statistics(false), Gaussians.CovarianceType.Diagonal, r, convention, means, diag);
        Assert.True(Math.Abs(diag[1] - Cov(1, 1)) < 1e-13, $"{convention}: diagonal variance {diag[1]:R}, closed form {Cov(1, 1):R}");
        var spherical = new double[1];
        Gaussians.GaussianMStep.Estimate(Statistics(false), Gaussians.CovarianceType.Spherical, r, convention, means, spherical);
        double expected = (Cov(0, 0) + Cov(1, 1)) / 2; // both conventions: the mean of the regularised diagonal
        Assert.True(Math.Abs(spherical[0] - expected) < 1e-13, $"{convention}: spherical variance {spherical[0]:R}, closed form {expected:R}");
    }

    [Fact]
    public void Under_hmmlearns_convention_a_Gaussian_without_data_keeps_its_parameters()
    {
        var s = new Gaussians.GaussianStatistics(1, 1, false);
        double[] means = [7], cov = [2];
        Gaussians.GaussianMStep.Estimate(s, Gaussians.CovarianceType.Diagonal, 1e-3, Gaussians.CovarianceRegularization.AddToScatter, means, cov);
        Assert.Equal([7.0, 2.0], [means[0], cov[0]]);
    }
}
