using System.Runtime.CompilerServices;

namespace Probabilistic.Hmm.Kernels;

/// <summary>Log transition rows of a second-order chain: Row(x, y)[z] = score of z after (x, y); index B is BOS as context, EOS as prediction.</summary>
public interface ILatticeRows
{
    /// <summary>The S scores of the next symbol after the context (x, y).</summary>
    ReadOnlySpan<double> Row(int x, int y);
}

/// <summary>A dense (B+1)³ log table as <see cref="ILatticeRows"/>: [(x·S + y)·S + z].</summary>
public readonly struct DenseLatticeRows(double[] table, int size) : ILatticeRows
{
    /// <inheritdoc/>
    public ReadOnlySpan<double> Row(int x, int y) => new(table, (x * size + y) * size, size);
}

/// <summary>
/// Forward-backward and Viterbi over a sparse-candidate lattice: position i of a sentence of n tokens may take only the
/// tags <c>tags[offsets[i] .. offsets[i+1])</c> (a tagger's candidates for that word: the tags it was seen with, or the
/// unknown-word model's). Every array is flattened in that order, one value per (position, candidate). Tags are 0..B−1;
/// the boundary B is BOS as context and EOS as prediction, so a transition table has S = B + 1 rows and columns.
/// The HMM tagger decodes with these kernels, its semi-supervised EM runs forward-backward through them, and the CRF
/// trains and decodes with them: a first-order chain (states are candidates; a position costs |C_{i−1}|·|C_i|) and a
/// second-order chain (states are candidate pairs (t_{i−1}, t_i); a position costs |C_{i−2}|·|C_{i−1}|·|C_i|).
/// </summary>
/// <remarks>
/// Forward-backward works in linear space with a per-position normaliser c_i (as <see cref="ForwardBackward.ForwardScaled"/>):
/// the caller passes potentials, typically exp(score − shift) so none overflows, and adds the shifts back to log Z. A
/// normaliser that is not a positive normal number throws (some position has no path of positive weight).
/// Viterbi works in log space; ties go to the lowest candidate index, in the recursion and at the end.
/// </remarks>
public static partial class CandidateLattice
{
    /// <summary>
    /// Scaled forward-backward of a first-order chain. Returns log Z − (the shifts in the potentials) =
    /// Σ_i log c_i + log f, where f is the EOS sum; fills <paramref name="marginals"/> with P(y_i = candidate) and adds the
    /// expected transition counts E[c(y, z)] (BOS → first and last → EOS included) into <paramref name="transitionCounts"/>
    /// (S×S, row = from; skipped when empty).
    /// </summary>
    /// <param name="offsets">n + 1 ascending offsets, offsets[0] = 0.</param>
    /// <param name="tags">Candidate tags, flattened.</param>
    /// <param name="potentials">Node potentials φ_i(candidate) ≥ 0, flattened.</param>
    /// <param name="transitions">S×S transition potentials ψ(y, z) ≥ 0.</param>
    /// <param name="boundary">B (S = B + 1).</param>
    /// <param name="alpha">Work, offsets[n] values.</param>
    /// <param name="beta">Work, offsets[n] values.</param>
    /// <param name="scale">Work, n values.</param>
    /// <param name="marginals">Output, offsets[n] values (may alias nothing else).</param>
    /// <param name="transitionCounts">S×S accumulator, or empty.</param>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static double ForwardBackwardFirstOrder(ReadOnlySpan<int> offsets, ReadOnlySpan<int> tags, ReadOnlySpan<double> potentials,
        ReadOnlySpan<double> transitions, int boundary, Span<double> alpha, Span<double> beta, Span<double> scale,
        Span<double> marginals, Span<double> transitionCounts)
    {
        int n = offsets.Length - 1, s = boundary + 1;
        if (n <= 0) throw new ArgumentException("a lattice needs at least one position", nameof(offsets));
        // Forward.
        double c = 0;
        for (int k = offsets[0]; k < offsets[1]; k++) c += alpha[k] = transitions[boundary * s + tags[k]] * potentials[k];
        Normalise(alpha, offsets[0], offsets[1], c, 0);
        scale[0] = c;
        double logZ = Math.Log(c);
        for (int i = 1; i < n; i++)
        {
            int from = offsets[i - 1], to = offsets[i], end = offsets[i + 1];
            c = 0;
            for (int k = to; k < end; k++)
            {
                int z = tags[k];
                double a = 0;
                for (int j = from; j < to; j++) a += alpha[j] * transitions[tags[j] * s + z];
                c += alpha[k] = a * potentials[k];
            }
            Normalise(alpha, to, end, c, i);
            scale[i] = c;
            logZ += Math.Log(c);
        }
        int lastFrom = offsets[n - 1], lastTo = offsets[n];
        double f = 0;
        for (int k = lastFrom; k < lastTo; k++) f += alpha[k] * (beta[k] = transitions[tags[k] * s + boundary]);
        if (!(f >= 1e-300)) throw new ArgumentException("no path of positive weight reaches the end of the sentence");
        logZ += Math.Log(f);
        double invF = 1 / f;
        for (int k = lastFrom; k < lastTo; k++) beta[k] *= invF;

        // Backward: β̂_i(y) = Σ_z ψ(y, z) φ_{i+1}(z) β̂_{i+1}(z) / c_{i+1}; pair marginals α̂_i(y) ψ(y, z) φ_{i+1}(z) β̂_{i+1}(z) / c_{i+1}.
        bool counts = !transitionCounts.IsEmpty;
        for (int i = n - 2; i >= 0; i--)
        {
            int from = offsets[i], to = offsets[i + 1], end = offsets[i + 2];
            double inv = 1 / scale[i + 1];
            for (int j = from; j < to; j++)
            {
                int row = tags[j] * s;
                double b = 0, a = alpha[j];
                for (int k = to; k < end; k++)
                {
                    double m = transitions[row + tags[k]] * potentials[k] * beta[k] * inv;
                    b += m;
                    if (counts) transitionCounts[row + tags[k]] += a * m;
                }
                beta[j] = b;
            }
        }
        for (int k = 0; k < lastTo; k++) marginals[k] = alpha[k] * beta[k];
        if (counts)
        {
            for (int k = offsets[0]; k < offsets[1]; k++) transitionCounts[boundary * s + tags[k]] += marginals[k];
            for (int k = lastFrom; k < lastTo; k++) transitionCounts[tags[k] * s + boundary] += marginals[k];
        }
        return logZ;
    }

    /// <summary>
    /// Viterbi of a first-order chain in log space: writes the best candidate index (relative to its position's offset)
    /// into <paramref name="path"/> and returns the best score Σ node + Σ transition (BOS and EOS included).
    /// </summary>
    /// <param name="offsets">n + 1 ascending offsets.</param>
    /// <param name="tags">Candidate tags, flattened.</param>
    /// <param name="scores">Node log scores, flattened.</param>
    /// <param name="transitions">S×S log transition scores.</param>
    /// <param name="boundary">B.</param>
    /// <param name="path">n candidate indices, written.</param>
    /// <param name="delta">Work, offsets[n] values.</param>
    /// <param name="back">Work, offsets[n] values.</param>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static double ViterbiFirstOrder(ReadOnlySpan<int> offsets, ReadOnlySpan<int> tags, ReadOnlySpan<double> scores,
        ReadOnlySpan<double> transitions, int boundary, Span<int> path, Span<double> delta, Span<int> back)
    {
        int n = offsets.Length - 1, s = boundary + 1;
        if (n <= 0) throw new ArgumentException("a lattice needs at least one position", nameof(offsets));
        for (int k = offsets[0]; k < offsets[1]; k++) delta[k] = transitions[boundary * s + tags[k]] + scores[k];
        for (int i = 1; i < n; i++)
        {
            int from = offsets[i - 1], to = offsets[i], end = offsets[i + 1];
            for (int k = to; k < end; k++)
            {
                int z = tags[k];
                double best = double.NegativeInfinity;
                int arg = from;
                for (int j = from; j < to; j++)
                {
                    double v = delta[j] + transitions[tags[j] * s + z];
                    if (v > best) { best = v; arg = j; }
                }
                delta[k] = best + scores[k];
                back[k] = arg;
            }
        }
        int lastFrom = offsets[n - 1], lastTo = offsets[n];
        double score = double.NegativeInfinity;
        int last = lastFrom;
        for (int k = lastFrom; k < lastTo; k++)
        {
            double v = delta[k] + transitions[tags[k] * s + boundary];
            if (v > score) { score = v; last = k; }
        }
        if (double.IsNaN(score)) throw new ArgumentException("Viterbi met a NaN score");
        for (int i = n - 1; i >= 0; i--)
        {
            path[i] = last - offsets[i];
            if (i > 0) last = back[last];
        }
        return score;
    }

    /// <summary>Pair-state offsets of a second-order chain: pairOffsets[i] = Σ_{j&lt;i} |C_{j−1}|·|C_j| (|C_{−1}| = 1); n + 1 values.</summary>
    public static int PairOffsets(ReadOnlySpan<int> offsets, Span<int> pairOffsets)
    {
        int n = offsets.Length - 1, total = 0;
        for (int i = 0; i < n; i++)
        {
            pairOffsets[i] = total;
            total += (i == 0 ? 1 : offsets[i] - offsets[i - 1]) * (offsets[i + 1] - offsets[i]);
        }
        pairOffsets[n] = total;
        return total;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Normalise(Span<double> a, int from, int to, double sum, int position)
    {
        if (!(sum >= 1e-300))
            throw new ArgumentException($"no path of positive weight reaches position {position + 1} (its normaliser is {sum})");
        double inv = 1 / sum;
        for (int k = from; k < to; k++) a[k] *= inv;
    }
}
