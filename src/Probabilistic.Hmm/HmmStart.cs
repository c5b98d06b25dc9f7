using System.Globalization;
using Probabilistic.Core.Data;
using Probabilistic.Core.Gaussians;
using Probabilistic.Core.Numerics;
using Probabilistic.Hmm.Emissions;

namespace Probabilistic.Hmm;

/// <summary>
/// Start points for Baum-Welch drawn from the data alone and a seed, as hmmlearn's <c>_init</c> draws them: uniform π,
/// "sticky" transitions 0.5·I + 0.5/K (the peers' start: every state keeps half its mass, so the first E-step already
/// favours runs), and emissions from the data — Gaussian means at the k-means++ / Lloyd centres of all observations
/// (hmmlearn's <c>KMeans(n_components, random_state).fit(X)</c>) with every covariance the data's covariance plus r·I
/// (hmmlearn's <c>np.cov(X.T) + min_covar</c>), Poisson rates at the k-means centres plus ½ (so no rate starts at
/// zero), categorical rows drawn from a flat Dirichlet. The same data and seed give the same start.
/// </summary>
public static class HmmStart
{
    /// <summary>Uniform π (1/K each).</summary>
    public static double[] UniformStart(int states) => Enumerable.Repeat(1.0 / states, states).ToArray();

    /// <summary>0.5·I + 0.5/K, K×K row-major.</summary>
    public static double[] StickyTransitions(int states)
    {
        var a = new double[states * states];
        for (int i = 0; i < states; i++) for (int j = 0; j < states; j++) a[i * states + j] = (i == j ? 0.5 : 0) + 0.5 / states;
        return a;
    }

    /// <summary>A Gaussian HMM start: k-means centres as means, the data covariance (+ r·I) for every state (tied: once).</summary>
    /// <exception cref="DataFormatException">Fewer distinct observations than states.</exception>
    public static HiddenMarkovModel<GaussianEmission, GaussianStatistics> Gaussian(SequenceSet data, int states, CovarianceType type,
        double regularization, int seed, CancellationToken cancellationToken = default) =>
        new(UniformStart(states), StickyTransitions(states), GaussianEmission(data, states, type, regularization, seed, "states", cancellationToken));

    /// <summary>
    /// A GMM-HMM start: k-means with K·M centres on all observations, centre k·M + m the mean of component m of state k,
    /// equal mixture weights, the data covariance (+ r·I) for every component.
    /// </summary>
    public static HiddenMarkovModel<GaussianMixtureEmission, GaussianMixtureStatistics> GaussianMixture(SequenceSet data, int states,
        int componentsPerState, CovarianceType type, double regularization, int seed, double weightPseudocount = 0,
        CancellationToken cancellationToken = default)
    {
        if (componentsPerState < 1) throw new ArgumentOutOfRangeException(nameof(componentsPerState), componentsPerState, "At least one component per state.");
        var components = GaussianEmission(data, states * componentsPerState, type, regularization, seed,
            "mixture components (states × components per state)", cancellationToken);
        return new(UniformStart(states), StickyTransitions(states),
            Emissions.GaussianMixtureEmission.Create(states, componentsPerState, Enumerable.Repeat(1.0 / componentsPerState, states * componentsPerState).ToArray(),
                components, weightPseudocount));
    }

    /// <summary>A Poisson HMM start: rates at the k-means centres of the counts, plus ½.</summary>
    public static HiddenMarkovModel<PoissonEmission, PoissonStatistics> Poisson(SequenceSet data, int states, int seed,
        CancellationToken cancellationToken = default)
    {
        var centres = Centres(data, states, seed, "states", cancellationToken);
        return new(UniformStart(states), StickyTransitions(states), PoissonEmission.FromRates(states, data.Dimension, centres.Select(x => x + 0.5).ToArray()));
    }

    /// <summary>A categorical HMM start: emission rows from a flat Dirichlet under the seed, over <paramref name="symbols"/> symbols (null: the largest code + 1).</summary>
    public static HiddenMarkovModel<CategoricalEmission, CategoricalStatistics> Categorical(SequenceSet data, int states, int seed,
        int? symbols = null, double pseudocount = 0)
    {
        ArgumentNullException.ThrowIfNull(data);
        if (states < 1) throw new ArgumentOutOfRangeException(nameof(states), states, "At least one state.");
        int v = symbols ?? (int)Math.Min(data.Values.DefaultIfEmpty(0).Max() + 1, int.MaxValue);
        return new(UniformStart(states), StickyTransitions(states), CategoricalEmission.Random(states, v, seed, pseudocount));
    }

    private static GaussianEmission GaussianEmission(SequenceSet data, int k, CovarianceType type, double reg, int seed, string what,
        CancellationToken cancellationToken)
    {
        var means = Centres(data, k, seed, what, cancellationToken);
        int d = data.Dimension;
        long n = data.TotalLength;
        var x = data.Values;
        var mean = new double[d];
        for (long i = 0; i < n; i++) for (int a = 0; a < d; a++) mean[a] += x[i * d + a] / n;
        var cov = new double[d * d];
        for (long i = 0; i < n; i++)
            for (int a = 0; a < d; a++)
                for (int b = 0; b < d; b++) cov[a * d + b] += (x[i * d + a] - mean[a]) * (x[i * d + b] - mean[b]) / n;
        for (int a = 0; a < d; a++) cov[a * d + a] += Math.Max(reg, 1e-9);
        double[] one = type switch
        {
            CovarianceType.Full or CovarianceType.Tied => cov,
            CovarianceType.Diagonal => Enumerable.Range(0, d).Select(a => cov[a * d + a]).ToArray(),
            _ => [Enumerable.Range(0, d).Average(a => cov[a * d + a])],
        };
        return Emissions.GaussianEmission.FromParameters(k, d, type, means,
            type == CovarianceType.Tied ? one : Enumerable.Repeat(one, k).SelectMany(c => c).ToArray(), reg);
    }

    /// <summary>k-means++ / Lloyd centres [k×D] of all observations under the seed; refuses data with fewer distinct rows than centres.</summary>
    private static double[] Centres(SequenceSet data, int k, int seed, string what, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(data);
        if (k < 1) throw new ArgumentOutOfRangeException(nameof(k), k, "At least one state.");
        int d = data.Dimension;
        long n = data.TotalLength;
        if (n > int.MaxValue) throw new ArgumentException($"{n:N0} observations are more than k-means takes in one array; start from a given model.");
        int distinct = CountDistinctRows(data.Values, (int)n, d, k);
        if (distinct < k)
            throw new DataFormatException(data.Source ?? "data", null, string.Create(CultureInfo.InvariantCulture,
                $"{distinct} distinct observation{(distinct == 1 ? "" : "s")} cannot seed {k} {what}; use fewer or more varied data"));
        return KMeans.Fit(data.Values, (int)n, d, k, seed, cancellationToken: cancellationToken).Centers;
    }

    /// <summary>Distinct rows, counted up to <paramref name="enough"/>.</summary>
    private static int CountDistinctRows(double[] x, int n, int d, int enough)
    {
        var seen = new HashSet<string>();
        for (int i = 0; i < n && seen.Count < enough; i++)
            seen.Add(string.Join(",", x.AsSpan(i * d, d).ToArray().Select(v => BitConverter.DoubleToInt64Bits(v))));
        return seen.Count;
    }
}
