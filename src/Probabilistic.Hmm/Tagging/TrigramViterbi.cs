using Probabilistic.Hmm.Kernels;

namespace Probabilistic.Hmm.Tagging;

/// <summary>
/// Viterbi decoding of a second-order HMM over tag pairs, with a beam. Position i has candidate tags C_i with log
/// emissions E_i; a state is a pair (t_{i−1}, t_i). δ_i(y, z) = max_x δ_{i−1}(x, y) + log P(z | x, y) + E_i(z), with
/// BOS before the sentence and log P(EOS | t_{n−2}, t_{n−1}) added at the end. After each position the states
/// below (best − log beam) are dropped; an infinite beam gives exact Viterbi. A first-order model is the special
/// case where the transition row ignores x. The recursion is <see cref="CandidateLattice.ViterbiSecondOrder"/>; this
/// class flattens the candidates into its reusable buffers (one instance per thread).
/// </summary>
public sealed class TrigramViterbi
{
    private int[] _offsets = new int[17];
    private int[] _tags = new int[64];
    private double[] _scores = new double[64];
    private int[] _path = new int[16];
    private int[] _pairOffsets = new int[17];
    private double[] _delta = new double[256];
    private int[] _back = new int[256];
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
        Grow(ref _offsets, n + 1);
        Grow(ref _pairOffsets, n + 1);
        Grow(ref _path, n);
        int total = 0, pairs = 0;
        for (int i = 0; i < n; i++)
        {
            int width = candidates[i].Length;
            if (width == 0) throw new ArgumentException($"position {i} has no candidate tags");
            if (logEmissions[i].Length != width) throw new ArgumentException($"position {i} has {width} candidates but {logEmissions[i].Length} emissions");
            pairs += (i == 0 ? 1 : candidates[i - 1].Length) * width;
            total += width;
        }
        Grow(ref _tags, total);
        Grow(ref _scores, total);
        Grow(ref _delta, pairs);
        Grow(ref _back, pairs);
        Grow(ref _active, pairs);
        int at = 0;
        for (int i = 0; i < n; i++)
        {
            _offsets[i] = at;
            candidates[i].CopyTo(_tags, at);
            logEmissions[i].CopyTo(_scores, at);
            at += candidates[i].Length;
        }
        _offsets[n] = at;
        double best = CandidateLattice.ViterbiSecondOrder(new Rows(transitions), _offsets.AsSpan(0, n + 1), _tags.AsSpan(0, total),
            _scores.AsSpan(0, total), transitions.TagCount, logBeam, _path, _pairOffsets, _delta, _back, _active);
        for (int i = 0; i < n; i++) result[i] = candidates[i][_path[i]];
        return best;
    }

    private static void Grow<T>(ref T[] array, int size)
    {
        if (array.Length < size) array = new T[Math.Max(size, array.Length * 2)];
    }

    private readonly struct Rows(TransitionModel model) : ILatticeRows
    {
        public ReadOnlySpan<double> Row(int x, int y) => model.Row(x, y);
    }
}
