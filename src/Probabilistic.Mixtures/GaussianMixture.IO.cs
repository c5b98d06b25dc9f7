using Probabilistic.Core.IO;
using Probabilistic.Core.Numerics;
using Probabilistic.Core.Gaussians;

namespace Probabilistic.Mixtures;

public sealed partial class GaussianMixture
{
    /// <summary>The kind written in model files.</summary>
    public const string ModelKind = "gaussian-mixture";

    /// <summary>The model-file version this build writes and reads.</summary>
    public const int ModelVersion = 1;

    /// <summary>What a model file holds.</summary>
    public sealed record ModelDocument(CovarianceType CovarianceType, int Components, int Dimension, double[] Weights,
        double[][] Means, double[] Covariances, double RegCovar, double[]? MeanLogLikelihoodTrace, bool Converged);

    /// <summary>Saves the fitted model atomically as versioned JSON.</summary>
    public void Save(string path)
    {
        var p = Parameters ?? throw NotFitted();
        var means = Enumerable.Range(0, p.Components).Select(p.Mean).ToArray();
        var doc = new ModelDocument(p.CovarianceType, p.Components, p.Dimension, p.WeightsArray, means, p.CovariancesArray,
            Options.RegCovar, Trace?.Select(s => s.ElboPerObservation).ToArray(), Converged);
        ModelFile.Save(path, ModelKind, ModelVersion, doc);
    }

    /// <summary>Loads a model saved by <see cref="Save"/>, refusing wrong, corrupt or inconsistent files.</summary>
    /// <exception cref="ModelFormatException">The file is not a valid Gaussian-mixture model file.</exception>
    public static GaussianMixture Load(string path, Core.MemoryBudget? budget = null)
    {
        var doc = ModelFile.Load<ModelDocument>(path, ModelKind, ModelVersion, budget);
        try
        {
            if (doc.Means is null || doc.Weights is null || doc.Covariances is null) throw new ArgumentException("weights, means or covariances are missing");
            if (doc.Means.Length != doc.Components || doc.Means.Any(m => m is null || m.Length != doc.Dimension))
                throw new ArgumentException($"means must be {doc.Components}x{doc.Dimension}");
            var p = new GaussianMixtureParameters(doc.CovarianceType, doc.Components, doc.Dimension, doc.Weights,
                doc.Means.SelectMany(m => m).ToArray(), doc.Covariances);
            p.RequireSymmetric();
            return new GaussianMixture(p, doc.RegCovar);
        }
        catch (Exception e) when (e is ArgumentException or Kernels.IllConditionedCovarianceException)
        {
            throw new ModelFormatException(path, $"inconsistent Gaussian-mixture parameters: {e.Message}", e);
        }
    }

    /// <summary>Draws <paramref name="count"/> points [count×D] and their components (scikit-learn's sample, seeded).</summary>
    public (double[] X, int[] Components) Sample(int count, int seed)
    {
        var p = Parameters ?? throw NotFitted();
        int d = p.Dimension;
        var random = Rng.Create(seed);
        var chol = new double[p.Components][];
        for (int c = 0; c < p.Components; c++)
        {
            chol[c] = p.FullCovariance(c);
            if (!Cholesky.TryFactor(chol[c], d)) throw Kernels.IllConditionedCovarianceException.ForComponent(c);
        }
        var x = new double[count * d];
        var labels = new int[count];
        var z = new double[d];
        for (int i = 0; i < count; i++)
        {
            int c = labels[i] = random.NextCategorical(p.WeightsArray);
            for (int j = 0; j < d; j++) z[j] = random.NextGaussian();
            for (int r = 0; r < d; r++)
            {
                double s = p.MeansArray[c * d + r];
                for (int j = 0; j <= r; j++) s += chol[c][r * d + j] * z[j];
                x[i * d + r] = s;
            }
        }
        return (x, labels);
    }
}
