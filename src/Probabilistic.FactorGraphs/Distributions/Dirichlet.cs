using System.Text;
using MathNet.Numerics;
using Probabilistic.FactorGraphs.LinearAlgebra;

namespace Probabilistic.FactorGraphs.Distributions;

/// <summary>A Dirichlet distribution over probability vectors of dimension K.</summary>
/// <remarks>
/// Density ∝ Π p_k^(α_k − 1): natural parameters α − 1 add under a product; all α = 1 is uniform. A point mass (Infer.NET:
/// TotalCount = ∞) stores the point in place of α and a flag; a point mass times anything proper is the point mass, and a
/// point mass divided by anything is the point mass.
/// </remarks>
public readonly partial struct Dirichlet : IExponentialFamily<Dirichlet>, IDistribution<Vector>, IEquatable<Dirichlet>
{
    private readonly double[] _alpha;
    private readonly bool _isPoint;

    private Dirichlet(Stored _, double[] alpha, bool isPoint = false) { _alpha = alpha; _isPoint = isPoint; }

    /// <summary>Dirichlet(α), as Infer.NET's <c>new Dirichlet(params double[] pseudoCount)</c>.</summary>
    /// <exception cref="ArgumentException">No pseudo-counts, or one that is not finite and &gt; 0.</exception>
    public Dirichlet(params double[] pseudoCount) { this = FromPseudoCounts(pseudoCount); }

    /// <summary>K.</summary>
    public int Dimension => _alpha?.Length ?? 0;

    /// <summary>Pseudo-counts α (a copy; the point for a point mass, as Infer.NET's PseudoCount).</summary>
    public double[] PseudoCount => (double[])_alpha.Clone();

    /// <summary>Dirichlet(α) with every α_k &gt; 0.</summary>
    public static Dirichlet FromPseudoCounts(params double[] alpha)
    {
        ArgumentNullException.ThrowIfNull(alpha);
        if (alpha.Length == 0) throw new ArgumentException("A Dirichlet needs at least one dimension.", nameof(alpha));
        for (int k = 0; k < alpha.Length; k++)
            if (!(alpha[k] > 0) || double.IsInfinity(alpha[k])) throw new ArgumentOutOfRangeException(nameof(alpha), alpha[k], $"Pseudo-count {k} must be finite and > 0.");
        return new(Stored.Fields, (double[])alpha.Clone());
    }

    /// <summary><see cref="FromPseudoCounts"/> taking ownership of <paramref name="alpha"/> (no copy): for arrays made here.</summary>
    private static Dirichlet FromPseudoCountsOwned(double[] alpha)
    {
        for (int k = 0; k < alpha.Length; k++)
            if (!(alpha[k] > 0) || double.IsInfinity(alpha[k])) throw new ArgumentOutOfRangeException(nameof(alpha), alpha[k], $"Pseudo-count {k} must be finite and > 0.");
        return new(Stored.Fields, alpha);
    }

    /// <summary>Every α_k = <paramref name="alpha"/>.</summary>
    public static Dirichlet Symmetric(int dimension, double alpha)
    {
        var a = new double[dimension];
        Arrays.Fill(a, alpha);
        return FromPseudoCounts(a);
    }

    /// <summary>All mass at the probability vector <paramref name="value"/>, as Infer.NET's <c>Dirichlet.PointMass(Vector)</c>.</summary>
    /// <exception cref="ArgumentException">The vector is empty, has a negative entry, or does not sum to 1 (within 1e-9).</exception>
    public static Dirichlet PointMass(Vector value)
    {
        ArgumentNullException.ThrowIfNull(value);
        if (value.Count == 0) throw new ArgumentException("A Dirichlet point mass needs at least one dimension.", nameof(value));
        if (value.Any(p => !(p >= 0)) || Math.Abs(value.Sum() - 1) > 1e-9)
            throw new ArgumentException($"A Dirichlet point mass must be a probability vector (entries >= 0 summing to 1), not ({value}).", nameof(value));
        return new(Stored.Fields, value.ToArray(), isPoint: true);
    }

    /// <summary>All α_k = 1.</summary>
    public static Dirichlet Uniform(int dimension) => Symmetric(dimension, 1);

    internal static Dirichlet FromNaturalOwned(double[] alpha) => new(Stored.Fields, alpha);

    /// <summary>α_k (the point's entry k for a point mass).</summary>
    public double this[int k] => _alpha[k];

    /// <summary>Σα (+∞ for a point mass, as in Infer.NET).</summary>
    public double TotalCount => _isPoint ? double.PositiveInfinity : Arrays.Sum(_alpha);

    /// <inheritdoc/>
    public bool IsPointMass => _isPoint;

    /// <summary>The point of a point mass.</summary>
    /// <exception cref="InvalidOperationException">The distribution is not a point mass.</exception>
    public Vector Point => _isPoint ? Vector.FromArray(_alpha) : throw new InvalidOperationException($"{this} is not a point mass.");

    /// <summary>E[p] (the point for a point mass).</summary>
    public Vector GetMean()
    {
        if (_isPoint) return Vector.FromArray(_alpha);
        return Vector.Wrap(MeanArray());
    }

    /// <summary>E[p] as a new array (the point for a point mass).</summary>
    internal double[] MeanArray()
    {
        var m = new double[_alpha.Length];
        if (_isPoint) { _alpha.CopyTo(m, 0); return m; }
        double s = 0;
        foreach (double a in _alpha) s += a;
        for (int k = 0; k < m.Length; k++) m[k] = _alpha[k] / s;
        return m;
    }

    /// <summary>Var[p_k] = α_k(Σα − α_k) / ((Σα)²(Σα + 1)) (zeros for a point mass).</summary>
    public double[] GetVariance()
    {
        if (_isPoint) return new double[Dimension];
        double s = TotalCount;
        var v = new double[_alpha.Length];
        for (int k = 0; k < v.Length; k++) v[k] = _alpha[k] * (s - _alpha[k]) / (s * s * (s + 1));
        return v;
    }

    /// <summary>
    /// The most probable vector: (α_k − 1)/(Σα − K) when every α_k ≥ 1; otherwise, as Infer.NET, the mass goes to the
    /// coordinates with α_k &gt; 1 in proportion to α_k − 1 (spread evenly over those with α_k = 1 if none exceeds 1, or all on
    /// the largest α_k if none reaches 1), since the density is unbounded or flat on that face of the simplex.
    /// </summary>
    public Vector GetMode()
    {
        if (_isPoint) return Vector.FromArray(_alpha);
        int k = Dimension;
        var m = new double[k];
        double excess = _alpha.Where(a => a > 1).Sum(a => a - 1);
        int atLeastOne = _alpha.Count(a => a >= 1);
        if (excess > 0)
            for (int i = 0; i < k; i++) m[i] = _alpha[i] > 1 ? (_alpha[i] - 1) / excess : 0;
        else if (atLeastOne > 0)
            for (int i = 0; i < k; i++) m[i] = _alpha[i] >= 1 ? 1.0 / atLeastOne : 0;
        else m[Array.IndexOf(_alpha, _alpha.Max())] = 1;
        return Vector.Wrap(m);
    }

    /// <summary>
    /// The Dirichlet with these expected logarithms E[log p_k] (the moment match in the Dirichlet's own sufficient statistics,
    /// as Infer.NET's <c>Dirichlet.SetMeanLog</c>): Newton's method on ψ(α_k) − ψ(Σα) = E[log p_k], whose Hessian is a
    /// diagonal plus a rank-one term (Minka, "Estimating a Dirichlet distribution", 2000), with step halving on the residual.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The logs are not attainable (Σ exp E[log p_k] must be below 1).</exception>
    public static Dirichlet FromMeanLog(ReadOnlySpan<double> meanLog) => FromMeanLog(meanLog, default);

    /// <summary>
    /// <see cref="FromMeanLog(ReadOnlySpan{double})"/> with Newton's method started from the pseudo-counts
    /// <paramref name="start"/> (a previous answer for nearby logs; empty or of another length: the usual start). The
    /// solution is unique, so the start changes only the number of steps.
    /// </summary>
    public static Dirichlet FromMeanLog(ReadOnlySpan<double> meanLog, ReadOnlySpan<double> start)
    {
        int k = meanLog.Length;
        double sumExp = 0;
        bool negative = true;
        foreach (var l in meanLog) { sumExp += Math.Exp(l); negative &= l < 0; }
        if (k < 2 || !(sumExp < 1) || !negative)
            throw new ArgumentOutOfRangeException(nameof(meanLog), "No Dirichlet has these expected logarithms (they must be negative with Σ exp below 1).");
        var alpha = new double[k];
        bool warm = start.Length == k;
        for (int i = 0; i < k && warm; i++) warm = start[i] > 0 && double.IsFinite(start[i]);
        if (warm) start.CopyTo(alpha);
        else
        {
            // the mean ∝ exp E[log p], the total from ψ(x) ≈ log x − 1/(2x): Σ p̂ (log p̂ − E[log p]) ≈ (K − 1)/(2 total)
            double gap = 0;
            for (int i = 0; i < k; i++) { double p = Math.Exp(meanLog[i]) / sumExp; alpha[i] = p; gap += p * (Math.Log(p) - meanLog[i]); }
            double total0 = Math.Max((k - 1) / (2 * Math.Max(gap, 1e-300)), 1e-3);
            for (int i = 0; i < k; i++) alpha[i] *= total0;
        }
        var res = new double[k];
        var trial = new double[k];
        var trialRes = new double[k];
        var step = new double[k];
        var q = new double[k];
        static double Residual(ReadOnlySpan<double> a, ReadOnlySpan<double> target, Span<double> r)
        {
            double sum = 0;
            foreach (var x in a) sum += x;
            double d = SpecialFunctions.DiGamma(sum), norm = 0;
            for (int i = 0; i < a.Length; i++) { r[i] = SpecialFunctions.DiGamma(a[i]) - d - target[i]; norm += r[i] * r[i]; }
            return norm;
        }
        double resNorm = Residual(alpha, meanLog, res);
        for (int iter = 0; iter < 200; iter++)
        {
            bool done = true;
            for (int i = 0; i < k && done; i++) done = Math.Abs(res[i]) <= 1e-15 * Math.Abs(meanLog[i]);
            if (done) break;
            // J = diag(ψ'(α_i)) − ψ'(α₀) 11ᵀ; J⁻¹r by Sherman–Morrison
            double total = 0;
            foreach (var a in alpha) total += a;
            double z = Polygamma.Trigamma(total), sq = 0, sr = 0;
            for (int i = 0; i < k; i++) { q[i] = Polygamma.Trigamma(alpha[i]); sq += 1 / q[i]; sr += res[i] / q[i]; }
            double c = sr / (sq - 1 / z);
            for (int i = 0; i < k; i++) step[i] = -(res[i] - c) / q[i];
            double t = 1;
            while (true)
            {
                bool positive = true;
                for (int i = 0; i < k; i++) { trial[i] = alpha[i] + t * step[i]; positive &= trial[i] > 0; }
                if (positive)
                {
                    double n = Residual(trial, meanLog, trialRes);
                    if (n < resNorm)
                    {
                        (alpha, trial) = (trial, alpha);
                        (res, trialRes) = (trialRes, res);
                        resNorm = n;
                        break;
                    }
                }
                t /= 2;
                if (t < 1e-12) return new(Stored.Fields, alpha);
            }
        }
        return new(Stored.Fields, alpha);
    }

    /// <summary>E[log p_k] = ψ(α_k) − ψ(Σα) (log of the point for a point mass).</summary>
    public double[] GetMeanLog()
    {
        // loops, not LINQ over double (which ReadyToRun leaves to the JIT in every fresh process)
        var ml = new double[_alpha.Length];
        if (_isPoint)
        {
            for (int k = 0; k < ml.Length; k++) ml[k] = Math.Log(_alpha[k]);
            return ml;
        }
        double d = SpecialFunctions.DiGamma(TotalCount);
        for (int k = 0; k < ml.Length; k++) ml[k] = SpecialFunctions.DiGamma(_alpha[k]) - d;
        return ml;
    }

    /// <summary>log density at probability vector <paramref name="p"/> (with respect to Lebesgue measure on the first K − 1 coordinates).</summary>
    /// <exception cref="ArgumentException"><paramref name="p"/> has the wrong length.</exception>
    public double GetLogProb(ReadOnlySpan<double> p)
    {
        if (p.Length != Dimension) throw new ArgumentException($"The point has {p.Length} entries but the Dirichlet has dimension {Dimension}.", nameof(p));
        if (_isPoint) return p.SequenceEqual(_alpha) ? 0 : double.NegativeInfinity;
        double s = -GetLogNormalizer();
        if (double.IsInfinity(s)) s = 0;   // improper: the unnormalised log density, as Infer.NET defines it
        for (int k = 0; k < Dimension; k++) if (_alpha[k] != 1) s += (_alpha[k] - 1) * Math.Log(p[k]);   // α_k = 1: p_k⁰ = 1 even at p_k = 0
        return s;
    }

    /// <summary>log density at probability vector <paramref name="p"/>, as Infer.NET's <c>GetLogProb(Vector)</c>.</summary>
    public double GetLogProb(Vector p)
    {
        ArgumentNullException.ThrowIfNull(p);
        return GetLogProb(p.Span);
    }

    /// <inheritdoc/>
    public bool IsUniform()
    {
        if (_isPoint) return false;
        foreach (double a in _alpha) if (a != 1) return false;
        return true;
    }

    /// <inheritdoc/>
    public bool IsProper()
    {
        if (_isPoint) return true;
        foreach (double a in _alpha) if (!(a > 0)) return false;
        return true;
    }

    /// <inheritdoc/>
    public Dirichlet CreateUniform() => Uniform(Dimension);

    /// <inheritdoc/>
    public double GetLogNormalizer()
    {
        if (_isPoint) return 0;
        if (!IsProper()) return double.PositiveInfinity;
        double s = -SpecialFunctions.GammaLn(TotalCount);
        foreach (var a in _alpha) s += SpecialFunctions.GammaLn(a);
        return s;
    }

    /// <inheritdoc/>
    public double GetAverageLogSelf()
    {
        if (_isPoint) return 0;
        var ml = GetMeanLog();
        double s = -GetLogNormalizer();
        for (int k = 0; k < Dimension; k++) s += (_alpha[k] - 1) * ml[k];
        return s;
    }

    /// <summary>A draw from Infer.NET's static generator <see cref="LinearAlgebra.Rand"/> (repeatable after <c>Rand.Restart(seed)</c>).</summary>
    public Vector Sample() => Sample(LinearAlgebra.Rand.Generator);

    /// <summary>A draw (normalised Gamma draws).</summary>
    public Vector Sample(Random random)
    {
        ArgumentNullException.ThrowIfNull(random);
        if (_isPoint) return Vector.FromArray(_alpha);
        var p = _alpha.Select(a => MathNet.Numerics.Distributions.Gamma.Sample(random, a, 1)).ToArray();
        double s = p.Sum();
        for (int k = 0; k < p.Length; k++) p[k] /= s;
        return Vector.Wrap(p);
    }

    /// <inheritdoc/>
    /// <remarks>A point mass raised to any power stays the point mass, as the scalar distributions do.</remarks>
    public Dirichlet Pow(double exponent)
    {
        if (exponent == 1 || _isPoint) return this;
        var alpha = new double[_alpha.Length];
        for (int k = 0; k < alpha.Length; k++) alpha[k] = (_alpha[k] - 1) * exponent + 1;
        return new(Stored.Fields, alpha);
    }

    /// <inheritdoc/>
    /// <remarks>A point mass times anything is the point mass.</remarks>
    /// <exception cref="InvalidOperationException">Both are point masses at different points (the product is zero everywhere).</exception>
    public static Dirichlet operator *(Dirichlet a, Dirichlet b)
    {
        if (a._isPoint)
        {
            if (b._isPoint && !a._alpha.AsSpan().SequenceEqual(b._alpha))
                throw new InvalidOperationException($"The product of {a} and {b} is zero everywhere: two different point masses.");
            return a;
        }
        if (b._isPoint) return b;
        var r = new double[a.Dimension];
        for (int k = 0; k < r.Length; k++) r[k] = a._alpha[k] + b._alpha[k] - 1;
        return new(Stored.Fields, r);
    }

    /// <inheritdoc/>
    /// <remarks>A point mass divided by anything is the point mass.</remarks>
    /// <exception cref="InvalidOperationException">The denominator is a point mass and the numerator is not.</exception>
    public static Dirichlet operator /(Dirichlet a, Dirichlet b)
    {
        if (a._isPoint) return a;
        if (b._isPoint) throw new InvalidOperationException($"Cannot divide {a} by the point mass {b}.");
        var r = new double[a.Dimension];
        for (int k = 0; k < r.Length; k++) r[k] = a._alpha[k] - b._alpha[k] + 1;
        return new(Stored.Fields, r);
    }

    /// <inheritdoc/>
    public double GetAverageLog(Dirichlet p)
    {
        if (p.IsPointMass) return Equals(p) ? 0 : double.NegativeInfinity;
        var ml = GetMeanLog();
        double s = -p.GetLogNormalizer();
        for (int k = 0; k < ml.Length; k++) s += MixtureMoments.Mul(p[k] - 1, ml[k]);
        return s;
    }

    /// <inheritdoc/>
    public double GetLogProbAtPointOf(Dirichlet point) => GetLogProb(point.Point);

    /// <inheritdoc/>
    /// <remarks>Matches E[p_k] and Σ_k E[p_k²] = (α0 Σ m_k² + 1)/(α0 + 1) (Minka, "Estimating a Dirichlet distribution", 2000).</remarks>
    public static Dirichlet ProjectMixture(ReadOnlySpan<double> weights, ReadOnlySpan<Dirichlet> components)
    {
        if (MixtureMoments.Single(weights) is int only) return components[only];
        double[]? m = null;
        double s = 0;
        for (int c = 0; c < weights.Length; c++)
        {
            if (weights[c] == 0) continue;
            var d = components[c];
            m ??= new double[d.Dimension];
            if (d._isPoint)
            {
                for (int k = 0; k < m.Length; k++) { double p = d._alpha[k]; m[k] += weights[c] * p; s += weights[c] * p * p; }
                continue;
            }
            // E[p_k] = α_k/α0 and E[p_k²] = Var[p_k] + E[p_k]², with Var[p_k] = α_k(α0 − α_k) / (α0²(α0 + 1)) as GetVariance
            double total = d.TotalCount;
            for (int k = 0; k < m.Length; k++)
            {
                double a = d._alpha[k], mk = a / total;
                m[k] += weights[c] * mk;
                s += weights[c] * (a * (total - a) / (total * total * (total + 1)) + mk * mk);
            }
        }
        double mm = 0;
        foreach (var mk in m!) mm += mk * mk;
        double a0 = (1 - s) / (s - mm);
        // no pseudo-count below the smallest of the components' (Infer.NET's Dirichlet.SetToSum; see Beta.ProjectMixture)
        double bound = 0;
        for (int k = 0; k < m.Length; k++)
        {
            double min = double.PositiveInfinity;
            for (int c = 0; c < weights.Length; c++)
                if (weights[c] > 0 && !components[c].IsPointMass) min = Math.Min(min, components[c][k]);
            if (double.IsFinite(min) && m[k] > 0) bound = Math.Max(bound, min / m[k]);
        }
        if (a0 < bound) a0 = bound;
        for (int k = 0; k < m.Length; k++) m[k] *= a0;
        return FromPseudoCountsOwned(m);
    }

    /// <inheritdoc/>
    public static Dirichlet PointMassAt(Array values, int index, Dirichlet like)
    {
        var v = values switch
        {
            Vector[] vs => vs[index],
            double[][] ds => Vector.FromArray(ds[index]),
            _ => throw MixtureMoments.WrongValues(values, "a probability Vector"),
        };
        if (v.Count != like.Dimension) throw new ArgumentException($"has {v.Count} entries, but the Dirichlet has {like.Dimension}");
        return PointMass(v);
    }

    /// <inheritdoc/>
    /// <remarks>With s = max(1, max_k α_d,k/α_n,k) the message's counts are max(s·α_n,k − α_d,k + 1, 1).</remarks>
    public static Dirichlet ProperRatio(Dirichlet numerator, Dirichlet denominator)
    {
        if (numerator.IsPointMass || denominator.IsPointMass) return numerator / denominator;
        bool improper = false;
        double s = 1;
        for (int k = 0; k < numerator.Dimension; k++)
        {
            if (numerator[k] < denominator[k]) improper = true;
            s = Math.Max(s, denominator[k] / numerator[k]);
        }
        if (!improper) return numerator / denominator;
        var alpha = new double[numerator.Dimension];
        for (int k = 0; k < alpha.Length; k++) alpha[k] = Math.Max(s * numerator[k] - denominator[k] + 1, 1);
        return FromNaturalOwned(alpha);
    }

    /// <inheritdoc/>
    public Dirichlet ClampCertainty(double certain) => this;

    /// <inheritdoc/>
    public bool Equals(Dirichlet other) => _isPoint == other._isPoint && _alpha.AsSpan().SequenceEqual(other._alpha);

    /// <inheritdoc/>
    public override bool Equals(object? obj) => obj is Dirichlet d && Equals(d);

    /// <inheritdoc/>
    public override int GetHashCode() => _alpha.Length == 0 ? 0 : HashCode.Combine(_alpha.Length, _alpha[0], _isPoint);

    /// <summary>"Dirichlet(α0 α1 …)", or "Dirichlet.PointMass(p0 p1 …)" as the scalar types print theirs.</summary>
    public override string ToString()
    {
        var sb = new StringBuilder(_isPoint ? "Dirichlet.PointMass(" : "Dirichlet(");
        for (int k = 0; k < Dimension; k++) { if (k > 0) sb.Append(' '); sb.Append(Gaussian.F(_alpha[k])); }
        return sb.Append(')').ToString();
    }
}
