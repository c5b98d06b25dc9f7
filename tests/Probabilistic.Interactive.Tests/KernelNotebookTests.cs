using System.Text.Json.Nodes;
using Probabilistic.NotebookRunner;

namespace Probabilistic.Interactive.Tests;

/// <summary>
/// Every notebook runs on the real .NET Interactive kernel (<c>.net-csharp</c>, through nbclient: scripts/run-notebooks.py),
/// loading the library as the packages of scripts/pack.sh, as a user's notebook does; its expectation cell holds; and the
/// committed outputs are those of such a run (same cells, same kinds of output).
/// </summary>
[Collection(PackedFeedCollection.Name)]
public sealed class KernelNotebookTests(PackedFeed feed)
{
    public static TheoryData<string> Notebooks() => NotebookTests.Notebooks();

    [Theory]
    [MemberData(nameof(Notebooks))]
    public void Notebook_runs_on_the_real_kernel_from_the_packages(string name)
    {
        Assert.True(Directory.Exists(feed.Directory), $"{feed.Directory} exists");
        var output = RepoPaths.TempDirectory();
        var path = Path.Combine(RepoPaths.Notebooks, name);
        var (code, text) = Processes.Run("/usr/bin/python3", [Path.Combine(RepoPaths.Root, "scripts", "run-notebooks.py"), "--output-dir", output, path],
            RepoPaths.Root, TimeSpan.FromMinutes(10));
        Assert.True(code == 0, $"{name} on the .net-csharp kernel (scripts/run-notebooks.py; scripts/setup.sh installs the kernel) exited {code}:\n{text}");

        var fresh = Notebook.Load(Path.Combine(output, name));
        var committed = Notebook.Load(path);
        var codeCells = fresh.Cells.Where(c => Notebook.CellType(c!) == "code").ToList();
        var last = codeCells[^1]!;
        Assert.True(Notebook.Source(last).Contains("Expect.", StringComparison.Ordinal), $"{name}: the last code cell states expectations");
        Assert.True(last["execution_count"] is not null, $"{name}: the expectation cell ran");

        var freshKinds = OutputKinds(fresh);
        var committedKinds = OutputKinds(committed);
        Assert.True(freshKinds.SequenceEqual(committedKinds),
            $"{name}: the committed outputs ({string.Join(" | ", committedKinds)}) differ from the kernel's ({string.Join(" | ", freshKinds)}); " +
            "run `scripts/pack.sh && scripts/run-notebooks.py --write notebooks/*.ipynb` and commit.");
        Directory.Delete(output, recursive: true);
    }

    /// <summary>
    /// Per code cell, its outputs' kinds and MIME types, runs of one kind counted once (bytes differ between runs: timings,
    /// fonts; and how a cell's console writes are split into stream messages depends on timing).
    /// </summary>
    internal static List<string> OutputKinds(Notebook notebook) =>
        notebook.Cells
            .Where(c => Notebook.CellType(c!) == "code")
            .Select(c =>
            {
                var kinds = (c!["outputs"] as JsonArray ?? []).Select(o => o!["output_type"]!.GetValue<string>()
                    + (o["data"] is JsonObject d ? "[" + string.Join("+", d.Select(p => p.Key).Order(StringComparer.Ordinal)) + "]" : "")).ToList();
                return string.Join(",", kinds.Where((k, i) => i == 0 || k != kinds[i - 1]));
            })
            .ToList();
}
