namespace Probabilistic.Hmm.Tagging;

/// <summary>
/// Viterbi decoding of a second-order HMM over tag pairs, with a beam. Position i has candidate tags C_i with log
/// emissions E_i; a state is a pair (t_{i−1}, t_i). δ_i(y, z) = max_x δ_{i−1}(x, y) + log P(z | x, y) + E_i(z), with
/// BOS before the sentence and log P(EOS | t_{n−2}, t_{n−1}) added at the end. After each position the states
/// below (best − log beam) are dropped; an infinite beam gives exact Viterbi. A first-order model is the special
/// case where the transition row ignores x.
/// </summary>
public sealed class TrigramViterbi
{
    private double[] _delta = new double[256];
    private int[] _back = new int[256];
    private int[] _offset = new int[16];
    private int[] _active = new int[256];

    /// <summary>
    /// Decodes the best tag sequence into <paramref name="result"/> and returns its log score.
    /// <paramref name="transitions"/>(x, y) gives log P(· | x, y) over tags 0..T−1 and EOS at index T; BOS is index T.
    /// </summary>
    public double Decode(TransitionModel transitions, IReadOnlyList<int[]> candidates, IReadOnlyList<double[]> logEmissions,
        double logBeam, Span<int> result)
    {
        int n = candidates.Count;
        if (n == 0) return 0;
        if (logEmissions.Count != n || result.Length < n) throw new ArgumentException("candidates, emissions and result must have the sentence's length");
        int boundary = transitions.TagCount;

        // Layout: states of position i occupy [_offset[i], _offset[i] + |C_{i−1}|·|C_i|), index p·|C_i| + q.
        if (_offset.Length < n + 1) _offset = new int[Math.Max(n + 1, _offset.Length * 2)];
        int total = 0;
        for (int i = 0; i < n; i++)
        {
            if (candidates[i].Length == 0) throw new ArgumentException($"position {i} has no candidate tags");
            _offset[i] = total;
            total += (i == 0 ? 1 : candidates[i - 1].Length) * candidates[i].Length;
        }
        _offset[n] = total;
        if (_delta.Length < total) { _delta = new double[Math.Max(total, _delta.Length * 2)]; _back = new int[_delta.Length]; }
        var delta = _delta;
        var back = _back;
        Array.Fill(delta, double.NegativeInfinity, 0, total);

        // Position 0: the only predecessor pair is (BOS, BOS).
        var c0 = candidates[0];
        var e0 = logEmissions[0];
        var row0 = transitions.Row(boundary, boundary);
        for (int q = 0; q < c0.Length; q++) { delta[q] = row0[c0[q]] + e0[q]; back[q] = 0; }
        int activeCount = Prune(delta, 0, c0.Length, logBeam, ref _active);

        for (int i = 1; i < n; i++)
        {
            var prev = candidates[i - 1];
            var prevPrev = i >= 2 ? candidates[i - 2] : null;
            var cur = candidates[i];
            var emit = logEmissions[i];
            int width = cur.Length, prevWidth = prev.Length;
            int baseOld = _offset[i - 1], baseNew = _offset[i];
            for (int a = 0; a < activeCount; a++)
            {
                int state = _active[a];                       // r·|C_{i−1}| + p at position i−1
                double s = delta[baseOld + state];
                int r = state / prevWidth, p = state - r * prevWidth;
                int x = prevPrev is null ? boundary : prevPrev[r];
                var row = transitions.Row(x, prev[p]);
                int dst = baseNew + p * width;
                for (int q = 0; q < width; q++)
                {
                    double v = s + row[cur[q]];
                    if (v > delta[dst + q]) { delta[dst + q] = v; back[dst + q] = r; }
                }
            }
            int count = prevWidth * width;
            for (int k = 0; k < count; k++) delta[baseNew + k] += emit[k % width];
            activeCount = Prune(delta, baseNew, count, logBeam, ref _active);
        }

        // End: add log P(EOS | t_{n−2}, t_{n−1}) and pick the best final pair.
        var last = candidates[n - 1];
        var before = n >= 2 ? candidates[n - 2] : null;
        int lastWidth = last.Length, lastBase = _offset[n - 1];
        double best = double.NegativeInfinity;
        int bestState = -1;
        for (int a = 0; a < activeCount; a++)
        {
            int state = _active[a];
            int p = state / lastWidth, q = state - p * lastWidth;
            double v = delta[lastBase + state] + transitions.Row(before is null ? boundary : before[p], last[q])[boundary];
            if (v > best) { best = v; bestState = state; }
        }
        if (bestState < 0) throw new InvalidOperationException("every path has probability zero");

        // Back-track: state (p, q) at i came from (back, p) at i−1.
        int pp = bestState / lastWidth, qq = bestState - pp * lastWidth;
        for (int i = n - 1; i >= 0; i--)
        {
            result[i] = candidates[i][qq];
            if (i == 0) break;
            int r = back[_offset[i] + pp * candidates[i].Length + qq];
            qq = pp;
            pp = r;
        }
        return best;
    }

    // Keeps the finite states within logBeam of the best; returns their count (indices relative to start).
    private static int Prune(double[] delta, int start, int count, double logBeam, ref int[] active)
    {
        double max = double.NegativeInfinity;
        for (int k = 0; k < count; k++) if (delta[start + k] > max) max = delta[start + k];
        double floor = double.IsPositiveInfinity(logBeam) ? double.NegativeInfinity : max - logBeam;
        if (active.Length < count) active = new int[Math.Max(count, active.Length * 2)];
        int m = 0;
        for (int k = 0; k < count; k++)
        {
            double v = delta[start + k];
            if (v > double.NegativeInfinity && v >= floor) active[m++] = k;
        }
        return m;
    }
}
