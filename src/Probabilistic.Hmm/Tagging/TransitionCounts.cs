namespace Probabilistic.Hmm.Tagging;

/// <summary>
/// Tag n-gram counts over sentences padded as <c>BOS BOS t1 … tn EOS</c>. Tags are 0..T-1; index T stands for the
/// boundary: BOS in a context position, EOS in the predicted position. Every predicted tag (t1 … tn, EOS) is the last
/// element of exactly one trigram, so bigram and unigram counts are marginals of the trigram counts.
/// </summary>
public sealed class TransitionCounts
{
    private readonly Dictionary<long, long> _trigrams = new();

    /// <summary>Creates empty counts over <paramref name="tagCount"/> tags.</summary>
    public TransitionCounts(int tagCount)
    {
        if (tagCount < 1) throw new ArgumentOutOfRangeException(nameof(tagCount), tagCount, "need at least one tag");
        TagCount = tagCount;
    }

    /// <summary>Number of real tags T (the boundary symbol is index T).</summary>
    public int TagCount { get; }

    /// <summary>The boundary index (BOS as context, EOS as prediction).</summary>
    public int Boundary => TagCount;

    /// <summary>Distinct trigrams seen.</summary>
    public int DistinctTrigrams => _trigrams.Count;

    /// <summary>Adds one sentence's tags (each in 0..T-1).</summary>
    public void AddSentence(ReadOnlySpan<int> tags)
    {
        int x = Boundary, y = Boundary;
        for (int i = 0; i <= tags.Length; i++)
        {
            int z = i < tags.Length ? tags[i] : Boundary;
            if ((uint)z > (uint)TagCount || (i < tags.Length && z == Boundary))
                throw new ArgumentOutOfRangeException(nameof(tags), z, $"tag index must be in 0..{TagCount - 1}");
            Add(x, y, z, 1);
            x = y; y = z;
        }
    }

    /// <summary>Adds <paramref name="count"/> to trigram (x, y, z).</summary>
    public void Add(int x, int y, int z, long count)
    {
        var key = Key(x, y, z);
        _trigrams[key] = _trigrams.GetValueOrDefault(key) + count;
    }

    /// <summary>f(x, y, z).</summary>
    public long Trigram(int x, int y, int z) => _trigrams.GetValueOrDefault(Key(x, y, z));

    /// <summary>All trigrams with a positive count, in a fixed order (sorted by key).</summary>
    public IEnumerable<(int X, int Y, int Z, long Count)> Trigrams()
    {
        int s = TagCount + 1;
        foreach (var key in _trigrams.Keys.Order())
            yield return ((int)(key / s / s), (int)(key / s % s), (int)(key % s), _trigrams[key]);
    }

    /// <summary>Marginals: unigram f(z) [S], bigram f(y, z) [S·S], bigram contexts Σ_z f(y, z) [S], trigram contexts Σ_z f(x, y, z) [S·S]; S = T + 1.</summary>
    public Marginals ComputeMarginals()
    {
        int s = TagCount + 1;
        var uni = new long[s];
        var bi = new long[s * s];
        var biContext = new long[s];
        var triContext = new long[s * s];
        long total = 0;
        foreach (var (x, y, z, c) in Trigrams())
        {
            uni[z] += c;
            bi[y * s + z] += c;
            biContext[y] += c;
            triContext[x * s + y] += c;
            total += c;
        }
        return new Marginals(s, uni, bi, biContext, triContext, total);
    }

    private long Key(int x, int y, int z)
    {
        long s = TagCount + 1;
        return ((long)x * s + y) * s + z;
    }

    /// <summary>Marginal counts derived from the trigrams; <see cref="Total"/> = N, the number of predicted tags (tokens + sentences).</summary>
    public sealed record Marginals(int Size, long[] Unigram, long[] Bigram, long[] BigramContext, long[] TrigramContext, long Total);
}
