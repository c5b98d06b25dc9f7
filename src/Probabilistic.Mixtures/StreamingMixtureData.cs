using Probabilistic.Core.Data;
using Probabilistic.Core.Gaussians;
using Probabilistic.Mixtures.Kernels;

namespace Probabilistic.Mixtures;

/// <summary>
/// Rows on disk bound for EM without loading them: every E-step is one pass over a <see cref="NpyRowSource"/> in
/// blocks of rows; each block is transposed into a reused dimension-major buffer and run through the same fused
/// kernel as <see cref="CpuMixtureBackend"/> (<see cref="EStepKernels.EStepBlock"/>), in parallel over fixed groups of
/// kernel blocks within the row block. Group g's accumulator collects group g of every row block, and the groups are
/// reduced in order, so the sums do not depend on scheduling. Memory: two row blocks being read and one transposed,
/// whatever the number of rows.
/// </summary>
public sealed class StreamingMixtureData : IMixtureData
{
    private readonly NpyRowSource _source;
    private readonly int _d, _k, _rowsPerBlock, _block, _stride, _workers, _groups;
    private readonly double[] _xt;
    private readonly System.Collections.Concurrent.ConcurrentStack<EStepWorkspace> _pool = new();
    private GaussianStatistics?[] _partials;

    /// <summary>
    /// Binds <paramref name="source"/> for <paramref name="components"/> components, reading <paramref name="rowsPerBlock"/>
    /// rows at a time, on the threads and kernel block size of <paramref name="cpu"/>.
    /// </summary>
    public StreamingMixtureData(NpyRowSource source, int components, int rowsPerBlock, CpuMixtureBackend cpu)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(cpu);
        ArgumentOutOfRangeException.ThrowIfLessThan(rowsPerBlock, 1);
        if (source.Rows > int.MaxValue)
            throw new DataFormatException(source.Name, null, $"{source.Rows:N0} rows: a fit takes at most {int.MaxValue:N0}");
        _source = source;
        Count = (int)source.Rows;
        _d = source.Columns;
        _k = components;
        _rowsPerBlock = (int)Math.Min(rowsPerBlock, Count);
        _block = cpu.BlockSize ?? CpuMixtureBackend.AutoBlockSize(components, _d, _rowsPerBlock, cpu.MaxThreads);
        int blocks = (_rowsPerBlock + _block - 1) / _block;
        _stride = blocks * _block;
        _xt = new double[(long)_d * _stride];
        _workers = Math.Max(1, Math.Min(cpu.MaxThreads, blocks));
        _groups = _workers == 1 ? 1 : Math.Min(blocks, 8 * _workers);
        for (int w = 0; w < _workers; w++) _pool.Push(new EStepWorkspace(components, _d, _block));
        _partials = new GaussianStatistics?[_groups];
    }

    /// <summary>Rows read per block.</summary>
    public int RowsPerBlock => _rowsPerBlock;

    /// <inheritdoc/>
    public int Count { get; }

    /// <summary>The bytes a binding holds: the read buffers (values and raw bytes, two of each), the transposed block and the accumulators.</summary>
    public static double EstimateBytes(int rowsPerBlock, int d, int k, int elementSize, bool full, int threads)
    {
        double perComponent = full ? (double)d * d + d + 1 : 2.0 * d + 1;
        double groups = 8.0 * Math.Max(1, threads) + 2;
        return 2.0 * rowsPerBlock * d * (8 + elementSize) + 8.0 * rowsPerBlock * d + 8 * groups * k * perComponent
            + 8.0 * threads * 1024 * (k + 2.0 * d);
    }

    /// <inheritdoc/>
    public void EStep(PrecisionFactors factors, GaussianStatistics stats, CancellationToken cancellationToken = default)
    {
        if (_partials[0] is null || _partials[0]!.IsFull != stats.IsFull)
            for (int g = 0; g < _groups; g++) _partials[g] = new GaussianStatistics(_k, _d, stats.IsFull);
        foreach (var p in _partials) p!.Clear();
        var shift = BlockFactors.CentreOfMeans(factors);
        var blockFactors = BlockFactors.Prepare(factors, shift);
        _source.ForEachBlock(_rowsPerBlock, (_, count, rows) =>
        {
            Transpose(rows, count, shift);
            int blocks = (count + _block - 1) / _block;
            Run(blocks, cancellationToken, (g, from, to, ws) =>
            {
                for (int blk = from; blk < to; blk++)
                {
                    int start = blk * _block;
                    EStepKernels.EStepBlock(_xt, _stride, start, Math.Min(_block, count - start), blockFactors, ws, _partials[g]);
                }
            });
        }, cancellationToken);
        stats.Clear();
        factors.Means.CopyTo(stats.Reference, 0);
        for (int g = 0; g < _groups; g++) stats.Add(_partials[g]!);
        if (stats.IsFull) CpuMixtureBackend.Symmetrize(stats);
    }

    /// <inheritdoc/>
    public void Responsibilities(PrecisionFactors factors, Span<double> responsibilities, Span<double> logLikelihoods)
    {
        var resp = responsibilities.IsEmpty ? null : new double[(long)Count * _k];
        var ll = new double[Count];
        var shift = BlockFactors.CentreOfMeans(factors);
        var blockFactors = BlockFactors.Prepare(factors, shift);
        _source.ForEachBlock(_rowsPerBlock, (at, count, rows) =>
        {
            Transpose(rows, count, shift);
            int blocks = (count + _block - 1) / _block;
            Run(blocks, CancellationToken.None, (_, from, to, ws) =>
            {
                for (int blk = from; blk < to; blk++)
                {
                    int start = blk * _block, n = Math.Min(_block, count - start);
                    long first = at + start;
                    EStepKernels.EStepBlock(_xt, _stride, start, n, blockFactors, ws, null,
                        resp is null ? default : resp.AsSpan((int)(first * _k), n * _k));
                    ws.Norm.AsSpan(0, n).CopyTo(ll.AsSpan((int)first, n));
                }
            });
        });
        resp?.CopyTo(responsibilities);
        if (!logLikelihoods.IsEmpty) ll.CopyTo(logLikelihoods);
    }

    /// <summary>Row-major rows less <paramref name="shift"/> into the dimension-major buffer; the padding after the last row is zeroed.</summary>
    private void Transpose(double[] rows, int count, double[] shift)
    {
        int d = _d, stride = _stride;
        Parallel.For(0, _workers, w =>
        {
            for (int i = w; i < d; i += _workers)
            {
                var column = _xt.AsSpan(i * stride, stride);
                for (int r = 0; r < count; r++) column[r] = rows[r * d + i] - shift[i];
                column[count..].Clear();
            }
        });
    }

    private delegate void GroupBody(int group, int fromBlock, int toBlock, EStepWorkspace ws);

    private void Run(int blocks, CancellationToken ct, GroupBody body)
    {
        if (_groups == 1)
        {
            _pool.TryPop(out var ws);
            try { body(0, 0, blocks, ws!); } finally { _pool.Push(ws!); }
            return;
        }
        Parallel.For(0, _groups, new ParallelOptions { MaxDegreeOfParallelism = _workers, CancellationToken = ct },
            () => _pool.TryPop(out var ws) ? ws : throw new InvalidOperationException("workspace pool exhausted"),
            (g, _, ws) =>
            {
                int from = (int)((long)blocks * g / _groups), to = (int)((long)blocks * (g + 1) / _groups);
                if (from < to) body(g, from, to, ws);
                return ws;
            },
            ws => _pool.Push(ws));
    }

    /// <inheritdoc/>
    public void Dispose() => _partials = [];
}
