using ILGPU;
using ILGPU.Runtime;
using ILGPU.Runtime.CPU;
using ILGPU.Runtime.Cuda;
using Probabilistic.Mixtures.Kernels;
using Probabilistic.Core.Gaussians;

namespace Probabilistic.Mixtures.Gpu;

/// <summary>
/// The ILGPU backend: data uploaded once as single precision and kept on the device across iterations; each E-step
/// runs <see cref="GpuKernels.EstimateLogProbResp"/> and <see cref="GpuKernels.AccumulateStatistics"/> on the device and
/// brings back only per-chunk partial sums (reduced in double on the host) and the per-point log-likelihoods.
/// </summary>
public sealed class GpuMixtureBackend : IMixtureBackend, IDisposable
{
    private readonly Context _context;
    private readonly Accelerator _accelerator;
    private readonly Action<Index1D, GpuShape, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>> _estep;
    private readonly Action<Index1D, GpuShape, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>> _stats;

    private GpuMixtureBackend(bool cuda, int chunk)
    {
        _context = Context.Create(b => { if (cuda) b.Cuda(); else b.CPU(); b.EnableAlgorithms(); });
        _accelerator = cuda ? _context.CreateCudaAccelerator(0) : _context.CreateCPUAccelerator(0);
        _estep = _accelerator.LoadAutoGroupedStreamKernel<Index1D, GpuShape, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>>(GpuKernels.EstimateLogProbResp);
        _stats = _accelerator.LoadAutoGroupedStreamKernel<Index1D, GpuShape, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>>(GpuKernels.AccumulateStatistics);
        Chunk = chunk;
    }

    /// <summary>True when ILGPU finds a CUDA device.</summary>
    public static bool CudaAvailable()
    {
        try
        {
            using var context = Context.Create(b => b.Cuda());
            return context.GetCudaDevices().Count > 0;
        }
        catch (Exception e) when (e is DllNotFoundException or TypeInitializationException or InvalidOperationException or NotSupportedException) { return false; }
    }

    /// <summary>The backend on the first CUDA device.</summary>
    /// <exception cref="InvalidOperationException">No CUDA device.</exception>
    public static GpuMixtureBackend CreateCuda(int chunk = 1024)
    {
        if (!CudaAvailable()) throw new InvalidOperationException("No CUDA device was found (ILGPU); use the CPU backend.");
        return new GpuMixtureBackend(true, chunk);
    }

    /// <summary>The same kernels on ILGPU's CPU accelerator (a slow simulator, for tests on small data).</summary>
    public static GpuMixtureBackend CreateCpuSimulator(int chunk = 256) => new(false, chunk);

    /// <summary>Points per partial sum of the statistics kernel.</summary>
    public int Chunk { get; }

    /// <inheritdoc/>
    public string Name => "gpu:" + _accelerator.AcceleratorType.ToString().ToLowerInvariant();

    /// <summary>Single precision: the log-likelihood may wobble by float rounding near convergence.</summary>
    public double MonotoneSlack => 1e-5;

    /// <inheritdoc/>
    public IMixtureData Bind(ReadOnlyMemory<double> x, int n, int d, int components) => new Data(this, x.Span, n, d, components);

    /// <inheritdoc/>
    public void Dispose()
    {
        _accelerator.Dispose();
        _context.Dispose();
    }

    private sealed class Data : IMixtureData
    {
        private readonly GpuMixtureBackend _owner;
        private readonly MemoryBuffer1D<float, Stride1D.Dense> _x, _resp, _logNorm, _means, _factors, _lognorms;
        private MemoryBuffer1D<float, Stride1D.Dense>? _partial;
        private readonly int _d, _k;
        private readonly float[] _hostLogNorm;

        public Data(GpuMixtureBackend owner, ReadOnlySpan<double> x, int n, int d, int k)
        {
            _owner = owner; Count = n; _d = d; _k = k;
            var acc = owner._accelerator;
            var xf = new float[x.Length];
            for (int i = 0; i < xf.Length; i++) xf[i] = (float)x[i];
            _x = acc.Allocate1D(xf);
            _resp = acc.Allocate1D<float>((long)n * k);
            _logNorm = acc.Allocate1D<float>(n);
            _means = acc.Allocate1D<float>(k * d);
            _factors = acc.Allocate1D<float>(k * d * d);
            _lognorms = acc.Allocate1D<float>(k);
            _hostLogNorm = new float[n];
        }

        public int Count { get; }

        private GpuShape Upload(PrecisionFactors f, int stats)
        {
            _means.CopyFromCPU(ToFloat(f.Means));
            _factors.View.SubView(0, f.Factors.Length).CopyFromCPU(ToFloat(f.Factors));
            _lognorms.CopyFromCPU(ToFloat(f.LogNormalizers));
            return new GpuShape(Count, _d, _k, f.IsFull ? 1 : 0, _owner.Chunk, stats);
        }

        public void EStep(PrecisionFactors factors, GaussianStatistics stats, CancellationToken cancellationToken)
        {
            cancellationToken.ThrowIfCancellationRequested();
            int d = _d, k = _k;
            int second = stats.IsFull ? d * (d + 1) / 2 : d;
            var shape = Upload(factors, 1 + d + second);
            _owner._estep(Count, shape, _x.View, _means.View, _factors.View, _lognorms.View, _resp.View, _logNorm.View);
            int chunks = (Count + shape.Chunk - 1) / shape.Chunk;
            long total = (long)chunks * k * shape.Stats;
            if (_partial is null || _partial.Length != total)
            {
                _partial?.Dispose();
                _partial = _owner._accelerator.Allocate1D<float>(total);
            }
            _owner._stats((int)total, shape, _x.View, _means.View, _resp.View, _partial.View);
            _owner._accelerator.Synchronize();
            var partial = _partial.GetAsArray1D();
            _logNorm.CopyToCPU(_hostLogNorm);

            stats.Clear();
            factors.Means.CopyTo(stats.Reference, 0);
            double ll = 0;
            foreach (var v in _hostLogNorm) ll += v;
            stats.LogLikelihood = ll;
            for (int chunk = 0; chunk < chunks; chunk++)
                for (int c = 0; c < k; c++)
                {
                    int o = (chunk * k + c) * shape.Stats;
                    stats.Weight[c] += partial[o];
                    for (int i = 0; i < d; i++) stats.First[c * d + i] += partial[o + 1 + i];
                    int q = o + 1 + d;
                    if (stats.IsFull)
                    {
                        for (int i = 0; i < d; i++)
                            for (int j = 0; j <= i; j++) stats.Second[(c * d + i) * d + j] += partial[q++];
                    }
                    else for (int i = 0; i < d; i++) stats.Second[c * d + i] += partial[q++];
                }
            if (stats.IsFull) CpuMixtureBackend.Symmetrize(stats);
        }

        public void Responsibilities(PrecisionFactors factors, Span<double> responsibilities, Span<double> logLikelihoods)
        {
            var shape = Upload(factors, 1);
            _owner._estep(Count, shape, _x.View, _means.View, _factors.View, _lognorms.View, _resp.View, _logNorm.View);
            _owner._accelerator.Synchronize();
            if (!responsibilities.IsEmpty)
            {
                var r = _resp.GetAsArray1D();
                for (int i = 0; i < r.Length; i++) responsibilities[i] = r[i];
            }
            if (!logLikelihoods.IsEmpty)
            {
                _logNorm.CopyToCPU(_hostLogNorm);
                for (int i = 0; i < Count; i++) logLikelihoods[i] = _hostLogNorm[i];
            }
        }

        private static float[] ToFloat(double[] v)
        {
            var f = new float[v.Length];
            for (int i = 0; i < v.Length; i++) f[i] = (float)v[i];
            return f;
        }

        public void Dispose()
        {
            _x.Dispose(); _resp.Dispose(); _logNorm.Dispose(); _means.Dispose(); _factors.Dispose(); _lognorms.Dispose();
            _partial?.Dispose();
        }
    }
}
