namespace Probabilistic.Mixtures;

/// <summary>How EM starts (scikit-learn's <c>init_params</c>, <c>means_init</c>, and a full start point).</summary>
public enum MixtureInit
{
    /// <summary>k-means++ seeding and a few Lloyd iterations; the hard assignments give the first M-step.</summary>
    KMeansPlusPlus,
    /// <summary>Uniform random responsibilities, normalised per point (scikit-learn's 'random').</summary>
    RandomResponsibilities,
    /// <summary>Given means: points go to the nearest mean for the weights and covariances; the means are kept.</summary>
    Means,
    /// <summary>A full start point (weights, means, covariances), used as is: the first E-step runs on it.</summary>
    Parameters,
}
