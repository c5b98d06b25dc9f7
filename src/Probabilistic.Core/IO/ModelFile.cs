using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace Probabilistic.Core.IO;

/// <summary>
/// Versioned JSON model files: <c>{"format": "probabilistic", "kind": K, "version": V, "model": {...}}</c>, written
/// atomically. Loading reads at most what the <see cref="MemoryBudget"/> allows (a device or endless pipe is refused
/// at its first byte or its limit), checks the envelope's fields and their JSON types (a string "1" or 1.5 as the
/// version is named, not a crash), then the kind and version before touching the payload, and names what does not match.
/// </summary>
public static class ModelFile
{
    /// <summary>The marker every model file carries.</summary>
    public const string Format = "probabilistic";

    /// <summary>Serializer settings shared by all model files (camelCase, named floating-point literals allowed, no duplicate keys).</summary>
    public static readonly JsonSerializerOptions JsonOptions = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        WriteIndented = false,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
        Converters = { new JsonStringEnumConverter() },
        AllowDuplicateProperties = false,
    };

    private static readonly JsonDocumentOptions DocumentOptions = new() { MaxDepth = 64, AllowDuplicateProperties = false };

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

    /// <summary>A model file's checked envelope: its kind, version and payload object.</summary>
    public sealed record Envelope(string Kind, int Version, JsonObject Model);

    /// <summary>Reads and checks the envelope of <paramref name="path"/>, whatever its kind.</summary>
    /// <exception cref="ModelFormatException">Not JSON, not a model file, or an envelope field of the wrong type.</exception>
    public static Envelope ReadEnvelope(string path, MemoryBudget? budget = null)
    {
        var root = ParseFile(path, budget, (reason, e) => new ModelFormatException(path, reason, e));
        try { return CheckEnvelope(path, root); }
        catch (Exception e) when (e is InvalidOperationException or FormatException or ArgumentException)
        {
            // Strings that are not valid UTF-8 surface only when read.
            throw new ModelFormatException(path, $"the envelope is not valid: {e.Message}", e);
        }
    }

    private static Envelope CheckEnvelope(string path, JsonNode? root)
    {
        if (root is not JsonObject obj || obj["format"] is not JsonValue formatValue
            || !formatValue.TryGetValue<string>(out var format) || format != Format)
            throw new ModelFormatException(path, "not a Probabilistic model file (no \"format\": \"probabilistic\" header)" +
                (root is JsonObject o && o["format"] is { } f ? $"; its \"format\" is {Describe(f)}" : ""));
        var kindNode = obj["kind"];
        if (kindNode is not JsonValue kv || !kv.TryGetValue<string>(out var kind))
            throw new ModelFormatException(path, $"the envelope's \"kind\" is {Describe(kindNode)}; it must be a string naming the model kind");
        var versionNode = obj["version"];
        if (versionNode is not JsonValue vv || vv.GetValueKind() != JsonValueKind.Number || !vv.TryGetValue<int>(out var version))
            throw new ModelFormatException(path, $"the envelope's \"version\" is {Describe(versionNode)}; it must be a whole number such as 1");
        if (obj["model"] is not JsonObject model)
            throw new ModelFormatException(path, $"the envelope's \"model\" is {Describe(obj["model"])}; it must be a JSON object holding the parameters");
        return new Envelope(kind, version, model);
    }

    /// <summary>The kind of the model in <paramref name="path"/> (checking the envelope).</summary>
    public static string ReadKind(string path, MemoryBudget? budget = null) => ReadEnvelope(path, budget).Kind;

    /// <summary>Loads a model of kind <paramref name="kind"/> and version <paramref name="version"/>, or explains why not.</summary>
    public static T Load<T>(string path, string kind, int version, MemoryBudget? budget = null)
    {
        var envelope = ReadEnvelope(path, budget);
        return Load<T>(path, kind, version, version, budget).Model;
    }

    /// <summary>
    /// Loads a model of kind <paramref name="kind"/> written in any version from <paramref name="oldest"/> to
    /// <paramref name="newest"/>, returning the version read so the caller can check what that version allows; any other
    /// version is refused naming the range this build reads.
    /// </summary>
    public static (T Model, int Version) Load<T>(string path, string kind, int oldest, int newest, MemoryBudget? budget = null)
    {
        var envelope = ReadEnvelope(path, budget);
        if (envelope.Kind != kind)
            throw new ModelFormatException(path, $"holds a '{Data.Excerpt.Of(envelope.Kind)}' model, not a '{kind}' model");
        if (envelope.Version < oldest || envelope.Version > newest)
            throw new ModelFormatException(path, $"is a version {envelope.Version} '{kind}' file; this build reads " + (newest - oldest) switch
            {
                0 => $"version {oldest}",
                1 => $"versions {oldest} and {newest}",
                _ => $"versions {oldest} to {newest}",
            });
        return (Payload<T>(path, kind, envelope.Model), envelope.Version);
    }

    /// <summary>Deserializes a checked envelope's payload, turning every serializer complaint into a <see cref="ModelFormatException"/>.</summary>
    public static T Payload<T>(string path, string kind, JsonObject model)
    {
        try
        {
            return model.Deserialize<T>(JsonOptions)
                ?? throw new ModelFormatException(path, "the model payload is empty");
        }
        catch (Exception e) when (e is JsonException or NotSupportedException or InvalidOperationException or FormatException
                                     or OverflowException or ArgumentException or InvalidCastException)
        {
            throw new ModelFormatException(path, $"the '{kind}' payload is malformed: {e.Message}", e);
        }
    }

    /// <summary>Reads a plain JSON document (e.g. a peer's start point) into <typeparamref name="T"/>, naming the file on error.</summary>
    public static T ReadJson<T>(string path, MemoryBudget? budget = null)
    {
        var node = ParseFile(path, budget, (reason, e) => new Data.DataFormatException(Data.DataFiles.DisplayName(path),
            e is JsonException { LineNumber: long line } ? line + 1 : null, reason, e));
        try
        {
            return node.Deserialize<T>(JsonOptions) ?? throw new Data.DataFormatException(path, null, "the JSON document is null");
        }
        catch (Exception e) when (e is JsonException or NotSupportedException or InvalidOperationException or FormatException
                                     or OverflowException or ArgumentException or InvalidCastException)
        {
            throw new Data.DataFormatException(Data.DataFiles.DisplayName(path), null, $"malformed JSON: {e.Message}", e);
        }
    }

    /// <summary>
    /// Parses a JSON file read with a bound: the first non-blank byte must open an object or array (so /dev/zero, an
    /// image or a VAE file is refused at once), and the file must fit the budget (about 8 bytes of memory per byte of JSON).
    /// </summary>
    private static JsonNode? ParseFile(string path, MemoryBudget? budget, Func<string, Exception?, Exception> fail)
    {
        var bytes = ReadBounded(path, budget, fail);
        int start = 0;
        if (bytes.Length >= 3 && bytes[0] == 0xEF && bytes[1] == 0xBB && bytes[2] == 0xBF) start = 3;
        while (start < bytes.Length && bytes[start] is (byte)' ' or (byte)'\t' or (byte)'\r' or (byte)'\n') start++;
        if (start == bytes.Length) throw fail("the file is empty; a model file is a JSON object", null);
        if (bytes[start] is not ((byte)'{' or (byte)'['))
            throw fail($"not a JSON document: it starts with byte 0x{bytes[start]:X2}, not '{{' (a binary file, or another format?)", null);
        try
        {
            return JsonNode.Parse(bytes.AsSpan(start), null, DocumentOptions);
        }
        catch (Exception e) when (e is JsonException or ArgumentException or InvalidOperationException)
        {
            throw fail($"not valid JSON ({e.Message}); the file is corrupt or not a model file", e);
        }
    }

    private static byte[] ReadBounded(string path, MemoryBudget? budget, Func<string, Exception?, Exception> fail)
    {
        if (Directory.Exists(path)) throw fail("is a directory, not a model file", null);
        if (!File.Exists(path)) throw new FileNotFoundException($"No such file: {path}", path);
        budget ??= MemoryBudget.Available();
        long limit = Math.Min(budget.LimitBytes / 8, Array.MaxLength);
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
        var first = new byte[64];
        int got = Data.DataFiles.ReadAtMost(stream, first);
        int lead = 0;
        while (lead < got && first[lead] is (byte)' ' or (byte)'\t' or (byte)'\r' or (byte)'\n' or 0xEF or 0xBB or 0xBF) lead++;
        if (lead < got && first[lead] is not ((byte)'{' or (byte)'['))
            throw fail($"not a JSON document: it starts with byte 0x{first[lead]:X2}, not '{{' (a binary file, or another format?)", null);
        using var all = new MemoryStream();
        all.Write(first, 0, got);
        var buffer = new byte[1 << 16];
        int n;
        while ((n = stream.Read(buffer)) > 0)
        {
            if (all.Length + n > limit)
                budget.Require((all.Length + n) * 8.0 + (stream.CanSeek ? (stream.Length - stream.Position) * 8.0 : 0), $"{path}: a JSON model file this large");
            all.Write(buffer, 0, n);
        }
        return all.ToArray();
    }

    /// <summary>
    /// Why a list of names from a model file (symbols, tags, words) cannot index it — a null or empty name, or one listed
    /// twice — or null when every name is a non-empty string listed once.
    /// </summary>
    public static string? NameProblem(IReadOnlyList<string?> names, string what)
    {
        var seen = new Dictionary<string, int>(StringComparer.Ordinal);
        for (int i = 0; i < names.Count; i++)
        {
            var name = names[i];
            if (string.IsNullOrEmpty(name)) return $"{what} {i} is {(name is null ? "null" : "empty")}";
            if (!seen.TryAdd(name, i)) return $"{what} '{Data.Excerpt.Of(name)}' appears twice (entries {seen[name]} and {i}); each {what} must be listed once";
        }
        return null;
    }

    private static string Describe(JsonNode? node) => node switch
    {
        null => "missing (or null)",
        JsonObject => "an object",
        JsonArray => "an array",
        JsonValue v => v.GetValueKind() switch
        {
            JsonValueKind.String => $"the string \"{Data.Excerpt.Of(v.GetValue<string>())}\"",
            JsonValueKind.Number => $"the number {Data.Excerpt.Of(v.ToJsonString())}",
            JsonValueKind.True or JsonValueKind.False => $"the boolean {v.ToJsonString()}",
            _ => v.ToJsonString(),
        },
        _ => node.ToJsonString(),
    };


    internal static string Invariant(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);
}
