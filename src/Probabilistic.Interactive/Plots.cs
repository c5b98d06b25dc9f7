using System.Globalization;
using Probabilistic.Core.Inference;
using ScottPlot;

namespace Probabilistic.Interactive;

/// <summary>
/// Plot helpers over plain arrays, rendered with ScottPlot to PNG. Family formatters are meant to be one-liners on
/// top of these (a mixture's means and covariances → <see cref="CovarianceEllipses"/>, an HMM's transition matrix →
/// <see cref="HeatMap"/>, VAE samples → <see cref="ImageGrid"/>).
/// </summary>
public static class Plots
{
    /// <summary>Default image width in pixels.</summary>
    public const int DefaultWidth = 640;

    /// <summary>Default image height in pixels.</summary>
    public const int DefaultHeight = 400;

    private static readonly IPalette Palette = new ScottPlot.Palettes.Category10();

    /// <summary>The trace of a fit: ELBO per observation against iteration, with the stop reason in the title.</summary>
    /// <remarks>Held-out ELBO per observation, when the trace has it, is a second line. EP traces say "log-evidence estimate".</remarks>
    public static PlotImage ElboTrace(ElboTrace trace, string? title = null, int width = DefaultWidth, int height = DefaultHeight)
    {
        ArgumentNullException.ThrowIfNull(trace);
        if (trace.Count == 0) throw new ArgumentException("The trace has no steps to plot.", nameof(trace));
        var what = trace.IsBound ? "ELBO" : "log-evidence estimate";
        var x = trace.Select(s => (double)s.Iteration).ToArray();
        var y = trace.Select(s => s.ElboPerObservation).ToArray();
        var held = trace.Where(s => s.HeldOutElboPerObservation is double h && double.IsFinite(h)).ToArray();
        var series = new List<(string, double[], double[])> { (held.Length > 0 ? "training" : "", x, y) };
        if (held.Length > 0)
            series.Add(("held-out", held.Select(s => (double)s.Iteration).ToArray(), held.Select(s => s.HeldOutElboPerObservation!.Value).ToArray()));
        title ??= string.Create(CultureInfo.InvariantCulture,
            $"{what} per observation: {trace.StopReason} after {trace.Count} steps, final {trace.FinalElboPerObservation:G6} nats");
        return Lines(series, title, "iteration", $"{what} per observation (nats)", width, height);
    }

    /// <summary>Several fits' traces on one plot (CPU vs GPU, EM vs variational Bayes, restarts), ELBO per observation against iteration.</summary>
    public static PlotImage ElboTraces(IReadOnlyList<(string Label, ElboTrace Trace)> traces, string title = "ELBO per observation",
        int width = DefaultWidth, int height = DefaultHeight)
    {
        ArgumentNullException.ThrowIfNull(traces);
        if (traces.Count == 0 || traces.Any(t => t.Trace is null || t.Trace.Count == 0))
            throw new ArgumentException("Every trace needs at least one step.", nameof(traces));
        var series = traces.Select(t => (
            string.Create(CultureInfo.InvariantCulture, $"{t.Label}: {t.Trace.StopReason}, {t.Trace.Count} steps"),
            t.Trace.Select(s => (double)s.Iteration).ToArray(),
            t.Trace.Select(s => s.ElboPerObservation).ToArray())).ToList();
        return Lines(series, title, "iteration", "ELBO per observation (nats)", width, height);
    }

    /// <summary>One line y against x.</summary>
    public static PlotImage Line(double[] x, double[] y, string title = "", string xLabel = "", string yLabel = "",
        int width = DefaultWidth, int height = DefaultHeight)
        => Lines([("", x, y)], title, xLabel, yLabel, width, height);

    /// <summary>
    /// Several labelled lines on one set of axes (a legend appears in <paramref name="legend"/>'s corner when any label is
    /// non-empty); <paramref name="yMax"/>, when given, cuts the vertical axis there (a density that is unbounded at an end)
    /// with its bottom at 0.
    /// </summary>
    public static PlotImage Lines(IReadOnlyList<(string Label, double[] X, double[] Y)> series, string title = "", string xLabel = "",
        string yLabel = "", int width = DefaultWidth, int height = DefaultHeight, double? yMax = null,
        LegendCorner legend = LegendCorner.LowerRight)
    {
        ArgumentNullException.ThrowIfNull(series);
        using var plot = NewPlot(title, xLabel, yLabel);
        for (int i = 0; i < series.Count; i++)
        {
            var (label, x, y) = series[i];
            CheckXY(x, y, $"series {i}");
            var line = plot.Add.Scatter(x, y, Palette.GetColor(i));
            line.MarkerSize = x.Length <= 60 ? 5 : 0;
            line.LineWidth = 2;
            if (!string.IsNullOrEmpty(label)) line.LegendText = label;
        }
        if (series.Any(s => !string.IsNullOrEmpty(s.Label))) plot.ShowLegend(legend switch
        {
            LegendCorner.UpperRight => Alignment.UpperRight,
            LegendCorner.UpperLeft => Alignment.UpperLeft,
            LegendCorner.LowerLeft => Alignment.LowerLeft,
            _ => Alignment.LowerRight,
        });
        if (yMax is double top) plot.Axes.SetLimitsY(0, top);
        return Render(plot, title, width, height);
    }

    /// <summary>Points coloured by an integer label (a cluster or a class); one legend entry per label.</summary>
    /// <param name="x">Horizontal coordinates.</param>
    /// <param name="y">Vertical coordinates.</param>
    /// <param name="labels">Label of each point (0, 1, …), or null for one colour.</param>
    /// <param name="labelNames">Legend names by label, or null for "0", "1", ….</param>
    public static PlotImage Scatter(double[] x, double[] y, int[]? labels = null, string title = "", string xLabel = "", string yLabel = "",
        IReadOnlyList<string>? labelNames = null, int width = DefaultWidth, int height = DefaultHeight)
    {
        using var plot = NewPlot(title, xLabel, yLabel);
        AddPoints(plot, x, y, labels, labelNames);
        return Render(plot, title, width, height);
    }

    /// <summary>
    /// The k-sigma ellipses of 2-D Gaussians (a mixture's components) over optional labelled points, each mean marked.
    /// </summary>
    /// <param name="means">One 2-vector per component.</param>
    /// <param name="covariances">One row-major 2x2 matrix (4 values) per component.</param>
    /// <param name="x">Optional points to draw underneath (with <paramref name="y"/>).</param>
    /// <param name="y">Optional points' vertical coordinates.</param>
    /// <param name="labels">Optional label per point (colours match the components).</param>
    /// <param name="sigmas">Which ellipse: 2 draws Mahalanobis distance 2 (about 86% of a 2-D Gaussian's mass).</param>
    public static PlotImage CovarianceEllipses(IReadOnlyList<double[]> means, IReadOnlyList<double[]> covariances,
        double[]? x = null, double[]? y = null, int[]? labels = null, double sigmas = 2, string title = "", string xLabel = "", string yLabel = "",
        int width = DefaultWidth, int height = DefaultHeight)
    {
        ArgumentNullException.ThrowIfNull(means);
        ArgumentNullException.ThrowIfNull(covariances);
        if (means.Count != covariances.Count)
            throw new ArgumentException($"{means.Count} means but {covariances.Count} covariances.", nameof(covariances));
        using var plot = NewPlot(title, xLabel, yLabel);
        if (x is not null && y is not null) AddPoints(plot, x, y, labels, null, markerSize: 3, alpha: 0.45);
        for (int k = 0; k < means.Count; k++)
        {
            var (ex, ey) = PlotGeometry.CovarianceEllipse(means[k], covariances[k], sigmas);
            var color = Palette.GetColor(k);
            var ring = plot.Add.ScatterLine(ex, ey, color);
            ring.LineWidth = 2;
            ring.LegendText = string.Create(CultureInfo.InvariantCulture, $"component {k} ({sigmas:G3}σ)");
            plot.Add.Marker(means[k][0], means[k][1], MarkerShape.Cross, 12, color);
        }
        plot.ShowLegend(Alignment.UpperLeft);
        return Render(plot, title, width, height);
    }

    /// <summary>A matrix as coloured cells (row 0 at the top), with values written in the cells when it is small.</summary>
    /// <param name="values">The matrix, e.g. an HMM's transition probabilities (from-state rows, to-state columns).</param>
    /// <param name="rowLabels">Names of the rows, or null for indices.</param>
    /// <param name="columnLabels">Names of the columns, or null for indices.</param>
    public static PlotImage HeatMap(double[,] values, IReadOnlyList<string>? rowLabels = null, IReadOnlyList<string>? columnLabels = null,
        string title = "", string xLabel = "", string yLabel = "", int width = DefaultWidth, int height = DefaultHeight)
    {
        ArgumentNullException.ThrowIfNull(values);
        int rows = values.GetLength(0), cols = values.GetLength(1);
        if (rows == 0 || cols == 0) throw new ArgumentException("The matrix is empty.", nameof(values));
        if (rowLabels is not null && rowLabels.Count != rows) throw new ArgumentException($"{rowLabels.Count} row labels for {rows} rows.", nameof(rowLabels));
        if (columnLabels is not null && columnLabels.Count != cols) throw new ArgumentException($"{columnLabels.Count} column labels for {cols} columns.", nameof(columnLabels));
        using var plot = NewPlot(title, xLabel, yLabel);
        var map = plot.Add.Heatmap(values);
        map.Colormap = new ScottPlot.Colormaps.Viridis();
        plot.Add.ColorBar(map);
        // ScottPlot draws row 0 at the top with cell (r, c) centred on (c, rows − 1 − r).
        plot.Axes.Bottom.SetTicks(Enumerable.Range(0, cols).Select(c => (double)c).ToArray(),
            Enumerable.Range(0, cols).Select(c => columnLabels?[c] ?? c.ToString(CultureInfo.InvariantCulture)).ToArray());
        plot.Axes.Left.SetTicks(Enumerable.Range(0, rows).Select(r => (double)(rows - 1 - r)).ToArray(),
            Enumerable.Range(0, rows).Select(r => rowLabels?[r] ?? r.ToString(CultureInfo.InvariantCulture)).ToArray());
        if (rows * cols <= 144)
        {
            double lo = double.PositiveInfinity, hi = double.NegativeInfinity;
            foreach (var v in values) { lo = Math.Min(lo, v); hi = Math.Max(hi, v); }
            for (int r = 0; r < rows; r++)
                for (int c = 0; c < cols; c++)
                {
                    var text = plot.Add.Text(values[r, c].ToString("G3", CultureInfo.InvariantCulture), c, rows - 1 - r);
                    text.Alignment = Alignment.MiddleCenter;
                    text.LabelFontSize = 12;
                    // Light text on the dark (low) end of viridis, dark text on the bright end.
                    text.LabelFontColor = hi > lo && (values[r, c] - lo) / (hi - lo) > 0.6 ? Colors.Black : Colors.White;
                }
        }
        return Render(plot, title, width, height);
    }

    /// <summary>Grey-scale images (row-major float pixels, e.g. MNIST digits or VAE samples in [0, 1]) tiled in a grid.</summary>
    public static PlotImage ImageGrid(IReadOnlyList<float[]> images, int imageWidth, int imageHeight, int columns = 10, string title = "",
        int width = DefaultWidth, int height = DefaultHeight)
    {
        var grid = PlotGeometry.TileImages(images, imageWidth, imageHeight, columns, gap: double.NaN);
        using var plot = NewPlot(title, "", "");
        var map = plot.Add.Heatmap(grid);
        map.Colormap = new ScottPlot.Colormaps.Grayscale();
        map.NaNCellColor = Colors.SteelBlue;
        plot.HideGrid();
        plot.Axes.SquareUnits();
        return Render(plot, title, width, height);
    }

    /// <summary>
    /// A density (or any function) drawn over [<paramref name="from"/>, <paramref name="to"/>], optionally over a
    /// normalised histogram of <paramref name="data"/> so fit and data can be compared by eye.
    /// </summary>
    public static PlotImage Density(Func<double, double> density, double from, double to, double[]? data = null, int bins = 30,
        string title = "", string xLabel = "x", string yLabel = "density", int points = 200, int width = DefaultWidth, int height = DefaultHeight)
    {
        var (xs, ys) = PlotGeometry.SampleCurve(density, from, to, points);
        using var plot = NewPlot(title, xLabel, yLabel);
        if (data is { Length: > 0 })
        {
            var (centers, heights) = PlotGeometry.DensityHistogram(data, from, to, bins);
            var bars = plot.Add.Bars(centers, heights);
            foreach (var bar in bars.Bars)
            {
                bar.Size = (to - from) / bins;
                bar.FillColor = Palette.GetColor(0).WithAlpha(0.35);
                bar.LineWidth = 0;
            }
            bars.LegendText = $"data (n = {data.Length})";
        }
        var curve = plot.Add.ScatterLine(xs, ys, Palette.GetColor(1));
        curve.LineWidth = 2.5f;
        curve.LegendText = "density";
        plot.ShowLegend(Alignment.UpperRight);
        return Render(plot, title, width, height);
    }

    /// <summary>
    /// Labelled bars (a discrete distribution's probabilities, counts per category), each with its value written on top
    /// when there are at most 20; the value axis starts at 0 and, when <paramref name="yMax"/> is given, ends a little
    /// above it (room for the labels) so that plots of probabilities share one scale.
    /// </summary>
    public static PlotImage Bars(IReadOnlyList<string> labels, double[] values, string title = "", string xLabel = "",
        string yLabel = "", double? yMax = null, int width = DefaultWidth, int height = DefaultHeight)
    {
        ArgumentNullException.ThrowIfNull(labels);
        ArgumentNullException.ThrowIfNull(values);
        if (values.Length == 0) throw new ArgumentException("No bars to draw.", nameof(values));
        if (labels.Count != values.Length)
            throw new ArgumentException($"{labels.Count} labels for {values.Length} bars.", nameof(labels));
        if (values.Any(v => !double.IsFinite(v))) throw new ArgumentException("The bars hold a non-finite value.", nameof(values));
        using var plot = NewPlot(title, xLabel, yLabel);
        var positions = Enumerable.Range(0, values.Length).Select(i => (double)i).ToArray();
        var bars = plot.Add.Bars(positions, values);
        bool few = values.Length <= 20;
        foreach (var bar in bars.Bars)
        {
            bar.FillColor = Palette.GetColor(0);
            bar.LineWidth = 0;
            if (few) bar.Label = bar.Value.ToString("G4", CultureInfo.InvariantCulture);
        }
        if (few) plot.Axes.Bottom.SetTicks(positions, labels.ToArray());
        double top = Math.Max(values.Max(), 0);
        plot.Axes.SetLimitsY(Math.Min(values.Min(), 0), yMax is double m && m >= top ? m * 1.08 : top * 1.15 + (top == 0 ? 1 : 0));
        return Render(plot, title, width, height);
    }

    private static Plot NewPlot(string title, string xLabel, string yLabel)
    {
        var plot = new Plot();
        if (!string.IsNullOrEmpty(title)) plot.Title(title, 14);
        if (!string.IsNullOrEmpty(xLabel)) plot.XLabel(xLabel, 13);
        if (!string.IsNullOrEmpty(yLabel)) plot.YLabel(yLabel, 13);
        return plot;
    }

    private static void AddPoints(Plot plot, double[] x, double[] y, int[]? labels, IReadOnlyList<string>? labelNames,
        float markerSize = 5, double alpha = 1)
    {
        CheckXY(x, y, "points");
        if (labels is null)
        {
            var all = plot.Add.ScatterPoints(x, y, Palette.GetColor(0).WithAlpha(alpha));
            all.MarkerSize = markerSize;
            return;
        }
        if (labels.Length != x.Length) throw new ArgumentException($"{labels.Length} labels for {x.Length} points.", nameof(labels));
        foreach (var label in labels.Distinct().Order())
        {
            if (label < 0) throw new ArgumentException($"Labels must be >= 0; found {label}.", nameof(labels));
            var idx = Enumerable.Range(0, x.Length).Where(i => labels[i] == label).ToArray();
            var group = plot.Add.ScatterPoints(idx.Select(i => x[i]).ToArray(), idx.Select(i => y[i]).ToArray(), Palette.GetColor(label).WithAlpha(alpha));
            group.MarkerSize = markerSize;
            group.LegendText = labelNames is not null && label < labelNames.Count ? labelNames[label] : label.ToString(CultureInfo.InvariantCulture);
        }
        plot.ShowLegend(Alignment.UpperRight);
    }

    private static void CheckXY(double[] x, double[] y, string what)
    {
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(y);
        if (x.Length != y.Length) throw new ArgumentException($"The {what} have {x.Length} x values but {y.Length} y values.");
        if (x.Length == 0) throw new ArgumentException($"The {what} are empty.");
    }

    private static PlotImage Render(Plot plot, string title, int width, int height)
    {
        if (width < 16 || height < 16) throw new ArgumentOutOfRangeException(nameof(width), $"Image size {width}x{height} is too small.");
        return new PlotImage(plot.GetImageBytes(width, height, ImageFormat.Png), width, height, title);
    }
}

/// <summary>Where a plot's legend goes.</summary>
public enum LegendCorner
{
    /// <summary>Bottom right (rising curves such as ELBO traces leave it free).</summary>
    LowerRight,

    /// <summary>Bottom left.</summary>
    LowerLeft,

    /// <summary>Top right.</summary>
    UpperRight,

    /// <summary>Top left.</summary>
    UpperLeft,
}
