using Probabilistic.Core.Inference;
using Probabilistic.Hmm.Emissions;
using Probabilistic.Hmm.Kernels;

namespace Probabilistic.Hmm;

/// <summary>
/// Dirichlet priors on π and the rows of A, given as pseudo-counts added to the expected counts of every allowed
/// (non-zero) entry. Zero (the default) is maximum likelihood.
/// </summary>
public sealed record HmmPriors(double StartPseudocount = 0, double TransitionPseudocount = 0)
{
    /// <summary>No prior.</summary>
    public static HmmPriors None { get; } = new();
}

/// <summary>
/// Baum-Welch (EM for HMMs) over many sequences as an <see cref="IElboOptimizer"/> for Core's <see cref="ElboDriver"/>.
/// The constructor runs the E-step on the start (forward-backward on every sequence in parallel, per-thread
/// accumulators); each <see cref="BaumWelchOptimizer{TEmission, TStats}.Step"/> moves to the M-step's parameters and runs their E-step, and returns the
/// objective of the new parameters — total log-likelihood plus log prior, the ELBO at the exact posterior — so each
/// trace value belongs to the model the step ended with, as for every family. The objective never decreases.
/// </summary>
public sealed class BaumWelch<TEmission, TStats> : BaumWelchOptimizer<TEmission, TStats>
    where TEmission : IEmissionModel<TEmission, TStats>
    where TStats : class
{
    private readonly SequenceSet _data;
    private int[][]? _groups;   // the lane groups of _data, made on the first E-step on lanes

    /// <summary>Prepares a fit of <paramref name="initial"/> to <paramref name="data"/>: checks every observation once and runs the first E-step.</summary>
    /// <exception cref="Core.Data.DataFormatException">The data do not fit the model (dimension, symbols, counts, non-finite values), or a sequence is impossible under the start.</exception>
    /// <exception cref="Core.ResourceLimitException">The fit's memory estimate exceeds <paramref name="budget"/> (default: the memory available now).</exception>
    public BaumWelch(HiddenMarkovModel<TEmission, TStats> initial, SequenceSet data, HmmPriors? priors = null, int? maxThreads = null,
        Core.MemoryBudget? budget = null, CancellationToken cancellationToken = default)
        : base(priors, maxThreads)
    {
        ArgumentNullException.ThrowIfNull(initial);
        ArgumentNullException.ThrowIfNull(data);
        initial.CheckData(data);
        (budget ?? Core.MemoryBudget.Available()).Require(
            HmmMemory.FitBytes(initial.StateCount, initial.Emission.ParameterCount, data.MaxLength, maxThreads ?? Environment.ProcessorCount),
            $"Baum-Welch for {initial.StateCount:N0} states ({initial.Family}) on sequences of up to {data.MaxLength:N0} steps", "the number of states");
        _data = data;
        Begin(initial, cancellationToken);
    }

    /// <inheritdoc/>
    public override long ObservationCount => _data.TotalLength;

    /// <summary>
    /// The E-step alone: expected counts and total log-likelihood under <paramref name="model"/>. Sequences are cut into
    /// fixed blocks of about equal observation count (4 per thread), each accumulated in order into its own counts and
    /// merged in block order, so the result is bitwise the same on every run with the same thread count. On lanes
    /// (<see cref="SequenceLanes"/>) the blocks are cut between groups of W sequences, longest first.
    /// </summary>
    public override ExpectedCounts<TStats> ExpectedCounts(HiddenMarkovModel<TEmission, TStats> model, CancellationToken cancellationToken = default)
    {
        int k = model.StateCount;
        var options = Options(cancellationToken);
        var groups = SequenceLanes.Use(k) ? _groups ??= SequenceLanes.Groups(_data, 0, _data.Count) : null;
        var bounds = BaumWelchSteps.Blocks(groups is null ? _data.Offsets : SequenceLanes.Offsets(_data, groups), 4 * options.MaxDegreeOfParallelism);
        var blocks = new ExpectedCounts<TStats>[bounds.Length - 1];
        Parallelism.For(blocks.Length, options, () => new SequenceWorkspace(k), (b, workspace) =>
        {
            var counts = new ExpectedCounts<TStats>(k, model.Emission.CreateStatistics());
            for (int u = bounds[b]; u < bounds[b + 1]; u++)
            {
                if (groups is null) AccumulateSequence(model, u, workspace, counts);
                else if (SequenceLanes.Accumulate(model, _data, groups[u], workspace, counts) is int impossible and >= 0) throw ZeroProbability(impossible);
            }
            blocks[b] = counts;
            return workspace;
        }, _ => { });
        var total = blocks[0];
        for (int b = 1; b < blocks.Length; b++) total.Add(blocks[b], model.Emission);
        return total;
    }

    private void AccumulateSequence(HiddenMarkovModel<TEmission, TStats> model, int n, SequenceWorkspace ws, ExpectedCounts<TStats> counts)
    {
        if (double.IsNegativeInfinity(BaumWelchSteps.Accumulate(model, _data.Sequence(n), _data.Length(n), ws, counts)))
            throw ZeroProbability(n);
    }

    private Core.Data.DataFormatException ZeroProbability(int n) =>
        HiddenMarkovModel<TEmission, TStats>.ZeroProbability(_data, n, "Baum-Welch cannot fit it; add pseudo-counts or check the data");
}

/// <summary>The E-step's expected counts: Σ γ_0 (start), Σ ξ (transitions, K×K), emission statistics, and Σ log p(x_n).</summary>
public sealed class ExpectedCounts<TStats>(int states, TStats emission) where TStats : class
{
    /// <summary>Σ_n γ_n,0.</summary>
    public double[] Start { get; } = new double[states];

    /// <summary>Σ_n Σ_t ξ_n,t, K×K.</summary>
    public double[] Transitions { get; } = new double[states * states];

    /// <summary>Posterior-weighted emission statistics.</summary>
    public TStats Emission { get; } = emission;

    /// <summary>Σ_n log p(x_n).</summary>
    public double LogLikelihood { get; set; }

    internal void Add<TEmission>(ExpectedCounts<TStats> other, TEmission emission) where TEmission : IEmissionModel<TEmission, TStats>
    {
        for (int i = 0; i < Start.Length; i++) Start[i] += other.Start[i];
        for (int i = 0; i < Transitions.Length; i++) Transitions[i] += other.Transitions[i];
        emission.Merge(Emission, other.Emission);
        LogLikelihood += other.LogLikelihood;
    }
}
