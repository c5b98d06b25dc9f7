using Probabilistic.NotebookRunner;

namespace Probabilistic.Interactive.Tests;

/// <summary>
/// The README's "Use it from C#" section compiles and runs (as a notebook from the repository root's
/// data, Roslyn scripting, one cell per block), and after each family's block its loaded model scores the data as the
/// fitted one did, checked against an independent value where one exists.
/// </summary>
[Collection(ConsoleCollection.Name)]
public sealed class ReadmeTests
{
    private const string Section = "## Use it from C#";

    /// <summary>The ```csharp blocks of the section, in order.</summary>
    public static IReadOnlyList<string> Blocks()
    {
        var text = File.ReadAllText(Path.Combine(RepoPaths.Root, "README.md")).Replace("\r\n", "\n");
        int start = text.IndexOf(Section, StringComparison.Ordinal);
        Assert.True(start >= 0, $"README.md has a section '{Section}'");
        int end = text.IndexOf("\n## ", start + Section.Length, StringComparison.Ordinal);
        var section = text[start..(end < 0 ? text.Length : end)];
        var blocks = new List<string>();
        for (int i = section.IndexOf("```csharp\n", StringComparison.Ordinal); i >= 0; i = section.IndexOf("```csharp\n", i, StringComparison.Ordinal))
        {
            int close = section.IndexOf("\n```", i + 10, StringComparison.Ordinal);
            blocks.Add(section[(i + 10)..close]);
            i = close + 4;
        }
        return blocks;
    }

    // What each family's block must leave true; the independent values are named where they are used.
    internal static readonly string[] Checks =
    [
        // scikit-learn 1.2.1's K = 2 full fit of Old Faithful: mean log-likelihood -4.15538220659224 (../shared/peers/README.md).
        """
        Expect.Near(-4.15538220659224, score / data.Rows, 1e-6, "GMM: mean log-likelihood vs scikit-learn's K = 2 fit");
        Expect.Near(score, trace.FinalElbo, 1e-9 * Math.Abs(score), "GMM: the trace ends at the fitted model's total log-likelihood");
        Expect.That(loaded.Score(data) == score, "GMM: the loaded model scores the data as the fitted one");
        """,
        """
        Expect.That(trace.Zip(trace.Skip(1)).All(s => s.Second.Elbo >= s.First.Elbo - 1e-9 * Math.Abs(s.First.Elbo)), "Bayesian GMM: the bound never falls");
        Expect.That(loaded.Score(data) == score, "Bayesian GMM: the loaded model scores the data as the fitted one");
        """,
        """
        Expect.Near(score + model.Emission.LogPrior(), trace.FinalElbo, 1e-9 * Math.Abs(score), "HMM: the trace ends at the fitted model's objective");
        Expect.That(loaded.Score(data) == score, "HMM: the loaded model scores the data as the fitted one");
        """,
        """
        Expect.That(trace.Count == 2 && double.IsFinite(score), "VAE: two epochs and a finite ELBO");
        Expect.That(loaded.Score(data) == score, "VAE: the loaded model scores the data as the fitted one (same noise seed)");
        """,
        // Closed form: x ~ N(0, I + 100·11ᵀ) gives log evidence −n/2 log 2π − ½ log(1 + 100n) − ½ (Σx² − 100(Σx)²/(1 + 100n)),
        // and the posterior of the mean has precision 1/100 + n and mean Σx / (1/100 + n).
        """
        double sum = data.Sum(), sumSquares = data.Sum(v => v * v); int count = data.Length;
        double logEvidence = -0.5 * count * Math.Log(2 * Math.PI) - 0.5 * Math.Log(1 + 100.0 * count) - 0.5 * (sumSquares - 100 * sum * sum / (1 + 100.0 * count));
        Expect.Near(logEvidence, score, 1e-9, "factor graph: EP's log evidence vs the closed form");
        Expect.Near(sum / (0.01 + count), loaded["mean"], 1e-12, "factor graph: the saved posterior mean vs the closed form");
        Expect.Near(1 / (0.01 + count), loaded["variance"], 1e-12, "factor graph: the saved posterior variance vs the closed form");
        Expect.That(!trace.IsBound, "factor graph: EP's trace is a log-evidence estimate, not a bound");
        """,
    ];

    [Fact]
    public async Task The_five_lines_of_every_family_compile_and_run()
    {
        var blocks = Blocks();
        Assert.True(blocks.Count == 1 + Checks.Length, $"the section holds a usings block and one block per family ({Checks.Length}); it holds {blocks.Count}");
        foreach (var block in blocks.Skip(1))
        {
            var lines = block.Split('\n').Where(l => !l.TrimStart().StartsWith("//", StringComparison.Ordinal)).ToArray();
            Assert.True(lines.Length >= 5, $"a family's block has its five lines (data, fit, score, save, load): {block}");
            Assert.Contains(".Save(", lines[^2] + lines[^3]);
            Assert.Contains("Load", lines[^1]);
        }
        // Run where "datasets/..." resolves as from the repository root, writing the model files into a temporary folder.
        var dir = RepoPaths.TempDirectory();
        Directory.CreateSymbolicLink(Path.Combine(dir, "datasets"), Path.Combine(RepoPaths.Root, "datasets"));
        var notebook = Notebook.Create(Path.Combine(dir, "readme.ipynb"));
        string references = string.Join('\n', new[] { "Core", "FactorGraphs", "Mixtures", "Hmm", "Vae", "Interactive" }
            .Select(p => $"#r \"../src/Probabilistic.{p}/bin/Release/net10.0/Probabilistic.{p}.dll\""));
        notebook.AddCode("#r \"nuget: TorchSharp, 0.107.0\"\n" + references + "\n" + blocks[0] + "\nusing Probabilistic.Interactive;");
        for (int i = 0; i < Checks.Length; i++)
        {
            notebook.AddCode(blocks[i + 1]);
            notebook.AddCode(Checks[i]);
        }
        notebook.Save();
        var results = await NotebookExecutor.RunAsync(Notebook.Load(notebook.Path), recordOutputs: false);
        Assert.Equal(1 + 2 * Checks.Length, results.Count);
        Assert.True(File.Exists(Path.Combine(dir, "mnist.vae")), "the VAE block saved its model where it ran");
        Directory.Delete(dir, recursive: true);
    }
}
