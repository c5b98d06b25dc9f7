using Microsoft.DotNet.Interactive.Formatting;
using Probabilistic.Core.Data;
using Probabilistic.Core.Inference;

namespace Probabilistic.Interactive.Tests;

public sealed class DisplayTests
{
    private static ElboTrace Trace(StopReason reason) => ElboTrace.FromSteps(
        [new ElboStep(1, -300, -3, TimeSpan.Zero), new ElboStep(2, -150, -1.5, TimeSpan.Zero), new ElboStep(3, -140, -1.4, TimeSpan.Zero, -1.6)],
        reason, isBound: true, observationCount: 100);

    [Fact]
    public void Elbo_trace_plot_names_the_stop_reason_and_renders_a_png_of_the_requested_size()
    {
        var plot = Plots.ElboTrace(Trace(StopReason.EarlyStopped), width: 500, height: 300);
        Assert.Contains("EarlyStopped after 3 steps", plot.Title);
        Assert.Equal((500, 300), RepoPaths.PngSize(plot.Png));
        Assert.StartsWith("<img src=\"data:image/png;base64,iVBORw0KGgo", plot.ToHtml()); // base64 of the PNG signature
    }

    [Fact]
    public void Several_traces_share_one_plot_and_empty_ones_are_refused()
    {
        var plot = Plots.ElboTraces([("cpu", Trace(StopReason.Converged)), ("gpu", Trace(StopReason.MaxIterations))]);
        Assert.Equal((Plots.DefaultWidth, Plots.DefaultHeight), RepoPaths.PngSize(plot.Png));
        var empty = ElboTrace.FromSteps([], StopReason.Cancelled, true, 1);
        Assert.Contains("at least one step", Assert.Throws<ArgumentException>(() => Plots.ElboTraces([("none", empty)])).Message);
        Assert.Equal(empty.ToString(), DisplayRenderers.Render(empty).PlainText); // an empty trace displays as text, not a plot
        Assert.Null(DisplayRenderers.Render(empty).Png);
    }

    [Fact]
    public void Every_plot_helper_renders()
    {
        double[] x = [0, 1, 2, 3], y = [1, 0, 2, 1];
        PlotImage[] plots =
        [
            Plots.Line(x, y, "line"),
            Plots.Scatter(x, y, [0, 1, 0, 1], "scatter", labelNames: ["a", "b"]),
            Plots.CovarianceEllipses([[0, 0], [3, 1]], [[1, 0.3, 0.3, 0.5], [0.4, 0, 0, 0.4]], x, y, [0, 0, 1, 1], title: "ellipses"),
            Plots.HeatMap(new double[,] { { 0.9, 0.1 }, { 0.2, 0.8 } }, ["s0", "s1"], ["s0", "s1"], "transitions"),
            Plots.ImageGrid([new float[] { 0, 1, 1, 0 }, new float[] { 1, 0, 0, 1 }], 2, 2, columns: 2, title: "images"),
            Plots.Density(t => Math.Exp(-t * t / 2) / Math.Sqrt(2 * Math.PI), -3, 3, [0.1, -0.5, 1.2], bins: 6, title: "density"),
        ];
        foreach (var p in plots)
            Assert.True(RepoPaths.PngSize(p.Png) == (Plots.DefaultWidth, Plots.DefaultHeight), $"{p.Title}: a {Plots.DefaultWidth}x{Plots.DefaultHeight} PNG");
    }

    [Fact]
    public void Plot_helpers_name_bad_input()
    {
        Assert.Contains("3 x values but 2 y values", Assert.Throws<ArgumentException>(() => Plots.Line([1, 2, 3], [1, 2])).Message);
        Assert.Contains("2 means but 1 covariances", Assert.Throws<ArgumentException>(
            () => Plots.CovarianceEllipses([[0, 0], [1, 1]], [[1, 0, 0, 1]])).Message);
        Assert.Contains("1 row labels for 2 rows", Assert.Throws<ArgumentException>(
            () => Plots.HeatMap(new double[2, 2], ["a"])).Message);
        Assert.Contains("Image 1 has 3 pixels; expected 2x2 = 4", Assert.Throws<ArgumentException>(
            () => Plots.ImageGrid([new float[4], new float[3]], 2, 2)).Message);
    }

    [Fact]
    public void Table_encodes_cells_and_aligns_plain_text()
    {
        var table = Html.Table(["name", "value"], [["a<b", 1.5], ["long name", 0.000123456789]]);
        Assert.Contains("<td>a&lt;b</td><td>1.5</td>", table.Html);
        Assert.Contains("<td>0.000123457</td>", table.Html); // G6
        Assert.Equal("name       value\n---------  -----------\na<b        1.5\nlong name  0.000123457", table.PlainText);
        Assert.Contains("Row 0 has 1 cells; the header has 2", Assert.Throws<ArgumentException>(() => Html.Table(["a", "b"], [["x"]])).Message);
    }

    [Fact]
    public void Tagged_sentence_aligns_words_and_tags_and_marks_errors()
    {
        var sentence = new TaggedSentence(["The", "dog", "barks"], ["DET", "VERB", "VERB"]);
        var shown = Html.TaggedSentence(sentence, reference: ["DET", "NOUN", "VERB"]);
        Assert.Equal("The  dog    barks\nDET  VERB*  VERB\nDET  NOUN   VERB", shown.PlainText);
        Assert.Contains("color:#c00\"><b>VERB</b>", shown.Html); // the wrong tag is red
        Assert.Equal(1, shown.Html.Split("color:#c00").Length - 1);
        Assert.Equal("The  dog   barks\nDET  NOUN  VERB", Html.TaggedSentence(new TaggedSentence(["The", "dog", "barks"], ["DET", "NOUN", "VERB"])).PlainText);
    }

    [Fact]
    public void Registered_formatters_render_html_for_notebooks()
    {
        ProbabilisticFormatters.Register();
        ProbabilisticFormatters.Register(); // harmless twice
        var trace = Trace(StopReason.Converged);
        Assert.StartsWith("<img src=\"data:image/png;base64,", Formatter.ToDisplayString(trace, HtmlFormatter.MimeType));
        Assert.Equal(trace.ToString(), Formatter.ToDisplayString(trace, PlainTextFormatter.MimeType));
        var sentence = new TaggedSentence(["Hi"], ["INTJ"]);
        Assert.Contains("<code>INTJ</code>", Formatter.ToDisplayString(sentence, HtmlFormatter.MimeType));
        Assert.Contains(HtmlFormatter.MimeType, Formatter.GetPreferredMimeTypesFor(typeof(ElboTrace)));
    }

    [Fact]
    public void Renderers_added_later_reach_the_formatters()
    {
        ProbabilisticFormatters.Register();
        DisplayRenderers.Add<LaterType>(v => new DisplayData($"later {v.N}", $"<b>later {v.N}</b>"));
        Assert.Equal("<b>later 7</b>", Formatter.ToDisplayString(new LaterType(7), HtmlFormatter.MimeType));
        Assert.Equal("later 7", DisplayRenderers.Render(new LaterType(7)).PlainText);
    }

    public sealed record LaterType(int N);

    [Fact]
    public void File_display_writes_numbered_pngs_and_prints_text()
    {
        var dir = RepoPaths.TempDirectory();
        var text = new StringWriter();
        var display = new FileDisplay(dir, text);
        display.Display(42);
        display.Display(Trace(StopReason.MaxIterations));
        Assert.Equal([Path.Combine(dir, "display-02.png")], display.Files);
        Assert.Equal((Plots.DefaultWidth, Plots.DefaultHeight), RepoPaths.PngSize(File.ReadAllBytes(display.Files[0])));
        Assert.StartsWith("42\n3 steps, MaxIterations;", text.ToString().Replace("\r\n", "\n"));
        Directory.Delete(dir, recursive: true);
    }

    [Fact]
    public void Expectations_throw_with_their_message()
    {
        Expect.That(true, "fine");
        Expect.Near(1.0, 1.05, 0.1, "close");
        Assert.Equal("Expectation failed: x = 2, expected 1 ± 0.1.", Assert.Throws<ExpectationFailedException>(() => Expect.Near(1, 2, 0.1, "x")).Message);
        Assert.Equal("Expectation failed: no NaN", Assert.Throws<ExpectationFailedException>(() => Expect.That(false, "no NaN")).Message);
        Assert.Throws<ExpectationFailedException>(() => Expect.Near(1, double.NaN, 0.1, "a NaN is never near"));
    }
}
