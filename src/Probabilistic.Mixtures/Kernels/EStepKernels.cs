using System.Numerics;
using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Probabilistic.Core.Numerics;
using Probabilistic.Core.Gaussians;

namespace Probabilistic.Mixtures.Kernels;

/// <summary>
/// E-step kernels. The plain per-point versions (<see cref="EstimateWeightedLogProb"/>,
/// <see cref="AccumulateStatistics"/>) are the readable reference; <see cref="EStepBlock"/> is the fast one used
/// by the CPU backend: a block of points stored dimension-major (SoA), SIMD across points with
/// <see cref="Vector{T}"/>, the E-step and the M-step statistics fused, no allocation.
/// </summary>
internal static class EStepKernels
{
    /// <summary>
    /// log w_k + log N(x_n; μ_k, Σ_k) for every row of <paramref name="x"/> [n×D] into <paramref name="logProb"/> [n×K]
    /// (scikit-learn's <c>_estimate_weighted_log_prob</c>).
    /// </summary>
    public static void EstimateWeightedLogProb(ReadOnlySpan<double> x, int n, PrecisionFactors f, Span<double> logProb)
    {
        int d = f.Dimension, k = f.Components;
        Span<double> diff = d <= 256 ? stackalloc double[d] : new double[d];
        for (int row = 0; row < n; row++)
            for (int c = 0; c < k; c++)
                logProb[row * k + c] = LogProbPoint(x.Slice(row * d, d), f, c, diff);
    }

    /// <summary>log w_c + log N(x; μ_c, Σ_c) for one point.</summary>
    public static double LogProbPoint(ReadOnlySpan<double> x, PrecisionFactors f, int c, Span<double> diff)
    {
        int d = f.Dimension;
        double maha = 0;
        for (int i = 0; i < d; i++) diff[i] = x[i] - f.Means[c * d + i];
        if (f.IsFull)
        {
            var l = f.Factors.AsSpan(c * d * d, d * d);
            for (int j = 0; j < d; j++)
            {
                double y = 0;
                for (int i = 0; i <= j; i++) y += l[j * d + i] * diff[i];
                maha += y * y;
            }
        }
        else
        {
            for (int i = 0; i < d; i++)
            {
                double t = diff[i] * f.Factors[c * d + i];
                maha += t * t;
            }
        }
        return f.LogNormalizers[c] - 0.5 * maha;
    }

    /// <summary>
    /// Turns rows of weighted log-probabilities [n×K] into log-responsibilities in place and writes
    /// log p(x_n) = logsumexp_k into <paramref name="logNorm"/> (scikit-learn's <c>_estimate_log_prob_resp</c>).
    /// </summary>
    public static void LogResponsibilities(Span<double> logProb, int n, int k, Span<double> logNorm)
    {
        for (int row = 0; row < n; row++)
        {
            var r = logProb.Slice(row * k, k);
            double lse = LogSpace.LogSumExp(r);
            logNorm[row] = lse;
            for (int c = 0; c < k; c++) r[c] -= lse;
        }
    }

    /// <summary>
    /// Adds Σₙ r_nk, Σₙ r_nk(x_n − m_k) and the second moments to <paramref name="stats"/>, centred at
    /// <see cref="GaussianStatistics.Reference"/> (the plain reference; <paramref name="resp"/> is [n×K], not logs).
    /// </summary>
    public static void AccumulateStatistics(ReadOnlySpan<double> x, int n, ReadOnlySpan<double> resp, GaussianStatistics stats)
    {
        int d = stats.Dimension, k = stats.Components;
        for (int row = 0; row < n; row++) AccumulateRow(x.Slice(row * d, d), resp.Slice(row * k, k), stats);
    }

    /// <summary>
    /// Statistics of a hard assignment (each row wholly in component <paramref name="labels"/>[i]), e.g. of a k-means
    /// partition used as a start point (scikit-learn's <c>_initialize</c> with one-hot responsibilities).
    /// </summary>
    public static GaussianStatistics FromLabels(double[] x, int n, int d, int k, int[] labels)
    {
        var stats = new GaussianStatistics(k, d, true);
        var resp = new double[k];
        for (int i = 0; i < n; i++)
        {
            resp[labels[i]] = 1;
            AccumulateRow(x.AsSpan(i * d, d), resp, stats);
            resp[labels[i]] = 0;
        }
        return stats;
    }

    /// <summary>Adds one point with responsibilities <paramref name="resp"/> [K] to <paramref name="stats"/>.</summary>
    public static void AccumulateRow(ReadOnlySpan<double> x, ReadOnlySpan<double> resp, GaussianStatistics stats)
    {
        int d = stats.Dimension;
        for (int c = 0; c < stats.Components; c++)
        {
            double r = resp[c];
            if (r == 0) continue;
            stats.Weight[c] += r;
            for (int i = 0; i < d; i++)
            {
                double di = x[i] - stats.Reference[c * d + i];
                stats.First[c * d + i] += r * di;
                if (stats.IsFull)
                    for (int j = 0; j < d; j++) stats.Second[(c * d + i) * d + j] += r * di * (x[j] - stats.Reference[c * d + j]);
                else stats.Second[c * d + i] += r * di * di;
            }
        }
    }

    /// <summary>
    /// The fused E-step over one block of <paramref name="count"/> (≤ block size) points starting at column
    /// <paramref name="start"/> of the dimension-major data <paramref name="xt"/> (D rows of length
    /// <paramref name="stride"/>, zero-padded to whole blocks): log densities, responsibilities, the block's
    /// log-likelihood and, when <paramref name="stats"/> is given, its sufficient statistics (centred at the
    /// component means, which must equal <c>stats.Reference</c>). Only the lower triangle of full second moments is filled.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void EStepBlock(ReadOnlySpan<double> xt, int stride, int start, int count, PrecisionFactors f,
        EStepWorkspace ws, GaussianStatistics? stats, Span<double> responsibilities = default)
    {
        int d = f.Dimension, k = f.Components, b = ws.BlockSize, w = Vector<double>.Count;
        var logp = ws.LogProb.AsSpan(0, k * b);
        ref double xRef = ref MemoryMarshal.GetReference(xt);
        ref double diffRef = ref MemoryMarshal.GetArrayDataReference(ws.Diff);
        ref double lpRef = ref MemoryMarshal.GetArrayDataReference(ws.LogProb);

        // 1. log w_k + log N(x; μ_k, Σ_k), SIMD across points.
        for (int c = 0; c < k; c++)
        {
            double norm = f.LogNormalizers[c];
            if (f.IsFull)
            {
                FillDiff(xt, stride, start, f.Means.AsSpan(c * d, d), ws.Diff, b);
                ref double lRef = ref f.Factors[c * d * d];
                var half = new Vector<double>(0.5);
                var normV = new Vector<double>(norm);
                // Four SIMD chunks of points at a time: each broadcast factor entry feeds four FMAs.
                for (int v = 0; v < b; v += 4 * w)
                {
                    Vector<double> m0 = default, m1 = default, m2 = default, m3 = default;
                    for (int j = 0; j < d; j++)
                    {
                        Vector<double> y0 = default, y1 = default, y2 = default, y3 = default;
                        for (int i = 0; i <= j; i++)
                        {
                            var lji = new Vector<double>(Unsafe.Add(ref lRef, j * d + i));
                            nuint o = (nuint)(i * b + v);
                            y0 += lji * Vector.LoadUnsafe(ref diffRef, o);
                            y1 += lji * Vector.LoadUnsafe(ref diffRef, o + (nuint)w);
                            y2 += lji * Vector.LoadUnsafe(ref diffRef, o + (nuint)(2 * w));
                            y3 += lji * Vector.LoadUnsafe(ref diffRef, o + (nuint)(3 * w));
                        }
                        m0 += y0 * y0; m1 += y1 * y1; m2 += y2 * y2; m3 += y3 * y3;
                    }
                    nuint to = (nuint)(c * b + v);
                    (normV - half * m0).StoreUnsafe(ref lpRef, to);
                    (normV - half * m1).StoreUnsafe(ref lpRef, to + (nuint)w);
                    (normV - half * m2).StoreUnsafe(ref lpRef, to + (nuint)(2 * w));
                    (normV - half * m3).StoreUnsafe(ref lpRef, to + (nuint)(3 * w));
                }
            }
            else
            {
                var half = new Vector<double>(0.5);
                var normV = new Vector<double>(norm);
                ref double meanRef = ref f.Means[c * d];
                ref double sRef = ref f.Factors[c * d];
                for (int v = 0; v < b; v += 4 * w)
                {
                    Vector<double> m0 = default, m1 = default, m2 = default, m3 = default;
                    for (int i = 0; i < d; i++)
                    {
                        var mean = new Vector<double>(Unsafe.Add(ref meanRef, i));
                        var scale = new Vector<double>(Unsafe.Add(ref sRef, i));
                        nuint o = (nuint)(i * stride + start + v);
                        var t0 = (Vector.LoadUnsafe(ref xRef, o) - mean) * scale;
                        var t1 = (Vector.LoadUnsafe(ref xRef, o + (nuint)w) - mean) * scale;
                        var t2 = (Vector.LoadUnsafe(ref xRef, o + (nuint)(2 * w)) - mean) * scale;
                        var t3 = (Vector.LoadUnsafe(ref xRef, o + (nuint)(3 * w)) - mean) * scale;
                        m0 += t0 * t0; m1 += t1 * t1; m2 += t2 * t2; m3 += t3 * t3;
                    }
                    nuint to = (nuint)(c * b + v);
                    (normV - half * m0).StoreUnsafe(ref lpRef, to);
                    (normV - half * m1).StoreUnsafe(ref lpRef, to + (nuint)w);
                    (normV - half * m2).StoreUnsafe(ref lpRef, to + (nuint)(2 * w));
                    (normV - half * m3).StoreUnsafe(ref lpRef, to + (nuint)(3 * w));
                }
            }
        }

        // 2. log p(x) = logsumexp over components; responsibilities r = exp(logp − log p(x)).
        var max = ws.Max.AsSpan(0, b);
        var sum = ws.Norm.AsSpan(0, b);
        logp[..b].CopyTo(max);
        for (int c = 1; c < k; c++) TensorPrimitives.Max(max, logp.Slice(c * b, b), max);
        sum.Clear();
        for (int c = 0; c < k; c++)
        {
            var row = logp.Slice(c * b, b);
            TensorPrimitives.Subtract(row, max, row);
            TensorPrimitives.Exp(row, row);
            TensorPrimitives.Add(sum, row, sum);
        }
        TensorPrimitives.Reciprocal(sum, ws.Inverse);
        for (int c = 0; c < k; c++)
        {
            var row = logp.Slice(c * b, b);
            TensorPrimitives.Multiply(row, ws.Inverse, row);
            row[count..].Clear();
        }
        TensorPrimitives.Log(sum, sum);
        TensorPrimitives.Add(sum, max, sum);
        double ll = TensorPrimitives.Sum(sum[..count]);

        if (!responsibilities.IsEmpty)
            for (int c = 0; c < k; c++)
                for (int p = 0; p < count; p++) responsibilities[p * k + c] = logp[c * b + p];
        if (stats is null) { ws.LogLikelihood += ll; return; }
        stats.LogLikelihood += ll;

        // 3. Sufficient statistics, centred at the means.
        ref double wRef = ref MemoryMarshal.GetArrayDataReference(ws.Weighted);
        for (int c = 0; c < k; c++)
        {
            var r = logp.Slice(c * b, b);
            stats.Weight[c] += TensorPrimitives.Sum(r);
            ref double rRef = ref MemoryMarshal.GetReference(r);
            if (f.IsFull)
            {
                FillDiff(xt, stride, start, f.Means.AsSpan(c * d, d), ws.Diff, b);
                for (int dim = 0; dim < d; dim++)
                {
                    var wi = ws.Weighted.AsSpan(dim * b, b);
                    TensorPrimitives.Multiply(ws.Diff.AsSpan(dim * b, b), r, wi);
                    stats.First[c * d + dim] += TensorPrimitives.Sum(wi);
                }
                var ss = stats.Second.AsSpan(c * d * d, d * d);
                int i = 0;
                // Rows i and i+1 against four columns at a time: 6 loads feed 8 FMAs.
                for (; i + 1 < d; i += 2)
                {
                    int j = 0;
                    for (; j + 3 <= i; j += 4)
                    {
                        Vector<double> a0 = default, a1 = default, a2 = default, a3 = default;
                        Vector<double> b0 = default, b1 = default, b2 = default, b3 = default;
                        for (int v = 0; v < b; v += w)
                        {
                            var wa = Vector.LoadUnsafe(ref wRef, (nuint)(i * b + v));
                            var wb = Vector.LoadUnsafe(ref wRef, (nuint)((i + 1) * b + v));
                            var d0 = Vector.LoadUnsafe(ref diffRef, (nuint)(j * b + v));
                            var d1 = Vector.LoadUnsafe(ref diffRef, (nuint)((j + 1) * b + v));
                            var d2 = Vector.LoadUnsafe(ref diffRef, (nuint)((j + 2) * b + v));
                            var d3 = Vector.LoadUnsafe(ref diffRef, (nuint)((j + 3) * b + v));
                            a0 += wa * d0; a1 += wa * d1; a2 += wa * d2; a3 += wa * d3;
                            b0 += wb * d0; b1 += wb * d1; b2 += wb * d2; b3 += wb * d3;
                        }
                        ss[i * d + j] += Vector.Sum(a0); ss[i * d + j + 1] += Vector.Sum(a1);
                        ss[i * d + j + 2] += Vector.Sum(a2); ss[i * d + j + 3] += Vector.Sum(a3);
                        ss[(i + 1) * d + j] += Vector.Sum(b0); ss[(i + 1) * d + j + 1] += Vector.Sum(b1);
                        ss[(i + 1) * d + j + 2] += Vector.Sum(b2); ss[(i + 1) * d + j + 3] += Vector.Sum(b3);
                    }
                    DotRange(ref wRef, ref diffRef, b, i, j, i, ss, d);
                    DotRange(ref wRef, ref diffRef, b, i + 1, j, i + 1, ss, d);
                }
                if (i < d) DotRange(ref wRef, ref diffRef, b, i, 0, i, ss, d);
            }
            else
            {
                for (int i = 0; i < d; i++)
                {
                    var mean = new Vector<double>(f.Means[c * d + i]);
                    Vector<double> a1 = default, a2 = default, c1 = default, c2 = default;
                    for (int v = 0; v < b; v += 2 * w)
                    {
                        nuint o = (nuint)(i * stride + start + v);
                        var dv = Vector.LoadUnsafe(ref xRef, o) - mean;
                        var du = Vector.LoadUnsafe(ref xRef, o + (nuint)w) - mean;
                        var wv = Vector.LoadUnsafe(ref rRef, (nuint)v) * dv;
                        var wu = Vector.LoadUnsafe(ref rRef, (nuint)(v + w)) * du;
                        a1 += wv; a2 += wv * dv;
                        c1 += wu; c2 += wu * du;
                    }
                    stats.First[c * d + i] += Vector.Sum(a1 + c1);
                    stats.Second[c * d + i] += Vector.Sum(a2 + c2);
                }
            }
        }
    }

    /// <summary>ss[row, j] += Σ_points w_row · diff_j for j in [from, to].</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void DotRange(ref double wRef, ref double diffRef, int b, int row, int from, int to, Span<double> ss, int d)
    {
        int w = Vector<double>.Count;
        for (int j = from; j <= to; j++)
        {
            Vector<double> a0 = default;
            for (int v = 0; v < b; v += w)
                a0 += Vector.LoadUnsafe(ref wRef, (nuint)(row * b + v)) * Vector.LoadUnsafe(ref diffRef, (nuint)(j * b + v));
            ss[row * d + j] += Vector.Sum(a0);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void FillDiff(ReadOnlySpan<double> xt, int stride, int start, ReadOnlySpan<double> mean, double[] diff, int b)
    {
        for (int i = 0; i < mean.Length; i++)
            TensorPrimitives.Subtract(xt.Slice(i * stride + start, b), mean[i], diff.AsSpan(i * b, b));
    }
}

/// <summary>Scratch buffers of one worker of <see cref="EStepKernels.EStepBlock"/>, allocated once per fit.</summary>
internal sealed class EStepWorkspace
{
    /// <summary>Buffers for blocks of <paramref name="blockSize"/> points (a multiple of 4 <see cref="Vector{T}.Count"/>).</summary>
    public EStepWorkspace(int components, int dimension, int blockSize)
    {
        if (blockSize % (4 * Vector<double>.Count) != 0) throw new ArgumentException($"The block size {blockSize} must be a multiple of {4 * Vector<double>.Count}.");
        BlockSize = blockSize;
        Diff = new double[dimension * blockSize];
        Weighted = new double[dimension * blockSize];
        LogProb = new double[components * blockSize];
        Max = new double[blockSize];
        Norm = new double[blockSize];
        Inverse = new double[blockSize];
    }

    /// <summary>Points per block.</summary>
    public int BlockSize { get; }
    internal double[] Diff { get; }
    internal double[] Weighted { get; }
    internal double[] LogProb { get; }
    internal double[] Max { get; }
    internal double[] Norm { get; }
    internal double[] Inverse { get; }
    /// <summary>Log-likelihood accumulated by blocks run without statistics.</summary>
    public double LogLikelihood { get; set; }
}
