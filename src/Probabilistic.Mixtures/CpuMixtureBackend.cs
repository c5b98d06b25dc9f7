using Probabilistic.Mixtures.Kernels;

namespace Probabilistic.Mixtures;

/// <summary>
/// The CPU backend: data stored dimension-major in blocks, the fused SIMD E-step (<see cref="EStepKernels.EStepBlock"/>)
/// run with <see cref="Parallel.For(int, int, Action{int})"/> over contiguous ranges of blocks, one workspace and
/// one statistics accumulator per worker, reduced in a fixed order (so results do not depend on scheduling).
/// </summary>
public sealed class CpuMixtureBackend : IMixtureBackend
{
    /// <summary>A backend using up to <paramref name="maxThreads"/> threads (null: all cores).</summary>
    public CpuMixtureBackend(int? maxThreads = null, int blockSize = 128)
    {
        if (maxThreads is < 1) throw new ArgumentOutOfRangeException(nameof(maxThreads), maxThreads, "At least one thread.");
        MaxThreads = maxThreads ?? Environment.ProcessorCount;
        BlockSize = blockSize;
    }

    /// <summary>Threads used.</summary>
    public int MaxThreads { get; }

    /// <summary>Points per block.</summary>
    public int BlockSize { get; }

    /// <inheritdoc/>
    public string Name => "cpu";

    /// <inheritdoc/>
    public IMixtureData Bind(ReadOnlyMemory<double> x, int n, int d, int components) => new Data(this, x.Span, n, d, components);

    private sealed class Data : IMixtureData
    {
        private readonly double[] _xt;
        private readonly int _stride, _d, _k, _blocks, _workers, _block;
        private readonly EStepWorkspace[] _workspaces;
        private SufficientStatistics?[] _partials;

        public Data(CpuMixtureBackend owner, ReadOnlySpan<double> x, int n, int d, int k)
        {
            if (x.Length != (long)n * d) throw new ArgumentException($"{x.Length} values do not form {n}x{d}.");
            _block = owner.BlockSize;
            Count = n; _d = d; _k = k;
            _blocks = (n + _block - 1) / _block;
            _stride = _blocks * _block;
            _xt = new double[d * _stride];
            for (int row = 0; row < n; row++)
                for (int i = 0; i < d; i++) _xt[i * _stride + row] = x[row * d + i];
            _workers = Math.Max(1, Math.Min(owner.MaxThreads, _blocks));
            _workspaces = new EStepWorkspace[_workers];
            for (int w = 0; w < _workers; w++) _workspaces[w] = new EStepWorkspace(k, d, _block);
            _partials = new SufficientStatistics?[_workers];
        }

        public int Count { get; }

        public void EStep(PrecisionFactors factors, SufficientStatistics stats, CancellationToken cancellationToken)
        {
            if (_partials[0] is null || _partials[0]!.IsFull != stats.IsFull)
                for (int w = 0; w < _workers; w++) _partials[w] = new SufficientStatistics(_k, _d, stats.IsFull);
            Parallel.For(0, _workers, new ParallelOptions { MaxDegreeOfParallelism = _workers, CancellationToken = cancellationToken }, w =>
            {
                var acc = _partials[w]!;
                acc.Clear();
                var (from, to) = Range(w);
                for (int blk = from; blk < to; blk++)
                {
                    int start = blk * _block;
                    EStepKernels.EStepBlock(_xt, _stride, start, Math.Min(_block, Count - start), factors, _workspaces[w], acc);
                }
            });
            stats.Clear();
            factors.Means.CopyTo(stats.Shift, 0);
            for (int w = 0; w < _workers; w++) stats.Add(_partials[w]!);
            if (stats.IsFull) Symmetrize(stats);
        }

        public void Responsibilities(PrecisionFactors factors, Span<double> responsibilities, Span<double> logLikelihoods)
        {
            var resp = responsibilities.IsEmpty ? null : new double[Count * _k];
            var ll = new double[Count];
            Parallel.For(0, _workers, new ParallelOptions { MaxDegreeOfParallelism = _workers }, w =>
            {
                var ws = _workspaces[w];
                var (from, to) = Range(w);
                for (int blk = from; blk < to; blk++)
                {
                    int start = blk * _block, count = Math.Min(_block, Count - start);
                    EStepKernels.EStepBlock(_xt, _stride, start, count, factors, ws, null,
                        resp is null ? default : resp.AsSpan(start * _k, count * _k));
                    ws.Norm.AsSpan(0, count).CopyTo(ll.AsSpan(start, count));
                }
            });
            resp?.CopyTo(responsibilities);
            if (!logLikelihoods.IsEmpty) ll.CopyTo(logLikelihoods);
        }

        private (int From, int To) Range(int worker) => ((int)((long)_blocks * worker / _workers), (int)((long)_blocks * (worker + 1) / _workers));

        public void Dispose() => _partials = [];
    }

    /// <summary>Copies the lower triangle of each D×D block of second moments into the upper one.</summary>
    public static void Symmetrize(SufficientStatistics stats)
    {
        int d = stats.Dimension;
        for (int c = 0; c < stats.Components; c++)
            for (int i = 0; i < d; i++)
                for (int j = i + 1; j < d; j++)
                    stats.SumSquares[(c * d + i) * d + j] = stats.SumSquares[(c * d + j) * d + i];
    }
}
