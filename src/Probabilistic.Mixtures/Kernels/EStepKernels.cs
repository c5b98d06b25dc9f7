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
    /// <paramref name="stride"/>, zero-padded to whole blocks, stored shifted as <paramref name="f"/> was prepared for):
    /// log densities, responsibilities, the block's log-likelihood and, when <paramref name="stats"/> is given, its
    /// sufficient statistics (centred at the component means, which must equal <c>stats.Reference</c>). Only the lower
    /// triangle of full second moments is filled. The arithmetic is in <see cref="TiledKernels"/>.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void EStepBlock(ReadOnlySpan<double> xt, int stride, int start, int count, BlockFactors f,
        EStepWorkspace ws, GaussianStatistics? stats, Span<double> responsibilities = default)
    {
        int d = f.Dimension, k = f.Components, b = ws.BlockSize;
        var logp = ws.LogProb.AsSpan(0, k * b);
        ref double x = ref Unsafe.Add(ref MemoryMarshal.GetReference(xt), start);
        ref double lpRef = ref MemoryMarshal.GetArrayDataReference(ws.LogProb);

        // 1. log w_k + log N(x; μ_k, Σ_k), SIMD across points.
        if (f.IsFull)
            for (int c = 0; c < k; c++) TiledKernels.FullLogDensity(ref x, stride, b, f, c, ref Unsafe.Add(ref lpRef, c * b));
        else
            for (int c = 0; c < k; c += 2)
            {
                int c1 = Math.Min(c + 1, k - 1);
                TiledKernels.DiagLogDensityPair(ref x, stride, b, f, c, c1, ref Unsafe.Add(ref lpRef, c * b), ref Unsafe.Add(ref lpRef, c1 * b));
            }

        // 2. log p(x) = logsumexp over components; responsibilities r = exp(logp − log p(x)).
        var norm = ws.Norm.AsSpan(0, b);
        TiledKernels.Responsibilities(logp, k, b, ws.Max, norm);
        if (count < b)
            for (int c = 0; c < k; c++) logp.Slice(c * b + count, b - count).Clear();
        double ll = TensorPrimitives.Sum(norm[..count]);

        if (!responsibilities.IsEmpty)
            for (int c = 0; c < k; c++)
                for (int p = 0; p < count; p++) responsibilities[p * k + c] = logp[c * b + p];
        if (stats is null) { ws.LogLikelihood += ll; return; }
        stats.LogLikelihood += ll;

        // 3. Sufficient statistics, centred at the means.
        var weight = ws.BlockWeight;
        for (int c = 0; c < k; c++) stats.Weight[c] += weight[c] = TensorPrimitives.Sum(logp.Slice(c * b, b));
        if (f.IsFull) AccumulateFull(ref x, stride, f, ws, stats);
        else AccumulateDiagonal(ref x, stride, f, ws, stats);
    }

    /// <summary>Full second moments of one block: per component the weighted differences r ∘ (x' − μ'), then the rank-b update.</summary>
    private static void AccumulateFull(ref double x, int stride, BlockFactors f, EStepWorkspace ws, GaussianStatistics stats)
    {
        int d = f.Dimension, b = ws.BlockSize;
        ref double lpRef = ref MemoryMarshal.GetArrayDataReference(ws.LogProb);
        ref double wts = ref MemoryMarshal.GetArrayDataReference(ws.Weighted);
        var first = ws.First.AsSpan(0, d);
        for (int c = 0; c < f.Components; c++)
        {
            var mean = f.ShiftedMeans.AsSpan(c * d, d);
            TiledKernels.FullWeightedDiffs(ref x, stride, b, d, mean, ref Unsafe.Add(ref lpRef, c * b), ref wts, first);
            TensorPrimitives.Add(stats.First.AsSpan(c * d, d), first, stats.First.AsSpan(c * d, d));
            TiledKernels.FullSecondMoments(ref wts, ref x, stride, b, d, first, mean, stats.Second.AsSpan(c * d * d, d * d));
        }
    }

    /// <summary>
    /// Diagonal moments of one block: Σ r x' and Σ r x'² about the data's origin (x' is centred on the data mean), moved to
    /// the component means: Σ r (x' − μ') = S1 − μ'S0 and Σ r (x' − μ')² = S2 − 2μ'S1 + μ'²S0 (scikit-learn's diagonal
    /// M-step expands likewise).
    /// </summary>
    private static void AccumulateDiagonal(ref double x, int stride, BlockFactors f, EStepWorkspace ws, GaussianStatistics stats)
    {
        int d = f.Dimension, k = f.Components;
        TiledKernels.DiagRawMoments(ref x, stride, ws.BlockSize, d, k, ref MemoryMarshal.GetArrayDataReference(ws.LogProb), ws.First, ws.Second);
        for (int c = 0; c < k; c++)
        {
            double s0 = ws.BlockWeight[c];
            for (int i = 0; i < d; i++)
            {
                int e = c * d + i;
                double mu = f.ShiftedMeans[e], s1 = ws.First[e];
                stats.First[e] += s1 - mu * s0;
                stats.Second[e] += ws.Second[e] - mu * (2 * s1 - mu * s0);
            }
        }
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
        int rows = (dimension + BlockFactors.Rows - 1) / BlockFactors.Rows * BlockFactors.Rows; // whole 4-row tiles; the padding stays zero
        Weighted = new double[rows * blockSize];
        LogProb = new double[components * blockSize];
        Max = new double[blockSize];
        Norm = new double[blockSize];
        BlockWeight = new double[components];
        First = new double[components * dimension];
        Second = new double[components * dimension];
    }

    /// <summary>Points per block.</summary>
    public int BlockSize { get; }
    internal double[] Weighted { get; }
    internal double[] LogProb { get; }
    internal double[] Max { get; }
    internal double[] Norm { get; }
    internal double[] BlockWeight { get; }
    internal double[] First { get; }
    internal double[] Second { get; }
    /// <summary>Log-likelihood accumulated by blocks run without statistics.</summary>
    public double LogLikelihood { get; set; }
}
