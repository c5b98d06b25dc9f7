using Probabilistic.FactorGraphs.Tests.InferNet.Idioms;
using Xunit.Abstractions;

namespace Probabilistic.FactorGraphs.Tests.InferNet;

/// <summary>
/// The idiom catalogue (InferNet/Idioms) on our engine against Infer.NET's numbers (InferNet/Fixtures, written by
/// tools/InferNetOracle): one case per fixture whose model compiles here (models in Idioms/Pending are not listed).
/// </summary>
public class InferNetFixtureTests(ITestOutputHelper output)
{
    /// <summary>The fixtures whose model is compiled into this project.</summary>
    public static TheoryData<string> Fixtures()
    {
        var data = new TheoryData<string>();
        foreach (var id in InferNetFixture.Ids().Where(FixtureComparison.HasModel)) data.Add(id);
        return data;
    }

    [Theory]
    [MemberData(nameof(Fixtures))]
    public void AgreesWithInferNet(string fixture)
    {
        var r = FixtureComparison.Compare(fixture);
        output.WriteLine(r.SummaryLine);
        if (r.Outcome == FixtureOutcome.OnlyInferNetRefuses) output.WriteLine(r.Report);
        Assert.True(r.Passes, $"{fixture} (Infer.NET {r.Fixture.Commit[..8]}, {r.Fixture.Iterations} iterations): "
            + (r.Outcome == FixtureOutcome.OursRefuses ? "Infer.NET answers, our engine refuses: " : "") + r.Report);
    }

    /// <summary>Every model of the catalogue has fixtures for each of its algorithms (run tools/InferNetOracle when not).</summary>
    [Fact]
    public void EveryModelHasItsFixtures()
    {
        var ids = InferNetFixture.Ids().ToHashSet();
        var missing = IdiomCatalog.Cases(typeof(InferNetFixtureTests).Assembly).Select(c => c.Id).Where(id => !ids.Contains(id)).ToList();
        Assert.True(missing.Count == 0, "No fixture for: " + string.Join(", ", missing) + " (regenerate with tools/InferNetOracle)");
    }

    /// <summary>
    /// One line per fixture (agrees / differs at rel X / ours refuses / refused / missing API) and the counts; never fails.
    /// Read it with the command in InferNet/README.md (a detailed console logger shows a passing test's output).
    /// </summary>
    [Fact]
    public void Summary()
    {
        var results = InferNetFixture.Ids().Select(FixtureComparison.Compare).ToList();
        foreach (var r in results) output.WriteLine(r.SummaryLine);
        output.WriteLine("");
        foreach (var g in results.GroupBy(r => r.Outcome).OrderBy(g => g.Key))
            output.WriteLine($"{g.Key}: {g.Count()}");
        int compiled = results.Count(r => r.Outcome != FixtureOutcome.MissingApi);
        output.WriteLine($"fixtures: {results.Count}; whose model compiles here: {compiled}; passing: {results.Count(r => r.Passes)}");
    }
}
