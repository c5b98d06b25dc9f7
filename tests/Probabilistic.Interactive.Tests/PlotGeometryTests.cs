namespace Probabilistic.Interactive.Tests;

public sealed class PlotGeometryTests
{
    [Theory]
    [InlineData(1.0, 2.0, 4.0, 0.0, 0.0, 9.0, 1.0)]   // axis-aligned
    [InlineData(-1.0, 0.5, 2.0, 1.2, 1.2, 1.0, 2.0)]   // correlated, 2σ
    [InlineData(0.0, 0.0, 1.0, -0.9, -0.9, 1.0, 3.0)]  // strongly negatively correlated
    public void Ellipse_points_lie_at_the_requested_Mahalanobis_distance(double mx, double my, double a, double b, double c, double d, double k)
    {
        var (xs, ys) = PlotGeometry.CovarianceEllipse([mx, my], [a, b, c, d], k, count: 64);
        Assert.Equal(65, xs.Length);
        Assert.Equal((xs[0], ys[0]), (xs[^1], ys[^1])); // closed curve
        // Independent check: the closed-form 2x2 inverse, (x−μ)ᵀ Σ⁻¹ (x−μ) = k².
        double det = a * d - b * c;
        for (int i = 0; i < xs.Length; i++)
        {
            double u = xs[i] - mx, v = ys[i] - my;
            double m2 = (d * u * u - 2 * b * u * v + a * v * v) / det;
            Assert.Equal(k * k, m2, 9);
        }
    }

    [Fact]
    public void Axis_aligned_ellipse_reaches_k_standard_deviations_along_each_axis()
    {
        var (xs, ys) = PlotGeometry.CovarianceEllipse([0, 0], [4, 0, 0, 1], 2, count: 400);
        Assert.Equal(4.0, xs.Max(), 6); // 2 · sd 2
        Assert.Equal(2.0, ys.Max(), 3); // 2 · sd 1 (sampled, so within the grid spacing)
    }

    [Fact]
    public void Ellipse_rejects_a_covariance_that_is_not_positive_definite()
    {
        var e = Assert.Throws<ArgumentException>(() => PlotGeometry.CovarianceEllipse([0, 0], [1, 2, 2, 1]));
        Assert.Contains("not positive definite", e.Message);
    }

    [Fact]
    public void Tiles_place_each_image_in_its_cell_with_gaps()
    {
        float[] Img(float v) => [v, v + 1, v + 2, v + 3, v + 4, v + 5]; // 3 wide, 2 high
        var grid = PlotGeometry.TileImages([Img(0), Img(10), Img(20)], width: 3, height: 2, columns: 2, gap: -1);
        // 2 rows of tiles: 2·(2+1)−1 = 5 pixel rows; 2 columns: 2·(3+1)−1 = 7 pixel columns.
        Assert.Equal((5, 7), (grid.GetLength(0), grid.GetLength(1)));
        Assert.Equal(0, grid[0, 0]);
        Assert.Equal(5, grid[1, 2]);         // image 0, row 1, column 2
        Assert.Equal(-1, grid[0, 3]);        // vertical gap
        Assert.Equal(10, grid[0, 4]);        // image 1 starts after the gap
        Assert.Equal(-1, grid[2, 0]);        // horizontal gap
        Assert.Equal(23, grid[4, 0]);        // image 2, row 1, column 0
        Assert.Equal(-1, grid[3, 4]);        // empty fourth cell stays gap
    }

    [Fact]
    public void Density_histogram_integrates_to_one_and_counts_correctly()
    {
        double[] data = [0.1, 0.2, 0.6, 0.9, 1.0, 1.5];
        var (centers, heights) = PlotGeometry.DensityHistogram(data, 0, 2, bins: 4);
        Assert.Equal([0.25, 0.75, 1.25, 1.75], centers);
        // Counts per bin of width 0.5: [0,0.5): 2; [0.5,1): 2; [1,1.5): 1; [1.5,2]: 1. Height = count / (6 · 0.5).
        Assert.Equal([2 / 3.0, 2 / 3.0, 1 / 3.0, 1 / 3.0], heights);
        Assert.Equal(1.0, heights.Sum() * 0.5, 12);
    }

    [Fact]
    public void Sample_curve_hits_both_ends_evenly()
    {
        var (xs, ys) = PlotGeometry.SampleCurve(x => x * x, -1, 1, 5);
        Assert.Equal([-1, -0.5, 0, 0.5, 1], xs);
        Assert.Equal([1, 0.25, 0, 0.25, 1], ys);
    }

    [Theory]
    [InlineData(1e-4)]
    [InlineData(0.5)]
    [InlineData(0.9999)]
    public void Quantile_by_bisection_inverts_a_cdf(double p)
    {
        // Exponential(1): F(x) = 1 − e^−x, so the quantile is −log(1 − p).
        double q = PlotGeometry.Quantile(x => 1 - Math.Exp(-x), p, 0, 50);
        Assert.Equal(-Math.Log(1 - p), q, 12);
    }

    [Fact]
    public void Matrix_from_row_major_values()
    {
        var m = PlotGeometry.ToMatrix([1, 2, 3, 4, 5, 6], 2, 3);
        Assert.Equal(6, m[1, 2]);
        Assert.Equal(4, m[1, 0]);
        Assert.Throws<ArgumentException>(() => PlotGeometry.ToMatrix([1, 2, 3], 2, 2));
    }
}
