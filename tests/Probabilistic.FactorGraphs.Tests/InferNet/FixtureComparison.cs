using System.Globalization;
using System.Text;
using Probabilistic.FactorGraphs.Tests.InferNet.Idioms;

namespace Probabilistic.FactorGraphs.Tests.InferNet;

/// <summary>How one fixture's model fared on our engine.</summary>
public enum FixtureOutcome
{
    /// <summary>Every number within tolerance, the same keys on both sides.</summary>
    Agrees,

    /// <summary>Some numbers differ, or keys are present on one side only.</summary>
    Differs,

    /// <summary>Infer.NET answered; our engine threw.</summary>
    OursRefuses,

    /// <summary>Infer.NET refused and so did we.</summary>
    BothRefuse,

    /// <summary>Infer.NET refused; our engine answered (reported, not a failure).</summary>
    OnlyInferNetRefuses,

    /// <summary>The model is not compiled into the test project (its file is in Idioms/Pending: API we lack).</summary>
    MissingApi,
}

/// <summary>The comparison of one fixture with our engine's answer, with a readable report.</summary>
public sealed record FixtureResult(InferNetFixture Fixture, FixtureOutcome Outcome, double WorstRelativeError, string Report)
{
    /// <summary>True unless the outcome is a disagreement with Infer.NET's answer.</summary>
    public bool Passes => Outcome is FixtureOutcome.Agrees or FixtureOutcome.BothRefuse or FixtureOutcome.OnlyInferNetRefuses;

    /// <summary>One line for the summary: id and outcome.</summary>
    public string SummaryLine => $"{Fixture.Id,-64} " + Outcome switch
    {
        FixtureOutcome.Agrees => "agrees",
        FixtureOutcome.Differs =>
            "differs at rel " + WorstRelativeError.ToString("0.0e+0", CultureInfo.InvariantCulture) + " " + Report.Split('\n')[0],
        FixtureOutcome.OursRefuses => "ours refuses: " + Short(Report),
        FixtureOutcome.BothRefuse => "refused (by both)",
        FixtureOutcome.OnlyInferNetRefuses => "refused by Infer.NET; ours answers",
        _ => "missing API (model in Idioms/Pending)",
    };

    private static string Short(string s)
    {
        s = s.Split('\n')[0];
        return s.Length <= 150 ? s : s[..150] + " …";
    }
}

/// <summary>
/// Runs a fixture's model on our engine with the fixture's algorithm and iterations and compares every number:
/// equal (both infinite or both NaN included), or |a − b| ≤ 1e-6·max(|a|, |b|), or — for a number near zero beside large
/// ones in the same result — |a − b| ≤ 1e-12·max(1, scale), scale the largest finite |number| of that result.
/// </summary>
public static class FixtureComparison
{
    /// <summary>The relative tolerance.</summary>
    public const double Relative = 1e-6;

    /// <summary>The absolute tolerance per unit of the result's scale, for numbers near zero.</summary>
    public const double AbsolutePerScale = 1e-12;

    private static readonly Dictionary<string, IdiomCase> Cases =
        IdiomCatalog.Cases(typeof(FixtureComparison).Assembly).ToDictionary(c => c.Id);

    /// <summary>True when the fixture's model is compiled into this test project.</summary>
    public static bool HasModel(string id) => Cases.ContainsKey(id);

    /// <summary>Runs and compares fixture <paramref name="id"/>.</summary>
    public static FixtureResult Compare(string id)
    {
        var f = InferNetFixture.Load(id);
        if (!Cases.TryGetValue(id, out var c)) return new(f, FixtureOutcome.MissingApi, 0, "");
        if (c.Iterations != f.Iterations)
            return new(f, FixtureOutcome.Differs, double.PositiveInfinity,
                $"the model asks for {c.Iterations} iterations, the fixture was made with {f.Iterations}: regenerate it");
        var record = new OurRecorder();
        Exception? ours = null;
        try
        {
            IdiomCatalog.Run(c, IdiomCatalog.CreateEngine(c.Algorithm, c.Iterations), record);
        }
        catch (Exception e)
        {
            ours = e;
        }
        if (f.Refused)
            return ours is not null
                ? new(f, FixtureOutcome.BothRefuse, 0, $"Infer.NET: {f.Message}\nours: {Describe(ours)}")
                : new(f, FixtureOutcome.OnlyInferNetRefuses, 0, $"Infer.NET refuses ({f.Message}) but our engine answers:\n"
                    + string.Join("\n", record.Values.Select(kv => $"  {kv.Key} = {G(kv.Value)}")));
        if (ours is not null) return new(f, FixtureOutcome.OursRefuses, double.PositiveInfinity, Describe(ours));
        return Numbers(f, record.Values);
    }

    /// <summary>Compares numbers recorded outside the catalogue's runner (a sample run with its own defaults) with fixture <paramref name="id"/>.</summary>
    public static FixtureResult CompareRecorded(string id, OurRecorder record) => Numbers(InferNetFixture.Load(id), record.Values);

    private static FixtureResult Numbers(InferNetFixture f, IReadOnlyList<KeyValuePair<string, double>> oursList)
    {
        var theirs = f.Values.ToDictionary(kv => kv.Key, kv => kv.Value);
        var ours = oursList.ToDictionary(kv => kv.Key, kv => kv.Value);
        var scale = new Dictionary<string, double>();
        foreach (var (k, v) in f.Values.Concat(oursList))
            if (double.IsFinite(v))
            {
                string r = CanonicalRecorder.ResultOf(k);
                scale[r] = Math.Max(scale.GetValueOrDefault(r), Math.Abs(v));
            }
        var lines = new List<string>();
        double worst = 0;
        int compared = 0;
        foreach (var (k, expected) in f.Values)
        {
            if (!ours.TryGetValue(k, out double actual)) continue;
            compared++;
            if (Close(expected, actual, scale.GetValueOrDefault(CanonicalRecorder.ResultOf(k)))) continue;
            double rel = RelativeError(expected, actual);
            worst = Math.Max(worst, rel);
            lines.Add($"  {k}: Infer.NET {G(expected)}, ours {G(actual)}, rel {rel.ToString("0.00e+0", CultureInfo.InvariantCulture)}");
        }
        var onlyTheirs = f.Values.Select(kv => kv.Key).Where(k => !ours.ContainsKey(k)).ToList();
        var onlyOurs = oursList.Select(kv => kv.Key).Where(k => !theirs.ContainsKey(k)).ToList();
        if (lines.Count == 0 && onlyTheirs.Count == 0 && onlyOurs.Count == 0) return new(f, FixtureOutcome.Agrees, 0, "");
        if (onlyTheirs.Count > 0 || onlyOurs.Count > 0) worst = double.PositiveInfinity;
        var sb = new StringBuilder();
        sb.Append(CultureInfo.InvariantCulture, $"({lines.Count} of {compared} numbers differ");
        if (onlyTheirs.Count > 0) sb.Append(CultureInfo.InvariantCulture, $"; {onlyTheirs.Count} keys only in Infer.NET's");
        if (onlyOurs.Count > 0) sb.Append(CultureInfo.InvariantCulture, $"; {onlyOurs.Count} keys only in ours");
        sb.Append(')');
        foreach (var l in lines) sb.Append('\n').Append(l);
        if (onlyTheirs.Count > 0) sb.Append("\n  only in Infer.NET's: ").Append(string.Join(", ", onlyTheirs));
        if (onlyOurs.Count > 0) sb.Append("\n  only in ours: ").Append(string.Join(", ", onlyOurs));
        return new(f, FixtureOutcome.Differs, worst, sb.ToString());
    }

    /// <summary>The agreement rule (see the class summary).</summary>
    public static bool Close(double a, double b, double scale)
    {
        if (a.Equals(b)) return true; // also both NaN, both +∞, both −∞
        if (!double.IsFinite(a) || !double.IsFinite(b)) return false;
        double d = Math.Abs(a - b);
        return d <= Relative * Math.Max(Math.Abs(a), Math.Abs(b)) || d <= AbsolutePerScale * Math.Max(1, scale);
    }

    private static double RelativeError(double a, double b) =>
        !double.IsFinite(a) || !double.IsFinite(b) ? double.PositiveInfinity : Math.Abs(a - b) / Math.Max(Math.Abs(a), Math.Abs(b));

    private static string G(double v) => v.ToString("R", CultureInfo.InvariantCulture);

    private static string Describe(Exception e) => e.GetType().Name + ": " + e.Message.Replace("\r\n", "\n");
}
