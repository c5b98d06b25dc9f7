using Microsoft.DotNet.Interactive.Formatting;

namespace Probabilistic.Interactive;

/// <summary>
/// Registers the library's displays with .NET Interactive's <see cref="Formatter"/>: text/html (plots as inline base64
/// PNG <c>&lt;img&gt;</c>, tables, tagged sentences) and text/plain, HTML preferred.
/// </summary>
/// <remarks>
/// In a notebook this runs by itself when the package is loaded with <c>#r "nuget: Probabilistic.Interactive"</c>
/// (the package's <c>interactive-extensions/dotnet/extension.dib</c> calls it); after <c>#r "path/Probabilistic.Interactive.dll"</c>
/// call it yourself. Calling it again is harmless.
/// </remarks>
public static class ProbabilisticFormatters
{
    private static readonly Lock Gate = new();
    private static bool _registered;

    /// <summary>True once <see cref="Register"/> has run.</summary>
    public static bool IsRegistered { get { lock (Gate) return _registered; } }

    /// <summary>Registers a text/html and a text/plain formatter for every type <see cref="DisplayRenderers"/> knows.</summary>
    public static void Register()
    {
        lock (Gate)
        {
            _registered = true;
            foreach (var type in DisplayRenderers.Types) RegisterType(type);
        }
    }

    internal static void OnRendererAdded(Type type)
    {
        lock (Gate)
            if (_registered) RegisterType(type);
    }

    private static void RegisterType(Type type)
    {
        Formatter.Register(type, (value, writer) =>
        {
            var data = DisplayRenderers.Render(value);
            writer.Write(data.Html ?? $"<pre>{System.Net.WebUtility.HtmlEncode(data.PlainText)}</pre>");
        }, HtmlFormatter.MimeType);
        Formatter.Register(type, (value, writer) => writer.Write(DisplayRenderers.Render(value).PlainText), PlainTextFormatter.MimeType);
        Formatter.SetPreferredMimeTypesFor(type, HtmlFormatter.MimeType);
    }
}
