using ILGPU;
using ILGPU.Algorithms;

namespace Probabilistic.Mixtures.Gpu;

/// <summary>Sizes passed to every kernel.</summary>
/// <param name="N">Points.</param>
/// <param name="D">Dimension.</param>
/// <param name="K">Components.</param>
/// <param name="Full">1: factors are K lower-triangular L⁻¹ (full, tied); 0: K×D inverse standard deviations.</param>
/// <param name="Chunk">Points per partial sum in <see cref="GpuKernels.AccumulateStatistics"/>.</param>
/// <param name="Stats">Statistics per component: 1 + D + (Full ? D(D+1)/2 : D).</param>
public readonly record struct GpuShape(int N, int D, int K, int Full, int Chunk, int Stats);

/// <summary>
/// ILGPU kernels, single precision, mirroring the CPU kernels of <see cref="Kernels.EStepKernels"/>:
/// <see cref="EstimateLogProbResp"/> is <c>EstimateWeightedLogProb</c> + <c>LogResponsibilities</c> (one thread per
/// point), <see cref="AccumulateStatistics"/> is <c>AccumulateStatistics</c> (one thread per chunk of points,
/// component and statistic: a partial sum reduced over chunks on the host).
/// </summary>
public static class GpuKernels
{
    /// <summary>
    /// Point n: log w_k + log N(x_n; μ_k, Σ_k) for each k, then responsibilities r_nk into <paramref name="resp"/> [N×K]
    /// and log p(x_n) into <paramref name="logNorm"/> [N].
    /// </summary>
    public static void EstimateLogProbResp(Index1D n, GpuShape s, ArrayView<float> x, ArrayView<float> means,
        ArrayView<float> factors, ArrayView<float> logNormalizers, ArrayView<float> resp, ArrayView<float> logNorm)
    {
        int d = s.D, k = s.K;
        int p = n;
        long xo = (long)p * d, ro = (long)p * k;
        float max = float.NegativeInfinity;
        for (int c = 0; c < k; c++)
        {
            float maha = 0;
            if (s.Full != 0)
            {
                long fo = (long)c * d * d;
                for (int j = 0; j < d; j++)
                {
                    float y = 0;
                    for (int i = 0; i <= j; i++) y += factors[fo + j * d + i] * (x[xo + i] - means[c * d + i]);
                    maha += y * y;
                }
            }
            else
            {
                for (int i = 0; i < d; i++)
                {
                    float t = (x[xo + i] - means[c * d + i]) * factors[c * d + i];
                    maha += t * t;
                }
            }
            float lp = logNormalizers[c] - 0.5f * maha;
            resp[ro + c] = lp;
            max = XMath.Max(max, lp);
        }
        float sum = 0;
        for (int c = 0; c < k; c++) sum += XMath.Exp(resp[ro + c] - max);
        float lse = max + XMath.Log(sum);
        logNorm[p] = lse;
        for (int c = 0; c < k; c++) resp[ro + c] = XMath.Exp(resp[ro + c] - lse);
    }

    /// <summary>
    /// Thread t = (chunk, component c, statistic q): Σ over the chunk's points of r_nc·f_q(x_n − m_c), with f_0 = 1,
    /// f_{1+i} = (x−m)_i, then (x−m)_i(x−m)_j over the lower triangle (full) or (x−m)_i² (diagonal). Output
    /// <paramref name="partial"/>[t].
    /// </summary>
    public static void AccumulateStatistics(Index1D t, GpuShape s, ArrayView<float> x, ArrayView<float> means,
        ArrayView<float> resp, ArrayView<float> partial)
    {
        long tt = (int)t;
        int q = (int)(tt % s.Stats);
        int c = (int)(tt / s.Stats % s.K);
        int chunk = (int)(tt / ((long)s.Stats * s.K));
        int d = s.D;
        int i = -1, j = -1;
        if (q >= 1 && q <= d) i = q - 1;
        else if (q > d)
        {
            int r = q - 1 - d;
            if (s.Full != 0)
            {
                int row = 0;
                while (r > row) { r -= row + 1; row++; }
                i = row; j = r;
            }
            else { i = r; j = r; }
        }
        int from = chunk * s.Chunk;
        int to = XMath.Min(from + s.Chunk, s.N);
        float acc = 0;
        for (int n = from; n < to; n++)
        {
            float w = resp[(long)n * s.K + c];
            if (i >= 0) w *= x[(long)n * d + i] - means[c * d + i];
            if (j >= 0) w *= x[(long)n * d + j] - means[c * d + j];
            acc += w;
        }
        partial[t] = acc;
    }
}
