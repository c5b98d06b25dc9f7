using Probabilistic.Core;
using Probabilistic.Core.Gaussians;
using Probabilistic.Core.Inference;
using Probabilistic.Hmm.Emissions;

namespace Probabilistic.Hmm;

/// <summary>
/// Settings of an HMM fit (hmmlearn's constructor arguments); iterations, tolerance, seed and progress are the
/// <see cref="FitOptions"/> given to <c>Fit</c>, as for every family. Fields that a family does not use are ignored by it.
/// </summary>
/// <param name="States">K, the family's size.</param>
/// <param name="CovarianceType">Gaussian and GMM emissions: Full, Diagonal, Spherical or Tied (Gaussian only).</param>
/// <param name="Regularization">Gaussian and GMM emissions: r of the MAP M-step Σ = (S + r·I)/N (hmmlearn's covars_prior convention).</param>
/// <param name="ComponentsPerState">GMM emissions: mixture components per state M.</param>
/// <param name="Symbols">Categorical emissions: the vocabulary size V (null: the largest symbol code + 1).</param>
/// <param name="Priors">Dirichlet pseudo-counts on π and the rows of A.</param>
/// <param name="EmissionPseudocount">Categorical emissions and GMM weights: the Dirichlet pseudo-count of the emission rows.</param>
/// <param name="Restarts">Fits from different seeded starts; the highest final objective is kept (<see cref="ElboDriver.FitBest"/>).</param>
/// <param name="MaxThreads">Worker threads (null: all cores).</param>
/// <param name="Budget">The memory limit checked before a fit (null: the memory available now).</param>
public sealed record HmmOptions(
    int States,
    CovarianceType CovarianceType = CovarianceType.Full,
    double Regularization = 1e-6,
    int ComponentsPerState = 2,
    int? Symbols = null,
    HmmPriors? Priors = null,
    double EmissionPseudocount = 0,
    int Restarts = 1,
    int? MaxThreads = null,
    MemoryBudget? Budget = null)
{
    /// <summary>Throws naming the first option out of range.</summary>
    public void Validate()
    {
        if (States < 1) throw new ArgumentOutOfRangeException(nameof(States), States, "At least one state.");
        if (!(Regularization >= 0) || !double.IsFinite(Regularization))
            throw new ArgumentOutOfRangeException(nameof(Regularization), Regularization, "Regularization must be finite and >= 0.");
        if (ComponentsPerState < 1) throw new ArgumentOutOfRangeException(nameof(ComponentsPerState), ComponentsPerState, "At least one component per state.");
        if (Symbols is < 1) throw new ArgumentOutOfRangeException(nameof(Symbols), Symbols, "At least one symbol.");
        if (!(EmissionPseudocount >= 0) || !double.IsFinite(EmissionPseudocount))
            throw new ArgumentOutOfRangeException(nameof(EmissionPseudocount), EmissionPseudocount, "EmissionPseudocount must be finite and >= 0.");
        if (Restarts < 1) throw new ArgumentOutOfRangeException(nameof(Restarts), Restarts, "At least one restart.");
        if (MaxThreads is < 1) throw new ArgumentOutOfRangeException(nameof(MaxThreads), MaxThreads, "At least one thread.");
    }
}

/// <summary>
/// Fits an HMM of one emission family by Baum-Welch on <see cref="ElboDriver"/>, from data alone (a seeded start from
/// <see cref="HmmStart"/>, as hmmlearn's <c>fit(X, lengths)</c>) or from a given start point. The fitted model is the
/// immutable <see cref="HiddenMarkovModel{TEmission, TStats}"/>; each trace value is the objective (log-likelihood plus
/// log prior) of the model its step ended with.
/// </summary>
public abstract class HmmEstimator<TEmission, TStats>
    where TEmission : IEmissionModel<TEmission, TStats>
    where TStats : class
{
    private protected HmmEstimator(HmmOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        Options = options;
    }

    /// <summary>The settings.</summary>
    public HmmOptions Options { get; }

    /// <summary>The start point this family draws from <paramref name="data"/> and <paramref name="seed"/>.</summary>
    public abstract HiddenMarkovModel<TEmission, TStats> Initialize(SequenceSet data, int seed, CancellationToken cancellationToken = default);

    /// <summary>
    /// Fits from data alone: <see cref="HmmOptions.Restarts"/> starts drawn from the fit's seed (restart r from
    /// <c>Rng.Derive(seed, r)</c> when there are several), each fitted by Baum-Welch; the highest final objective is kept.
    /// </summary>
    /// <remarks>Cancelled, the fit keeps the last completed iteration; cancelled before any, the model is the start point and the trace is empty.</remarks>
    public FitResult<HiddenMarkovModel<TEmission, TStats>> Fit(SequenceSet data, FitOptions? fitOptions = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(data);
        return Run(seed => Initialize(data, seed, cancellationToken), data, fitOptions, cancellationToken);
    }

    /// <summary>Fits from a given start point (hmmlearn with <c>init_params=""</c>); restarts do not apply.</summary>
    public FitResult<HiddenMarkovModel<TEmission, TStats>> Fit(SequenceSet data, HiddenMarkovModel<TEmission, TStats> start,
        FitOptions? fitOptions = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(start);
        if (start.StateCount != Options.States)
            throw new ArgumentException($"The start point has {start.StateCount} states but the options ask for {Options.States}.", nameof(start));
        return Run(_ => start, data, fitOptions, cancellationToken, restarts: 1);
    }

    /// <summary>Baum-Welch on <paramref name="data"/> from <paramref name="start"/> as an optimiser for <see cref="ElboDriver"/>.</summary>
    public BaumWelch<TEmission, TStats> CreateOptimizer(SequenceSet data, HiddenMarkovModel<TEmission, TStats> start,
        CancellationToken cancellationToken = default) =>
        new(start, data, Options.Priors, Options.MaxThreads, Options.Budget, cancellationToken);

    private FitResult<HiddenMarkovModel<TEmission, TStats>> Run(Func<int, HiddenMarkovModel<TEmission, TStats>> start, SequenceSet data,
        FitOptions? fitOptions, CancellationToken cancellationToken, int? restarts = null)
    {
        var fit = fitOptions ?? new FitOptions();
        fit.Validate();
        fit = fit with { Seed = fit.ResolveSeed() };
        HiddenMarkovModel<TEmission, TStats>? first = null;
        var best = ElboDriver.FitBest(restarts ?? Options.Restarts, seed =>
        {
            var s = start(seed);
            first ??= s;
            return CreateOptimizer(data, s, cancellationToken);
        }, fit, cancellationToken);
        var model = best.Optimizer?.Model ?? first;
        if (model is null) throw new OperationCanceledException("The fit was cancelled before its start point was drawn.", cancellationToken);
        return new(model, best.Trace);
    }
}

/// <summary>A Gaussian HMM from data (hmmlearn's <c>GaussianHMM(n_components, covariance_type).fit(X, lengths)</c>).</summary>
/// <example>
/// <code>
/// var data = SequenceSet.FromTables([NumericData.Load("datasets/faithful.csv")]);
/// var (model, trace) = new GaussianHmm(new HmmOptions(States: 2)).Fit(data, new FitOptions(Seed: 0));
/// double score = model.Score(data);
/// model.Save("faithful.hmm.json");
/// var loaded = HiddenMarkovModel&lt;GaussianEmission, GaussianStatistics&gt;.Load("faithful.hmm.json");
/// </code>
/// </example>
public sealed class GaussianHmm(HmmOptions options) : HmmEstimator<GaussianEmission, GaussianStatistics>(options)
{
    /// <inheritdoc/>
    public override HiddenMarkovModel<GaussianEmission, GaussianStatistics> Initialize(SequenceSet data, int seed, CancellationToken cancellationToken = default) =>
        HmmStart.Gaussian(data, Options.States, Options.CovarianceType, Options.Regularization, seed, cancellationToken);
}

/// <summary>A Gaussian-mixture HMM from data (hmmlearn's <c>GMMHMM(n_components, n_mix, covariance_type)</c>; tied refused).</summary>
public sealed class GmmHmm(HmmOptions options) : HmmEstimator<GaussianMixtureEmission, GaussianMixtureStatistics>(options)
{
    /// <inheritdoc/>
    public override HiddenMarkovModel<GaussianMixtureEmission, GaussianMixtureStatistics> Initialize(SequenceSet data, int seed,
        CancellationToken cancellationToken = default) =>
        HmmStart.GaussianMixture(data, Options.States, Options.ComponentsPerState, Options.CovarianceType, Options.Regularization, seed,
            Options.EmissionPseudocount, cancellationToken);
}

/// <summary>A categorical HMM from symbol codes (hmmlearn's <c>CategoricalHMM(n_components)</c>).</summary>
public sealed class CategoricalHmm(HmmOptions options) : HmmEstimator<CategoricalEmission, CategoricalStatistics>(options)
{
    /// <inheritdoc/>
    public override HiddenMarkovModel<CategoricalEmission, CategoricalStatistics> Initialize(SequenceSet data, int seed,
        CancellationToken cancellationToken = default) =>
        HmmStart.Categorical(data, Options.States, seed, Options.Symbols, Options.EmissionPseudocount);
}

/// <summary>A Poisson HMM from counts (hmmlearn's <c>PoissonHMM(n_components)</c>).</summary>
public sealed class PoissonHmm(HmmOptions options) : HmmEstimator<PoissonEmission, PoissonStatistics>(options)
{
    /// <inheritdoc/>
    public override HiddenMarkovModel<PoissonEmission, PoissonStatistics> Initialize(SequenceSet data, int seed, CancellationToken cancellationToken = default) =>
        HmmStart.Poisson(data, Options.States, seed, cancellationToken);
}
