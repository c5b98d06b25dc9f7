using System.Globalization;
using Probabilistic.Cli.Commands;
using Probabilistic.FactorGraphs.Samples;

namespace Probabilistic.Cli.Tests;

/// <summary><c>prob demo --sample NAME</c>: one factor-graph acceptance sample, its posteriors one per line.</summary>
public class FactorGraphsCommandTests
{
    private static (int Code, string Out, string Err) Run(params string[] args)
    {
        var root = new System.CommandLine.RootCommand { DemoCommand.Create() };
        var o = new StringWriter(CultureInfo.InvariantCulture);
        var e = new StringWriter(CultureInfo.InvariantCulture);
        int code = CliHost.Run(root, args, o, e);
        return (code, o.ToString(), e.ToString());
    }

    [Fact]
    public void Sample_RunsThatSampleAlone_OnePosteriorPerLine()
    {
        var r = Run("demo", "--sample", "student-network");
        Assert.True(r.Code == CliHost.Ok, r.Err);
        var lines = r.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        Assert.True(lines.Length == 4, $"expected a title and three posteriors:\n{r.Out}");
        Assert.StartsWith("-- student-network (EP, 50 sweeps): ", lines[0], StringComparison.Ordinal);
        // exact by enumeration: P(intelligent | C, high SAT) = 0.02208 / 0.03818, P(hard | ...) = 0.029 / 0.03818
        Assert.Equal("intelligent        Bernoulli(0.5783)", lines[1]);
        Assert.Equal("hard               Bernoulli(0.7596)", lines[2]);
        Assert.Equal("strongLetter       Bernoulli(0.01)", lines[3]);
        Assert.DoesNotContain("Two coins", r.Out, StringComparison.Ordinal);
    }

    [Fact]
    public void Sample_Json_GivesTheSamePosteriorsAsOneDocument()
    {
        var r = Run("demo", "--sample", "student-network", "--json");
        Assert.True(r.Code == CliHost.Ok, r.Err);
        var doc = System.Text.Json.Nodes.JsonNode.Parse(r.Out)!;
        Assert.Equal("demo", doc["command"]!.GetValue<string>());
        Assert.Equal("student-network", doc["sample"]!.GetValue<string>());
        Assert.Equal("EP", doc["algorithm"]!.GetValue<string>());
        // exact by enumeration, as in the text test above
        Assert.Equal("Bernoulli(0.5783)", doc["posteriors"]!["intelligent"]!.GetValue<string>());
        Assert.Equal("Bernoulli(0.7596)", doc["posteriors"]!["hard"]!.GetValue<string>());
    }

    [Fact]
    public void Demo_Json_GivesEachDemosTitleOutputAndTime()
    {
        var r = Run("demo", "--only", "Factor graphs", "--json");
        Assert.True(r.Code == CliHost.Ok, r.Err);
        var doc = System.Text.Json.Nodes.JsonNode.Parse(r.Out)!;
        var demos = doc["demos"]!.AsArray();
        Assert.Single(demos);
        Assert.StartsWith("Factor graphs", demos[0]!["title"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.True(demos[0]!["seconds"]!.GetValue<double>() > 0);
        var lines = demos[0]!["output"]!.AsArray().Select(l => l!.GetValue<string>()).ToList();
        // Infer.NET's two-coins tutorial prints P(both heads) = 0.25 first
        Assert.Contains(lines, l => l.Contains("Bernoulli(0.25)", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith("-- monty-hall", StringComparison.Ordinal));
    }

    [Fact]
    public void Sample_NameIgnoresCase_AndVmpOnlySamplesSayVmp()
    {
        var r = Run("demo", "--sample", "Recommender");
        Assert.True(r.Code == CliHost.Ok, r.Err);
        Assert.Contains("-- recommender (VMP, 50 sweeps): ", r.Out, StringComparison.Ordinal);
        Assert.Contains("   userBias           [Gaussian(", r.Out, StringComparison.Ordinal);
    }

    [Fact]
    public void Sample_Unknown_IsAUsageErrorListingEverySample()
    {
        var r = Run("demo", "--sample", "monty");
        Assert.Equal(CliHost.Usage, r.Code);
        Assert.Contains("--sample 'monty' is not a factor-graph sample", r.Err, StringComparison.Ordinal);
        foreach (var sample in SampleCatalog.All) Assert.Contains(sample.Name, r.Err, StringComparison.Ordinal);
        Assert.Equal("", r.Out);
    }

    [Fact]
    public void Sample_WithOnly_IsAUsageError()
    {
        var r = Run("demo", "--sample", "lda", "--only", "Factor graphs");
        Assert.Equal(CliHost.Usage, r.Code);
        Assert.Contains("leave out --only", r.Err, StringComparison.Ordinal);
        Assert.Equal("", r.Out);
    }
}
