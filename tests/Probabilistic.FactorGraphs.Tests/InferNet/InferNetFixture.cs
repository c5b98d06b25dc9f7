using System.Globalization;
using System.Text.Json;

namespace Probabilistic.FactorGraphs.Tests.InferNet;

/// <summary>One fixture written by tools/InferNetOracle: Infer.NET's numbers for one model under one algorithm.</summary>
public sealed record InferNetFixture(
    string Id, string Model, string Algorithm, int Iterations, string Commit, bool Refused, string? Message,
    IReadOnlyList<KeyValuePair<string, double>> Values)
{
    /// <summary>The folder the fixtures are copied to beside the test assembly.</summary>
    public static string Folder => Path.Combine(AppContext.BaseDirectory, "InferNet", "Fixtures");

    /// <summary>Every fixture id (file name without ".json"), sorted.</summary>
    public static IReadOnlyList<string> Ids() => Directory.Exists(Folder)
        ? Directory.GetFiles(Folder, "*.json").Select(f => Path.GetFileNameWithoutExtension(f)).Order(StringComparer.Ordinal).ToList()
        : [];

    /// <summary>Reads fixture <paramref name="id"/>.</summary>
    public static InferNetFixture Load(string id)
    {
        string path = Path.Combine(Folder, id + ".json");
        using var doc = JsonDocument.Parse(File.ReadAllText(path));
        var root = doc.RootElement;
        var values = new List<KeyValuePair<string, double>>();
        foreach (var p in root.GetProperty("values").EnumerateObject())
        {
            double v = p.Value.ValueKind == JsonValueKind.String
                ? double.Parse(p.Value.GetString()!, CultureInfo.InvariantCulture) // "Infinity", "-Infinity", "NaN"
                : p.Value.GetDouble();
            values.Add(new(p.Name, v));
        }
        string status = root.GetProperty("status").GetString()!;
        if (status is not ("ok" or "refused")) throw new InvalidDataException($"{path}: status '{status}' is neither ok nor refused.");
        return new InferNetFixture(
            id,
            root.GetProperty("model").GetString()!,
            root.GetProperty("algorithm").GetString()!,
            root.GetProperty("iterations").GetInt32(),
            root.GetProperty("inferNet").GetProperty("commit").GetString()!,
            status == "refused",
            root.TryGetProperty("message", out var m) ? m.GetString() : null,
            values);
    }
}
