using System.Text.Json.Nodes;
using Probabilistic.NotebookRunner;

namespace Probabilistic.Interactive.Tests;

/// <summary>Every notebook in notebooks/ runs, cell by cell, and its closing expectations hold (Pyro's test_examples.py idea).</summary>
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
        var results = await NotebookExecutor.RunAsync(notebook, recordOutputs: true); // throws NotebookCellException naming the cell

        // The committed notebook carries the outputs of a run (`NotebookRunner all notebooks/` was run after the last edit):
        // the same cells have outputs of the same kinds. Bytes may differ (fonts), so kinds are compared, not images.
        var committed = Notebook.Load(path);
        var committedKinds = OutputKinds(committed);
        var freshKinds = OutputKinds(notebook);
        Assert.True(freshKinds.SequenceEqual(committedKinds),
            $"{name}: the committed outputs ({string.Join(" | ", committedKinds)}) differ from a fresh run's ({string.Join(" | ", freshKinds)}); run `dotnet run -c Release --project tools/NotebookRunner -- all notebooks/` and commit.");
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
        var pngs = notebook.Cells.SelectMany(c => c!["outputs"] as JsonArray ?? [])
            .Select(o => o!["data"]?["image/png"]?.GetValue<string>()).OfType<string>().ToList();
        Assert.True(pngs.Count >= 2, $"00-core.ipynb holds the ELBO trace and density plots as image/png outputs (found {pngs.Count})");
        foreach (var png in pngs)
            Assert.Equal((Plots.DefaultWidth, Plots.DefaultHeight), RepoPaths.PngSize(Convert.FromBase64String(png)));
        var kernel = notebook.Root["metadata"]?["kernelspec"];
        Assert.Equal(".net-csharp", kernel?["name"]?.GetValue<string>());
        Assert.Equal("C#", kernel?["language"]?.GetValue<string>());
    }

    private static List<string> OutputKinds(Notebook notebook) =>
        notebook.Cells
            .Where(c => Notebook.CellType(c!) == "code")
            .Select(c => string.Join(",", (c!["outputs"] as JsonArray ?? []).Select(o =>
                o!["output_type"]!.GetValue<string>() + (o["data"] is JsonObject d ? "[" + string.Join("+", d.Select(p => p.Key)) + "]" : ""))))
            .ToList();
}

/// <summary>Tests that run notebook cells (which redirect Console and the current directory) run one at a time.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ConsoleCollection
{
    public const string Name = "Notebook cells (Console, current directory)";
}
