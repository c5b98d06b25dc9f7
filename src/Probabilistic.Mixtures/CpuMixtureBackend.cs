using Probabilistic.Mixtures.Kernels;
using Probabilistic.Core.Gaussians;

namespace Probabilistic.Mixtures;

/// <summary>
/// The CPU backend: data stored dimension-major in blocks, the fused SIMD E-step (<see cref="EStepKernels.EStepBlock"/>)
/// run with <see cref="Parallel.For(int, int, Action{int})"/> over fixed groups of contiguous blocks, one workspace per
/// worker and one statistics accumulator per group, reduced in a fixed order (so results do not depend on scheduling).
/// Workspaces are kept by the backend between bindings (a served model binds every request's rows).
/// </summary>
public sealed class CpuMixtureBackend : IMixtureBackend
{
    /// <summary>
    /// A backend using up to <paramref name="maxThreads"/> threads (null: all cores) and blocks of
    /// <paramref name="blockSize"/> points (null: 128, or up to 1024 while a block's working set, (K + 2D)·8 bytes a point,
    /// stays within about 32 KiB; fewer for small data).
    /// </summary>
    public CpuMixtureBackend(int? maxThreads = null, int? blockSize = null)
    {
        if (maxThreads is < 1) throw new ArgumentOutOfRangeException(nameof(maxThreads), maxThreads, "At least one thread.");
        MaxThreads = maxThreads ?? Environment.ProcessorCount;
        BlockSize = blockSize;
    }

    /// <summary>Threads used.</summary>
    public int MaxThreads { get; }

    /// <summary>Points per block (null: chosen per data set).</summary>
    public int? BlockSize { get; }

    // Workspaces outlive a binding: a served model binds each request's rows, and its E-step scratch (K·block log
    // densities and the tiles) is taken from here and given back when the binding is disposed, a few per shape at most.
    private readonly System.Collections.Concurrent.ConcurrentDictionary<(int K, int D, int Block), System.Collections.Concurrent.ConcurrentBag<EStepWorkspace>> _spare = new();

    private EStepWorkspace Rent(int k, int d, int block)
    {
        if (_spare.TryGetValue((k, d, block), out var bag) && bag.TryTake(out var ws))
        {
            ws.LogLikelihood = 0;
            return ws;
        }
        return new EStepWorkspace(k, d, block);
    }

    private void Return(EStepWorkspace ws, int k, int d)
    {
        var bag = _spare.GetOrAdd((k, d, ws.BlockSize), _ => []);
        if (bag.Count < 4 * MaxThreads) bag.Add(ws);
    }

    internal static int AutoBlockSize(int k, int d, int n, int threads)
    {
        int b = 128;
        while (b < 1024 && 2L * b * 8 * (k + 2 * d) <= 64 * 1024) b *= 2;
        while (b > 64 && (long)b * threads > 2L * n) b /= 2;
        return b;
    }

    /// <inheritdoc/>
    public string Name => "cpu";

    /// <inheritdoc/>
    public IMixtureData Bind(ReadOnlyMemory<double> x, int n, int d, int components) => new Data(this, x.Span, n, d, components);

    private sealed class Data : IMixtureData
    {
        private readonly double[] _xt, _shift;
        private readonly int _stride, _d, _k, _blocks, _workers, _block, _groups;
        private readonly System.Collections.Concurrent.ConcurrentStack<EStepWorkspace> _pool = new();
        private readonly CpuMixtureBackend _owner;
        private GaussianStatistics?[] _partials;

        public Data(CpuMixtureBackend owner, ReadOnlySpan<double> x, int n, int d, int k)
        {
            if (x.Length != (long)n * d) throw new ArgumentException($"{x.Length} values do not form {n}x{d}.");
            _block = owner.BlockSize ?? AutoBlockSize(k, d, n, owner.MaxThreads);
            Count = n; _d = d; _k = k;
            _blocks = (n + _block - 1) / _block;
            _stride = _blocks * _block;
            // Stored as x − x̄ (column means): the tiled kernels form U x − U μ, which would cancel for data far from 0.
            _shift = new double[d];
            for (int row = 0; row < n; row++)
                for (int i = 0; i < d; i++) _shift[i] += x[row * d + i];
            for (int i = 0; i < d; i++) _shift[i] /= Math.Max(1, n);
            _xt = new double[d * _stride];
            for (int row = 0; row < n; row++)
                for (int i = 0; i < d; i++) _xt[i * _stride + row] = x[row * d + i] - _shift[i];
            _workers = Math.Max(1, Math.Min(owner.MaxThreads, _blocks));
            // Fixed groups of blocks, each with its own accumulator, taken by whichever worker is free (a worker the
            // OS deschedules does not hold up the others) and reduced in group order (results do not depend on scheduling).
            _groups = _workers == 1 ? 1 : Math.Min(_blocks, 8 * _workers);
            _owner = owner;
            for (int w = 0; w < _workers; w++) _pool.Push(owner.Rent(k, d, _block));
            _partials = new GaussianStatistics?[_groups];
        }

        public int Count { get; }

        public void EStep(PrecisionFactors factors, GaussianStatistics stats, CancellationToken cancellationToken)
        {
            var blockFactors = BlockFactors.Prepare(factors, _shift);
            if (_partials[0] is null || _partials[0]!.IsFull != stats.IsFull)
                for (int g = 0; g < _groups; g++) _partials[g] = new GaussianStatistics(_k, _d, stats.IsFull);
            Run(cancellationToken, (g, ws) =>
            {
                var acc = _partials[g]!;
                acc.Clear();
                var (from, to) = Range(g);
                for (int blk = from; blk < to; blk++)
                {
                    int start = blk * _block;
                    EStepKernels.EStepBlock(_xt, _stride, start, Math.Min(_block, Count - start), blockFactors, ws, acc);
                }
            });
            stats.Clear();
            factors.Means.CopyTo(stats.Reference, 0);
            for (int g = 0; g < _groups; g++) stats.Add(_partials[g]!);
            if (stats.IsFull) Symmetrize(stats);
        }

        public void Responsibilities(PrecisionFactors factors, Span<double> responsibilities, Span<double> logLikelihoods)
        {
            var resp = responsibilities.IsEmpty ? null : new double[Count * _k];
            var ll = new double[Count];
            var blockFactors = BlockFactors.Prepare(factors, _shift);
            Run(CancellationToken.None, (g, ws) =>
            {
                var (from, to) = Range(g);
                for (int blk = from; blk < to; blk++)
                {
                    int start = blk * _block, count = Math.Min(_block, Count - start);
                    EStepKernels.EStepBlock(_xt, _stride, start, count, blockFactors, ws, null,
                        resp is null ? default : resp.AsSpan(start * _k, count * _k));
                    ws.Norm.AsSpan(0, count).CopyTo(ll.AsSpan(start, count));
                }
            });
            resp?.CopyTo(responsibilities);
            if (!logLikelihoods.IsEmpty) ll.CopyTo(logLikelihoods);
        }

        private void Run(CancellationToken ct, Action<int, EStepWorkspace> body)
        {
            if (_groups == 1)
            {
                _pool.TryPop(out var ws);
                try { body(0, ws!); } finally { _pool.Push(ws!); }
                return;
            }
            Parallel.For(0, _groups, new ParallelOptions { MaxDegreeOfParallelism = _workers, CancellationToken = ct },
                () => _pool.TryPop(out var ws) ? ws : throw new InvalidOperationException("workspace pool exhausted"),
                (g, _, ws) => { body(g, ws); return ws; },
                ws => _pool.Push(ws));
        }

        private (int From, int To) Range(int group) => ((int)((long)_blocks * group / _groups), (int)((long)_blocks * (group + 1) / _groups));

        public void Dispose()
        {
            _partials = [];
            while (_pool.TryPop(out var ws)) _owner.Return(ws, _k, _d);
        }
    }

    /// <summary>Copies the lower triangle of each D×D block of second moments into the upper one.</summary>
    public static void Symmetrize(GaussianStatistics stats)
    {
        int d = stats.Dimension;
        for (int c = 0; c < stats.Components; c++)
            for (int i = 0; i < d; i++)
                for (int j = i + 1; j < d; j++)
                    stats.Second[(c * d + i) * d + j] = stats.Second[(c * d + j) * d + i];
    }
}
