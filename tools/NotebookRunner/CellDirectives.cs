using System.Text;
using System.Text.RegularExpressions;

namespace Probabilistic.NotebookRunner;

/// <summary>A <c>#r</c> line of a cell: an assembly path (relative to the notebook) or a NuGet package.</summary>
/// <param name="Line">1-based line in the cell.</param>
/// <param name="Text">The reference as written inside the quotes.</param>
/// <param name="Package">For <c>#r "nuget: Name, Version"</c>: the package id; otherwise null.</param>
/// <param name="Version">The package version, when given.</param>
public sealed record ReferenceDirective(int Line, string Text, string? Package, string? Version)
{
    /// <summary>True for <c>#r "nuget: ..."</c>.</summary>
    public bool IsPackage => Package is not null;
}

/// <summary>Splits a notebook cell into its kernel directives (<c>#r</c>, <c>#!</c> magics) and its C# code.</summary>
public static partial class CellDirectives
{
    [GeneratedRegex("""^\s*#r\s+"(?<ref>[^"]+)"\s*$""")]
    private static partial Regex ReferenceLine();

    [GeneratedRegex("""^nuget:\s*(?<id>[^,\s]+)\s*(,\s*(?<version>\S+))?\s*$""", RegexOptions.IgnoreCase)]
    private static partial Regex NuGetReference();

    /// <summary>
    /// The cell's <c>#r</c> directives, and its code with those lines and <c>#!</c> magic-command lines blanked
    /// (kept as empty lines so compiler line numbers still match the cell).
    /// </summary>
    public static (IReadOnlyList<ReferenceDirective> References, string Code) Split(string source)
    {
        var refs = new List<ReferenceDirective>();
        var code = new StringBuilder();
        var lines = source.Replace("\r\n", "\n").Split('\n');
        for (int i = 0; i < lines.Length; i++)
        {
            var line = lines[i];
            var m = ReferenceLine().Match(line);
            if (m.Success)
            {
                var text = m.Groups["ref"].Value.Trim();
                var nuget = NuGetReference().Match(text);
                refs.Add(nuget.Success
                    ? new ReferenceDirective(i + 1, text, nuget.Groups["id"].Value, nuget.Groups["version"].Success ? nuget.Groups["version"].Value : null)
                    : new ReferenceDirective(i + 1, text, null, null));
                line = "";
            }
            else if (line.TrimStart().StartsWith("#!", StringComparison.Ordinal))
            {
                line = "";
            }
            code.Append(line);
            if (i < lines.Length - 1) code.Append('\n');
        }
        return (refs, code.ToString());
    }
}
