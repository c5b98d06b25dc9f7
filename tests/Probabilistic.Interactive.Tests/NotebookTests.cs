using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Probabilistic.NotebookRunner;

namespace Probabilistic.Interactive.Tests;

/// <summary>
/// Every notebook in notebooks/ runs, cell by cell, and its closing expectations hold (Pyro's test_examples.py idea), in the
/// project's own Roslyn-scripting runner: a fast pre-check against the library's sources. What the suite trusts is the run
/// on the real kernel from the packages (<see cref="KernelNotebookTests"/>), whose outputs are the committed ones.
/// </summary>
[Collection(ConsoleCollection.Name)]
public sealed class NotebookTests
{
    /// <summary>One case per notebooks/*.ipynb.</summary>
    public static TheoryData<string> Notebooks()
    {
        var data = new TheoryData<string>();
        foreach (var file in Directory.GetFiles(RepoPaths.Notebooks, "*.ipynb").Order(StringComparer.Ordinal))
            data.Add(Path.GetFileName(file));
        return data;
    }

    [Theory]
    [MemberData(nameof(Notebooks))]
    public async Task Notebook_runs_and_meets_its_expectations(string name)
    {
        var path = Path.Combine(RepoPaths.Notebooks, name);
        var notebook = Notebook.Load(path);
        var results = await NotebookExecutor.RunAsync(notebook, recordOutputs: false); // throws NotebookCellException naming the cell
        Assert.True(results.Count > 0, $"{name}: at least one code cell ran");
    }

    [Theory]
    [MemberData(nameof(Notebooks))]
    public void Committed_file_based_app_is_the_current_export(string name)
    {
        var notebook = Notebook.Load(Path.Combine(RepoPaths.Notebooks, name));
        var appPath = FileAppExporter.DefaultPath(notebook);
        Assert.True(File.Exists(appPath), $"{name}: the exported app {appPath} exists (run the runner's export command)");
        Assert.Equal(FileAppExporter.Export(notebook, appPath), File.ReadAllText(appPath));
    }

    [Theory]
    [MemberData(nameof(Notebooks))]
    public void Notebook_json_round_trips_byte_for_byte(string name)
    {
        var path = Path.Combine(RepoPaths.Notebooks, name);
        Assert.Equal(File.ReadAllText(path), Notebook.Load(path).ToJson());
    }

    [Fact]
    public void The_core_notebook_has_its_plots_committed()
    {
        var notebook = Notebook.Load(Path.Combine(RepoPaths.Notebooks, "00-core.ipynb"));
        // The kernel shows a plot as text/html holding the PNG inline (<img src="data:image/png;base64,...">).
        var pngs = notebook.Cells.SelectMany(c => c!["outputs"] as JsonArray ?? [])
            .Select(o => o!["data"]?["text/html"] switch
            {
                JsonArray lines => string.Concat(lines.Select(l => l!.GetValue<string>())),
                JsonValue v => v.GetValue<string>(),
                _ => null,
            })
            .OfType<string>()
            .SelectMany(html => Regex.Matches(html, "data:image/png;base64,([A-Za-z0-9+/=]+)").Select(m => m.Groups[1].Value))
            .ToList();
        Assert.True(pngs.Count >= 2, $"00-core.ipynb holds the ELBO trace and density plots as inline PNGs in its outputs (found {pngs.Count})");
        foreach (var png in pngs)
            Assert.Equal((Plots.DefaultWidth, Plots.DefaultHeight), RepoPaths.PngSize(Convert.FromBase64String(png)));
        var kernel = notebook.Root["metadata"]?["kernelspec"];
        Assert.Equal(".net-csharp", kernel?["name"]?.GetValue<string>());
        Assert.Equal("C#", kernel?["language"]?.GetValue<string>());
    }
}

/// <summary>Tests that run notebook cells (which redirect Console and the current directory) run one at a time.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ConsoleCollection
{
    public const string Name = "Notebook cells (Console, current directory)";
}
