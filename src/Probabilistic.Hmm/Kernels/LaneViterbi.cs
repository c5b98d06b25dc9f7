using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Probabilistic.Hmm.Kernels;

/// <summary>
/// <see cref="ViterbiKernel.Decode"/> on W = <see cref="LaneForwardBackward.Lanes"/> sequences at once, one per SIMD
/// lane, in the lane-interleaved layout of <see cref="LaneForwardBackward"/>. The recursion does the same additions
/// and comparisons in the same order as the one-sequence kernel (lowest state wins ties), so scores and paths are
/// identical to it; only the back-tracking runs lane by lane.
/// </summary>
public static class LaneViterbi
{
    /// <summary>
    /// Decodes the lanes: <paramref name="logFrameProb"/> is T×K×W (padding steps any finite value), each used lane's
    /// best path goes to <paramref name="paths"/>[l·T ..] (its first lengths[l] entries) and its log joint probability
    /// to <paramref name="scores"/>[l]. A lane whose best score is NaN or −∞ gets its score but no path: the caller
    /// re-runs it on the one-sequence kernel, which refuses or reports it.
    /// </summary>
    /// <param name="logStart">K log initial probabilities.</param>
    /// <param name="logTransitions">K×K log transition matrix, row i = from state i.</param>
    /// <param name="logFrameProb">T×K×W log emission densities.</param>
    /// <param name="steps">T, the longest lane's length.</param>
    /// <param name="states">K.</param>
    /// <param name="lengths">W step counts, 0 for an unused lane.</param>
    /// <param name="scores">W best log joint probabilities, written.</param>
    /// <param name="paths">W×T states, written.</param>
    /// <param name="delta">Work: 3·K·W doubles.</param>
    /// <param name="backPointers">Work: T×K×W.</param>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Decode(ReadOnlySpan<double> logStart, ReadOnlySpan<double> logTransitions, ReadOnlySpan<double> logFrameProb,
        int steps, int states, ReadOnlySpan<long> lengths, Span<double> scores, Span<int> paths, Span<double> delta, Span<long> backPointers)
    {
        int w = LaneForwardBackward.Lanes, k = states, kw = k * w;
        ref double f = ref MemoryMarshal.GetReference(logFrameProb);
        ref double logA = ref MemoryMarshal.GetReference(logTransitions);
        ref double cur = ref MemoryMarshal.GetReference(delta);
        ref double next = ref Unsafe.Add(ref cur, kw);
        ref double final = ref Unsafe.Add(ref cur, 2 * kw);   // δ at each lane's last step
        ref long bp = ref MemoryMarshal.GetReference(backPointers);
        var length = new Vector<long>(lengths);
        var lastStep = length - Vector<long>.One;
        var atEnd = Vector.Equals(Vector<long>.Zero, lastStep);
        for (int j = 0; j < k; j++)
        {
            var d = new Vector<double>(logStart[j]) + Vector.LoadUnsafe(ref f, (nuint)(j * w));
            d.StoreUnsafe(ref cur, (nuint)(j * w));
            Vector.ConditionalSelect(atEnd, d, Vector<double>.Zero).StoreUnsafe(ref final, (nuint)(j * w));
        }
        for (int t = 1; t < steps; t++)
        {
            nuint row = (nuint)(t * kw);
            atEnd = Vector.Equals(new Vector<long>(t), lastStep);
            for (int j = 0; j < k; j++)
            {
                var best = Vector.LoadUnsafe(ref cur, 0) + new Vector<double>(Unsafe.Add(ref logA, j));
                var arg = Vector<long>.Zero;
                for (int i = 1; i < k; i++)
                {
                    var cand = Vector.LoadUnsafe(ref cur, (nuint)(i * w)) + new Vector<double>(Unsafe.Add(ref logA, i * k + j));
                    var better = Vector.GreaterThan(cand, best);
                    best = Vector.ConditionalSelect(better, cand, best);
                    arg = Vector.ConditionalSelect(better, new Vector<long>(i), arg);
                }
                best += Vector.LoadUnsafe(ref f, row + (nuint)(j * w));
                best.StoreUnsafe(ref next, (nuint)(j * w));
                arg.StoreUnsafe(ref bp, row + (nuint)(j * w));
                nuint at = (nuint)(j * w);
                Vector.ConditionalSelect(atEnd, best, Vector.LoadUnsafe(ref final, at)).StoreUnsafe(ref final, at);
            }
            ref double swap = ref cur;
            cur = ref next;
            next = ref swap;
        }
        for (int l = 0; l < w; l++)
        {
            int n = (int)lengths[l];
            if (n == 0) continue;
            int last = 0;
            double score = Unsafe.Add(ref final, l);
            for (int j = 1; j < k; j++)
            {
                double v = Unsafe.Add(ref final, j * w + l);
                if (v > score) { score = v; last = j; }
            }
            scores[l] = score;
            if (!double.IsFinite(score)) continue;
            var path = paths.Slice(l * steps, n);
            path[n - 1] = last;
            for (int t = n - 1; t > 0; t--) path[t - 1] = (int)Unsafe.Add(ref bp, (t * k + path[t]) * w + l);
        }
    }
}
