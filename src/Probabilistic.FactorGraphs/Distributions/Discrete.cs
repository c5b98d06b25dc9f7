using System.Text;
using Probabilistic.Core.Numerics;

namespace Probabilistic.FactorGraphs.Distributions;

/// <summary>A distribution over {0, …, K−1}, held as normalised log-probabilities.</summary>
/// <remarks>
/// Held as natural parameters η (unnormalised log-probabilities, P(k) = exp(η_k − A), A = log Σ exp η): they add
/// under a product and subtract under a ratio without renormalising, so messages keep their scale as the EP
/// evidence needs. All equal is uniform; one finite entry is a point mass.
/// </remarks>
public readonly partial struct Discrete : IExponentialFamily<Discrete>, IDistribution<int>, IEquatable<Discrete>
{
    private readonly double[] _logProb;

    private Discrete(Stored _, double[] logProb) { _logProb = logProb; }

    /// <summary>From probabilities (normalised here), as Infer.NET's <c>new Discrete(params double[] probs)</c>.</summary>
    /// <exception cref="ArgumentException">No probabilities, a negative or infinite one, or a zero sum.</exception>
    public Discrete(params double[] probs) { this = FromProbs(probs); }

    /// <summary>The number of values K.</summary>
    public int Dimension => _logProb?.Length ?? 0;

    /// <summary>From probabilities (normalised here; all must be ≥ 0 with a positive sum).</summary>
    public static Discrete FromProbs(params double[] probs)
    {
        ArgumentNullException.ThrowIfNull(probs);
        if (probs.Length == 0) throw new ArgumentException("A Discrete needs at least one value.", nameof(probs));
        var lp = new double[probs.Length];
        for (int k = 0; k < probs.Length; k++)
        {
            if (!(probs[k] >= 0) || double.IsInfinity(probs[k])) throw new ArgumentOutOfRangeException(nameof(probs), probs[k], $"Probability {k} must be finite and >= 0.");
            lp[k] = Math.Log(probs[k]);
        }
        return FromLogProbsOwned(lp);
    }

    /// <summary>From unnormalised log-probabilities.</summary>
    public static Discrete FromLogProbs(ReadOnlySpan<double> logProbs) => FromLogProbsOwned(logProbs.ToArray());

    internal static Discrete FromLogProbsOwned(double[] logProbs)
    {
        double z = LogSpace.LogSumExp(logProbs);
        if (double.IsNegativeInfinity(z) || double.IsNaN(z)) throw new ArgumentException("A Discrete's probabilities must have a positive finite sum.");
        for (int k = 0; k < logProbs.Length; k++) logProbs[k] -= z;
        return new(Stored.Fields, logProbs);
    }

    /// <summary>From natural parameters, kept unnormalised.</summary>
    internal static Discrete FromNaturalOwned(double[] eta) => new(Stored.Fields, eta);

    /// <summary>The natural parameter η_k (unnormalised log-probability).</summary>
    public double GetNatural(int k) => _logProb[k];

    /// <summary>Uniform over K values.</summary>
    public static Discrete Uniform(int dimension)
    {
        if (dimension < 1) throw new ArgumentOutOfRangeException(nameof(dimension), dimension, "A Discrete needs at least one value.");
        var lp = new double[dimension];
        Arrays.Fill(lp, -Math.Log(dimension));
        return new(Stored.Fields, lp);
    }

    /// <summary>All mass on <paramref name="value"/>.</summary>
    public static Discrete PointMass(int value, int dimension)
    {
        if ((uint)value >= (uint)dimension) throw new ArgumentOutOfRangeException(nameof(value), value, $"Value must lie in [0, {dimension}).");
        var lp = new double[dimension];
        Arrays.Fill(lp, double.NegativeInfinity);
        lp[value] = 0;
        return new(Stored.Fields, lp);
    }

    /// <summary>P(k).</summary>
    public double this[int k] => Math.Exp(GetLogProb(k));

    /// <summary>log P(k).</summary>
    public double GetLogProb(int k) => _logProb[k] - LogSpace.LogSumExp(_logProb);

    /// <summary>All probabilities.</summary>
    public double[] GetProbs()
    {
        double a = LogSpace.LogSumExp(_logProb);
        var p = new double[Dimension];
        for (int k = 0; k < p.Length; k++) p[k] = Math.Exp(_logProb[k] - a);
        return p;
    }

    /// <summary>The most probable value.</summary>
    public int GetMode()
    {
        int best = 0;
        for (int k = 1; k < _logProb.Length; k++) if (_logProb[k] > _logProb[best]) best = k;
        return best;
    }

    /// <inheritdoc/>
    public bool IsPointMass
    {
        get
        {
            int finite = 0;
            foreach (double l in _logProb) if (double.IsFinite(l)) finite++;
            return finite == 1;
        }
    }

    /// <summary>The point of a point mass.</summary>
    public int Point => IsPointMass ? GetMode() : throw new InvalidOperationException("Not a point mass.");

    /// <inheritdoc/>
    public bool IsUniform()
    {
        foreach (var l in _logProb) if (Math.Abs(l - _logProb[0]) >= 1e-15) return false;
        return true;
    }

    /// <inheritdoc/>
    public bool IsProper() => true;

    /// <inheritdoc/>
    public Discrete CreateUniform() => Uniform(Dimension);

    /// <inheritdoc/>
    public double GetLogNormalizer() => IsPointMass ? 0 : LogSpace.LogSumExp(_logProb);

    /// <inheritdoc/>
    public double GetAverageLogSelf()
    {
        double a = LogSpace.LogSumExp(_logProb), s = 0;
        foreach (var l in _logProb) if (double.IsFinite(l)) s += Math.Exp(l - a) * (l - a);
        return s;
    }

    /// <summary>A draw from Infer.NET's static generator <see cref="LinearAlgebra.Rand"/> (repeatable after <c>Rand.Restart(seed)</c>).</summary>
    public int Sample() => Sample(LinearAlgebra.Rand.Generator);

    /// <summary>A draw.</summary>
    public int Sample(Random random)
    {
        ArgumentNullException.ThrowIfNull(random);
        double u = random.NextDouble(), c = 0, a = LogSpace.LogSumExp(_logProb);
        for (int k = 0; k < _logProb.Length; k++) { c += Math.Exp(_logProb[k] - a); if (u < c) return k; }
        return _logProb.Length - 1;
    }

    /// <inheritdoc/>
    public Discrete Pow(double exponent)
    {
        var lp = new double[Dimension];
        for (int k = 0; k < lp.Length; k++) lp[k] = exponent == 0 ? 0 : _logProb[k] * exponent;
        return new(Stored.Fields, lp);
    }

    /// <inheritdoc/>
    public static Discrete operator *(Discrete a, Discrete b)
    {
        Check(a, b);
        var lp = new double[a.Dimension];
        for (int k = 0; k < lp.Length; k++) lp[k] = a._logProb[k] + b._logProb[k];
        return new(Stored.Fields, lp);
    }

    /// <inheritdoc/>
    public static Discrete operator /(Discrete a, Discrete b)
    {
        Check(a, b);
        var lp = new double[a.Dimension];
        for (int k = 0; k < lp.Length; k++)
            lp[k] = double.IsNegativeInfinity(a._logProb[k]) ? double.NegativeInfinity : a._logProb[k] - b._logProb[k];
        return new(Stored.Fields, lp);
    }

    private static void Check(Discrete a, Discrete b)
    {
        if (a.Dimension != b.Dimension) throw new ArgumentException($"Discrete dimensions differ: {a.Dimension} vs {b.Dimension}.");
    }

    /// <inheritdoc/>
    public double GetAverageLog(Discrete p)
    {
        double s = 0;
        for (int k = 0; k < Dimension; k++) s += MixtureMoments.Mul(this[k], p.GetLogProb(k));
        return s;
    }

    /// <inheritdoc/>
    public double GetLogProbAtPointOf(Discrete point) => GetLogProb(point.Point);

    /// <inheritdoc/>
    public static Discrete ProjectMixture(ReadOnlySpan<double> weights, ReadOnlySpan<Discrete> components)
    {
        if (MixtureMoments.Single(weights) is int only) return components[only];
        double[]? p = null;
        for (int c = 0; c < weights.Length; c++)
        {
            if (weights[c] == 0) continue;
            var pc = components[c].GetProbs();
            p ??= new double[pc.Length];
            for (int k = 0; k < pc.Length; k++) p[k] += weights[c] * pc[k];
        }
        return FromProbs(p!);
    }

    /// <inheritdoc/>
    public static Discrete PointMassAt(Array values, int index, Discrete like)
    {
        if (values is not int[] k) throw MixtureMoments.WrongValues(values, "int");
        if ((uint)k[index] >= (uint)like.Dimension)
            throw new ArgumentOutOfRangeException(null, $"is {k[index]}, outside the support of its Discrete distribution (0..{like.Dimension - 1})");
        return PointMass(k[index], like.Dimension);
    }

    /// <inheritdoc/>
    public static Discrete ProperRatio(Discrete numerator, Discrete denominator) => numerator / denominator;

    /// <inheritdoc/>
    /// <remarks>
    /// Returned as it is: a Discrete keeps every other value's natural parameter beside a zero probability, so the marginal
    /// divided by such a message is still the cavity wherever the cavity matters.
    /// </remarks>
    public Discrete ClampCertainty(double certain) => this;

    /// <inheritdoc/>
    public Discrete Softened(double c)
    {
        double top = Arrays.Max(_logProb);
        var eta = new double[Dimension];
        for (int k = 0; k < eta.Length; k++) eta[k] = Math.Max(_logProb[k], top - c);
        return FromLogProbsOwned(eta);
    }

    /// <inheritdoc/>
    public bool Equals(Discrete other) => GetProbs().AsSpan().SequenceEqual(other.GetProbs());

    /// <inheritdoc/>
    public override bool Equals(object? obj) => obj is Discrete d && Equals(d);

    /// <inheritdoc/>
    public override int GetHashCode() => _logProb.Length == 0 ? 0 : HashCode.Combine(_logProb.Length, _logProb[0]);

    /// <summary>"Discrete(p0 p1 …)" as Infer.NET prints it.</summary>
    public override string ToString()
    {
        var sb = new StringBuilder("Discrete(");
        for (int k = 0; k < Dimension; k++) { if (k > 0) sb.Append(' '); sb.Append(Gaussian.F(this[k])); }
        return sb.Append(')').ToString();
    }
}
