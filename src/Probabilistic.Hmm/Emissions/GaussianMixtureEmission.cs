using System.Runtime.CompilerServices;
using Probabilistic.Core.Numerics;
using Probabilistic.Core.Gaussians;

namespace Probabilistic.Hmm.Emissions;

/// <summary>Statistics of a GMM emission: the K·M components' Gaussian statistics and each component's posterior mass.</summary>
public sealed class GaussianMixtureStatistics(GaussianStatistics components, int states, int components_)
{
    /// <summary>Component statistics, component (k, m) at index k·M + m.</summary>
    public GaussianStatistics Components { get; } = components;

    /// <summary>Σ_t γ_tk r_tkm, K×M.</summary>
    public double[] Weights { get; } = new double[states * components_];
}

/// <summary>
/// A Gaussian mixture per state (hmmlearn's GMMHMM): p(x | k) = Σ_m w_km N(x; μ_km, Σ_km). The K·M components are held
/// as one <see cref="GaussianEmission"/> (so full, diagonal and spherical covariances and the regularised M-step come
/// from there; tied covariances are refused by <see cref="Create"/>); the mixture weights take a Dirichlet pseudo-count.
/// </summary>
public sealed class GaussianMixtureEmission : IEmissionModel<GaussianMixtureEmission, GaussianMixtureStatistics>
{
    private readonly GaussianEmission _components;
    private readonly double[] _weights, _logWeights;
    [ThreadStatic] private static double[]? t_buffer;

    private GaussianMixtureEmission(GaussianEmission components, double[] weights, int states, int perState, double pseudocount)
    {
        ArgumentNullException.ThrowIfNull(components);
        if (components.CovarianceType == CovarianceType.Tied)
            throw new NotSupportedException("A GMM-HMM with tied covariances is not supported: hmmlearn's GMMHMM \"tied\" shares one matrix among the "
                + "components of each state, while Tied here would share one matrix across all K·M components of all states. Use Full, Diagonal or "
                + "Spherical components, or a Gaussian HMM with Tied.");
        _components = components;
        _weights = weights;
        StateCount = states;
        ComponentCount = perState;
        WeightPseudocount = pseudocount;
        Validate();
        _logWeights = weights.Select(w => Math.Log(w)).ToArray();
    }

    /// <summary>
    /// From K×M weights (rows sum to 1) and the K·M components (component (k, m) is state k·M + m of
    /// <paramref name="components"/>).
    /// </summary>
    public static GaussianMixtureEmission Create(int states, int componentsPerState, double[] weights, GaussianEmission components, double weightPseudocount = 0)
        => new(components, (double[])weights.Clone(), states, componentsPerState, weightPseudocount);

    /// <inheritdoc/>
    public int StateCount { get; }

    /// <summary>Mixture components per state M.</summary>
    public int ComponentCount { get; }

    /// <inheritdoc/>
    public long ParameterCount => _components.ParameterCount + 2L * StateCount * ComponentCount;

    /// <inheritdoc/>
    public long FreeParameters => _components.FreeParameters + (long)StateCount * (ComponentCount - 1);

    /// <summary>Dirichlet pseudo-count on the mixture weights.</summary>
    public double WeightPseudocount { get; }

    /// <summary>The K·M components.</summary>
    public GaussianEmission Components => _components;

    /// <summary>Mixture weights K×M (a copy).</summary>
    public double[] Weights => (double[])_weights.Clone();

    /// <inheritdoc/>
    public int Dimension => _components.Dimension;

    /// <inheritdoc/>
    public string Family => "gmm";

    /// <inheritdoc/>
    public void Validate()
    {
        if (ComponentCount < 1 || _components.StateCount != StateCount * ComponentCount)
            throw new ArgumentException($"A GMM emission with {StateCount} states × {ComponentCount} components needs {StateCount * ComponentCount} Gaussians, got {_components.StateCount}.");
        if (_weights.Length != StateCount * ComponentCount) throw new ArgumentException($"The mixture weights hold {_weights.Length} values, not {StateCount}×{ComponentCount}.");
        if (!(WeightPseudocount >= 0) || double.IsInfinity(WeightPseudocount)) throw new ArgumentException($"The weight pseudocount must be finite and >= 0 (got {WeightPseudocount}).");
        HmmValidation.CheckStochasticRows(_weights, StateCount, ComponentCount, "mixture weights");
    }

    /// <inheritdoc/>
    public void CheckObservations(ReadOnlySpan<double> observations, int steps, string where) => _components.CheckObservations(observations, steps, where);

    private Span<double> ComponentLogDensities(ReadOnlySpan<double> observations, int steps)
    {
        int n = steps * StateCount * ComponentCount;
        if (t_buffer is null || t_buffer.Length < n) t_buffer = new double[Math.Max(n, 1024)];
        var buffer = t_buffer.AsSpan(0, n);
        _components.LogLikelihoods(observations, steps, buffer);
        // Add log weights in place: row t holds log w_km + log N(x_t; μ_km, Σ_km) for all (k, m).
        for (int t = 0; t < steps; t++) System.Numerics.Tensors.TensorPrimitives.Add(buffer.Slice(t * _logWeights.Length, _logWeights.Length), _logWeights, buffer.Slice(t * _logWeights.Length, _logWeights.Length));
        return buffer;
    }

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void LogLikelihoods(ReadOnlySpan<double> observations, int steps, Span<double> logProb)
    {
        int k = StateCount, m = ComponentCount;
        var joint = ComponentLogDensities(observations, steps);
        for (int t = 0; t < steps; t++)
            for (int s = 0; s < k; s++)
                logProb[t * k + s] = LogSpace.LogSumExp(joint.Slice((t * k + s) * m, m));
    }

    /// <inheritdoc/>
    public GaussianMixtureStatistics CreateStatistics() => new(_components.CreateStatistics(), StateCount, ComponentCount);

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Accumulate(GaussianMixtureStatistics stats, ReadOnlySpan<double> observations, int steps, ReadOnlySpan<double> posteriors)
    {
        int k = StateCount, m = ComponentCount;
        var joint = ComponentLogDensities(observations, steps);
        // Responsibilities in place: r_tkm = γ_tk · w_km N_km(x_t) / p_k(x_t).
        for (int t = 0; t < steps; t++)
            for (int s = 0; s < k; s++)
            {
                var row = joint.Slice((t * k + s) * m, m);
                double norm = LogSpace.LogSumExp(row);
                double g = posteriors[t * k + s];
                for (int c = 0; c < m; c++)
                {
                    double r = double.IsNegativeInfinity(norm) ? 0 : g * Math.Exp(row[c] - norm);
                    row[c] = r;
                    stats.Weights[s * m + c] += r;
                }
            }
        _components.Accumulate(stats.Components, observations, steps, joint);
    }

    /// <inheritdoc/>
    public void Merge(GaussianMixtureStatistics into, GaussianMixtureStatistics from)
    {
        _components.Merge(into.Components, from.Components);
        for (int i = 0; i < into.Weights.Length; i++) into.Weights[i] += from.Weights[i];
    }

    /// <inheritdoc/>
    public GaussianMixtureEmission Maximize(GaussianMixtureStatistics stats) =>
        new(_components.Maximize(stats.Components), HmmValidation.NormalizeCounts(stats.Weights, _weights, StateCount, ComponentCount, WeightPseudocount),
            StateCount, ComponentCount, WeightPseudocount);

    /// <inheritdoc/>
    public double LogPrior() => _components.LogPrior() + HmmValidation.DirichletLogPrior(_weights, WeightPseudocount);

    /// <inheritdoc/>
    public void Sample(int state, Random random, Span<double> observation)
    {
        int c = random.NextCategorical(_weights.AsSpan(state * ComponentCount, ComponentCount));
        _components.Sample(state * ComponentCount + c, random, observation);
    }
}
