using System.Text;
using System.Text.RegularExpressions;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace Probabilistic.NotebookRunner;

/// <summary>
/// Exports a notebook to a .NET 10 file-based app (<c>dotnet run notebooks/cs/00-core.cs</c>), so every notebook also
/// runs without .NET Interactive.
/// </summary>
/// <remarks>
/// <para>Directives: <c>#r "…/src/P/bin/Release/net10.0/P.dll"</c> becomes <c>#:project …/src/P/P.csproj</c> (relative to the
/// exported file); <c>#r "nuget: Id, Version"</c> becomes <c>#:project …/src/Id/Id.csproj</c> for this repository's own packages
/// and <c>#:package Id@Version</c> for others. Central package management is switched off
/// for the app (<c>#:property ManagePackageVersionsCentrally=false</c>: a versioned <c>#:package</c> is an error under it; the
/// referenced projects keep their central versions). Warnings are not errors in the app (notebook code is script code).</para>
/// <para>Code: <c>using</c> directives are hoisted to the top, type declarations (classes, records, structs, enums, interfaces)
/// moved after the statements (C# requires top-level statements first), everything else stays in cell order under a
/// <c>// ── cell N ──</c> marker. So a notebook that exports must not declare the same variable in two cells, and its types
/// must not use the cells' variables. <c>display(x)</c> becomes a <see cref="Interactive.FileDisplay"/>: PNGs into the folder
/// given as the first argument (default: NN-name.out beside the .cs file), text to standard output.</para>
/// </remarks>
public static partial class FileAppExporter
{
    [GeneratedRegex("""^(?<project>.+)[/\\]bin[/\\][^/\\]+[/\\][^/\\]+[/\\](?<name>[^/\\]+)\.dll$""", RegexOptions.IgnoreCase)]
    private static partial Regex BuiltAssemblyPath();

    /// <summary>The default place of the export: notebooks/cs/NN-name.cs for notebooks/NN-name.ipynb.</summary>
    public static string DefaultPath(Notebook notebook) =>
        Path.Combine(Path.GetDirectoryName(notebook.Path)!, "cs", Path.GetFileNameWithoutExtension(notebook.Path) + ".cs");

    /// <summary>Writes the export of <paramref name="notebook"/> to <paramref name="path"/> (default <see cref="DefaultPath"/>).</summary>
    public static string Write(Notebook notebook, string? path = null)
    {
        path = Path.GetFullPath(path ?? DefaultPath(notebook));
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        Core.IO.AtomicFile.WriteAllText(path, Export(notebook, path));
        return path;
    }

    /// <summary>The file-based app's text for <paramref name="notebook"/>, to be saved at <paramref name="path"/>.</summary>
    public static string Export(Notebook notebook, string path)
    {
        ArgumentNullException.ThrowIfNull(notebook);
        var notebookDir = Path.GetDirectoryName(notebook.Path)!;
        var appDir = Path.GetDirectoryName(Path.GetFullPath(path))!;
        var name = Path.GetFileNameWithoutExtension(notebook.Path);
        var directives = new List<string>();
        var usings = new List<string>(NotebookExecutor.DefaultImports.Select(n => $"using {n};"));
        var body = new StringBuilder();
        var types = new StringBuilder();

        int cellIndex = 0;
        foreach (var cell in notebook.Cells)
        {
            cellIndex++;
            if (Notebook.CellType(cell!) != "code") continue;
            var (references, code) = CellDirectives.Split(Notebook.Source(cell!));
            foreach (var reference in references)
            {
                var directive = reference.IsPackage
                    ? SourceProjectOf(reference.Package!, notebookDir, appDir) is { } project
                        ? $"#:project {project}"
                        : $"#:package {reference.Package}" + (reference.Version is null ? "" : $"@{reference.Version}")
                    : $"#:project {ProjectOf(reference, notebookDir, appDir, notebook.Name, cellIndex)}";
                if (!directives.Contains(directive)) directives.Add(directive);
            }

            var unit = SyntaxFactory.ParseCompilationUnit(code, options: NotebookExecutor.ScriptParse);
            foreach (var u in unit.Usings)
            {
                var text = u.ToString().Trim();
                if (!usings.Contains(text)) usings.Add(text);
            }
            var statements = new StringBuilder();
            var last = unit.Members.LastOrDefault();
            foreach (var member in unit.Members)
            {
                if (member is BaseTypeDeclarationSyntax or DelegateDeclarationSyntax)
                    types.Append("// from cell ").Append(cellIndex).Append('\n').Append(member.ToFullString().Trim('\n')).Append("\n\n");
                else if (member == last && member is GlobalStatementSyntax { Statement: ExpressionStatementSyntax { SemicolonToken.IsMissing: true } final })
                    // the cell's value is shown, as a kernel does: only the final expression is displayed
                    statements.Append(member.GetLeadingTrivia().ToFullString()).Append($"display({final.Expression.ToString().Trim()});");
                else
                    statements.Append(member.ToFullString());
            }
            var trimmed = statements.ToString().Trim('\n', ' ');
            if (trimmed.Length == 0) continue;
            body.Append($"// ── cell {cellIndex} ──\n").Append(trimmed).Append("\n\n");
        }

        var sb = new StringBuilder();
        sb.Append("// <auto-generated>\n");
        sb.Append($"// Generated from notebooks/{notebook.Name} by tools/NotebookRunner (export); do not edit: edit the notebook, then\n");
        sb.Append("//   dotnet run -c Release --project tools/NotebookRunner -- export notebooks/*.ipynb\n");
        sb.Append($"// Run: dotnet run {Path.GetRelativePath(Path.GetDirectoryName(notebookDir)!, path).Replace('\\', '/')} [-- OUTPUT_FOLDER]   (plots: PNG files in OUTPUT_FOLDER, default {name}.out beside this file)\n");
        sb.Append("// </auto-generated>\n");
        foreach (var d in directives) sb.Append(d).Append('\n');
        sb.Append("#:property ManagePackageVersionsCentrally=false\n");
        sb.Append("#:property TreatWarningsAsErrors=false\n");
        sb.Append("#:property PublishAot=false\n"); // file-based apps default to AOT, which forbids the dynamic code ILGPU needs
        sb.Append("#:property NoWarn=$(NoWarn);NU1603\n\n");
        sb.Append("#nullable enable\n");
        foreach (var u in usings) sb.Append(u).Append('\n');
        sb.Append('\n');
        sb.Append("var notebookDisplay = new Probabilistic.Interactive.FileDisplay(args.Length > 0 ? args[0]\n");
        sb.Append($"    : Path.Combine(AppContext.GetData(\"EntryPointFileDirectoryPath\") as string ?? Environment.CurrentDirectory, \"{name}.out\"));\n");
        sb.Append("void display(object? value) => notebookDisplay.Display(value);\n");
        sb.Append("// Relative paths in the cells are relative to the notebook's folder, as in a notebook kernel.\n");
        sb.Append($"Directory.SetCurrentDirectory(Path.GetFullPath(Path.Combine(AppContext.GetData(\"EntryPointFileDirectoryPath\") as string ?? Environment.CurrentDirectory, \"{Path.GetRelativePath(appDir, notebookDir).Replace('\\', '/')}\")));\n\n");
        sb.Append(body);
        if (types.Length > 0) sb.Append("// ── types declared in the notebook ──\n").Append(types);
        return sb.ToString().TrimEnd('\n') + "\n";
    }

    /// <summary>
    /// For a package built from this repository (src/Id/Id.csproj beside the notebooks' folder), that project relative to the
    /// app: the export runs from source, without the feed of scripts/pack.sh. Otherwise null.
    /// </summary>
    private static string? SourceProjectOf(string package, string notebookDir, string appDir)
    {
        var project = Path.GetFullPath(Path.Combine(notebookDir, "..", "src", package, package + ".csproj"));
        return File.Exists(project) ? Path.GetRelativePath(appDir, project).Replace('\\', '/') : null;
    }

    private static string ProjectOf(ReferenceDirective reference, string notebookDir, string appDir, string notebook, int cell)
    {
        var full = Path.GetFullPath(Path.Combine(notebookDir, reference.Text));
        var m = BuiltAssemblyPath().Match(full);
        var project = m.Success ? Path.Combine(m.Groups["project"].Value, m.Groups["name"].Value + ".csproj") : null;
        if (project is null || !File.Exists(project))
            throw new InvalidOperationException(
                $"{notebook}: cell {cell}: cannot export #r \"{reference.Text}\": it is not the build output of a project (expected PROJECT/bin/CONFIG/TFM/NAME.dll next to PROJECT/NAME.csproj).");
        return Path.GetRelativePath(appDir, project).Replace('\\', '/');
    }
}
