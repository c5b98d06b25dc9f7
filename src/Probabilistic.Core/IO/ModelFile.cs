using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace Probabilistic.Core.IO;

/// <summary>A model file that cannot be used: wrong kind, other version, corrupt, or inconsistent parameters.</summary>
public sealed class ModelFormatException(string path, string reason, Exception? inner = null)
    : Exception($"{path}: {reason}", inner)
{
    /// <summary>The file.</summary>
    public string Path { get; } = path;

    /// <summary>What is wrong with it.</summary>
    public string Reason { get; } = reason;
}

/// <summary>
/// Versioned JSON model files: <c>{"format": "probabilistic", "kind": K, "version": V, "model": {...}}</c>, written
/// atomically. Loading checks the kind and version before touching the payload and names what does not match.
/// </summary>
public static class ModelFile
{
    /// <summary>The marker every model file carries.</summary>
    public const string Format = "probabilistic";

    /// <summary>Serializer settings shared by all model files (camelCase, named floating-point literals allowed).</summary>
    public static readonly JsonSerializerOptions JsonOptions = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        WriteIndented = false,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
        Converters = { new JsonStringEnumConverter() },
    };

    /// <summary>Saves <paramref name="model"/> as kind <paramref name="kind"/>, version <paramref name="version"/>.</summary>
    public static void Save<T>(string path, string kind, int version, T model)
    {
        var envelope = new JsonObject
        {
            ["format"] = Format,
            ["kind"] = kind,
            ["version"] = version,
            ["model"] = JsonSerializer.SerializeToNode(model, JsonOptions),
        };
        AtomicFile.WriteAllText(path, envelope.ToJsonString(JsonOptions));
    }

    /// <summary>Loads a model of kind <paramref name="kind"/> and version <paramref name="version"/>, or explains why not.</summary>
    public static T Load<T>(string path, string kind, int version)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"No such model file: {path}", path);
        JsonNode? root;
        try
        {
            using var stream = File.OpenRead(path);
            root = JsonNode.Parse(stream);
        }
        catch (JsonException e)
        {
            throw new ModelFormatException(path, $"not valid JSON ({e.Message}); the file is corrupt or not a model file", e);
        }
        if (root is not JsonObject obj || obj["format"]?.GetValue<string>() != Format)
            throw new ModelFormatException(path, "not a Probabilistic model file (no \"format\": \"probabilistic\" header)");
        var fileKind = obj["kind"]?.GetValue<string>();
        if (fileKind != kind)
            throw new ModelFormatException(path, $"holds a '{fileKind}' model, not a '{kind}' model");
        var fileVersion = obj["version"]?.GetValue<int>();
        if (fileVersion != version)
            throw new ModelFormatException(path, $"is a version {fileVersion} '{kind}' file; this build reads version {version}");
        try
        {
            return obj["model"].Deserialize<T>(JsonOptions)
                ?? throw new ModelFormatException(path, "the model payload is empty");
        }
        catch (JsonException e)
        {
            throw new ModelFormatException(path, $"the '{kind}' payload is malformed: {e.Message}", e);
        }
    }

    /// <summary>Reads a plain JSON document (e.g. a peer's start point) into <typeparamref name="T"/>, naming the file on error.</summary>
    public static T ReadJson<T>(string path)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"No such file: {path}", path);
        try
        {
            using var stream = File.OpenRead(path);
            return JsonSerializer.Deserialize<T>(stream, JsonOptions) ?? throw new Data.DataFormatException(path, null, "the JSON document is null");
        }
        catch (JsonException e)
        {
            throw new Data.DataFormatException(path, e.LineNumber + 1, $"malformed JSON: {e.Message}", e);
        }
    }
}
