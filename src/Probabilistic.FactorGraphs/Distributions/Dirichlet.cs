using System.Text;
using MathNet.Numerics;
using Probabilistic.FactorGraphs.LinearAlgebra;

namespace Probabilistic.FactorGraphs.Distributions;

/// <summary>A Dirichlet distribution over probability vectors of dimension K.</summary>
/// <remarks>Density ∝ Π p_k^(α_k − 1): natural parameters α − 1 add under a product; all α = 1 is uniform.</remarks>
public readonly struct Dirichlet : IDistribution<Dirichlet>, IEquatable<Dirichlet>
{
    private readonly double[] _alpha;

    private Dirichlet(Stored _, double[] alpha) { _alpha = alpha; }

    /// <summary>Dirichlet(α), as Infer.NET's <c>new Dirichlet(params double[] pseudoCount)</c>.</summary>
    /// <exception cref="ArgumentException">No pseudo-counts, or one that is not finite and &gt; 0.</exception>
    public Dirichlet(params double[] pseudoCount) { this = FromPseudoCounts(pseudoCount); }

    /// <summary>K.</summary>
    public int Dimension => _alpha?.Length ?? 0;

    /// <summary>Pseudo-counts α (a copy).</summary>
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

    /// <summary>Every α_k = <paramref name="alpha"/>.</summary>
    public static Dirichlet Symmetric(int dimension, double alpha)
    {
        var a = new double[dimension];
        Array.Fill(a, alpha);
        return FromPseudoCounts(a);
    }

    /// <summary>All α_k = 1.</summary>
    public static Dirichlet Uniform(int dimension) => Symmetric(dimension, 1);

    internal static Dirichlet FromNaturalOwned(double[] alpha) => new(Stored.Fields, alpha);

    /// <summary>α_k.</summary>
    public double this[int k] => _alpha[k];

    /// <summary>Σα.</summary>
    public double TotalCount => _alpha.Sum();

    /// <summary>E[p].</summary>
    public Vector GetMean() { double s = TotalCount; return Vector.Wrap(_alpha.Select(a => a / s).ToArray()); }

    /// <summary>Var[p_k].</summary>
    public double[] GetVariance()
    {
        double s = TotalCount;
        return _alpha.Select(a => a * (s - a) / (s * s * (s + 1))).ToArray();
    }

    /// <summary>E[log p_k] = ψ(α_k) − ψ(Σα).</summary>
    public double[] GetMeanLog()
    {
        double d = SpecialFunctions.DiGamma(TotalCount);
        return _alpha.Select(a => SpecialFunctions.DiGamma(a) - d).ToArray();
    }

    /// <summary>log density at probability vector <paramref name="p"/>.</summary>
    public double GetLogProb(ReadOnlySpan<double> p)
    {
        double s = -GetLogNormalizer();
        for (int k = 0; k < Dimension; k++) s += (_alpha[k] - 1) * Math.Log(p[k]);
        return s;
    }

    /// <inheritdoc/>
    public bool IsPointMass => false;

    /// <inheritdoc/>
    public bool IsUniform() => _alpha.All(a => a == 1);

    /// <inheritdoc/>
    public bool IsProper() => _alpha.All(a => a > 0);

    /// <inheritdoc/>
    public Dirichlet CreateUniform() => Uniform(Dimension);

    /// <inheritdoc/>
    public double GetLogNormalizer()
    {
        if (!IsProper()) return double.PositiveInfinity;
        double s = -SpecialFunctions.GammaLn(TotalCount);
        foreach (var a in _alpha) s += SpecialFunctions.GammaLn(a);
        return s;
    }

    /// <inheritdoc/>
    public double GetAverageLogSelf()
    {
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
        var p = _alpha.Select(a => MathNet.Numerics.Distributions.Gamma.Sample(random, a, 1)).ToArray();
        double s = p.Sum();
        for (int k = 0; k < p.Length; k++) p[k] /= s;
        return Vector.Wrap(p);
    }

    /// <inheritdoc/>
    public Dirichlet Pow(double exponent) => exponent == 1 ? this : new(Stored.Fields, _alpha.Select(a => (a - 1) * exponent + 1).ToArray());

    /// <inheritdoc/>
    public static Dirichlet operator *(Dirichlet a, Dirichlet b)
    {
        var r = new double[a.Dimension];
        for (int k = 0; k < r.Length; k++) r[k] = a._alpha[k] + b._alpha[k] - 1;
        return new(Stored.Fields, r);
    }

    /// <inheritdoc/>
    public static Dirichlet operator /(Dirichlet a, Dirichlet b)
    {
        var r = new double[a.Dimension];
        for (int k = 0; k < r.Length; k++) r[k] = a._alpha[k] - b._alpha[k] + 1;
        return new(Stored.Fields, r);
    }

    /// <inheritdoc/>
    public bool Equals(Dirichlet other) => _alpha.AsSpan().SequenceEqual(other._alpha);

    /// <inheritdoc/>
    public override bool Equals(object? obj) => obj is Dirichlet d && Equals(d);

    /// <inheritdoc/>
    public override int GetHashCode() => _alpha.Length == 0 ? 0 : HashCode.Combine(_alpha.Length, _alpha[0]);

    /// <summary>"Dirichlet(α0 α1 …)".</summary>
    public override string ToString()
    {
        var sb = new StringBuilder("Dirichlet(");
        for (int k = 0; k < Dimension; k++) { if (k > 0) sb.Append(' '); sb.Append(Gaussian.F(_alpha[k])); }
        return sb.Append(')').ToString();
    }
}
