using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Probabilistic.Core.Gaussians;
using Probabilistic.Hmm.Kernels;

namespace Probabilistic.Hmm.Emissions;

/// <summary>
/// The lane versions of <see cref="LogLikelihoods"/> and <see cref="Accumulate"/>: the same arithmetic in the same
/// order, each operation on a vector holding one step of W sequences, so the densities equal the one-sequence ones
/// bit for bit.
/// </summary>
public sealed partial class GaussianEmission
{
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    void ILaneEmission<GaussianStatistics>.LaneLogLikelihoods(ReadOnlySpan<double> observations, int steps, Span<double> logProb)
    {
        int k = StateCount, d = Dimension, w = LaneForwardBackward.Lanes;
        ref double x = ref MemoryMarshal.GetReference(observations);
        ref double lp = ref MemoryMarshal.GetReference(logProb);
        var half = new Vector<double>(0.5);
        if (d == 1 && CovarianceType is CovarianceType.Diagonal or CovarianceType.Spherical)
        {
            for (int t = 0; t < steps; t++)
            {
                var xt = Vector.LoadUnsafe(ref x, (nuint)(t * w));
                for (int s = 0; s < k; s++)
                {
                    var z = xt - new Vector<double>(_means[s]);
                    (new Vector<double>(_logNorm[s]) - half * z * z * new Vector<double>(_whiten[s])).StoreUnsafe(ref lp, (nuint)((t * k + s) * w));
                }
            }
            return;
        }
        // State by state, so that each state's parameters are read once per step from L1 and its rows written with stride K·W.
        Span<Vector<double>> diffs = d <= 64 ? stackalloc Vector<double>[d] : new Vector<double>[d];
        ref var diff = ref MemoryMarshal.GetReference(diffs);
        bool matrix = CovarianceType is CovarianceType.Full or CovarianceType.Tied, tied = CovarianceType == CovarianceType.Tied;
        for (int s = 0; s < k; s++)
        {
            ref double mu = ref _means[s * d];
            ref double whiten = ref _whiten[matrix ? (tied ? 0 : s * d * d) : s * d];
            var norm = new Vector<double>(_logNorm[s]);
            for (int t = 0; t < steps; t++)
            {
                ref double xt = ref Unsafe.Add(ref x, t * d * w);
                for (int i = 0; i < d; i++)
                    Unsafe.Add(ref diff, i) = Vector.LoadUnsafe(ref xt, (nuint)(i * w)) - new Vector<double>(Unsafe.Add(ref mu, i));
                var q = Vector<double>.Zero;
                if (matrix)
                {
                    // q = ‖L⁻¹(x − μ_s)‖², L the Cholesky factor of Σ_s (tied: the one shared factor).
                    for (int i = 0; i < d; i++)
                    {
                        ref double row = ref Unsafe.Add(ref whiten, i * d);
                        var y = Vector<double>.Zero;
                        for (int j = 0; j <= i; j++) y += new Vector<double>(Unsafe.Add(ref row, j)) * Unsafe.Add(ref diff, j);
                        q += y * y;
                    }
                }
                else
                    for (int i = 0; i < d; i++)
                    {
                        var z = Unsafe.Add(ref diff, i);
                        q += z * z * new Vector<double>(Unsafe.Add(ref whiten, i));
                    }
                (norm - half * q).StoreUnsafe(ref lp, (nuint)((t * k + s) * w));
            }
        }
    }

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    void ILaneEmission<GaussianStatistics>.LaneAccumulate(GaussianStatistics stats, ReadOnlySpan<double> observations, int steps,
        ReadOnlySpan<double> posteriors)
    {
        int k = StateCount, d = Dimension, w = LaneForwardBackward.Lanes;
        bool full = CovarianceType is CovarianceType.Full or CovarianceType.Tied;
        int second = full ? d * d : d;
        // State by state: Σγ in a register, Σγ(x − μ) and Σγ(x − μ)(x − μ)ᵀ (lower triangle; diagonal types: its
        // diagonal) as lane vectors in a small scratch, added to the statistics lane by lane at the end of the state.
        Span<Vector<double>> scratch = d + second <= 256 ? stackalloc Vector<double>[d + second] : new Vector<double>[d + second];
        Span<Vector<double>> diffs = d <= 64 ? stackalloc Vector<double>[d] : new Vector<double>[d];
        ref var diff = ref MemoryMarshal.GetReference(diffs);
        ref var first = ref MemoryMarshal.GetReference(scratch);
        ref var moment = ref Unsafe.Add(ref first, d);
        ref double x = ref MemoryMarshal.GetReference(observations);
        ref double post = ref MemoryMarshal.GetReference(posteriors);
        for (int s = 0; s < k; s++)
        {
            scratch.Clear();
            var weight = Vector<double>.Zero;
            ref double mu = ref _means[s * d];
            for (int t = 0; t < steps; t++)
            {
                var g = Vector.LoadUnsafe(ref post, (nuint)((t * k + s) * w));
                weight += g;
                ref double xt = ref Unsafe.Add(ref x, t * d * w);
                for (int i = 0; i < d; i++)
                {
                    var z = Vector.LoadUnsafe(ref xt, (nuint)(i * w)) - new Vector<double>(Unsafe.Add(ref mu, i));
                    Unsafe.Add(ref diff, i) = z;
                    Unsafe.Add(ref first, i) += g * z;
                }
                if (full)
                    for (int i = 0; i < d; i++)
                    {
                        var gi = g * Unsafe.Add(ref diff, i);
                        ref var m = ref Unsafe.Add(ref moment, i * d);
                        for (int j = 0; j <= i; j++) Unsafe.Add(ref m, j) += gi * Unsafe.Add(ref diff, j);
                    }
                else
                    for (int i = 0; i < d; i++)
                    {
                        var z = Unsafe.Add(ref diff, i);
                        Unsafe.Add(ref moment, i) += g * z * z;
                    }
            }
            stats.Weight[s] += Vector.Sum(weight);
            AddLanes(scratch[..d], stats.First.AsSpan(s * d, d));
            AddLanes(scratch[d..], stats.Second.AsSpan(s * second, second));
        }
    }

    private static void AddLanes(ReadOnlySpan<Vector<double>> sums, Span<double> into)
    {
        for (int i = 0; i < sums.Length; i++) into[i] += Vector.Sum(sums[i]);
    }
}
