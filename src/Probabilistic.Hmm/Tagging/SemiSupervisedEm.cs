using Probabilistic.Core.Inference;

namespace Probabilistic.Hmm.Tagging;

/// <summary>
/// Baum-Welch on untagged sentences combined with weighted tagged counts, over the tagger's own second-order state space
/// (pairs (t_{i−1}, t_i) of candidate tags; for an order-2 tagger the transition row ignores t_{i−2}). The objective,
/// reported on Core's <see cref="ElboDriver"/>, is J(θ) = λ · log p_θ(tagged words, tags) + Σ_s log p_θ(untagged s), where
/// θ is a full trigram table P(z | x, y) (bigram P(z | y) for order 2) and emissions P(w | t) over the vocabulary of
/// both texts. The M-step sets θ to the relative frequencies of λ·c_tagged + E_θ[c_untagged], the exact maximiser of the
/// EM bound, so J never decreases (Dempster, Laird &amp; Rubin 1977). Each word keeps its candidate tags from the start
/// (a tagged word: the tags it was seen with; an untagged-only word: the supervised tagger's suffix candidates), since
/// EM keeps zero probabilities at zero. The start θ₀ is the supervised tagger: its smoothed transition rows
/// (renormalised), P(w | t) = (1 − ε_t) c(w, t) / c(t) for tagged words, and for untagged-only words
/// ε_t · q(w | t) with q ∝ (untagged frequency of w) · exp(the tagger's unknown-word score), where
/// ε_t = (h_t + 1) / (c(t) + h_t + 1) and h_t is the number of words seen once with tag t (a Good-Turing-style
/// estimate of the probability that tag t emits a new word).
/// <para>
/// Why the trigram state space rather than a bigram model: it is the model the tagger decodes with, and the candidate
/// restriction keeps it small — a position costs |C_{i−2}|·|C_{i−1}|·|C_i|, not (T+1)³ — so on Brown with 1 % of the
/// training sentences tagged (about 1M untagged tokens, 104 tags) an iteration takes about 5 s on two cores. The one limit
/// is the dense (T+1)³ table of counts: above <see cref="TransitionModel.DenseLimit"/> tags the step refuses.
/// </para>
/// </summary>
public sealed class SemiSupervisedEm : IElboOptimizer
{
    private readonly int _t, _s, _order;
    private readonly int[][] _wordTags;          // per vocabulary word: candidate tags (ascending)
    private readonly double[][] _labelledEmit;   // λ c_tagged(w, t), parallel to _wordTags
    private readonly double[] _labelledTri;      // λ c_tagged(x, y, z), dense S³
    private readonly int[][] _sentences;         // untagged sentences as vocabulary ids
    private readonly int _maxThreads;

    private double[] _trans;                     // P(z | x, y), dense S³
    private double[][] _emit;                    // P(w | t), parallel to _wordTags

    /// <summary>
    /// Starts from <paramref name="supervised"/> (θ₀ as above) on <paramref name="untagged"/> sentences with the tagged
    /// counts weighted <paramref name="labelledWeight"/> (λ).
    /// </summary>
    public SemiSupervisedEm(HmmTagger supervised, IReadOnlyList<IReadOnlyList<string>> untagged, double labelledWeight, int? maxThreads = null)
    {
        ArgumentNullException.ThrowIfNull(supervised);
        ArgumentNullException.ThrowIfNull(untagged);
        if (!(labelledWeight > 0 && double.IsFinite(labelledWeight)))
            throw new ArgumentOutOfRangeException(nameof(labelledWeight), labelledWeight, "the tagged counts' weight λ must be positive and finite");
        if (supervised.SemiSupervised is not null)
            throw new ArgumentException("the start tagger is already semi-supervised; start from the supervised tagger it came from", nameof(supervised));
        _t = supervised.Tags.Count;
        _s = _t + 1;
        _order = supervised.Options.Order;
        if (_t > TransitionModel.DenseLimit)
            throw new NotSupportedException($"semi-supervised training keeps a dense (T+1)³ trigram table; {_t} tags is above the limit of {TransitionModel.DenseLimit}. Map the tags to a smaller tag set.");
        LabelledWeight = labelledWeight;
        _maxThreads = maxThreads ?? Environment.ProcessorCount;
        var lex = supervised.Lexicon;

        // Vocabulary: the tagged words (lexicon ids), then untagged-only words in order of first appearance.
        var words = new List<string>(lex.Words);
        var index = new Dictionary<string, int>(lex.Count, StringComparer.Ordinal);
        for (int w = 0; w < lex.Count; w++) index.Add(lex.Words[w], w);
        var untaggedFrequency = new List<long>();
        _sentences = new int[untagged.Count][];
        long tokens = 0;
        for (int n = 0; n < untagged.Count; n++)
        {
            var s = untagged[n] ?? throw new ArgumentException($"untagged sentence {n + 1} is null", nameof(untagged));
            var ids = new int[s.Count];
            for (int i = 0; i < s.Count; i++)
            {
                var word = s[i];
                if (string.IsNullOrEmpty(word)) throw new ArgumentException($"untagged sentence {n + 1}, token {i + 1} is empty", nameof(untagged));
                if (!index.TryGetValue(word, out var id))
                {
                    id = words.Count;
                    index.Add(word, id);
                    words.Add(word);
                    untaggedFrequency.Add(0);
                }
                if (id >= lex.Count) untaggedFrequency[id - lex.Count]++;
                ids[i] = id;
            }
            _sentences[n] = ids;
            tokens += ids.Length;
        }
        if (tokens == 0) throw new ArgumentException("the untagged text has no tokens", nameof(untagged));
        UntaggedTokens = tokens;
        Words = words.ToArray();
        _wordTags = new int[Words.Length][];
        _labelledEmit = new double[Words.Length][];
        _emit = new double[Words.Length][];

        // θ₀ emissions of tagged words, and the new-word mass ε_t.
        var hapax = new long[_t];
        for (int w = 0; w < lex.Count; w++)
            if (lex.Tags[w].Length == 1 && lex.Counts[w][0] == 1) hapax[lex.Tags[w][0]]++;
        var epsilon = new double[_t];
        for (int t = 0; t < _t; t++) epsilon[t] = (hapax[t] + 1.0) / (lex.TagTotals[t] + hapax[t] + 1.0);
        for (int w = 0; w < lex.Count; w++)
        {
            var tags = lex.Tags[w];
            _wordTags[w] = tags;
            _labelledEmit[w] = new double[tags.Length];
            _emit[w] = new double[tags.Length];
            for (int k = 0; k < tags.Length; k++)
            {
                _labelledEmit[w][k] = labelledWeight * lex.Counts[w][k];
                _emit[w][k] = (1 - epsilon[tags[k]]) * lex.Counts[w][k] / lex.TagTotals[tags[k]];
            }
        }
        // Untagged-only words: the tagger's unknown-word candidates, scores exp(log P(t|suffix) − log P(t)).
        var mass = new double[_t];
        for (int w = lex.Count; w < Words.Length; w++)
        {
            var (tags, scores) = supervised.Candidates(Words[w]);
            _wordTags[w] = tags;
            _labelledEmit[w] = new double[tags.Length];
            var e = new double[tags.Length];
            for (int k = 0; k < tags.Length; k++)
            {
                e[k] = untaggedFrequency[w - lex.Count] * Math.Exp(scores[k]);
                mass[tags[k]] += e[k];
            }
            _emit[w] = e;
        }
        for (int w = lex.Count; w < Words.Length; w++)
            for (int k = 0; k < _wordTags[w].Length; k++)
                _emit[w][k] *= epsilon[_wordTags[w][k]] / mass[_wordTags[w][k]];

        // θ₀ transitions: the tagger's smoothed rows, renormalised over the T tags and EOS.
        _trans = new double[_s * _s * _s];
        for (int x = 0; x < _s; x++)
        {
            for (int y = 0; y < _s; y++)
            {
                var row = supervised.Transitions.Row(x, y);
                int o = (x * _s + y) * _s;
                double sum = 0;
                for (int z = 0; z < _s; z++) sum += _trans[o + z] = Math.Exp(row[z]);
                for (int z = 0; z < _s; z++) _trans[o + z] /= sum;
            }
        }
        _labelledTri = new double[_s * _s * _s];
        foreach (var (x, y, z, c) in supervised.Counts.Trigrams()) _labelledTri[(x * _s + y) * _s + z] = labelledWeight * c;
        LabelledTokens = lex.TokenCount;
    }

    /// <summary>The weight λ on the tagged counts.</summary>
    public double LabelledWeight { get; }

    /// <summary>The vocabulary: tagged words (in lexicon order), then untagged-only words.</summary>
    public string[] Words { get; }

    /// <summary>Candidate tags per vocabulary word.</summary>
    public IReadOnlyList<int[]> WordTags => _wordTags;

    /// <summary>Tokens of untagged text.</summary>
    public long UntaggedTokens { get; }

    /// <summary>Tokens of tagged text.</summary>
    public long LabelledTokens { get; }

    /// <inheritdoc/>
    public bool IsMonotone => true;

    /// <inheritdoc/>
    public long ObservationCount => UntaggedTokens + LabelledTokens;

    /// <summary>Number of tags T (the boundary is index T).</summary>
    public int TagCount => _t;

    /// <summary>Current P(z | x, y) (index T: BOS as context, EOS as prediction).</summary>
    public double Transition(int x, int y, int z) => _trans[(x * _s + y) * _s + z];

    /// <summary>Current P(word | tag); 0 when the tag is not a candidate of the word.</summary>
    public double Emission(int word, int tag)
    {
        int k = Array.IndexOf(_wordTags[word], tag);
        return k < 0 ? 0 : _emit[word][k];
    }

    /// <summary>The untagged sentences as vocabulary ids.</summary>
    public IReadOnlyList<int[]> Sentences => _sentences;

    private UntaggedCounts? _counts; // the E-step of the current θ

    /// <summary>
    /// One Baum-Welch iteration: the M-step from the current θ's expected counts, then the E-step of the new θ; returns the
    /// objective of the new θ (after the step, as every family's trace). The first call also runs the start's E-step.
    /// </summary>
    public double Step(CancellationToken cancellationToken)
    {
        _counts ??= ExpectedCounts(cancellationToken);
        var (trans, emit, combined) = (_trans, _emit, Combined);
        MaximiseFrom(_counts);
        try { _counts = ExpectedCounts(cancellationToken); }
        catch (OperationCanceledException)
        {
            // θ moves only once its E-step has completed: a cancelled step leaves the last completed one.
            (_trans, _emit, Combined) = (trans, emit, combined);
            throw;
        }
        return _counts.LogLikelihood + LabelledLogLikelihood();
    }

    /// <summary>λ · log p_θ(tagged words, tags) under the current θ.</summary>
    public double LabelledLogLikelihood()
    {
        double ll = 0;
        for (int i = 0; i < _labelledTri.Length; i++)
            if (_labelledTri[i] > 0) ll += _labelledTri[i] * Math.Log(_trans[i]);
        for (int w = 0; w < _wordTags.Length; w++)
            for (int k = 0; k < _wordTags[w].Length; k++)
                if (_labelledEmit[w][k] > 0) ll += _labelledEmit[w][k] * Math.Log(_emit[w][k]);
        return ll;
    }

    /// <summary>
    /// The E-step: expected trigram counts E[c(x, y, z)] (dense S³) and word–tag counts E[c(w, t)] over the untagged
    /// sentences under the current θ, and Σ_s log p_θ(s). Sentences are cut into fixed blocks accumulated separately and
    /// merged in block order, so the result does not depend on scheduling.
    /// </summary>
    public UntaggedCounts ExpectedCounts(CancellationToken cancellationToken = default)
    {
        int blocks = Math.Clamp(Math.Min(_maxThreads, 8), 1, Math.Max(1, _sentences.Length));
        var parts = new UntaggedCounts[blocks];
        var options = new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, _maxThreads), CancellationToken = cancellationToken };
        Parallel.For(0, blocks, options, b =>
        {
            var counts = new UntaggedCounts(_s, _wordTags);
            var ws = new Workspace();
            int from = (int)((long)_sentences.Length * b / blocks), to = (int)((long)_sentences.Length * (b + 1) / blocks);
            for (int n = from; n < to; n++)
            {
                if (((n - from) & 255) == 0) cancellationToken.ThrowIfCancellationRequested();
                Accumulate(n, ws, counts);
            }
            parts[b] = counts;
        });
        for (int b = 1; b < blocks; b++) parts[0].Add(parts[b]);
        return parts[0];
    }

    private void MaximiseFrom(UntaggedCounts e)
    {
        int s = _s;
        var combined = new double[s * s * s];
        for (int i = 0; i < combined.Length; i++) combined[i] = _labelledTri[i] + e.Trigrams[i];
        var next = new double[s * s * s];
        if (_order == 3)
        {
            for (int xy = 0; xy < s * s; xy++)
            {
                double sum = 0;
                for (int z = 0; z < s; z++) sum += combined[xy * s + z];
                for (int z = 0; z < s; z++) next[xy * s + z] = sum > 0 ? combined[xy * s + z] / sum : _trans[xy * s + z];
            }
        }
        else
        {
            var bigram = new double[s * s];
            for (int xy = 0; xy < s * s; xy++)
                for (int z = 0; z < s; z++) bigram[(xy % s) * s + z] += combined[xy * s + z];
            for (int y = 0; y < s; y++)
            {
                double sum = 0;
                for (int z = 0; z < s; z++) sum += bigram[y * s + z];
                for (int x = 0; x < s; x++)
                    for (int z = 0; z < s; z++)
                        next[(x * s + y) * s + z] = sum > 0 ? bigram[y * s + z] / sum : _trans[(x * s + y) * s + z];
            }
        }
        _trans = next;

        var tagTotals = new double[_t];
        var emit = new double[_wordTags.Length][];
        for (int w = 0; w < _wordTags.Length; w++)
        {
            emit[w] = new double[_wordTags[w].Length];
            for (int k = 0; k < emit[w].Length; k++)
            {
                emit[w][k] = _labelledEmit[w][k] + e.Emissions[w][k];
                tagTotals[_wordTags[w][k]] += emit[w][k];
            }
        }
        for (int w = 0; w < _wordTags.Length; w++)
            for (int k = 0; k < emit[w].Length; k++)
                emit[w][k] = tagTotals[_wordTags[w][k]] > 0 ? emit[w][k] / tagTotals[_wordTags[w][k]] : _emit[w][k];
        _emit = emit;
        Combined = new CombinedCounts(combined, Array.ConvertAll(_wordTags, t => t), CombinedEmissions(e));
    }

    private double[][] CombinedEmissions(UntaggedCounts e)
    {
        var c = new double[_wordTags.Length][];
        for (int w = 0; w < c.Length; w++)
        {
            c[w] = new double[_wordTags[w].Length];
            for (int k = 0; k < c[w].Length; k++) c[w][k] = _labelledEmit[w][k] + e.Emissions[w][k];
        }
        return c;
    }

    /// <summary>λ·c_tagged + E[c_untagged] from the last step (null before the first).</summary>
    public CombinedCounts? Combined { get; private set; }

    // Scaled forward-backward over pair states (p ∈ C_{i−1}, q ∈ C_i), laid out as in TrigramViterbi.
    private void Accumulate(int n, Workspace ws, UntaggedCounts counts)
    {
        var ids = _sentences[n];
        int len = ids.Length;
        if (len == 0)
        {
            double p0 = _trans[(_t * _s + _t) * _s + _t];
            counts.LogLikelihood += Math.Log(p0);
            counts.Trigrams[(_t * _s + _t) * _s + _t] += 1;
            return;
        }
        int s = _s, boundary = _t;
        ws.Ensure(len, ids, _wordTags);
        var off = ws.Offset;
        var alpha = ws.Alpha;
        var beta = ws.Beta;
        var scale = ws.Scale;
        Array.Clear(alpha, 0, off[len]);

        // Forward.
        var c0 = _wordTags[ids[0]];
        var e0 = _emit[ids[0]];
        double sum0 = 0;
        for (int q = 0; q < c0.Length; q++) sum0 += alpha[q] = _trans[(boundary * s + boundary) * s + c0[q]] * e0[q];
        Normalise(alpha, 0, c0.Length, sum0, n, 0);
        scale[0] = sum0;
        for (int i = 1; i < len; i++)
        {
            var prev = _wordTags[ids[i - 1]];
            var cur = _wordTags[ids[i]];
            var emit = _emit[ids[i]];
            int prevPrevWidth = i >= 2 ? _wordTags[ids[i - 2]].Length : 1;
            int width = cur.Length, prevWidth = prev.Length;
            int baseOld = off[i - 1], baseNew = off[i];
            for (int r = 0; r < prevPrevWidth; r++)
            {
                int x = i >= 2 ? _wordTags[ids[i - 2]][r] : boundary;
                for (int p = 0; p < prevWidth; p++)
                {
                    double a = alpha[baseOld + r * prevWidth + p];
                    if (a == 0) continue;
                    int row = (x * s + prev[p]) * s;
                    int dst = baseNew + p * width;
                    for (int q = 0; q < width; q++) alpha[dst + q] += a * _trans[row + cur[q]];
                }
            }
            double sum = 0;
            for (int k = 0; k < prevWidth * width; k++) sum += alpha[baseNew + k] *= emit[k % width];
            Normalise(alpha, baseNew, prevWidth * width, sum, n, i);
            scale[i] = sum;
        }
        // End: f = Σ α̂_{n−1}(p, q) P(EOS | p, q).
        var last = _wordTags[ids[len - 1]];
        int lastWidth = last.Length, lastBase = off[len - 1];
        int beforeWidth = len >= 2 ? _wordTags[ids[len - 2]].Length : 1;
        double f = 0;
        for (int p = 0; p < beforeWidth; p++)
        {
            int x = len >= 2 ? _wordTags[ids[len - 2]][p] : boundary;
            for (int q = 0; q < lastWidth; q++)
            {
                double eos = _trans[(x * s + last[q]) * s + boundary];
                beta[lastBase + p * lastWidth + q] = eos;
                f += alpha[lastBase + p * lastWidth + q] * eos;
            }
        }
        if (!(f > 0)) throw new InvalidOperationException($"untagged sentence {n + 1} has probability zero at its end under the model");
        double ll = Math.Log(f);
        for (int i = 0; i < len; i++) ll += Math.Log(scale[i]);
        counts.LogLikelihood += ll;
        for (int k = 0; k < beforeWidth * lastWidth; k++) beta[lastBase + k] /= f;

        // Backward, accumulating ξ for positions i ≥ 1: α̂_{i−1}(r, p) A(r, p, q) B_i(q) β̂_i(p, q) / c_i.
        for (int i = len - 1; i >= 1; i--)
        {
            var prev = _wordTags[ids[i - 1]];
            var cur = _wordTags[ids[i]];
            var emit = _emit[ids[i]];
            int prevPrevWidth = i >= 2 ? _wordTags[ids[i - 2]].Length : 1;
            int width = cur.Length, prevWidth = prev.Length;
            int baseOld = off[i - 1], baseNew = off[i];
            double inv = 1 / scale[i];
            for (int r = 0; r < prevPrevWidth; r++)
            {
                int x = i >= 2 ? _wordTags[ids[i - 2]][r] : boundary;
                for (int p = 0; p < prevWidth; p++)
                {
                    int row = (x * s + prev[p]) * s;
                    int src = baseNew + p * width;
                    double a = alpha[baseOld + r * prevWidth + p];
                    double b = 0;
                    for (int q = 0; q < width; q++)
                    {
                        double m = _trans[row + cur[q]] * emit[q] * beta[src + q] * inv;
                        b += m;
                        if (a != 0) counts.Trigrams[row + cur[q]] += a * m;
                    }
                    beta[baseOld + r * prevWidth + p] = b;
                }
            }
        }
        // Position 0 trigrams (BOS, BOS, q), EOS trigrams, and emissions γ_i(q) = Σ_p α̂_i(p, q) β̂_i(p, q).
        for (int q = 0; q < c0.Length; q++) counts.Trigrams[(boundary * s + boundary) * s + c0[q]] += alpha[q] * beta[q];
        for (int p = 0; p < beforeWidth; p++)
        {
            int x = len >= 2 ? _wordTags[ids[len - 2]][p] : boundary;
            for (int q = 0; q < lastWidth; q++)
            {
                int k = lastBase + p * lastWidth + q;
                counts.Trigrams[(x * s + last[q]) * s + boundary] += alpha[k] * beta[k];
            }
        }
        for (int i = 0; i < len; i++)
        {
            int width = _wordTags[ids[i]].Length;
            int prevWidth = i >= 1 ? _wordTags[ids[i - 1]].Length : 1;
            var target = counts.Emissions[ids[i]];
            for (int p = 0; p < prevWidth; p++)
                for (int q = 0; q < width; q++)
                    target[q] += alpha[off[i] + p * width + q] * beta[off[i] + p * width + q];
        }
    }

    private static void Normalise(double[] a, int start, int count, double sum, int sentence, int position)
    {
        if (!(sum > 0))
            throw new InvalidOperationException($"untagged sentence {sentence + 1} has probability zero at token {position + 1} under the model (no candidate tag can follow the ones before it)");
        double inv = 1 / sum;
        for (int k = 0; k < count; k++) a[start + k] *= inv;
    }

    private sealed class Workspace
    {
        public int[] Offset = new int[64];
        public double[] Alpha = new double[1024];
        public double[] Beta = new double[1024];
        public double[] Scale = new double[64];

        public void Ensure(int len, int[] ids, int[][] wordTags)
        {
            if (Offset.Length < len + 1) { Offset = new int[2 * (len + 1)]; Scale = new double[2 * (len + 1)]; }
            int total = 0;
            for (int i = 0; i < len; i++)
            {
                Offset[i] = total;
                total += (i == 0 ? 1 : wordTags[ids[i - 1]].Length) * wordTags[ids[i]].Length;
            }
            Offset[len] = total;
            if (Alpha.Length < total) { Alpha = new double[2 * total]; Beta = new double[2 * total]; }
        }
    }
}

/// <summary>Expected counts over untagged text: trigrams (dense (T+1)³), word–tag counts per vocabulary word, and Σ log p(s).</summary>
public sealed class UntaggedCounts
{
    /// <summary>Zero counts for S = <paramref name="size"/> symbols (T tags and the boundary) and the given candidate tags.</summary>
    public UntaggedCounts(int size, int[][] wordTags)
    {
        Trigrams = new double[size * size * size];
        Emissions = new double[wordTags.Length][];
        for (int w = 0; w < wordTags.Length; w++) Emissions[w] = new double[wordTags[w].Length];
    }

    /// <summary>E[c(x, y, z)] at [(x·S + y)·S + z].</summary>
    public double[] Trigrams { get; }

    /// <summary>E[c(w, t)], parallel to the candidate tags of each word.</summary>
    public double[][] Emissions { get; }

    /// <summary>Σ_s log p(s).</summary>
    public double LogLikelihood { get; set; }

    /// <summary>Adds <paramref name="other"/>'s counts and log-likelihood to these.</summary>
    public void Add(UntaggedCounts other)
    {
        for (int i = 0; i < Trigrams.Length; i++) Trigrams[i] += other.Trigrams[i];
        for (int w = 0; w < Emissions.Length; w++)
            for (int k = 0; k < Emissions[w].Length; k++) Emissions[w][k] += other.Emissions[w][k];
        LogLikelihood += other.LogLikelihood;
    }
}

/// <summary>λ·c_tagged + E[c_untagged]: trigram counts (dense (T+1)³) and word–tag counts over the vocabulary.</summary>
public sealed record CombinedCounts(double[] Trigrams, int[][] WordTags, double[][] WordTagCounts);
