namespace Probabilistic.Interactive;

/// <summary>A rendered plot: PNG bytes plus the title, shown in notebooks as an inline base64 <c>&lt;img&gt;</c>.</summary>
/// <param name="Png">The PNG file's bytes.</param>
/// <param name="Width">Width in pixels.</param>
/// <param name="Height">Height in pixels.</param>
/// <param name="Title">The plot's title (also the image's alt text and its plain-text form).</param>
public sealed record PlotImage(byte[] Png, int Width, int Height, string Title)
{
    /// <summary>The PNG as base64, the form Jupyter's <c>image/png</c> output and data URIs carry.</summary>
    public string Base64 => Convert.ToBase64String(Png);

    /// <summary>An <c>&lt;img&gt;</c> with the PNG inline as a data URI, so it renders on any notebook viewer.</summary>
    public string ToHtml() =>
        $"<img src=\"data:image/png;base64,{Base64}\" width=\"{Width}\" height=\"{Height}\" alt=\"{System.Net.WebUtility.HtmlEncode(Title)}\"/>";

    /// <summary>Writes the PNG to <paramref name="path"/> atomically.</summary>
    public void Save(string path) => Core.IO.AtomicFile.Write(path, s => s.Write(Png));

    /// <summary>"[plot: title, W×H]".</summary>
    public override string ToString() => $"[plot: {Title}, {Width}x{Height}]";
}

/// <summary>An HTML fragment to be shown as HTML (not escaped) by the notebook formatters.</summary>
/// <param name="Html">The markup.</param>
/// <param name="PlainText">What a text-only viewer shows instead.</param>
public sealed record HtmlFragment(string Html, string PlainText)
{
    /// <summary>The plain-text form.</summary>
    public override string ToString() => PlainText;
}
