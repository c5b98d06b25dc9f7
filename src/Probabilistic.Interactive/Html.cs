using System.Globalization;
using System.Net;
using System.Text;
using Probabilistic.Core.Data;

namespace Probabilistic.Interactive;

/// <summary>HTML (and matching plain-text) renderings of tables and tagged sentences.</summary>
public static class Html
{
    /// <summary>
    /// A table with a header row; cells are formatted invariantly (doubles with <paramref name="numberFormat"/>) and
    /// HTML-encoded. The plain-text form aligns the columns.
    /// </summary>
    public static HtmlFragment Table(IReadOnlyList<string> headers, IEnumerable<IReadOnlyList<object?>> rows, string numberFormat = "G6")
    {
        ArgumentNullException.ThrowIfNull(headers);
        ArgumentNullException.ThrowIfNull(rows);
        var cells = new List<string[]>();
        int r = 0;
        foreach (var row in rows)
        {
            if (row.Count != headers.Count)
                throw new ArgumentException($"Row {r} has {row.Count} cells; the header has {headers.Count}.", nameof(rows));
            cells.Add(row.Select(v => Cell(v, numberFormat)).ToArray());
            r++;
        }
        var html = new StringBuilder("<table>\n<thead><tr>");
        foreach (var h in headers) html.Append("<th>").Append(WebUtility.HtmlEncode(h)).Append("</th>");
        html.Append("</tr></thead>\n<tbody>\n");
        foreach (var row in cells)
        {
            html.Append("<tr>");
            foreach (var c in row) html.Append("<td>").Append(WebUtility.HtmlEncode(c)).Append("</td>");
            html.Append("</tr>\n");
        }
        html.Append("</tbody>\n</table>");
        return new HtmlFragment(html.ToString(), AlignedText([headers.ToArray(), .. cells]));
    }

    /// <summary>
    /// Words over their tags, aligned token by token; <paramref name="reference"/> (gold tags), when given, is a third
    /// row and tags that differ from it are marked (red in HTML, '*' in text).
    /// </summary>
    public static HtmlFragment TaggedSentence(TaggedSentence sentence, IReadOnlyList<string>? reference = null)
    {
        ArgumentNullException.ThrowIfNull(sentence);
        if (sentence.Words.Length != sentence.Tags.Length)
            throw new ArgumentException($"The sentence has {sentence.Words.Length} words but {sentence.Tags.Length} tags.", nameof(sentence));
        if (reference is not null && reference.Count != sentence.Length)
            throw new ArgumentException($"The reference has {reference.Count} tags for {sentence.Length} words.", nameof(reference));
        bool Wrong(int i) => reference is not null && reference[i] != sentence.Tags[i];

        var html = new StringBuilder("<table style=\"border-collapse:collapse\">\n<tr>");
        foreach (var w in sentence.Words) html.Append("<td style=\"padding:2px 6px;text-align:center\">").Append(WebUtility.HtmlEncode(w)).Append("</td>");
        html.Append("</tr>\n<tr>");
        for (int i = 0; i < sentence.Length; i++)
            html.Append(Wrong(i) ? "<td style=\"padding:2px 6px;text-align:center;color:#c00\"><b>" : "<td style=\"padding:2px 6px;text-align:center;color:#555\"><code>")
                .Append(WebUtility.HtmlEncode(sentence.Tags[i]))
                .Append(Wrong(i) ? "</b></td>" : "</code></td>");
        html.Append("</tr>");
        if (reference is not null)
        {
            html.Append("\n<tr>");
            foreach (var t in reference) html.Append("<td style=\"padding:2px 6px;text-align:center;color:#999\"><small>").Append(WebUtility.HtmlEncode(t)).Append("</small></td>");
            html.Append("</tr>");
        }
        html.Append("\n</table>");

        var rows = new List<string[]> { sentence.Words, sentence.Tags.Select((t, i) => Wrong(i) ? t + "*" : t).ToArray() };
        if (reference is not null) rows.Add(reference.ToArray());
        return new HtmlFragment(html.ToString(), AlignedText(rows, header: false));
    }

    /// <summary>Columns padded to their widest cell, separated by two spaces; a dashed rule under the header.</summary>
    internal static string AlignedText(IReadOnlyList<string[]> rows, bool header = true)
    {
        int cols = rows.Max(r => r.Length);
        var widths = new int[cols];
        foreach (var row in rows)
            for (int c = 0; c < row.Length; c++)
                widths[c] = Math.Max(widths[c], row[c].Length);
        var lines = new List<string>();
        for (int r = 0; r < rows.Count; r++)
        {
            lines.Add(string.Join("  ", rows[r].Select((cell, c) => cell.PadRight(widths[c]))).TrimEnd());
            if (r == 0 && header) lines.Add(string.Join("  ", widths.Select(w => new string('-', w))));
        }
        return string.Join('\n', lines);
    }

    private static string Cell(object? value, string numberFormat) => value switch
    {
        null => "",
        double d => d.ToString(numberFormat, CultureInfo.InvariantCulture),
        float f => f.ToString(numberFormat, CultureInfo.InvariantCulture),
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "",
    };
}
