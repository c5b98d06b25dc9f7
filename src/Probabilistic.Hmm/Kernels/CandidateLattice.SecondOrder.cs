using System.Runtime.CompilerServices;

namespace Probabilistic.Hmm.Kernels;

public static partial class CandidateLattice
{
    /// <summary>
    /// Viterbi of a second-order chain over pair states (t_{i−1}, t_i), with a beam: δ_i(y, z) = max_x δ_{i−1}(x, y) +
    /// Row(x, y)[z] + score_i(z), BOS before the sentence and Row(t_{n−2}, t_{n−1})[EOS] at the end. After each position
    /// the states below (best − <paramref name="logBeam"/>) are dropped; +∞ gives exact Viterbi. Writes the best candidate
    /// index (relative to its position's offset) into <paramref name="path"/> and returns the best score.
    /// </summary>
    /// <param name="rows">Log transition rows (a first-order chain is the case where Row ignores x).</param>
    /// <param name="offsets">n + 1 ascending offsets.</param>
    /// <param name="tags">Candidate tags, flattened.</param>
    /// <param name="scores">Node log scores, flattened.</param>
    /// <param name="boundary">B.</param>
    /// <param name="logBeam">log of the beam ratio (≥ 0; +∞ for exact).</param>
    /// <param name="path">n candidate indices, written.</param>
    /// <param name="pairOffsets">Work, n + 1 values (filled by <see cref="PairOffsets"/>).</param>
    /// <param name="delta">Work, one value per pair state.</param>
    /// <param name="back">Work, one value per pair state.</param>
    /// <param name="active">Work, one value per pair state.</param>
    /// <exception cref="InvalidOperationException">Every path has probability zero.</exception>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static double ViterbiSecondOrder<TRows>(in TRows rows, ReadOnlySpan<int> offsets, ReadOnlySpan<int> tags, ReadOnlySpan<double> scores,
        int boundary, double logBeam, Span<int> path, Span<int> pairOffsets, Span<double> delta, Span<int> back, Span<int> active)
        where TRows : ILatticeRows
    {
        int n = offsets.Length - 1;
        if (n <= 0) throw new ArgumentException("a lattice needs at least one position", nameof(offsets));
        int total = PairOffsets(offsets, pairOffsets);
        delta[..total].Fill(double.NegativeInfinity);

        // Position 0: the only predecessor pair is (BOS, BOS).
        int width0 = offsets[1] - offsets[0];
        var row0 = rows.Row(boundary, boundary);
        for (int q = 0; q < width0; q++) { delta[q] = row0[tags[q]] + scores[q]; back[q] = 0; }
        int activeCount = Prune(delta, 0, width0, logBeam, active);

        for (int i = 1; i < n; i++)
        {
            int prevStart = offsets[i - 1], curStart = offsets[i];
            int prevPrevStart = i >= 2 ? offsets[i - 2] : -1;
            int width = offsets[i + 1] - curStart, prevWidth = curStart - prevStart;
            int baseOld = pairOffsets[i - 1], baseNew = pairOffsets[i];
            var cur = tags.Slice(curStart, width);
            for (int a = 0; a < activeCount; a++)
            {
                int state = active[a];                       // r·|C_{i−1}| + p at position i−1
                double s = delta[baseOld + state];
                int r = state / prevWidth, p = state - r * prevWidth;
                int x = prevPrevStart < 0 ? boundary : tags[prevPrevStart + r];
                var row = rows.Row(x, tags[prevStart + p]);
                int dst = baseNew + p * width;
                for (int q = 0; q < width; q++)
                {
                    double v = s + row[cur[q]];
                    if (v > delta[dst + q]) { delta[dst + q] = v; back[dst + q] = r; }
                }
            }
            int count = prevWidth * width;
            var emit = scores.Slice(curStart, width);
            for (int k = 0; k < count; k++) delta[baseNew + k] += emit[k % width];
            activeCount = Prune(delta, baseNew, count, logBeam, active);
        }

        // End: add Row(t_{n−2}, t_{n−1})[EOS] and pick the best final pair.
        int lastStart = offsets[n - 1], lastWidth = offsets[n] - lastStart, lastBase = pairOffsets[n - 1];
        int beforeStart = n >= 2 ? offsets[n - 2] : -1;
        double best = double.NegativeInfinity;
        int bestState = -1;
        for (int a = 0; a < activeCount; a++)
        {
            int state = active[a];
            int p = state / lastWidth, q = state - p * lastWidth;
            double v = delta[lastBase + state] + rows.Row(beforeStart < 0 ? boundary : tags[beforeStart + p], tags[lastStart + q])[boundary];
            if (v > best) { best = v; bestState = state; }
        }
        if (bestState < 0) throw new InvalidOperationException("every path has probability zero");

        // Back-track: state (p, q) at i came from (back, p) at i−1.
        int pp = bestState / lastWidth, qq = bestState - pp * lastWidth;
        for (int i = n - 1; i >= 0; i--)
        {
            path[i] = qq;
            if (i == 0) break;
            int r = back[pairOffsets[i] + pp * (offsets[i + 1] - offsets[i]) + qq];
            qq = pp;
            pp = r;
        }
        return best;
    }

    // Keeps the finite states within logBeam of the best; returns their count (indices relative to start).
    private static int Prune(Span<double> delta, int start, int count, double logBeam, Span<int> active)
    {
        double max = double.NegativeInfinity;
        for (int k = 0; k < count; k++) if (delta[start + k] > max) max = delta[start + k];
        double floor = double.IsPositiveInfinity(logBeam) ? double.NegativeInfinity : max - logBeam;
        int m = 0;
        for (int k = 0; k < count; k++)
        {
            double v = delta[start + k];
            if (v > double.NegativeInfinity && v >= floor) active[m++] = k;
        }
        return m;
    }
}
