using System.Buffers.Binary;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Probabilistic.Core.IO;

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

    /// <summary>Saves <paramref name="model"/> to <paramref name="path"/> (temporary file, then rename).</summary>
    public static void Save(VariationalAutoencoder model, string path)
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

    /// <summary>Reads only the architecture from the header of <paramref name="path"/>.</summary>
    public static VaeArchitecture ReadArchitecture(string path) => ReadParts(path).Architecture;

    /// <summary>Loads a model saved by <see cref="Save"/>, or throws <see cref="ModelFormatException"/> saying what is wrong.</summary>
    public static VariationalAutoencoder Load(string path, ComputeDevice device = ComputeDevice.Cpu)
    {
        var (architecture, state) = ReadParts(path);
        VaeNetwork network;
        try { network = new VaeNetwork(architecture); }
        catch (ArgumentException e) { throw new ModelFormatException(path, $"the header's architecture is invalid: {e.Message}", e); }
        try
        {
            using var stream = new MemoryStream(state, writable: false);
            network.load(stream, strict: true);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            network.Dispose();
            throw new ModelFormatException(path, $"the network state does not fit the header's architecture ({architecture}): {e.Message}", e);
        }
        return new VariationalAutoencoder(network, device);
    }

    private static (VaeArchitecture Architecture, byte[] State) ReadParts(string path)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"No such model file: {path}", path);
        var bytes = File.ReadAllBytes(path);
        if (bytes.Length < Magic.Length + 4 || !bytes.AsSpan(0, Magic.Length).SequenceEqual(Magic))
        {
            var what = bytes.Length > 0 && bytes[0] == (byte)'{' ? "a JSON file (another model kind?)" : "not a VAE file";
            throw new ModelFormatException(path, $"{what}: a VAE model file starts with 'PROBVAE'");
        }
        int headerLength = BinaryPrimitives.ReadInt32LittleEndian(bytes.AsSpan(Magic.Length, 4));
        int stateStart = Magic.Length + 4 + headerLength;
        if (headerLength <= 0 || stateStart > bytes.Length)
            throw new ModelFormatException(path, $"header length {headerLength} does not fit a {bytes.Length}-byte file (truncated or corrupt)");
        JsonObject header;
        VaeArchitecture architecture;
        try
        {
            header = JsonNode.Parse(bytes.AsSpan(Magic.Length + 4, headerLength))?.AsObject()
                ?? throw new ModelFormatException(path, "the header is empty");
            if (header["kind"]?.GetValue<string>() is var kind && kind != Kind)
                throw new ModelFormatException(path, $"holds a '{kind}' model, not a '{Kind}' model");
            if (header["version"]?.GetValue<int>() is var version && version != Version)
                throw new ModelFormatException(path, $"is a version {version} VAE file; this build reads version {Version}");
            architecture = header["architecture"].Deserialize<VaeArchitecture>(ModelFile.JsonOptions)
                ?? throw new ModelFormatException(path, "the header has no architecture");
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException or FormatException)
        {
            throw new ModelFormatException(path, $"the header is not valid: {e.Message}", e);
        }
        long expected = header["stateBytes"]?.GetValue<long>() ?? -1;
        long actual = bytes.Length - stateStart;
        if (expected != actual)
            throw new ModelFormatException(path, $"the header announces {expected} bytes of network state but the file holds {actual} (truncated or corrupt)");
        var shape = header["dataShape"]?.AsArray().Select(n => n!.GetValue<int>()).ToArray();
        if (shape is not { Length: 2 } || shape[0] != architecture.Height || shape[1] != architecture.Width)
            throw new ModelFormatException(path, "the header's data shape disagrees with its architecture");
        return (architecture, bytes[stateStart..]);
    }
}
