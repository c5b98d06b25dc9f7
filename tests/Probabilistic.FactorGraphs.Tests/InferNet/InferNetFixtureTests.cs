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
        if (KnownDifferences.All.TryGetValue(fixture, out var known))
        {
            CheckKnownDifference(fixture, r, known);
            return;
        }
        Assert.True(r.Passes, $"{fixture} (Infer.NET {r.Fixture.Commit[..8]}, {r.Fixture.Iterations} iterations): "
            + (r.Outcome == FixtureOutcome.OursRefuses ? "Infer.NET answers, our engine refuses: " : "") + r.Report);
    }

    private void CheckKnownDifference(string fixture, FixtureResult r, KnownDifference known)
    {
        output.WriteLine($"known difference ({known.Kind}): {known.Reason}; checked by {known.CheckedBy}");
        Assert.False(r.Passes, $"{fixture} now agrees with Infer.NET: remove it from KnownDifferences (and the FactorGraphs README)");
        switch (known.Kind)
        {
            case DifferenceKind.NotSupportedYet:
                Assert.True(r.Outcome == FixtureOutcome.OursRefuses, $"{fixture} is listed as not supported yet, but our engine answers ({r.Outcome}): a silent difference. {r.Report}");
                break;
            case DifferenceKind.InferNetWrong:
                Assert.True(TestExists(known.CheckedBy), $"{fixture}: the test {known.CheckedBy} that checks our answer does not exist");
                break;
            case DifferenceKind.ScheduleOrder:
                Assert.True(r.Outcome == FixtureOutcome.Differs, $"{fixture}: expected a numeric difference, got {r.Outcome}");
                var converged = FixtureComparison.Compare(known.CheckedBy);
                Assert.True(converged.Outcome == FixtureOutcome.Agrees, $"{fixture}: the converged fixture {known.CheckedBy} no longer agrees: {converged.Report}");
                break;
        }
    }

    private static bool TestExists(string classDotMethod)
    {
        int dot = classDotMethod.LastIndexOf('.');
        var type = typeof(InferNetFixtureTests).Assembly.GetTypes().FirstOrDefault(t => t.Name == classDotMethod[..dot]);
        return type?.GetMethod(classDotMethod[(dot + 1)..]) is not null;
    }

    /// <summary>Every known difference names a fixture that exists.</summary>
    [Fact]
    public void KnownDifferencesNameExistingFixtures()
    {
        var ids = InferNetFixture.Ids().ToHashSet();
        var stale = KnownDifferences.All.Keys.Where(id => !ids.Contains(id)).ToList();
        Assert.True(stale.Count == 0, "KnownDifferences names missing fixtures: " + string.Join(", ", stale));
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
