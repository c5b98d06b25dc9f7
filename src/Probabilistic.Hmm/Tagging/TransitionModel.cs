using System.Collections.Concurrent;

namespace Probabilistic.Hmm.Tagging;

/// <summary>
/// Smoothed log transition probabilities. Order 3: log P(z|x,y) = log(λ1 P̂(z) + λ2 P̂(z|y) + λ3 P̂(z|x,y)); order 2:
/// log P(z|y) = log(λ1 P̂(z) + λ2 P̂(z|y)), with the λs from <see cref="DeletedInterpolation"/> and P̂ relative
/// frequencies (0 for an unseen context). Index T is BOS as context and EOS as prediction. Rows are dense for tag sets
/// up to <see cref="DenseLimit"/> tags and computed on first use (then cached) above that.
/// </summary>
public sealed class TransitionModel
{
    /// <summary>Largest tag count whose full trigram table is precomputed ((T+1)³ doubles).</summary>
    public const int DenseLimit = 200;

    private readonly int _s;
    private readonly double[] _mix2;            // [y*S+z] = λ1 P̂(z) + λ2 P̂(z|y)
    private readonly double[]? _dense;          // order 3: [(x*S+y)*S+z]; order 2: [y*S+z]
    private readonly Dictionary<long, long>? _tri;
    private readonly long[]? _triContext;
    private readonly ConcurrentDictionary<int, double[]>? _rows;

    /// <summary>Builds the smoothed model of order 2 or 3 from counts.</summary>
    public TransitionModel(TransitionCounts counts, int order)
    {
        if (order is not (2 or 3)) throw new ArgumentOutOfRangeException(nameof(order), order, "order must be 2 or 3");
        Order = order;
        TagCount = counts.TagCount;
        _s = counts.TagCount + 1;
        int s = _s;
        var m = counts.ComputeMarginals();
        double l1, l2, l3 = 0;
        if (order == 3) (l1, l2, l3) = DeletedInterpolation.TrigramLambdas(counts);
        else (l1, l2) = DeletedInterpolation.BigramLambdas(counts);
        Lambdas = order == 3 ? [l1, l2, l3] : [l1, l2];
        _mix2 = new double[s * s];
        for (int y = 0; y < s; y++)
        {
            for (int z = 0; z < s; z++)
            {
                double pz = (double)m.Unigram[z] / m.Total;
                double pzy = m.BigramContext[y] > 0 ? (double)m.Bigram[y * s + z] / m.BigramContext[y] : 0;
                _mix2[y * s + z] = l1 * pz + l2 * pzy;
            }
        }
        if (order == 2)
        {
            _dense = _mix2.Select(p => Math.Log(p)).ToArray();
            return;
        }
        Lambda3 = l3;
        _triContext = m.TrigramContext;
        if (TagCount <= DenseLimit)
        {
            _dense = new double[s * s * s];
            for (int xy = 0; xy < s * s; xy++)
                for (int z = 0; z < s; z++)
                    _dense[xy * s + z] = _mix2[(xy % s) * s + z];
            foreach (var (x, y, z, c) in counts.Trigrams())
                _dense[(x * s + y) * s + z] += l3 * c / m.TrigramContext[x * s + y];
            for (int i = 0; i < _dense.Length; i++) _dense[i] = Math.Log(_dense[i]);
        }
        else
        {
            _tri = new Dictionary<long, long>();
            foreach (var (x, y, z, c) in counts.Trigrams()) _tri[((long)x * s + y) * s + z] = c;
            _rows = new ConcurrentDictionary<int, double[]>();
        }
    }

    /// <summary>
    /// The same interpolation over fractional counts (dense, indexed [(x·S + y)·S + z], S = T + 1), as after
    /// semi-supervised training, with given weights (λ1, λ2[, λ3]) — deleted interpolation needs whole counts, so the
    /// caller passes the weights of the tagged data.
    /// </summary>
    internal TransitionModel(double[] trigramCounts, int tagCount, int order, IReadOnlyList<double> lambdas)
    {
        if (order is not (2 or 3)) throw new ArgumentOutOfRangeException(nameof(order), order, "order must be 2 or 3");
        if (tagCount > DenseLimit) throw new NotSupportedException($"fractional counts need the dense table; {tagCount} tags is above {DenseLimit}");
        if (lambdas.Count != order) throw new ArgumentException($"an order-{order} model needs {order} weights, not {lambdas.Count}", nameof(lambdas));
        Order = order;
        TagCount = tagCount;
        _s = tagCount + 1;
        int s = _s;
        if (trigramCounts.Length != s * s * s) throw new ArgumentException($"expected {s * s * s} trigram counts, got {trigramCounts.Length}", nameof(trigramCounts));
        Lambdas = lambdas.ToArray();
        var uni = new double[s];
        var bi = new double[s * s];
        var biContext = new double[s];
        var triContext = new double[s * s];
        double total = 0;
        for (int xy = 0; xy < s * s; xy++)
        {
            for (int z = 0; z < s; z++)
            {
                double c = trigramCounts[xy * s + z];
                uni[z] += c;
                bi[(xy % s) * s + z] += c;
                biContext[xy % s] += c;
                triContext[xy] += c;
                total += c;
            }
        }
        _mix2 = new double[s * s];
        for (int y = 0; y < s; y++)
            for (int z = 0; z < s; z++)
                _mix2[y * s + z] = lambdas[0] * uni[z] / total + lambdas[1] * (biContext[y] > 0 ? bi[y * s + z] / biContext[y] : 0);
        if (order == 2)
        {
            _dense = _mix2.Select(p => Math.Log(p)).ToArray();
            return;
        }
        Lambda3 = lambdas[2];
        _dense = new double[s * s * s];
        for (int xy = 0; xy < s * s; xy++)
            for (int z = 0; z < s; z++)
                _dense[xy * s + z] = Math.Log(_mix2[(xy % s) * s + z] + (triContext[xy] > 0 ? Lambda3 * trigramCounts[xy * s + z] / triContext[xy] : 0));
    }

    /// <summary>2 or 3.</summary>
    public int Order { get; }

    /// <summary>Number of real tags T.</summary>
    public int TagCount { get; }

    /// <summary>The interpolation weights, lowest order first (λ1, λ2[, λ3]).</summary>
    public IReadOnlyList<double> Lambdas { get; }

    private double Lambda3 { get; }

    /// <summary>log P(· | x, y) over the T tags and EOS (index T); x is ignored for order 2. BOS is index T.</summary>
    public ReadOnlySpan<double> Row(int x, int y)
    {
        int s = _s;
        if (Order == 2) return new ReadOnlySpan<double>(_dense, y * s, s);
        if (_dense is not null) return new ReadOnlySpan<double>(_dense, (x * s + y) * s, s);
        return _rows!.GetOrAdd(x * s + y, ComputeRow);
    }

    /// <summary>log P(z | x, y).</summary>
    public double Log(int x, int y, int z) => Row(x, y)[z];

    private double[] ComputeRow(int xy)
    {
        int s = _s;
        var row = new double[s];
        long context = _triContext![xy];
        for (int z = 0; z < s; z++)
        {
            double p = _mix2[(xy % s) * s + z];
            if (context > 0 && _tri!.TryGetValue((long)xy * s + z, out var c)) p += Lambda3 * c / context;
            row[z] = Math.Log(p);
        }
        return row;
    }
}
