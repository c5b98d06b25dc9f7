using Probabilistic.FactorGraphs.Distributions;
using Normal = MathNet.Numerics.Distributions.Normal;

namespace Probabilistic.Interactive.Tests;

/// <summary>
/// The factor-graph distributions drawn as a posterior (issue 12): the plotted curve is the density (checked against
/// MathNet's pdf and cdf, an implementation independent of ours), it spans all but 2·10⁻⁴ of the mass, and the
/// discrete ones draw their probabilities as bars.
/// </summary>
public sealed class DistributionPlotTests
{
    private const double Tail = DistributionPlots.TailMass;

    /// <summary>Trapezoid rule over the curve's points.</summary>
    private static double Integral(double[] x, double[] y)
    {
        double sum = 0;
        for (int i = 1; i < x.Length; i++) sum += 0.5 * (y[i] + y[i - 1]) * (x[i] - x[i - 1]);
        return sum;
    }

    private static void AssertCurve((double[] X, double[] Y) curve, Func<double, double> pdf, Func<double, double> cdf, string what)
    {
        var (x, y) = curve;
        Assert.Equal(DistributionPlots.CurvePoints, x.Length);
        for (int i = 0; i < x.Length; i++)
        {
            double expected = pdf(x[i]);
            Assert.True(Math.Abs(y[i] - expected) <= 1e-9 * expected + 1e-300,
                $"{what}: density at x = {x[i]} is {y[i]}; MathNet's pdf gives {expected}");
        }
        Assert.True(Math.Abs(cdf(x[0]) - Tail) < 1e-8,
            $"{what}: the curve starts at cdf {cdf(x[0])}; expected the {Tail} quantile");
        Assert.True(Math.Abs(cdf(x[^1]) - (1 - Tail)) < 1e-8,
            $"{what}: the curve ends at cdf {cdf(x[^1])}; expected the {1 - Tail} quantile");
        // The curve holds 1 − 2·Tail of the mass; the trapezoid rule on 200 points of a smooth density errs by far less than 1e-3.
        double area = Integral(x, y);
        Assert.True(Math.Abs(area - (1 - 2 * Tail)) < 1e-3, $"{what}: the plotted curve integrates to {area}; expected {1 - 2 * Tail}");
    }

    [Theory]
    [InlineData(1.5, 0.25)]
    [InlineData(-20, 100)]
    [InlineData(3.259, 0.02484)]
    public void Gaussian_curve_is_its_density_over_the_central_mass(double mean, double variance)
    {
        var g = Gaussian.FromMeanAndVariance(mean, variance);
        double sd = Math.Sqrt(variance);
        AssertCurve(DistributionPlots.Curve(g), x => Normal.PDF(mean, sd, x), x => Normal.CDF(mean, sd, x), g.ToString());
    }

    [Theory]
    [InlineData(1, 0.5)]   // exponential: the density is largest at the left end
    [InlineData(2, 1)]
    [InlineData(20, 3)]
    [InlineData(18.46, 48.77)]
    public void Gamma_curve_is_its_density_over_the_central_mass(double shape, double rate)
    {
        var g = Gamma.FromShapeAndRate(shape, rate);
        AssertCurve(DistributionPlots.Curve(g), x => MathNet.Numerics.Distributions.Gamma.PDF(shape, rate, x),
            x => MathNet.Numerics.Distributions.Gamma.CDF(shape, rate, x), g.ToString());
    }

    [Theory]
    [InlineData(1, 1)]
    [InlineData(3, 5)]
    [InlineData(5, 2)]
    [InlineData(200, 50)]
    public void Beta_curve_is_its_density_over_the_central_mass(double a, double b)
    {
        var beta = Beta.FromCounts(a, b);
        AssertCurve(DistributionPlots.Curve(beta), x => MathNet.Numerics.Distributions.Beta.PDF(a, b, x),
            x => MathNet.Numerics.Distributions.Beta.CDF(a, b, x), beta.ToString());
    }

    [Fact]
    public void A_density_unbounded_at_zero_is_drawn_from_its_first_quantile_where_it_is_finite()
    {
        var g = Gamma.FromShapeAndRate(0.5, 2);
        var (x, y) = DistributionPlots.Curve(g);
        Assert.True(x[0] > 0, $"the curve of {g} starts above 0 (at {x[0]})");
        Assert.All(y, v => Assert.True(double.IsFinite(v) && v >= 0, $"a density value {v} of {g} is not finite"));
        Assert.Equal(Tail, MathNet.Numerics.Distributions.Gamma.CDF(0.5, 2, x[0]), 8);
        Assert.Equal(MathNet.Numerics.Distributions.Gamma.PDF(0.5, 2, x[0]), y[0], 6);
    }

    [Fact]
    public void A_point_mass_or_improper_distribution_has_no_curve_and_renders_as_text()
    {
        var e = Assert.Throws<ArgumentException>(() => DistributionPlots.Curve(Gaussian.PointMass(2)));
        Assert.Contains("no density", e.Message);
        Assert.Throws<ArgumentException>(() => DistributionPlots.Curve(Gamma.Uniform()));
        Assert.Throws<ArgumentException>(() => DistributionPlots.Curve(Beta.PointMass(0.3)));
        object[] noDensity = [Gaussian.PointMass(2), Gaussian.Uniform(), Gamma.Uniform(), Gamma.PointMass(1), Beta.PointMass(0.3)];
        foreach (var d in noDensity)
        {
            var shown = DisplayRenderers.Render(d);
            Assert.True(shown.Png is null, $"{d} has no density, so no plot");
            Assert.Equal(d.ToString(), shown.PlainText);
        }
    }

    [Fact]
    public void Discrete_distributions_draw_their_probabilities_as_bars()
    {
        var (labels, p) = DistributionPlots.Bars(new Bernoulli(0.3));
        Assert.Equal(["false", "true"], labels);
        Assert.Equal(0.7, p[0], 12);
        Assert.Equal(0.3, p[1], 12);
        var (dl, dp) = DistributionPlots.Bars(new Discrete(2, 5, 3));
        Assert.Equal(["0", "1", "2"], dl);
        Assert.Equal([0.2, 0.5, 0.3], dp.Select(v => Math.Round(v, 12)));
    }

    [Fact]
    public void Every_factor_graph_distribution_renders_its_line_and_a_small_plot()
    {
        object[] values = [Gaussian.FromMeanAndVariance(1.5, 0.25), Gamma.FromShapeAndRate(2, 1), Beta.FromCounts(3, 5),
            Gamma.FromShapeAndRate(0.5, 2), Beta.FromCounts(0.5, 0.5), // unbounded densities: the axis is cut
            new Bernoulli(0.3), Bernoulli.PointMass(true), new Discrete(0.2, 0.5, 0.3)];
        foreach (var value in values)
        {
            var shown = DisplayRenderers.Render(value);
            Assert.Equal(value.ToString(), shown.PlainText);
            Assert.True(shown.Png is not null, $"{value} renders a plot");
            Assert.Equal((420, 260), RepoPaths.PngSize(shown.Png!));
            Assert.Contains("data:image/png;base64,", shown.Html);
        }
    }

    [Fact]
    public void Bars_refuse_mismatched_labels()
    {
        var e = Assert.Throws<ArgumentException>(() => Plots.Bars(["a"], [0.5, 0.5]));
        Assert.Contains("1 labels for 2 bars", e.Message);
    }
}
