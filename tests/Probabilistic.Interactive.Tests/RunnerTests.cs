using System.Text.Json.Nodes;
using Probabilistic.Core.Inference;
using Probabilistic.NotebookRunner;

namespace Probabilistic.Interactive.Tests;

/// <summary>The runner on small notebooks written in a temp folder: state, outputs, directives, and failures naming the cell.</summary>
[Collection(ConsoleCollection.Name)]
public sealed class RunnerTests
{
    private static Notebook Write(string name, params string[] cells)
    {
        var notebook = Notebook.Create(Path.Combine(RepoPaths.TempDirectory(), name));
        notebook.AddMarkdown("# " + name);
        foreach (var code in cells) notebook.AddCode(code);
        notebook.Save();
        return Notebook.Load(notebook.Path);
    }

    private const string Expectation = "Probabilistic.Interactive.Expect.That(true, \"ran\");";

    [Fact]
    public async Task A_throwing_cell_fails_naming_notebook_cell_and_error()
    {
        var notebook = Write("broken.ipynb", "var x = 1;", "throw new InvalidOperationException(\"deliberate failure \" + x);", Expectation);
        var e = await Assert.ThrowsAsync<NotebookCellException>(() => NotebookExecutor.RunAsync(notebook));
        // Cells: 1 markdown, 2 and 3 code: the throwing cell is cell 3, code cell 2.
        Assert.Equal("broken.ipynb: cell 3 (code cell 2) failed: InvalidOperationException: deliberate failure 1", e.Message);
    }

    [Fact]
    public async Task A_cell_that_does_not_compile_fails_with_the_diagnostic()
    {
        var notebook = Write("typo.ipynb", "int y = \"text\";", Expectation);
        var e = await Assert.ThrowsAsync<NotebookCellException>(() => NotebookExecutor.RunAsync(notebook));
        Assert.StartsWith("typo.ipynb: cell 2 (code cell 1) failed: it does not compile:", e.Message);
        Assert.Contains("CS0029", e.Message);
    }

    [Fact]
    public async Task A_failed_expectation_fails_the_notebook()
    {
        var notebook = Write("wrong.ipynb", "var n = 2 + 2;", "Probabilistic.Interactive.Expect.That(n == 5, \"arithmetic\");");
        var e = await Assert.ThrowsAsync<NotebookCellException>(() => NotebookExecutor.RunAsync(notebook));
        Assert.Equal("wrong.ipynb: cell 3 (code cell 2) failed: ExpectationFailedException: Expectation failed: arithmetic", e.Message);
    }

    [Fact]
    public async Task A_notebook_without_an_expectation_cell_is_refused()
    {
        var notebook = Write("silent.ipynb", "var n = 1;");
        var e = await Assert.ThrowsAsync<NotebookCellException>(() => NotebookExecutor.RunAsync(notebook));
        Assert.Contains("silent.ipynb: cell 2 (code cell 1) failed: the last code cell must state the notebook's expectations", e.Message);
    }

    [Fact]
    public async Task State_carries_across_cells_and_outputs_are_recorded()
    {
        var notebook = Write("state.ipynb",
            "using Probabilistic.Core.Inference;\nvar steps = new[] { new ElboStep(1, -10, -5, TimeSpan.Zero), new ElboStep(2, -8, -4, TimeSpan.Zero) };",
            "var trace = ElboTrace.FromSteps(steps, StopReason.MaxIterations, true, 2);\nConsole.WriteLine(\"hello\");\ndisplay(trace);",
            "trace.Count * 10",
            "Probabilistic.Interactive.Expect.That(trace.Count == 2, \"two steps\");");
        var results = await NotebookExecutor.RunAsync(notebook);
        Assert.Equal(4, results.Count);
        var second = results[1].Outputs;
        Assert.Equal("stream", second[0]!["output_type"]!.GetValue<string>());
        Assert.Equal("hello\n", string.Concat(second[0]!["text"]!.AsArray().Select(t => t!.GetValue<string>())));
        Assert.Equal("display_data", second[1]!["output_type"]!.GetValue<string>());
        var png = Convert.FromBase64String(second[1]!["data"]!["image/png"]!.GetValue<string>());
        Assert.Equal((Plots.DefaultWidth, Plots.DefaultHeight), RepoPaths.PngSize(png));
        var third = results[2].Outputs.Single()!;
        Assert.Equal("execute_result", third["output_type"]!.GetValue<string>());
        Assert.Equal("20", string.Concat(third["data"]!["text/plain"]!.AsArray().Select(t => t!.GetValue<string>())));
        Assert.Equal(3, notebook.Cells[3]!["execution_count"]!.GetValue<int>()); // written into the notebook: code cell 3 is cell 4
    }

    [Fact]
    public async Task References_map_to_the_host_and_unknown_packages_are_skipped_with_a_note()
    {
        var notebook = Write("refs.ipynb",
            "#r \"nuget: MathNet.Numerics, 5.0.0\"\n#r \"nuget: No.Such.Package, 1.0.0\"\n#r \"../nowhere/bin/Release/net10.0/Probabilistic.Core.dll\"\nvar g = MathNet.Numerics.SpecialFunctions.Gamma(5.0);",
            "Probabilistic.Interactive.Expect.That(Math.Abs(g - 24) < 1e-9, \"Γ(5) = 4! = 24\");");
        var results = await NotebookExecutor.RunAsync(notebook);
        var notes = results[0].Notes;
        Assert.Contains(notes, n => n.StartsWith("#r \"nuget: MathNet.Numerics, 5.0.0\": using the host's MathNet.Numerics", StringComparison.Ordinal));
        Assert.Contains(notes, n => n.StartsWith("#r \"nuget: No.Such.Package, 1.0.0\": skipped", StringComparison.Ordinal));
        Assert.Contains(notes, n => n.Contains("using the host's Probabilistic.Core", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_reference_to_a_missing_assembly_names_the_line_and_path()
    {
        var notebook = Write("missing.ipynb", "var a = 1;\n", "\n#r \"lib/NotThere.dll\"\nvar b = 2;", Expectation);
        var e = await Assert.ThrowsAsync<NotebookCellException>(() => NotebookExecutor.RunAsync(notebook));
        Assert.Contains("missing.ipynb: cell 3 (code cell 2) failed: line 2: #r \"lib/NotThere.dll\" resolves to", e.Message);
        Assert.Contains(Path.Combine("lib", "NotThere.dll"), e.Message);
    }

    [Fact]
    public async Task Cells_run_in_the_notebook_folder()
    {
        var notebook = Write("cwd.ipynb", "var here = Directory.GetCurrentDirectory();",
            "Probabilistic.Interactive.Expect.That(File.Exists(\"cwd.ipynb\"), \"the current directory is the notebook's: \" + here);");
        await NotebookExecutor.RunAsync(notebook);
    }

    [Fact]
    public void Export_hoists_usings_moves_types_last_and_maps_references()
    {
        var notebook = Write("export.ipynb",
            "#r \"nuget: ScottPlot, 5.1.59\"\n#r \"" + Path.Combine(RepoPaths.Root, "src/Probabilistic.Core/bin/Release/net10.0/Probabilistic.Core.dll").Replace('\\', '/') + "\"\nusing Probabilistic.Core.Inference;\nrecord Point(double X, double Y);\nvar p = new Point(1, 2);",
            "p.X + p.Y",
            Expectation);
        var appPath = Path.Combine(Path.GetDirectoryName(notebook.Path)!, "cs", "export.cs");
        var text = FileAppExporter.Export(notebook, appPath);
        var lines = text.Split('\n');
        Assert.Contains("#:package ScottPlot@5.1.59", lines);
        var project = lines.Single(l => l.StartsWith("#:project ", StringComparison.Ordinal))["#:project ".Length..];
        Assert.Equal(Path.Combine(RepoPaths.Root, "src", "Probabilistic.Core", "Probabilistic.Core.csproj"),
            Path.GetFullPath(Path.Combine(Path.GetDirectoryName(appPath)!, project)));
        int usingLine = Array.IndexOf(lines, "using Probabilistic.Core.Inference;");
        int firstCell = Array.FindIndex(lines, l => l.StartsWith("// ── cell", StringComparison.Ordinal));
        int record = Array.IndexOf(lines, "record Point(double X, double Y);");
        Assert.True(usingLine >= 0 && usingLine < firstCell, "the using directive is hoisted above the cells");
        Assert.True(record > Array.IndexOf(lines, "var p = new Point(1, 2);"), "the record is declared after the top-level statements");
        Assert.Contains("display(p.X + p.Y);", lines); // a cell's final expression is displayed, as in the kernel
        Assert.DoesNotContain(lines, l => l.StartsWith("#r", StringComparison.Ordinal));
    }

    [Fact]
    public void Export_displays_only_the_final_expression_of_a_multi_statement_cell_and_allows_dynamic_code()
    {
        var notebook = Write("multi.ipynb", "var a = 2;\nvar b = a * 3;\na + b", Expectation);
        var text = FileAppExporter.Export(notebook, Path.Combine(Path.GetDirectoryName(notebook.Path)!, "cs", "multi.cs"));
        var lines = text.Split('\n');
        Assert.Contains("var a = 2;", lines);
        Assert.Contains("var b = a * 3;", lines);
        Assert.Contains("display(a + b);", lines);
        Assert.DoesNotContain(lines, l => l.StartsWith("display(var", StringComparison.Ordinal));
        Assert.Contains("#:property PublishAot=false", lines); // ILGPU emits code at run time, which AOT forbids
    }

    [Fact]
    public void Export_refuses_a_reference_that_is_not_a_project_build_output()
    {
        var notebook = Write("loose.ipynb", "#r \"somewhere/Loose.dll\"\nvar a = 1;", Expectation);
        var e = Assert.Throws<InvalidOperationException>(() => FileAppExporter.Export(notebook, Path.Combine(Path.GetDirectoryName(notebook.Path)!, "cs", "loose.cs")));
        Assert.Contains("loose.ipynb: cell 2: cannot export #r \"somewhere/Loose.dll\"", e.Message);
    }

    [Fact]
    public void Directives_are_split_from_code_keeping_line_numbers()
    {
        var (refs, code) = CellDirectives.Split("#r \"nuget: A.B, 1.2\"\n#!time\nvar x = 1;\n#r \"x/y.dll\"");
        Assert.Equal(2, refs.Count);
        Assert.Equal(("A.B", "1.2", 1), (refs[0].Package, refs[0].Version, refs[0].Line));
        Assert.Equal(("x/y.dll", (string?)null, 4), (refs[1].Text, refs[1].Package, refs[1].Line));
        Assert.Equal("\n\nvar x = 1;\n", code);
    }
}
