using Probabilistic.Core.IO;
using Probabilistic.Hmm;
using Probabilistic.Hmm.Tagging;
using Probabilistic.Mixtures;
using Probabilistic.Serving.Models;
using Probabilistic.Vae;

namespace Probabilistic.Serving;

/// <summary>Reads a model file of any kind this project saves and wraps it for serving.</summary>
public static class ModelLoader
{
    private static readonly byte[] VaeMagic = "PROBVAE\n"u8.ToArray();

    /// <summary>The name a file is served under: its file name without the last extension.</summary>
    public static string NameOf(string path) => Path.GetFileNameWithoutExtension(path);

    /// <summary>Loads <paramref name="path"/>; throws <see cref="ModelFormatException"/> (or an I/O exception) when it cannot be served.</summary>
    public static ServedModel Load(string path)
    {
        string name = NameOf(path);
        // A FIFO or device would block or never end a read; a model file is a plain, uncompressed file.
        if (Core.Data.DataFiles.KnownLength(path) is null)
            throw new ModelFormatException(path, "is not a plain file (a FIFO, a device, or gzip-compressed); prob serve loads plain model files only");
        if (StartsWith(path, VaeMagic)) return new VaeModel(name, path, VariationalAutoencoder.Load(path));
        var envelope = ModelFile.ReadEnvelope(path);
        return envelope.Kind switch
        {
            TaggerModelFile.Kind => new TaggerModel(name, path, envelope.Version, HmmTagger.Load(path)),
            CrfModelFile.Kind => new CrfTaggerModel(name, path, envelope.Version, CrfTagger.Load(path)),
            GaussianMixture.ModelKind => MixtureModel.From(name, path, GaussianMixture.Load(path)),
            BayesianGaussianMixture.ModelKind => MixtureModel.From(name, path, BayesianGaussianMixture.Load(path)),
            HmmModelFile.Kind => new HmmModel(name, path, envelope.Version, HmmModelFile.Load(path)),
            var other => throw new ModelFormatException(path, $"holds a '{Clip.Of(other)}' model, which prob serve does not serve " +
                $"(it serves {TaggerModelFile.Kind}, {CrfModelFile.Kind}, {GaussianMixture.ModelKind}, {BayesianGaussianMixture.ModelKind}, {HmmModelFile.Kind} and {VaeFile.Kind})"),
        };
    }

    private static bool StartsWith(string path, byte[] magic)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read);
        var head = new byte[magic.Length];
        int got = Core.Data.DataFiles.ReadAtMost(stream, head);
        return got == magic.Length && head.AsSpan().SequenceEqual(magic);
    }
}
