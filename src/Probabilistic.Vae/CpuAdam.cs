using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Probabilistic.Vae;

/// <summary>What <see cref="VaeTrainer"/> asks of an optimiser: clear the gradients, take a step.</summary>
internal interface IParameterOptimizer : IDisposable
{
    /// <summary>Makes every gradient zero before the next backward pass.</summary>
    void ZeroGrad();

    /// <summary>Updates the parameters from their gradients.</summary>
    void Step();
}

/// <summary>TorchSharp's Adam (any device): eight tensor operations and two temporaries per parameter and step.</summary>
internal sealed class TorchAdam(IEnumerable<Parameter> parameters, double learningRate) : IParameterOptimizer
{
    private readonly optim.Optimizer _adam = optim.Adam(parameters, lr: learningRate, beta1: CpuAdam.Beta1, beta2: CpuAdam.Beta2, eps: CpuAdam.Epsilon);

    public void ZeroGrad() => _adam.zero_grad();

    public void Step() => _adam.step();

    public void Dispose() => _adam.Dispose();
}

/// <summary>
/// Adam (Kingma &amp; Ba 2015) as PyTorch's <c>torch.optim.Adam</c> computes it (β₁ = 0.9, β₂ = 0.999, ε = 1e-8 outside
/// the square root, bias corrections folded into the step), fused into one pass over each float32 CPU parameter:
/// m ← β₁m + (1 − β₁)g, v ← β₂v + (1 − β₂)g², θ ← θ − (lr / (1 − β₁ᵗ)) · m / (√v / √(1 − β₂ᵗ) + ε), and g ← 0 for
/// the next backward pass. TorchSharp's Adam runs eight libtorch kernels per parameter and allocates two
/// parameter-sized temporaries (each a fresh 1.25 MB for the 784×400 layers, page-faulted in again every step); this
/// reads and writes each value once, with no allocation, on the same number of threads as libtorch.
/// </summary>
internal sealed class CpuAdam : IParameterOptimizer
{
    internal const double Beta1 = 0.9, Beta2 = 0.999, Epsilon = 1e-8;
    private const int BlockSize = 1 << 16;   // values per parallel work item: 256 KB of each stream

    private readonly Parameter[] _parameters;
    private readonly float[][] _m;
    private readonly float[][] _v;
    private readonly (int Parameter, int Start, int Length)[] _blocks;
    private readonly double _learningRate;
    private long _step;
    private bool _zeroedByStep;

    /// <summary>True when every parameter is a contiguous float32 CPU tensor, which this optimiser needs.</summary>
    public static bool Supports(IEnumerable<Parameter> parameters) =>
        parameters.All(p => p.device_type == DeviceType.CPU && p.dtype == ScalarType.Float32 && p.is_contiguous() && p.numel() <= int.MaxValue);

    public CpuAdam(IEnumerable<Parameter> parameters, double learningRate)
    {
        _parameters = parameters.ToArray();
        if (!Supports(_parameters)) throw new ArgumentException("CpuAdam needs contiguous float32 CPU parameters.", nameof(parameters));
        _learningRate = learningRate;
        _m = _parameters.Select(p => new float[p.numel()]).ToArray();
        _v = _parameters.Select(p => new float[p.numel()]).ToArray();
        _blocks = _parameters
            .SelectMany((p, i) => Enumerable.Range(0, (int)((p.numel() + BlockSize - 1) / BlockSize))
                .Select(b => (i, b * BlockSize, (int)Math.Min(BlockSize, p.numel() - (long)b * BlockSize))))
            .ToArray();
    }

    public void ZeroGrad()
    {
        // Step leaves every gradient at zero; only a backward pass that no step followed (an interrupted batch) leaves
        // gradients to clear here.
        if (_zeroedByStep) { _zeroedByStep = false; return; }
        foreach (var p in _parameters)
        {
            using var g = p.grad;
            g?.zero_();
        }
    }

    public unsafe void Step()
    {
        _step++;
        var c = Coefficients.At(_learningRate, _step);
        var grads = new Tensor?[_parameters.Length];
        var pointers = new (nint Parameter, nint Grad)[_parameters.Length];
        try
        {
            for (int i = 0; i < _parameters.Length; i++)
            {
                grads[i] = _parameters[i].grad;
                if (grads[i] is not Tensor g) continue;
                if (!g.is_contiguous() || g.dtype != ScalarType.Float32 || g.device_type != DeviceType.CPU)
                    throw new InvalidOperationException($"CpuAdam: the gradient of parameter {i} is not a contiguous float32 CPU tensor.");
                pointers[i] = (DataPointer(_parameters[i]), DataPointer(g));
            }
            using var _ = no_grad();
            Parallel.For(0, _blocks.Length, new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, get_num_threads()) }, k =>
            {
                var (i, start, length) = _blocks[k];
                if (pointers[i].Grad == 0) return;
                var theta = new Span<float>((float*)pointers[i].Parameter + start, length);
                var grad = new Span<float>((float*)pointers[i].Grad + start, length);
                Update(theta, grad, _m[i].AsSpan(start, length), _v[i].AsSpan(start, length), c);
            });
        }
        finally
        {
            foreach (var g in grads) g?.Dispose();
        }
        _zeroedByStep = true;
    }

    /// <summary>One Adam update of a block, in float32 as PyTorch's kernels; the gradient is left at zero.</summary>
    private static void Update(Span<float> theta, Span<float> grad, Span<float> m, Span<float> v, in Coefficients c)
    {
        int whole = theta.Length / Vector<float>.Count;
        var thetaV = MemoryMarshal.Cast<float, Vector<float>>(theta);
        var gradV = MemoryMarshal.Cast<float, Vector<float>>(grad);
        var mV = MemoryMarshal.Cast<float, Vector<float>>(m);
        var vV = MemoryMarshal.Cast<float, Vector<float>>(v);
        for (int q = 0; q < whole; q++) Update(ref thetaV[q], ref gradV[q], ref mV[q], ref vV[q], c);
        // The last values, fewer than a vector: one at a time through the same code (broadcast, lane 0 kept).
        for (int j = whole * Vector<float>.Count; j < theta.Length; j++)
        {
            Vector<float> t = new(theta[j]), g = new(grad[j]), mj = new(m[j]), vj = new(v[j]);
            Update(ref t, ref g, ref mj, ref vj, c);
            (theta[j], grad[j], m[j], v[j]) = (t[0], g[0], mj[0], vj[0]);
        }
    }

    /// <summary>The constants of step t, broadcast: the bias corrections 1 − βᵗ folded into the step size and √v's scale.</summary>
    private readonly record struct Coefficients(Vector<float> Beta1, Vector<float> OneMinusBeta1, Vector<float> Beta2,
        Vector<float> OneMinusBeta2, Vector<float> StepSize, Vector<float> InvSqrtBias2, Vector<float> Epsilon)
    {
        public static Coefficients At(double learningRate, long t) => new(
            new((float)CpuAdam.Beta1), new((float)(1 - CpuAdam.Beta1)), new((float)CpuAdam.Beta2), new((float)(1 - CpuAdam.Beta2)),
            new((float)(learningRate / (1 - Math.Pow(CpuAdam.Beta1, t)))), new((float)(1 / Math.Sqrt(1 - Math.Pow(CpuAdam.Beta2, t)))),
            new((float)CpuAdam.Epsilon));
    }

    private static void Update(ref Vector<float> theta, ref Vector<float> grad, ref Vector<float> m, ref Vector<float> v, in Coefficients c)
    {
        var g = grad;
        m = m * c.Beta1 + g * c.OneMinusBeta1;
        v = v * c.Beta2 + g * g * c.OneMinusBeta2;
        theta -= c.StepSize * (m / (Vector.SquareRoot(v) * c.InvSqrtBias2 + c.Epsilon));
        grad = Vector<float>.Zero;
    }

    private static unsafe nint DataPointer(Tensor t) => (nint)Unsafe.AsPointer(ref MemoryMarshal.GetReference(t.bytes));

    public void Dispose() { }
}
