using Probabilistic.Core.Data;
using Probabilistic.Core.Gaussians;
using Probabilistic.Hmm;
using Probabilistic.Hmm.Emissions;
using Probabilistic.Hmm.Tagging;
using Probabilistic.Mixtures;
using Probabilistic.Vae;

namespace Probabilistic.Serving.Tests;

/// <summary>Tiny models of every kind, fitted or built here, saved into a folder the server serves.</summary>
public static class TestModels
{
    /// <summary>Two well-separated 2-D clusters, 40 rows, deterministic.</summary>
    public static NumericTable Clusters()
    {
        var rng = new Random(7);
        var x = new double[80];
        for (int i = 0; i < 40; i++)
        {
            double cx = i % 2 == 0 ? -3 : 3;
            x[2 * i] = cx + rng.NextDouble() - 0.5;
            x[2 * i + 1] = -cx + rng.NextDouble() - 0.5;
        }
        return new NumericTable(x, 40, 2);
    }

    /// <summary>An EM mixture with <paramref name="k"/> components on <see cref="Clusters"/>.</summary>
    public static GaussianMixture Gmm(int k = 2) =>
        new GaussianMixture(new GaussianMixtureOptions(k, CovarianceType.Full)).Fit(Clusters(), new Core.Inference.FitOptions(Seed: 1)).Model;

    /// <summary>A variational mixture on <see cref="Clusters"/>.</summary>
    public static BayesianGaussianMixture Bgmm() =>
        new BayesianGaussianMixture(new BayesianGaussianMixtureOptions(3)).Fit(Clusters(), new Core.Inference.FitOptions(Seed: 1)).Model;

    /// <summary>A 2-state categorical HMM over the symbols a, b, c.</summary>
    public static HiddenMarkovModel<CategoricalEmission, CategoricalStatistics> CategoricalHmm() =>
        new([0.6, 0.4], [0.7, 0.3, 0.4, 0.6],
            CategoricalEmission.FromProbabilities([0.5, 0.4, 0.1, 0.1, 0.3, 0.6], 2, 3).WithSymbolNames(["a", "b", "c"]));

    /// <summary>A 2-state univariate Gaussian HMM.</summary>
    public static HiddenMarkovModel<GaussianEmission, GaussianStatistics> GaussianHmm() =>
        new([0.5, 0.5], [0.9, 0.1, 0.2, 0.8], GaussianEmission.Univariate([-1.0, 2.0], [0.5, 1.0]));

    /// <summary>An untrained 4×4 MLP VAE (its weights are what its seed draws; serving does not care how good it is).</summary>
    public static VariationalAutoencoder Vae() => VariationalAutoencoder.Create(VaeArchitecture.Mlp(4, 4, hidden: 8, latent: 2), seed: 3);

    /// <summary>A tagger trained on the first file of the shipped Brown sample.</summary>
    public static HmmTagger Tagger() => HmmTagger.Train(BrownSample());

    /// <summary>A CRF (a few L-BFGS iterations) or averaged perceptron (two epochs) on the same file.</summary>
    public static CrfTagger Crf(CrfTraining training) =>
        CrfTagger.Train(BrownSample(), new CrfOptions(training), new Core.Inference.FitOptions(MaxIterations: training == CrfTraining.AveragedPerceptron ? 2 : 10, Seed: 1)).Model;

    private static List<TaggedSentence> BrownSample()
    {
        var dir = Path.Combine(TestPaths.Datasets, "brown-sample");
        var file = Directory.EnumerateFiles(dir).Where(f => !Path.GetFileName(f).StartsWith("README", StringComparison.Ordinal) && !f.EndsWith(".md", StringComparison.Ordinal))
            .Order(StringComparer.Ordinal).First();
        return TaggedCorpus.Read(file, CorpusFormat.Brown, TagMapping.Normalised).ToList();
    }

    /// <summary>Saves one model of every kind into <paramref name="dir"/> under the names the tests use.</summary>
    public static void SaveAll(string dir)
    {
        Tagger().Save(Path.Combine(dir, "tagger.json"));
        Gmm().Save(Path.Combine(dir, "gmm.json"));
        Bgmm().Save(Path.Combine(dir, "bgmm.json"));
        CategoricalHmm().Save(Path.Combine(dir, "weather.json"));
        GaussianHmm().Save(Path.Combine(dir, "regimes.json"));
        using var vae = Vae();
        vae.Save(Path.Combine(dir, "vae.pt"));
    }

    /// <summary>A NumPy .npy file (float64, C order) of a rows × columns matrix.</summary>
    public static byte[] Npy(double[] values, params int[] shape)
    {
        var dims = shape.Length == 1 ? $"({shape[0]},)" : $"({string.Join(", ", shape)})";
        var header = $"{{'descr': '<f8', 'fortran_order': False, 'shape': {dims}, }}";
        int total = 10 + header.Length + 1;
        header = header.PadRight(header.Length + (64 - total % 64) % 64) + "\n";
        using var s = new MemoryStream();
        s.Write([0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y', 1, 0]);
        s.Write(BitConverter.GetBytes((ushort)header.Length));
        s.Write(System.Text.Encoding.ASCII.GetBytes(header));
        foreach (var v in values) s.Write(BitConverter.GetBytes(v));
        return s.ToArray();
    }
}
