using Probabilistic.Core.Data;
using Probabilistic.Core.Inference;
using Probabilistic.Hmm.Emissions;
using Probabilistic.Hmm.Kernels;

namespace Probabilistic.Hmm;

/// <summary>
/// Baum-Welch over a <see cref="SequenceSource"/>: what <see cref="BaumWelch{TEmission, TStats}"/> does in memory, with
/// every E-step one pass over the sequences read in chunks of whole sequences. Within a chunk the sequences are cut into
/// fixed blocks run in parallel, each accumulated in order into its own counts; blocks are merged in order into the
/// chunk's counts and chunks in order into the total, so the result does not depend on scheduling, and equals the
/// in-memory fit up to the grouping of the sums. Memory: one chunk and the per-block counts.
/// </summary>
public sealed class OutOfCoreBaumWelch<TEmission, TStats> : IElboOptimizer
    where TEmission : IEmissionModel<TEmission, TStats>
    where TStats : class
{
    private readonly SequenceSource _data;
    private readonly HmmPriors _priors;
    private readonly int? _maxThreads;
    private readonly int _rowsPerChunk;
    private ExpectedCounts<TStats> _counts;

    /// <summary>The default chunk: about 8 MiB of observations (at least 4,096 rows).</summary>
    public static int DefaultRowsPerChunk(int dimension) => Math.Max(4096, (8 << 20) / (8 * Math.Max(1, dimension)));

    /// <summary>Prepares a fit of <paramref name="initial"/> to <paramref name="data"/> and runs the first E-step (checking every observation).</summary>
    /// <exception cref="DataFormatException">An observation the emission cannot take, or a sequence impossible under the start (shard named).</exception>
    public OutOfCoreBaumWelch(HiddenMarkovModel<TEmission, TStats> initial, SequenceSource data, HmmPriors? priors = null, int? maxThreads = null,
        int? rowsPerChunk = null, Core.MemoryBudget? budget = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(initial);
        ArgumentNullException.ThrowIfNull(data);
        if (maxThreads is < 1) throw new ArgumentOutOfRangeException(nameof(maxThreads), maxThreads, "At least one thread.");
        if (rowsPerChunk is < 1) throw new ArgumentOutOfRangeException(nameof(rowsPerChunk), rowsPerChunk, "At least one row a chunk.");
        if (data.Dimension != initial.Emission.Dimension)
            throw new DataFormatException(data.Name, null, $"the observations have {data.Dimension} values each but the model expects {initial.Emission.Dimension}");
        _rowsPerChunk = rowsPerChunk ?? DefaultRowsPerChunk(data.Dimension);
        (budget ?? Core.MemoryBudget.Available()).Require(
            HmmMemory.FitBytes(initial.StateCount, initial.Emission.ParameterCount, data.MaxLength, maxThreads ?? Environment.ProcessorCount)
                + 8.0 * data.Dimension * Math.Max(_rowsPerChunk, data.MaxLength),
            $"out-of-core Baum-Welch for {initial.StateCount:N0} states ({initial.Family}) on sequences of up to {data.MaxLength:N0} steps",
            "the number of states or the rows per chunk");
        Model = initial;
        _data = data;
        _priors = priors ?? HmmPriors.None;
        if (!(_priors.StartPseudocount >= 0) || !(_priors.TransitionPseudocount >= 0))
            throw new ArgumentException("Pseudo-counts must be >= 0.", nameof(priors));
        _maxThreads = maxThreads;
        _counts = ExpectedCounts(initial, cancellationToken);
    }

    /// <summary>The parameters of the last completed step (the start before the first).</summary>
    public HiddenMarkovModel<TEmission, TStats> Model { get; private set; }

    /// <summary>Total log-likelihood of <see cref="Model"/> on the data, in nats.</summary>
    public double LogLikelihood => _counts.LogLikelihood;

    /// <summary><see cref="LogLikelihood"/> plus the log prior of <see cref="Model"/>.</summary>
    public double Objective => _counts.LogLikelihood + LogPrior(Model);

    /// <inheritdoc/>
    public bool IsMonotone => true;

    /// <inheritdoc/>
    public long ObservationCount => _data.TotalLength;

    /// <inheritdoc/>
    public double Step(CancellationToken cancellationToken)
    {
        var next = BaumWelchSteps.Maximize(Model, _counts, _priors);
        _counts = ExpectedCounts(next, cancellationToken);
        Model = next;
        return Objective;
    }

    /// <summary>The E-step alone: expected counts and total log-likelihood under <paramref name="model"/>, in one pass.</summary>
    public ExpectedCounts<TStats> ExpectedCounts(HiddenMarkovModel<TEmission, TStats> model, CancellationToken cancellationToken = default)
    {
        int k = model.StateCount;
        var options = HiddenMarkovModel<TEmission, TStats>.Options(_maxThreads);
        options.CancellationToken = cancellationToken;
        var total = new ExpectedCounts<TStats>(k, model.Emission.CreateStatistics());
        _data.ForEachChunk(_rowsPerChunk, (first, chunk) =>
        {
            var bounds = BaumWelchSteps.Blocks(chunk.Offsets, 4 * options.MaxDegreeOfParallelism);
            var blocks = new ExpectedCounts<TStats>[bounds.Length - 1];
            Parallelism.For(blocks.Length, options, () => new SequenceWorkspace(k), (b, workspace) =>
            {
                var counts = new ExpectedCounts<TStats>(k, model.Emission.CreateStatistics());
                for (int n = bounds[b]; n < bounds[b + 1]; n++) Accumulate(model, chunk, n, first + n, workspace, counts);
                blocks[b] = counts;
                return workspace;
            }, _ => { });
            for (int b = 0; b < blocks.Length; b++) total.Add(blocks[b], model.Emission);
        }, cancellationToken);
        return total;
    }

    private void Accumulate(HiddenMarkovModel<TEmission, TStats> model, SequenceSet chunk, int n, int global, SequenceWorkspace ws,
        ExpectedCounts<TStats> counts)
    {
        int steps = chunk.Length(n);
        var x = chunk.Sequence(n);
        try { model.Emission.CheckObservations(x, steps, $"sequence {global}"); }
        catch (ArgumentException e)
        {
            var (file, row) = _data.Where(global);
            throw new DataFormatException(file, null, $"{e.Message} (the sequence starts at row {row}, 0-based)", e);
        }
        if (double.IsNegativeInfinity(BaumWelchSteps.Accumulate(model, x, steps, ws, counts)))
        {
            var (file, row) = _data.Where(global);
            throw new DataFormatException(file, null,
                $"sequence {global} (0-based, {steps} steps, from row {row}) has probability zero under the model, so Baum-Welch cannot fit it; add pseudo-counts or check the data");
        }
    }

    private double LogPrior(HiddenMarkovModel<TEmission, TStats> model) => BaumWelchSteps.LogPrior(model, _priors);
}
