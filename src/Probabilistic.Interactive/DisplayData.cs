using System.Collections.Concurrent;
using Microsoft.DotNet.Interactive.Formatting;
using Probabilistic.Core.Data;
using Probabilistic.Core.Inference;

namespace Probabilistic.Interactive;

/// <summary>What a displayed value looks like, in the MIME types a notebook stores: a PNG, HTML, plain text.</summary>
/// <param name="PlainText">Always present (text/plain).</param>
/// <param name="Html">HTML (text/html), when the value has a rich form.</param>
/// <param name="Png">A PNG image (image/png), when the value is or renders as a plot.</param>
public sealed record DisplayData(string PlainText, string? Html = null, byte[]? Png = null);

/// <summary>
/// Turns values into <see cref="DisplayData"/>: one renderer per type, shared by the .NET Interactive formatters
/// (<see cref="ProbabilisticFormatters.Register"/>), the notebook runner and exported file-based apps.
/// </summary>
public static class DisplayRenderers
{
    private static readonly ConcurrentDictionary<Type, Func<object, DisplayData>> Renderers = new();

    static DisplayRenderers()
    {
        Add<PlotImage>(p => new DisplayData(p.ToString(), p.ToHtml(), p.Png));
        Add<HtmlFragment>(h => new DisplayData(h.PlainText, h.Html));
        Add<ElboTrace>(t => t.Count == 0 ? new DisplayData(t.ToString()) : FromPlot(Plots.ElboTrace(t), t.ToString()));
        Add<TaggedSentence>(s => FromHtml(Html.TaggedSentence(s)));
        FamilyRenderers.AddAll();
    }

    /// <summary>
    /// Adds (or replaces) the renderer of <typeparamref name="T"/>: e.g. <c>Add&lt;GaussianMixture&gt;(m =&gt;
    /// DisplayRenderers.FromPlot(Plots.CovarianceEllipses(...), m.ToString()))</c>. Also registers it with .NET
    /// Interactive when <see cref="ProbabilisticFormatters.Register"/> has run.
    /// </summary>
    public static void Add<T>(Func<T, DisplayData> render) where T : notnull
    {
        ArgumentNullException.ThrowIfNull(render);
        Renderers[typeof(T)] = o => render((T)o);
        ProbabilisticFormatters.OnRendererAdded(typeof(T));
    }

    /// <summary>The types that have a renderer.</summary>
    public static IReadOnlyCollection<Type> Types => Renderers.Keys.ToArray();

    /// <summary>A plot's display: the PNG, its inline <c>&lt;img&gt;</c>, and <paramref name="plainText"/> (or the title).</summary>
    public static DisplayData FromPlot(PlotImage plot, string? plainText = null)
    {
        ArgumentNullException.ThrowIfNull(plot);
        return new DisplayData(plainText ?? plot.ToString(), plot.ToHtml(), plot.Png);
    }

    /// <summary>An HTML fragment's display.</summary>
    public static DisplayData FromHtml(HtmlFragment html) => new(html.PlainText, html.Html);

    /// <summary>
    /// Renders <paramref name="value"/> with the renderer of its type (or of its nearest base type or an interface);
    /// any other value becomes .NET Interactive's plain-text form.
    /// </summary>
    public static DisplayData Render(object? value)
    {
        if (value is null) return new DisplayData("<null>");
        if (TryFind(value.GetType()) is { } render) return render(value);
        return new DisplayData(Formatter.ToDisplayString(value, PlainTextFormatter.MimeType));
    }

    /// <summary>True when <paramref name="type"/> has a renderer of its own or through a base type or interface.</summary>
    public static bool Has(Type type) => TryFind(type) is not null;

    private static Func<object, DisplayData>? TryFind(Type type)
    {
        for (var t = type; t is not null; t = t.BaseType)
            if (Renderers.TryGetValue(t, out var r)) return r;
        foreach (var i in type.GetInterfaces())
            if (Renderers.TryGetValue(i, out var r)) return r;
        return null;
    }
}
