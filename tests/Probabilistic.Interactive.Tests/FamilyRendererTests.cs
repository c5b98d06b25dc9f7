using Probabilistic.FactorGraphs.Distributions;
using Probabilistic.Hmm;
using Probabilistic.Hmm.Emissions;
using Probabilistic.Mixtures;
using Probabilistic.Core.Gaussians;

namespace Probabilistic.Interactive.Tests;

/// <summary>The model families' types render as their text line plus a plot, as issue 8 lists.</summary>
public class FamilyRendererTests
{
    private static void AssertPng(DisplayData d, string what)
    {
        Assert.True(d.Png is { Length: > 8 } && d.Png[1] == 'P' && d.Png[2] == 'N' && d.Png[3] == 'G', $"{what} should render a PNG");
        Assert.True(d.Html?.Contains("data:image/png;base64,", StringComparison.Ordinal) == true, $"{what} should embed its PNG in HTML");
    }

    [Fact]
    public void Distributions_render_their_short_line_and_a_density_plot()
    {
        var g = Gaussian.FromMeanAndVariance(1.5, 0.25);
        var d = DisplayRenderers.Render(g);
        Assert.Equal(g.ToString(), d.PlainText);
        AssertPng(d, "a Gaussian");
        AssertPng(DisplayRenderers.Render(Beta.FromCounts(3, 5)), "a Beta");
        AssertPng(DisplayRenderers.Render(Gamma.FromShapeAndRate(2, 1)), "a Gamma");
        var point = DisplayRenderers.Render(Gaussian.PointMass(2));
        Assert.Null(point.Png); // a point mass has no density to draw
    }

    [Fact]
    public void A_two_dimensional_mixture_renders_a_table_and_ellipses()
    {
        var p = GaussianMixtureParameters.FromFullCovariances(Core.Gaussians.CovarianceType.Full, [0.3, 0.7],
            [[0.0, 0.0], [3.0, 1.0]], [[[1.0, 0.2], [0.2, 0.5]], [[0.5, 0.0], [0.0, 2.0]]]);
        var d = DisplayRenderers.Render(new GaussianMixture(p));
        Assert.Contains("2 components", d.PlainText);
        Assert.Contains("0.7", d.PlainText);
        Assert.Contains("<table", d.Html!);
        AssertPng(d, "a 2-D mixture");
    }

    [Fact]
    public void An_hmm_renders_its_transition_heat_map()
    {
        var model = new HiddenMarkovModel<CategoricalEmission, CategoricalStatistics>([0.5, 0.5], [0.9, 0.1, 0.2, 0.8],
            CategoricalEmission.FromProbabilities(new double[,] { { 0.9, 0.1 }, { 0.2, 0.8 } }));
        var d = DisplayRenderers.Render(model);
        Assert.Contains("2 states", d.PlainText);
        AssertPng(d, "an HMM");
    }
}
