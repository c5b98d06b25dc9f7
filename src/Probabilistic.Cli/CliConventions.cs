using System.CommandLine;
using System.Globalization;
using System.Text.Json.Nodes;
using Probabilistic.Core.Inference;

namespace Probabilistic.Cli;

/// <summary>
/// The conventions every <c>prob</c> command shares, in one place: the common options (<c>--seed</c> 0, <c>--tol</c>
/// 1e-6, <c>--max-iter</c>, <c>-o/--output</c>, <c>--json</c>), case-insensitive choices, and the one JSON layout of a fit:
/// <c>{"command", "model", "stop", "seed", "observations", "seconds", "trace": [{"step", "elbo", "elboPerObservation",
/// "seconds"}], ...family fields}</c>.
/// </summary>
public static class Conventions
{
    /// <summary>The default seed of every command.</summary>
    public const int DefaultSeed = 0;

    /// <summary>The default relative tolerance of every fit (a family that differs says why in its option's description).</summary>
    public const double DefaultTolerance = 1e-6;

    /// <summary><c>--seed</c>, default 0.</summary>
    public static Option<int> Seed(string what = "Seed of every random choice (the same seed gives the same result)") =>
        new("--seed") { Description = what, DefaultValueFactory = _ => DefaultSeed };

    /// <summary><c>--tol</c>: converged when the ELBO per observation changes by less than tol·max(1, |ELBO|).</summary>
    public static Option<double> Tolerance(double defaultValue = DefaultTolerance, string? why = null) =>
        new("--tol")
        {
            Description = "Stop when the ELBO per observation changes by less than tol·max(1,|ELBO|) between steps (0: run all steps)" + (why is null ? "" : $"; {why}"),
            DefaultValueFactory = _ => defaultValue,
        };

    /// <summary><c>--max-iter</c> (with extra aliases, e.g. <c>--epochs</c> for the VAE).</summary>
    public static Option<int> MaxIterations(string description, int defaultValue = 100, params string[] aliases) =>
        new("--max-iter", aliases) { Description = description, DefaultValueFactory = _ => defaultValue };

    /// <summary><c>-o/--output</c>.</summary>
    public static Option<string> Output(string description, bool required = true) =>
        new("--output", "-o") { Description = description, Required = required };

    /// <summary><c>--json</c>.</summary>
    public static Option<bool> Json(string description = "Print one JSON document instead of text (and no progress)") =>
        new("--json") { Description = description };

    /// <summary>
    /// Accepts only <paramref name="values"/>, in any case, and gives the canonical spelling (the first of its row) to the
    /// command: <c>--covariance DIAG</c> reads as <c>diag</c>. Each row is a value and its synonyms.
    /// </summary>
    public static Option<string> OneOf(this Option<string> option, params string[][] values)
    {
        var canonical = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var row in values) foreach (var v in row) canonical[v] = row[0];
        string choices = string.Join(", ", values.Select(r => r[0]));
        option.CustomParser = result =>
        {
            if (result.Tokens.Count == 0) return null;
            var text = result.Tokens[^1].Value;
            if (canonical.TryGetValue(text.Trim(), out var value)) return value;
            result.AddError($"{option.Name} '{text}': use one of {choices} (any case).");
            return null;
        };
        option.Description = $"{option.Description} (any case)";
        option.CompletionSources.Add(values.Select(r => r[0]).ToArray());
        return option;
    }

    /// <summary><see cref="OneOf(Option{string}, string[][])"/> with one spelling per value.</summary>
    public static Option<string> OneOf(this Option<string> option, params string[] values) => option.OneOf(values.Select(v => new[] { v }).ToArray());

    /// <summary>The common layout of every fit's <c>--json</c>; the family adds its own fields to the returned object.</summary>
    /// <param name="command">"gmm fit", "hmm fit", "vae train", "tag train".</param>
    /// <param name="modelPath">Where the fitted model was saved.</param>
    /// <param name="trace">The fit's trace (may be empty for a closed-form fit).</param>
    /// <param name="stop">The stop reason to report when <paramref name="trace"/> is null.</param>
    public static JsonObject FitJson(string command, string modelPath, ElboTrace? trace, string? stop = null)
    {
        var steps = new JsonArray();
        foreach (var s in (IEnumerable<ElboStep>?)trace ?? [])
        {
            var step = new JsonObject
            {
                ["step"] = s.Iteration,
                ["elbo"] = s.Elbo,
                ["elboPerObservation"] = s.ElboPerObservation,
                ["seconds"] = s.Elapsed.TotalSeconds,
            };
            if (s.HeldOutElboPerObservation is double h) step["heldOutElboPerObservation"] = h;
            steps.Add(step);
        }
        return new JsonObject
        {
            ["command"] = command,
            ["model"] = modelPath,
            ["stop"] = trace?.StopReason.ToString() ?? stop ?? "Converged",
            ["seed"] = trace?.Seed,
            ["observations"] = trace?.ObservationCount,
            ["seconds"] = trace?.TotalElapsed.TotalSeconds ?? 0,
            ["trace"] = steps,
        };
    }

    /// <summary>A double for JSON: finite values as numbers, the rest as null (JSON has no NaN).</summary>
    public static JsonNode? Number(double value) => double.IsFinite(value) ? JsonValue.Create(value) : null;

    /// <summary>An invariant-culture rendering for text output.</summary>
    public static string Format(double value, string format = "G6") => value.ToString(format, CultureInfo.InvariantCulture);
}
