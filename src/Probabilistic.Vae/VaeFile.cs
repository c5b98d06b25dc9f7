using System.Buffers.Binary;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Probabilistic.Core;
using Probabilistic.Core.IO;
using TorchSharp;

namespace Probabilistic.Vae;

/// <summary>
/// VAE model files: the 8 bytes <c>PROBVAE\n</c>, a little-endian int32 header length, a UTF-8 JSON header
/// (<c>format</c>, <c>kind: "vae"</c>, <c>version</c>, the <see cref="VaeArchitecture"/>, the data shape, the
/// parameter count and the state length), then the TorchSharp state of the networks. Written atomically; loading
/// checks the magic, the header, the length and that every tensor of the state fits the architecture.
/// </summary>
public static class VaeFile
{
    /// <summary>The model kind in the header.</summary>
    public const string Kind = "vae";

    /// <summary>The file version this build writes and reads.</summary>
    public const int Version = 1;

    private static readonly byte[] Magic = "PROBVAE\n"u8.ToArray();

    /// <summary>Saves <paramref name="model"/> to <paramref name="path"/> (temporary file, then rename); <see cref="VariationalAutoencoder.Save"/> calls it.</summary>
    internal static void Save(VariationalAutoencoder model, string path)
    {
        ArgumentNullException.ThrowIfNull(model);
        byte[] state;
        using (var buffer = new MemoryStream())
        {
            model.Network.save(buffer);
            state = buffer.ToArray();
        }
        var a = model.Architecture;
        var header = new JsonObject
        {
            ["format"] = ModelFile.Format,
            ["kind"] = Kind,
            ["version"] = Version,
            ["architecture"] = JsonSerializer.SerializeToNode(a, ModelFile.JsonOptions),
            ["dataShape"] = new JsonArray(a.Height, a.Width),
            ["parameterCount"] = model.ParameterCount,
            ["stateBytes"] = state.Length,
        };
        var headerBytes = Encoding.UTF8.GetBytes(header.ToJsonString(ModelFile.JsonOptions));
        AtomicFile.Write(path, s =>
        {
            s.Write(Magic);
            Span<byte> len = stackalloc byte[4];
            BinaryPrimitives.WriteInt32LittleEndian(len, headerBytes.Length);
            s.Write(len);
            s.Write(headerBytes);
            s.Write(state);
        });
    }

    /// <summary>The longest JSON header accepted (a real one is a few hundred bytes).</summary>
    public const int MaxHeaderLength = 1 << 20;

    /// <summary>The largest weight magnitude a loaded model may hold: no trained VAE comes near it, garbage bytes do.</summary>
    public const double MaxWeightMagnitude = 1e6;

    /// <summary>Reads only the architecture from the header of <paramref name="path"/>.</summary>
    public static VaeArchitecture ReadArchitecture(string path, MemoryBudget? budget = null) => ReadParts(path, budget, readState: false).Architecture;

    /// <summary>
    /// Loads a model saved by <see cref="Save"/>, or throws <see cref="ModelFormatException"/> saying what is wrong: the
    /// magic, the header (its length, its JSON and the JSON types of its fields), an architecture whose parameters the
    /// state cannot hold (checked before any network is built), a state that does not fit the architecture, or weights
    /// that are NaN, infinite or beyond <see cref="MaxWeightMagnitude"/> (named by tensor and index).
    /// </summary>
    /// <exception cref="ResourceLimitException">The network would need more memory than <paramref name="budget"/> allows.</exception>
    internal static VariationalAutoencoder Load(string path, ComputeDevice device = ComputeDevice.Cpu, MemoryBudget? budget = null)
    {
        var (architecture, state) = ReadParts(path, budget, readState: true);
        VaeNetwork network;
        try { network = new VaeNetwork(architecture); }
        catch (ArgumentException e) { throw new ModelFormatException(path, $"the header's architecture is invalid: {e.Message}", e); }
        try
        {
            using (var stream = new MemoryStream(state!, writable: false))
                network.load(stream, strict: true);
            CheckWeights(network, path);
        }
        catch (ModelFormatException)
        {
            network.Dispose();
            throw;
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            network.Dispose();
            throw new ModelFormatException(path, $"the network state does not fit the header's architecture ({architecture}): {e.Message}", e);
        }
        return new VariationalAutoencoder(network, device);
    }

    private static void CheckWeights(VaeNetwork network, string path)
    {
        using var _ = torch.no_grad();
        foreach (var (name, p) in network.named_parameters())
        {
            using var scope = torch.NewDisposeScope();
            var flat = p.detach().flatten();
            var bad = (flat.isfinite().logical_not()).logical_or(flat.abs() > MaxWeightMagnitude).nonzero();
            if (bad.shape[0] == 0) continue;
            long index = bad[0, 0].item<long>();
            float value = flat[index].item<float>();
            throw new ModelFormatException(path, FormattableString.Invariant(
                $"weight '{name}' holds {value} at index {index} ({bad.shape[0]} of its {flat.shape[0]} values are NaN, infinite or beyond {MaxWeightMagnitude:G}); the network state is corrupt"));
        }
    }

    private static (VaeArchitecture Architecture, byte[]? State) ReadParts(string path, MemoryBudget? budget, bool readState)
    {
        if (Directory.Exists(path)) throw new ModelFormatException(path, "is a directory, not a VAE model file");
        if (!File.Exists(path)) throw new FileNotFoundException($"No such model file: {path}", path);
        budget ??= MemoryBudget.Available();
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
        long? length = Core.Data.DataFiles.KnownLength(path) is not null && stream.CanSeek ? stream.Length : null;
        var preamble = new byte[Magic.Length + 4];
        int got = Core.Data.DataFiles.ReadAtMost(stream, preamble);
        if (got < Magic.Length || !preamble.AsSpan(0, Magic.Length).SequenceEqual(Magic))
        {
            var what = got > 0 && preamble[0] == (byte)'{' ? "a JSON file (another model kind?)" : got == 0 ? "an empty file" : "not a VAE file";
            throw new ModelFormatException(path, $"{what}: a VAE model file starts with 'PROBVAE'");
        }
        if (got < preamble.Length) throw new ModelFormatException(path, "truncated: the file ends inside the header length");
        int headerLength = BinaryPrimitives.ReadInt32LittleEndian(preamble.AsSpan(Magic.Length, 4));
        if (headerLength <= 0 || headerLength > MaxHeaderLength || (length is long l && preamble.Length + (long)headerLength > l))
            throw new ModelFormatException(path, $"header length {headerLength} does not fit a {(length is long n ? $"{n}-byte" : "")} file (truncated or corrupt; a header is 1 to {MaxHeaderLength} bytes)");
        var headerBytes = new byte[headerLength];
        if (Core.Data.DataFiles.ReadAtMost(stream, headerBytes) < headerLength)
            throw new ModelFormatException(path, $"truncated: the file ends inside its {headerLength}-byte header");
        JsonObject header;
        try
        {
            header = JsonNode.Parse(headerBytes, null, new JsonDocumentOptions { MaxDepth = 32, AllowDuplicateProperties = false }) as JsonObject
                ?? throw new ModelFormatException(path, "the header is not a JSON object");
        }
        catch (Exception e) when (e is JsonException or ArgumentException or InvalidOperationException)
        {
            throw new ModelFormatException(path, $"the header is not valid JSON: {e.Message}", e);
        }
        try { return Interpret(path, header, length, preamble.Length + (long)headerLength, stream, budget, readState); }
        catch (Exception e) when (e is InvalidOperationException or FormatException or ArgumentException)
        {
            throw new ModelFormatException(path, $"the header is not valid: {e.Message}", e);
        }
    }

    private static (VaeArchitecture Architecture, byte[]? State) Interpret(string path, JsonObject header, long? length, long stateStart,
        Stream stream, MemoryBudget budget, bool readState)
    {
        if (header["kind"] is not JsonValue kindValue || !kindValue.TryGetValue<string>(out var kind))
            throw new ModelFormatException(path, "the header's \"kind\" is missing or not a string");
        if (kind != Kind) throw new ModelFormatException(path, $"holds a '{kind}' model, not a '{Kind}' model");
        if (!TryInteger(header["version"], out long version))
            throw new ModelFormatException(path, "the header's \"version\" is missing or not a whole number");
        if (version != Version) throw new ModelFormatException(path, $"is a version {version} VAE file; this build reads version {Version}");
        if (header["architecture"] is not JsonObject archNode)
            throw new ModelFormatException(path, "the header's \"architecture\" is missing or not an object");
        var architecture = ModelFile.Payload<VaeArchitecture>(path, Kind, archNode);
        try { architecture.Validate(); }
        catch (ArgumentException e) { throw new ModelFormatException(path, $"the header's architecture is invalid: {e.Message}", e); }
        if (header["dataShape"] is not JsonArray shape || shape.Count != 2 || !TryInteger(shape[0], out long h) || !TryInteger(shape[1], out long w)
            || h != architecture.Height || w != architecture.Width)
            throw new ModelFormatException(path, "the header's data shape disagrees with its architecture");
        if (!TryInteger(header["stateBytes"], out long expected) || expected < 0)
            throw new ModelFormatException(path, "the header's \"stateBytes\" is missing or not a whole number >= 0");
        double parameters = architecture.ParameterCount();
        if (header["parameterCount"] is { } pc && (!TryInteger(pc, out long announced) || announced != parameters))
            throw new ModelFormatException(path, FormattableString.Invariant($"the header announces {pc.ToJsonString()} parameters but its architecture ({architecture}) has {parameters:F0}"));
        // Each float32 parameter takes 4 bytes of state: a header asking for a huge network in a small file is refused here,
        // before anything is allocated.
        if (expected < 4 * parameters)
            throw new ModelFormatException(path, FormattableString.Invariant(
                $"the architecture {architecture} has {parameters:N0} parameters ({MemoryBudget.FormatBytes((long)Math.Min(4 * parameters, long.MaxValue))}) but the header announces {expected:N0} bytes of network state"));
        long actual = length is long total ? total - stateStart : -1;
        if (length is not null && expected != actual)
            throw new ModelFormatException(path, $"the header announces {expected} bytes of network state but the file holds {actual} (truncated or corrupt)");
        if (!readState) return (architecture, null);
        budget.Require(expected + 3 * 4 * parameters, $"{path}: a VAE network of {parameters:N0} parameters");
        if (expected > Array.MaxLength) throw new ModelFormatException(path, $"the network state of {expected:N0} bytes is larger than one array holds");
        var state = new byte[expected];
        if (Core.Data.DataFiles.ReadAtMost(stream, state) < expected || (length is null && stream.ReadByte() >= 0))
            throw new ModelFormatException(path, $"the header announces {expected} bytes of network state but the file holds a different amount (truncated or corrupt)");
        return (architecture, state);
    }

    private static bool TryInteger(JsonNode? node, out long value)
    {
        value = 0;
        return node is JsonValue v && v.GetValueKind() == JsonValueKind.Number && v.TryGetValue(out value);
    }
}
