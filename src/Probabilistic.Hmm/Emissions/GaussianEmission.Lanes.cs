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
        Span<Vector<double>> diff = d <= 64 ? stackalloc Vector<double>[d] : new Vector<double>[d];
        bool matrix = CovarianceType is CovarianceType.Full or CovarianceType.Tied, tied = CovarianceType == CovarianceType.Tied;
        for (int t = 0; t < steps; t++)
        {
            for (int s = 0; s < k; s++)
            {
                for (int i = 0; i < d; i++) diff[i] = Vector.LoadUnsafe(ref x, (nuint)((t * d + i) * w)) - new Vector<double>(_means[s * d + i]);
                var q = Vector<double>.Zero;
                if (matrix)
                {
                    var l = _whiten.AsSpan(tied ? 0 : s * d * d, d * d);
                    for (int i = 0; i < d; i++)
                    {
                        var y = Vector<double>.Zero;
                        for (int j = 0; j <= i; j++) y += new Vector<double>(l[i * d + j]) * diff[j];
                        q += y * y;
                    }
                }
                else
                {
                    var p = _whiten.AsSpan(s * d, d);
                    for (int i = 0; i < d; i++) q += diff[i] * diff[i] * new Vector<double>(p[i]);
                }
                (new Vector<double>(_logNorm[s]) - half * q).StoreUnsafe(ref lp, (nuint)((t * k + s) * w));
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
        // Per-lane sums of Σγ, Σγ(x − μ) and Σγ(x − μ)(x − μ)ᵀ (lower triangle) or its diagonal, added to the statistics lane by lane.
        var sums = new Vector<double>[k * (1 + d + second)];
        var weight = sums.AsSpan(0, k);
        var first = sums.AsSpan(k, k * d);
        var moment = sums.AsSpan(k * (1 + d), k * second);
        ref double x = ref MemoryMarshal.GetReference(observations);
        ref double post = ref MemoryMarshal.GetReference(posteriors);
        Span<Vector<double>> diff = d <= 64 ? stackalloc Vector<double>[d] : new Vector<double>[d];
        for (int t = 0; t < steps; t++)
        {
            for (int s = 0; s < k; s++)
            {
                var g = Vector.LoadUnsafe(ref post, (nuint)((t * k + s) * w));
                weight[s] += g;
                for (int i = 0; i < d; i++)
                {
                    diff[i] = Vector.LoadUnsafe(ref x, (nuint)((t * d + i) * w)) - new Vector<double>(_means[s * d + i]);
                    first[s * d + i] += g * diff[i];
                }
                if (full)
                {
                    var m = moment.Slice(s * d * d, d * d);
                    for (int i = 0; i < d; i++)
                    {
                        var gi = g * diff[i];
                        for (int j = 0; j <= i; j++) m[i * d + j] += gi * diff[j];
                    }
                }
                else
                    for (int i = 0; i < d; i++) moment[s * d + i] += g * diff[i] * diff[i];
            }
        }
        AddLanes(weight, stats.Weight);
        AddLanes(first, stats.First);
        AddLanes(moment, stats.Second);
    }

    private static void AddLanes(ReadOnlySpan<Vector<double>> sums, Span<double> into)
    {
        for (int i = 0; i < sums.Length; i++) into[i] += Vector.Sum(sums[i]);
    }
}
