using System.Numerics;

namespace Probabilistic.Hmm.Kernels;

/// <summary>Viterbi decoding in log space over one sequence (hmmlearn's <c>viterbi</c> shape).</summary>
public static class ViterbiKernel
{
    /// <summary>
    /// The most probable state path into <paramref name="path"/> and its log joint probability log p(x, z*).
    /// Ties are broken deterministically towards the lowest state index (both in the recursion and at the end).
    /// Returns −∞ (path filled with zeros) when every path has probability zero.
    /// </summary>
    /// <param name="logStart">K log initial probabilities.</param>
    /// <param name="logTransitions">K×K log transition matrix, row i = from state i.</param>
    /// <param name="logFrameProb">T×K log emission densities.</param>
    /// <param name="steps">T.</param>
    /// <param name="states">K.</param>
    /// <param name="path">T states, written.</param>
    /// <param name="delta">Work: 2K doubles.</param>
    /// <param name="backPointers">Work: T×K ints.</param>
    public static double Decode(ReadOnlySpan<double> logStart, ReadOnlySpan<double> logTransitions, ReadOnlySpan<double> logFrameProb,
        int steps, int states, Span<int> path, Span<double> delta, Span<int> backPointers)
    {
        int k = states;
        var cur = delta[..k];
        var next = delta.Slice(k, k);
        for (int j = 0; j < k; j++) cur[j] = logStart[j] + logFrameProb[j];
        int width = Vector<double>.Count;
        bool vectorised = Vector.IsHardwareAccelerated && k >= width;
        Span<double> bestIndex = stackalloc double[vectorised ? k : 0];
        for (int t = 1; t < steps; t++)
        {
            var bp = backPointers.Slice(t * k, k);
            if (vectorised)
            {
                // Row by row: candidate[j] = δ[i] + log A[i,j]; replace only on a strictly larger value, so the
                // lowest i wins ties. -∞ + anything stays -∞ and never beats the first row.
                for (int j = 0; j < k; j++) next[j] = cur[0] + logTransitions[j];
                bestIndex.Clear();
                for (int i = 1; i < k; i++)
                {
                    var vi = new Vector<double>(cur[i]);
                    var index = new Vector<double>(i);
                    var row = logTransitions.Slice(i * k, k);
                    int j = 0;
                    for (; j <= k - width; j += width)
                    {
                        var cand = vi + new Vector<double>(row[j..]);
                        var best = new Vector<double>(next[j..]);
                        var better = Vector.GreaterThan(cand, best);
                        Vector.ConditionalSelect(better, cand, best).CopyTo(next[j..]);
                        Vector.ConditionalSelect(better, index, new Vector<double>(bestIndex[j..])).CopyTo(bestIndex[j..]);
                    }
                    for (; j < k; j++)
                    {
                        double c = cur[i] + row[j];
                        if (c > next[j]) { next[j] = c; bestIndex[j] = i; }
                    }
                }
                for (int j = 0; j < k; j++) bp[j] = (int)bestIndex[j];
            }
            else
            {
                for (int j = 0; j < k; j++)
                {
                    double best = cur[0] + logTransitions[j];
                    int arg = 0;
                    for (int i = 1; i < k; i++)
                    {
                        double c = cur[i] + logTransitions[i * k + j];
                        if (c > best) { best = c; arg = i; }
                    }
                    next[j] = best;
                    bp[j] = arg;
                }
            }
            var frame = logFrameProb.Slice(t * k, k);
            for (int j = 0; j < k; j++) next[j] += frame[j];
            var swap = cur; cur = next; next = swap;
        }
        int last = 0;
        double score = cur[0];
        for (int j = 1; j < k; j++) if (cur[j] > score) { score = cur[j]; last = j; }
        if (double.IsNaN(score)) throw new ArgumentException("Viterbi met a NaN log-density.");
        if (double.IsNegativeInfinity(score)) { path[..steps].Clear(); return score; }
        path[steps - 1] = last;
        for (int t = steps - 1; t > 0; t--) path[t - 1] = backPointers[t * k + path[t]];
        return score;
    }
}
