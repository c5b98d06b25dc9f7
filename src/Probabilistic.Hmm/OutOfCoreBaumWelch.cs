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
public sealed class OutOfCoreBaumWelch<TEmission, TStats> : BaumWelchOptimizer<TEmission, TStats>
    where TEmission : IEmissionModel<TEmission, TStats>
    where TStats : class
{
    private readonly SequenceSource _data;
    private readonly int _rowsPerChunk;

    /// <summary>The default chunk: about 8 MiB of observations (at least 4,096 rows).</summary>
    public static int DefaultRowsPerChunk(int dimension) => Math.Max(4096, (8 << 20) / (8 * Math.Max(1, dimension)));

    /// <summary>Prepares a fit of <paramref name="initial"/> to <paramref name="data"/> and runs the first E-step (checking every observation).</summary>
    /// <exception cref="DataFormatException">An observation the emission cannot take, or a sequence impossible under the start (shard named).</exception>
    public OutOfCoreBaumWelch(HiddenMarkovModel<TEmission, TStats> initial, SequenceSource data, HmmPriors? priors = null, int? maxThreads = null,
        int? rowsPerChunk = null, Core.MemoryBudget? budget = null, CancellationToken cancellationToken = default)
        : base(priors, maxThreads)
    {
        ArgumentNullException.ThrowIfNull(initial);
        ArgumentNullException.ThrowIfNull(data);
        if (rowsPerChunk is < 1) throw new ArgumentOutOfRangeException(nameof(rowsPerChunk), rowsPerChunk, "At least one row a chunk.");
        if (data.Dimension != initial.Emission.Dimension)
            throw new DataFormatException(data.Name, null, $"the observations have {data.Dimension} values each but the model expects {initial.Emission.Dimension}");
        _rowsPerChunk = rowsPerChunk ?? DefaultRowsPerChunk(data.Dimension);
        (budget ?? Core.MemoryBudget.Available()).Require(
            HmmMemory.FitBytes(initial.StateCount, initial.Emission.ParameterCount, data.MaxLength, maxThreads ?? Environment.ProcessorCount)
                + 8.0 * data.Dimension * Math.Max(_rowsPerChunk, data.MaxLength),
            $"out-of-core Baum-Welch for {initial.StateCount:N0} states ({initial.Family}) on sequences of up to {data.MaxLength:N0} steps",
            "the number of states or the rows per chunk");
        _data = data;
        Begin(initial, cancellationToken);
    }

    /// <inheritdoc/>
    public override long ObservationCount => _data.TotalLength;

    /// <summary>The E-step alone: expected counts and total log-likelihood under <paramref name="model"/>, in one pass.</summary>
    public override ExpectedCounts<TStats> ExpectedCounts(HiddenMarkovModel<TEmission, TStats> model, CancellationToken cancellationToken = default)
    {
        int k = model.StateCount;
        var options = Options(cancellationToken);
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
}
