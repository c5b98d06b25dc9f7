using System.CommandLine;
using System.Globalization;
using System.Text.Json.Nodes;
using Probabilistic.Core.Gaussians;
using Probabilistic.Core.Inference;
using Probabilistic.Interactive;

namespace Probabilistic.Cli;

/// <summary>The options and the output shared by <c>prob gmm select</c> and <c>prob hmm select</c>.</summary>
public static class SelectionOptions
{
    /// <summary><c>--criterion bic | aic | cv</c>.</summary>
    public static Option<string> Criterion() =>
        new Option<string>("--criterion")
        {
            Description = "bic (default; lower is better) | aic | cv (mean held-out log-likelihood per observation over --folds folds; higher is better)",
            DefaultValueFactory = _ => "bic",
        }
            .OneOf(["bic"], ["aic"], ["cv", "heldout", "held-out"]);

    /// <summary><c>--folds</c>, default 5.</summary>
    public static Option<int> Folds() => new("--folds") { Description = "Folds for --criterion cv", DefaultValueFactory = _ => 5 };

    /// <summary><c>--plot FILE.png</c>.</summary>
    public static Option<string?> Plot() => new("--plot") { Description = "Write a PNG of the score against the grid" };

    /// <summary><c>--covariance</c> taking a comma-separated list, default full.</summary>
    public static Option<string> Covariances(string description) => new("--covariance") { Description = description, DefaultValueFactory = _ => "full" };

    /// <summary>The covariance types of a comma-separated list (any case; duplicates dropped), or a usage error naming the bad one.</summary>
    public static CovarianceType[] CovarianceTypes(string text)
    {
        CovarianceType[] types;
        try
        {
            types = text.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)
                .Select(CovarianceLayout.Parse).Distinct().ToArray();
        }
        catch (ArgumentException e) { throw new UsageException($"--covariance: {e.Message}"); }
        if (types.Length == 0) throw new UsageException("--covariance: give at least one covariance type.");
        return types;
    }

    /// <summary>The criterion an option value names.</summary>
    public static SelectionCriterion ParseCriterion(string value) => value switch
    {
        "aic" => SelectionCriterion.Aic,
        "cv" => SelectionCriterion.HeldOutElbo,
        _ => SelectionCriterion.Bic,
    };

    /// <summary>The option value of a criterion.</summary>
    public static string Name(SelectionCriterion criterion) => criterion switch
    {
        SelectionCriterion.Aic => "aic",
        SelectionCriterion.HeldOutElbo => "cv",
        _ => "bic",
    };

    /// <summary>Writes the score against the grid: one line per series (a covariance type, an emission), x the family's size.</summary>
    public static void SavePlot(string path, SelectionCriterion criterion, IReadOnlyList<(string Label, (double X, double Score)[] Points)> series, string xLabel)
    {
        var what = criterion == SelectionCriterion.HeldOutElbo
            ? "held-out log-likelihood per observation (higher is better)"
            : $"{Name(criterion).ToUpperInvariant()} (lower is better)";
        Plots.Lines(series.Select(s => (s.Label, s.Points.Select(p => p.X).ToArray(), s.Points.Select(p => p.Score).ToArray())).ToList(),
            $"model selection: {what}", xLabel, what).Save(path);
    }

    /// <summary>Prints the table (text or JSON: <c>{"command", "criterion", "best", "model", "plot", "table": [...]}</c>).</summary>
    public static void Print(TextWriter o, bool json, string command, SelectionCriterion criterion, IReadOnlyList<ElboTrace> traces,
        IReadOnlyList<(string Label, JsonObject Fields, double Score, TimeSpan Elapsed)> rows, int best, string? modelPath, string? plotPath, long observations)
    {
        if (json)
        {
            var table = new JsonArray();
            for (int i = 0; i < rows.Count; i++)
            {
                var r = (JsonObject)rows[i].Fields.DeepClone();
                r["score"] = Conventions.Number(rows[i].Score);
                r["stop"] = traces[i].StopReason.ToString();
                r["iterations"] = traces[i].Count;
                r["elbo"] = Conventions.Number(traces[i].FinalElbo);
                r["elboPerObservation"] = Conventions.Number(traces[i].FinalElboPerObservation);
                r["seconds"] = rows[i].Elapsed.TotalSeconds;
                table.Add(r);
            }
            var bestRow = (JsonObject)rows[best].Fields.DeepClone();
            bestRow["score"] = Conventions.Number(rows[best].Score);
            o.WriteLine(new JsonObject
            {
                ["command"] = command,
                ["criterion"] = Name(criterion),
                ["lowerIsBetter"] = criterion != SelectionCriterion.HeldOutElbo,
                ["observations"] = observations,
                ["best"] = bestRow,
                ["model"] = modelPath,
                ["plot"] = plotPath,
                ["table"] = table,
            }.ToJsonString());
            return;
        }
        string head = criterion == SelectionCriterion.HeldOutElbo ? "held-out LL/obs" : Name(criterion).ToUpperInvariant();
        o.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{"candidate",-28} {head,16} {"iterations",10} {"stop",14}"));
        for (int i = 0; i < rows.Count; i++)
            o.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{rows[i].Label,-28} {rows[i].Score,16:F4} {traces[i].Count,10} {traces[i].StopReason,14}{(i == best ? "  <- best" : "")}"));
        o.WriteLine($"best: {rows[best].Label}{(modelPath is null ? "" : $"; model saved to {modelPath}")}{(plotPath is null ? "" : $"; plot {plotPath}")}");
    }
}
