using MathNet.Numerics.LinearAlgebra;
using PositiveDefiniteMatrix = Probabilistic.FactorGraphs.LinearAlgebra.PositiveDefiniteMatrix;
using Vec = Probabilistic.FactorGraphs.LinearAlgebra.Vector;

namespace Probabilistic.FactorGraphs.Tests;

/// <summary>
/// VectorGaussian, Dirichlet and Wishart: log densities against Math.NET's distributions and the multivariate normal
/// density written out here, modes against Math.NET and a grid search, and point-mass algebra against its definition.
/// </summary>
public class VectorDistributionTests
{
    private static readonly double[,] Cov3 = { { 2.0, 0.3, -0.4 }, { 0.3, 1.0, 0.2 }, { -0.4, 0.2, 1.5 } };
    private static readonly double[,] Scale2 = { { 0.8, 0.3 }, { 0.3, 0.5 } };
    private static readonly double[,] Scale3 = { { 1.2, 0.2, 0.1 }, { 0.2, 0.9, -0.3 }, { 0.1, -0.3, 0.7 } };

    private static Matrix<double> M(double[,] a) => Matrix<double>.Build.DenseOfArray(a);

    private static double[,] ToArray(PositiveDefiniteMatrix m)
    {
        var a = new double[m.Dimension, m.Dimension];
        for (int i = 0; i < m.Dimension; i++)
            for (int j = 0; j < m.Dimension; j++) a[i, j] = m[i, j];
        return a;
    }

    /// <summary>log N(x; μ, Σ) = −d/2 log 2π − ½ log|Σ| − ½ (x − μ)ᵀΣ⁻¹(x − μ), with Math.NET's dense matrices.</summary>
    private static double NormalLogDensity(double[] x, double[] mean, double[,] cov)
    {
        var s = M(cov);
        var diff = Vector<double>.Build.DenseOfArray(x) - Vector<double>.Build.DenseOfArray(mean);
        return -0.5 * x.Length * Math.Log(2 * Math.PI) - 0.5 * Math.Log(s.Determinant()) - 0.5 * diff.DotProduct(s.Inverse() * diff);
    }

    [Fact]
    public void VectorGaussian_GetLogProb_MatchesTheDensityWrittenOut()
    {
        double[] mean = [1.0, -2.0, 0.5];
        var fromVariance = VectorGaussian.FromMeanAndVariance(Vec.FromArray(mean), PositiveDefiniteMatrix.FromArray(Cov3));
        var fromPrecision = VectorGaussian.FromMeanAndPrecision(Vec.FromArray(mean), PositiveDefiniteMatrix.FromArray(M(Cov3).Inverse().ToArray()));
        double[][] points = [[1.0, -2.0, 0.5], [0, 0, 0], [3.2, -1.1, -0.7], [-4, 5, 2.5]];
        foreach (var x in points)
        {
            double expected = NormalLogDensity(x, mean, Cov3);
            Assert.Equal(expected, fromVariance.GetLogProb(Vec.FromArray(x)), 10);
            Assert.Equal(expected, fromPrecision.GetLogProb(Vec.FromArray(x)), 10);
        }
        Assert.Equal(0, VectorGaussian.Uniform(3).GetLogProb(Vec.FromArray(points[2])));
        var mode = fromVariance.GetMode();
        for (int i = 0; i < 3; i++) Assert.Equal(mean[i], mode[i], 12);
        Assert.Throws<ArgumentException>(() => fromVariance.GetLogProb(Vec.FromArray(1, 2)));
    }

    [Fact]
    public void Wishart_GetLogProb_MatchesMathNet()
    {
        // ours: p(X) ∝ |X|^(a−(d+1)/2) exp(−tr(S⁻¹X)); Math.NET's: |X|^((n−d−1)/2) exp(−tr(V⁻¹X)/2), so n = 2a and V = S/2
        foreach (var (shape, scale) in new[] { (2.5, Scale2), (4.0, Scale3), (1.3, Scale3) })
        {
            int d = scale.GetLength(0);
            var ours = Wishart.FromShapeAndScale(shape, PositiveDefiniteMatrix.FromArray(scale));
            var theirs = new MathNet.Numerics.Distributions.Wishart(2 * shape, M(scale) / 2);
            var rng = new Random(7);
            for (int k = 0; k < 4; k++)
            {
                var x = ours.Sample(rng);
                Assert.Equal(Math.Log(theirs.Density(M(ToArray(x)))), ours.GetLogProb(x), 10);
            }
            Assert.Equal(Math.Log(theirs.Density(Matrix<double>.Build.DenseIdentity(d))), ours.GetLogProb(PositiveDefiniteMatrix.Identity(d)), 10);
        }
    }

    [Fact]
    public void Wishart_VarianceAndMode_MatchMathNet()
    {
        var ours = Wishart.FromShapeAndScale(4, PositiveDefiniteMatrix.FromArray(Scale3));
        var theirs = new MathNet.Numerics.Distributions.Wishart(8, M(Scale3) / 2);
        var variance = ours.GetVariance();
        var mode = ours.GetMode();
        for (int i = 0; i < 3; i++)
            for (int j = 0; j < 3; j++)
            {
                Assert.Equal(theirs.Variance[i, j], variance[i, j], 12);
                Assert.Equal(theirs.Mode[i, j], mode[i, j], 12);
            }
        // a ≤ (d+1)/2: the density is largest (or unbounded) as X → 0
        var flat = Wishart.FromShapeAndScale(1.5, PositiveDefiniteMatrix.FromArray(Scale2)).GetMode();
        Assert.True(flat[0, 0] == 0 && flat[0, 1] == 0 && flat[1, 1] == 0, $"mode of a shape-1.5 2×2 Wishart should be 0, got {flat}");
    }

    [Fact]
    public void Dirichlet_GetLogProbOfVector_MatchesMathNet()
    {
        double[] alpha = [1.5, 2, 3, 0.7];
        var ours = Dirichlet.FromPseudoCounts(alpha);
        var theirs = new MathNet.Numerics.Distributions.Dirichlet(alpha);
        double[][] points = [[0.25, 0.25, 0.25, 0.25], [0.1, 0.2, 0.3, 0.4], [0.7, 0.1, 0.15, 0.05], [0.01, 0.01, 0.97, 0.01]];
        foreach (var p in points)
        {
            Assert.Equal(theirs.DensityLn(p), ours.GetLogProb(Vec.FromArray(p)), 10);
            Assert.Equal(ours.GetLogProb(p), ours.GetLogProb(Vec.FromArray(p)));
        }
        Assert.Throws<ArgumentException>(() => ours.GetLogProb(Vec.FromArray(0.5, 0.5)));
    }

    [Fact]
    public void Dirichlet_GetMode_IsTheMaximumOfAGridSearch()
    {
        // every α_k ≥ 1, so the density is bounded and its maximum (inside, or on a face where α_k = 1) is unique
        foreach (var alpha in new[] { new[] { 1.5, 2.0, 3.0 }, new[] { 4.0, 1.0, 1.2 }, new[] { 1.0, 1.0, 2.5 } })
        {
            var d = Dirichlet.FromPseudoCounts(alpha);
            double best = double.NegativeInfinity;
            double[] argmax = [];
            const int steps = 400;
            for (int i = 0; i <= steps; i++)
                for (int j = 0; i + j <= steps; j++)
                {
                    double[] p = [i / (double)steps, j / (double)steps, (steps - i - j) / (double)steps];
                    double lp = d.GetLogProb(p);
                    if (lp > best) { best = lp; argmax = p; }
                }
            var mode = d.GetMode();
            for (int k = 0; k < 3; k++)
                Assert.True(Math.Abs(mode[k] - argmax[k]) <= 1.0 / steps, $"Dirichlet({string.Join(", ", alpha)}) mode {mode} vs grid maximum ({string.Join(", ", argmax)})");
            Assert.True(d.GetLogProb(mode.ToArray()) >= best - 1e-12, $"the mode's log density {d.GetLogProb(mode.ToArray())} is below the grid's best {best}");
        }
        // α_0 < 1: the density is unbounded as p_0 → 0; the mode sits on that face, where it is +∞
        var unbounded = Dirichlet.FromPseudoCounts(0.5, 2, 3);
        var m = unbounded.GetMode();
        Assert.Equal(0, m[0]);
        Assert.Equal(double.PositiveInfinity, unbounded.GetLogProb(m));
    }

    [Fact]
    public void VectorGaussian_PointMassAlgebra()
    {
        var v = Vec.FromArray(1, -2.5);
        var pm = VectorGaussian.PointMass(v);
        var proper = VectorGaussian.FromMeanAndVariance(Vec.FromArray(0.5, 0.5), PositiveDefiniteMatrix.FromArray(Scale2));
        Assert.True(pm.IsPointMass && pm.IsProper() && !pm.IsUniform(), "a point mass is proper and not uniform");
        Assert.False(proper.IsPointMass || VectorGaussian.Uniform(2).IsPointMass, "proper and uniform VectorGaussians are not point masses");
        foreach (var r in new[] { pm * proper, proper * pm, pm * pm, pm * VectorGaussian.Uniform(2), pm / proper, pm / pm, pm.Pow(0.5), pm.Pow(3) })
        {
            Assert.True(r.IsPointMass, $"{r} should be the point mass at {v}");
            Assert.Equal(v.ToArray(), r.Point.ToArray());
        }
        var other = VectorGaussian.PointMass(Vec.FromArray(1, 2));
        Assert.Contains("different point masses", Assert.Throws<InvalidOperationException>(() => pm * other).Message);
        Assert.Throws<InvalidOperationException>(() => proper / pm);
        Assert.Throws<InvalidOperationException>(() => proper.Point);
        Assert.Equal(v.ToArray(), pm.GetMean().ToArray());
        Assert.Equal(v.ToArray(), pm.GetMode().ToArray());
        Assert.Equal(v.ToArray(), pm.Sample(new Random(1)).ToArray());
        var variance = pm.GetVariance();
        Assert.True(variance[0, 0] == 0 && variance[0, 1] == 0 && variance[1, 1] == 0, $"a point mass has zero variance, not {variance}");
        Assert.Equal(0, pm.GetLogNormalizer());
        Assert.Equal(0, pm.GetAverageLogSelf());
        Assert.Equal(0, pm.GetLogProb(v));
        Assert.Equal(double.NegativeInfinity, pm.GetLogProb(Vec.FromArray(1, -2.4)));
        Assert.Equal("VectorGaussian.PointMass(1 -2.5)", pm.ToString());
    }

    [Fact]
    public void Dirichlet_PointMassAlgebra()
    {
        var v = Vec.FromArray(0.2, 0.3, 0.5);
        var pm = Dirichlet.PointMass(v);
        var proper = Dirichlet.FromPseudoCounts(2, 3, 4);
        Assert.True(pm.IsPointMass && pm.IsProper() && !pm.IsUniform(), "a point mass is proper and not uniform");
        Assert.Equal(double.PositiveInfinity, pm.TotalCount);
        foreach (var r in new[] { pm * proper, proper * pm, pm * pm, pm / proper, pm / pm, pm.Pow(0.5), pm.Pow(3) })
        {
            Assert.True(r.IsPointMass, $"{r} should be the point mass at {v}");
            Assert.Equal(v.ToArray(), r.Point.ToArray());
        }
        Assert.Contains("different point masses", Assert.Throws<InvalidOperationException>(() => pm * Dirichlet.PointMass(Vec.FromArray(0.5, 0.3, 0.2))).Message);
        Assert.Throws<InvalidOperationException>(() => proper / pm);
        Assert.Throws<InvalidOperationException>(() => proper.Point);
        Assert.Throws<ArgumentException>(() => Dirichlet.PointMass(Vec.FromArray(0.2, 0.3, 0.6)));
        Assert.NotEqual(pm, Dirichlet.FromPseudoCounts(0.2, 0.3, 0.5));
        Assert.Equal(v.ToArray(), pm.GetMean().ToArray());
        Assert.Equal(v.ToArray(), pm.GetMode().ToArray());
        Assert.Equal(v.ToArray(), pm.Sample(new Random(1)).ToArray());
        Assert.Equal(new double[3], pm.GetVariance());
        Assert.Equal(v.Select(p => Math.Log(p)).ToArray(), pm.GetMeanLog());
        Assert.Equal(0, pm.GetLogNormalizer());
        Assert.Equal(0, pm.GetAverageLogSelf());
        Assert.Equal(0, pm.GetLogProb(v));
        Assert.Equal(double.NegativeInfinity, pm.GetLogProb(Vec.FromArray(0.3, 0.2, 0.5)));
        Assert.Equal("Dirichlet.PointMass(0.2 0.3 0.5)", pm.ToString());
    }

    [Fact]
    public void Wishart_PointMassAlgebra()
    {
        var x = PositiveDefiniteMatrix.FromArray(Scale2);
        var pm = Wishart.PointMass(x);
        var proper = Wishart.FromShapeAndScale(3, PositiveDefiniteMatrix.Identity(2));
        Assert.True(pm.IsPointMass && pm.IsProper() && !pm.IsUniform(), "a point mass is proper and not uniform");
        foreach (var r in new[] { pm * proper, proper * pm, pm * pm, pm * Wishart.Uniform(2), pm / proper, pm / pm, pm.Pow(0.5), pm.Pow(3) })
        {
            Assert.True(r.IsPointMass, $"{r} should be the point mass at {x}");
            Assert.Equal(Scale2, ToArray(r.Point));
        }
        Assert.Contains("different point masses", Assert.Throws<InvalidOperationException>(() => pm * Wishart.PointMass(PositiveDefiniteMatrix.Identity(2))).Message);
        Assert.Throws<InvalidOperationException>(() => proper / pm);
        Assert.Throws<InvalidOperationException>(() => proper.Point);
        Assert.Equal(Scale2, ToArray(pm.GetMean()));
        Assert.Equal(Scale2, ToArray(pm.GetMode()));
        Assert.Equal(Scale2, ToArray(pm.Sample(new Random(1))));
        Assert.Equal(new double[2, 2], ToArray(pm.GetVariance()));
        Assert.Equal(Math.Log(M(Scale2).Determinant()), pm.GetMeanLogDeterminant(), 12);
        Assert.Equal(0, pm.GetLogNormalizer());
        Assert.Equal(0, pm.GetAverageLogSelf());
        Assert.Equal(0, pm.GetLogProb(x));
        Assert.Equal(double.NegativeInfinity, pm.GetLogProb(PositiveDefiniteMatrix.Identity(2)));
        // E_pm[log p(X)] = log p(X₀) for a proper p; E_p[log pm] = −∞
        Assert.Equal(proper.GetLogProb(x), pm.GetAverageLog(proper), 12);
        Assert.Equal(double.NegativeInfinity, proper.GetAverageLog(pm));
        Assert.Equal("Wishart.PointMass(0.8 0.3; 0.3 0.5)", pm.ToString());
    }
}
