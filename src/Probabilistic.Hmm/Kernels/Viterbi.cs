using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

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
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
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
                // Per block of `width` target states j: best = δ[0] + log A[0, j]; then for i = 1..K−1 replace where
                // δ[i] + log A[i, j] is strictly larger, so the lowest i wins ties. Best and argmax stay in registers;
                // −∞ + anything stays −∞ and never beats the first row.
                ref double logA = ref MemoryMarshal.GetReference(logTransitions);
                ref double d0 = ref MemoryMarshal.GetReference(cur);
                int j = 0;
                for (; j <= k - width; j += width)
                {
                    var best = new Vector<double>(d0) + Vector.LoadUnsafe(ref logA, (nuint)j);
                    var arg = Vector<double>.Zero;
                    for (int i = 1; i < k; i++)
                    {
                        var cand = new Vector<double>(Unsafe.Add(ref d0, i)) + Vector.LoadUnsafe(ref logA, (nuint)(i * k + j));
                        var better = Vector.GreaterThan(cand, best);
                        best = Vector.ConditionalSelect(better, cand, best);
                        arg = Vector.ConditionalSelect(better, new Vector<double>(i), arg);
                    }
                    best.CopyTo(next[j..]);
                    arg.CopyTo(bestIndex[j..]);
                }
                for (; j < k; j++)
                {
                    double b = cur[0] + logTransitions[j];
                    int a = 0;
                    for (int i = 1; i < k; i++)
                    {
                        double c = cur[i] + logTransitions[i * k + j];
                        if (c > b) { b = c; a = i; }
                    }
                    next[j] = b;
                    bestIndex[j] = a;
                }
                for (int q = 0; q < k; q++) bp[q] = (int)bestIndex[q];
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
