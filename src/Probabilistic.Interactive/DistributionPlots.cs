using System.Globalization;
using Probabilistic.FactorGraphs.Distributions;

namespace Probabilistic.Interactive;

/// <summary>
/// How the factor-graph distributions look: a continuous one (Gaussian, Gamma, Beta) as its density over the central
/// 1 − 2·<see cref="TailMass"/> of its mass, a discrete one (Bernoulli, Discrete) as bars of its probabilities. A cell
/// ending in a posterior shows this plot above its short line (<see cref="DisplayRenderers"/>); the curves are plain
/// arrays, so several posteriors can share one plot through <see cref="Plots.Lines"/>.
/// </summary>
/// <remarks>
/// A point mass, a uniform or an improper distribution has no density to draw: it shows as its line only.
/// </remarks>
public static class DistributionPlots
{
    /// <summary>The probability mass a density curve leaves out on each side (its ends are these quantiles).</summary>
    public const double TailMass = 1e-4;

    /// <summary>Points on a density curve.</summary>
    public const int CurvePoints = 200;

    private const int Small = 420, SmallHeight = 260;

    /// <summary>True when <paramref name="g"/> has a density to draw: proper and not a point mass.</summary>
    public static bool HasDensity(Gaussian g) => g.IsProper() && !g.IsPointMass;

    /// <inheritdoc cref="HasDensity(Gaussian)"/>
    public static bool HasDensity(Gamma g) => g.IsProper() && !g.IsPointMass;

    /// <inheritdoc cref="HasDensity(Gaussian)"/>
    public static bool HasDensity(Beta b) => b.IsProper() && !b.IsPointMass;

    /// <summary>
    /// The density of <paramref name="g"/> at <paramref name="points"/> evenly spaced x from its quantile
    /// <see cref="TailMass"/> to its quantile 1 − <see cref="TailMass"/>.
    /// </summary>
    /// <exception cref="ArgumentException"><paramref name="g"/> is a point mass or improper.</exception>
    public static (double[] X, double[] Y) Curve(Gaussian g, int points = CurvePoints)
    {
        RequireDensity(HasDensity(g), g.ToString());
        return Sample(g.GetLogProb, g.GetQuantile(TailMass), g.GetQuantile(1 - TailMass), points);
    }

    /// <inheritdoc cref="Curve(Gaussian, int)"/>
    /// <remarks>
    /// With shape below 1 the density is unbounded at 0; the curve starts at the quantile <see cref="TailMass"/>, where it
    /// is finite.
    /// </remarks>
    public static (double[] X, double[] Y) Curve(Gamma g, int points = CurvePoints)
    {
        RequireDensity(HasDensity(g), g.ToString());
        return Sample(g.GetLogProb, g.GetQuantile(TailMass), g.GetQuantile(1 - TailMass), points);
    }

    /// <inheritdoc cref="Curve(Gaussian, int)"/>
    /// <remarks>
    /// The quantiles are found by bisection on the regularised incomplete beta function (<see cref="Beta.GetProbLessThan"/>).
    /// </remarks>
    public static (double[] X, double[] Y) Curve(Beta b, int points = CurvePoints)
    {
        RequireDensity(HasDensity(b), b.ToString());
        return Sample(b.GetLogProb, PlotGeometry.Quantile(b.GetProbLessThan, TailMass, 0, 1),
            PlotGeometry.Quantile(b.GetProbLessThan, 1 - TailMass, 0, 1), points);
    }

    /// <summary>The bars of a Bernoulli: "false" and "true" with their probabilities.</summary>
    public static (string[] Labels, double[] Probabilities) Bars(Bernoulli b) => (["false", "true"], [b.GetProbFalse(), b.GetProbTrue()]);

    /// <summary>The bars of a Discrete: 0, 1, …, K − 1 with their probabilities.</summary>
    public static (string[] Labels, double[] Probabilities) Bars(Discrete d) =>
        (Enumerable.Range(0, d.Dimension).Select(k => k.ToString(CultureInfo.InvariantCulture)).ToArray(), d.GetProbs());

    /// <summary><paramref name="g"/>'s density curve, titled with its short line (or <paramref name="title"/>).</summary>
    public static PlotImage Density(Gaussian g, string? title = null, int width = Plots.DefaultWidth, int height = Plots.DefaultHeight) =>
        DensityPlot(Curve(g), title ?? g.ToString(), width, height);

    /// <inheritdoc cref="Density(Gaussian, string?, int, int)"/>
    /// <remarks>With shape below 1 the density is unbounded at 0: the vertical axis is cut at <see cref="UnboundedAxisTop"/>.</remarks>
    public static PlotImage Density(Gamma g, string? title = null, int width = Plots.DefaultWidth, int height = Plots.DefaultHeight) =>
        DensityPlot(Curve(g), title ?? g.ToString(), width, height,
            g.Shape < 1 ? UnboundedAxisTop(g.GetLogProb, g.GetQuantile(0.5)) : null);

    /// <inheritdoc cref="Density(Gaussian, string?, int, int)"/>
    /// <remarks>
    /// With a count below 1 the density is unbounded at 0 or 1: the vertical axis is cut at <see cref="UnboundedAxisTop"/>.
    /// </remarks>
    public static PlotImage Density(Beta b, string? title = null, int width = Plots.DefaultWidth, int height = Plots.DefaultHeight) =>
        DensityPlot(Curve(b), title ?? b.ToString(), width, height, b.TrueCount < 1 || b.FalseCount < 1
            ? UnboundedAxisTop(b.GetLogProb, PlotGeometry.Quantile(b.GetProbLessThan, 0.5, 0, 1))
            : null);

    /// <summary>
    /// Where the vertical axis of an unbounded density is cut: four times the density at the median, so the body of the
    /// distribution stays visible and the curve leaving the top shows the pole.
    /// </summary>
    public static double UnboundedAxisTop(Func<double, double> logProb, double median)
    {
        ArgumentNullException.ThrowIfNull(logProb);
        return 4 * Math.Exp(logProb(median));
    }

    /// <summary>
    /// <paramref name="b"/>'s probabilities as two bars on [0, 1], titled with its short line (or <paramref name="title"/>).
    /// </summary>
    public static PlotImage Probabilities(Bernoulli b, string? title = null, int width = Plots.DefaultWidth,
        int height = Plots.DefaultHeight)
    {
        var (labels, p) = Bars(b);
        return Plots.Bars(labels, p, title ?? b.ToString(), "value", "probability", yMax: 1, width: width, height: height);
    }

    /// <inheritdoc cref="Probabilities(Bernoulli, string?, int, int)"/>
    public static PlotImage Probabilities(Discrete d, string? title = null, int width = Plots.DefaultWidth,
        int height = Plots.DefaultHeight)
    {
        var (labels, p) = Bars(d);
        return Plots.Bars(labels, p, title ?? d.ToString(), "value", "probability", yMax: 1, width: width, height: height);
    }

    /// <summary>Registers the displays of Gaussian, Gamma, Beta, Bernoulli and Discrete (small plots, as a cell's value).</summary>
    internal static void AddRenderers()
    {
        DisplayRenderers.Add<Gaussian>(g => HasDensity(g) ? Show(Density(g, width: Small, height: SmallHeight), g.ToString()) : Line(g));
        DisplayRenderers.Add<Gamma>(g => HasDensity(g) ? Show(Density(g, width: Small, height: SmallHeight), g.ToString()) : Line(g));
        DisplayRenderers.Add<Beta>(b => HasDensity(b) ? Show(Density(b, width: Small, height: SmallHeight), b.ToString()) : Line(b));
        DisplayRenderers.Add<Bernoulli>(b => Show(Probabilities(b, width: Small, height: SmallHeight), b.ToString()));
        DisplayRenderers.Add<Discrete>(d => d.Dimension == 0
            ? Line(d)
            : Show(Probabilities(d, width: Small, height: SmallHeight), d.ToString()));
    }

    private static DisplayData Show(PlotImage plot, string line) => DisplayRenderers.FromPlot(plot, line);

    private static DisplayData Line(object distribution) => new(distribution.ToString() ?? "");

    private static PlotImage DensityPlot((double[] X, double[] Y) curve, string title, int width, int height, double? yMax = null) =>
        Plots.Lines([("", curve.X, curve.Y)], title, "x", "density", width, height, yMax);

    private static (double[] X, double[] Y) Sample(Func<double, double> logProb, double from, double to, int points) =>
        PlotGeometry.SampleCurve(x => Math.Exp(logProb(x)), from, to, points);

    private static void RequireDensity(bool has, string what)
    {
        if (!has) throw new ArgumentException($"{what} has no density to draw (a point mass, or improper).");
    }
}
