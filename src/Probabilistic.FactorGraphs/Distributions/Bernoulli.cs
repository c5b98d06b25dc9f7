using Probabilistic.Core.Numerics;

namespace Probabilistic.FactorGraphs.Distributions;

/// <summary>A distribution over bool in log-odds form.</summary>
/// <remarks>P(true) = σ(LogOdds); log-odds add under a product; ±∞ are the point masses, 0 is uniform.</remarks>
public readonly partial struct Bernoulli : IExponentialFamily<Bernoulli>, IDistribution<bool>, IEquatable<Bernoulli>
{
    /// <summary>log P(true) − log P(false).</summary>
    public double LogOdds { get; }

    private Bernoulli(Stored _, double logOdds) { LogOdds = logOdds; }

    /// <summary>P(true) = <paramref name="probTrue"/>, as Infer.NET's <c>new Bernoulli(probTrue)</c>.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="probTrue"/> is outside [0, 1].</exception>
    public Bernoulli(double probTrue) { this = FromProbTrue(probTrue); }

    /// <summary>P(true) = <paramref name="probTrue"/>.</summary>
    public static Bernoulli FromProbTrue(double probTrue)
    {
        if (!(probTrue >= 0 && probTrue <= 1)) throw new ArgumentOutOfRangeException(nameof(probTrue), probTrue, "A Bernoulli's probability of true must lie in [0, 1].");
        return new(Stored.Fields, Math.Log(probTrue) - Math.Log(1 - probTrue));
    }

    /// <summary>From log-odds.</summary>
    public static Bernoulli FromLogOdds(double logOdds)
    {
        if (double.IsNaN(logOdds)) throw new ArgumentOutOfRangeException(nameof(logOdds), logOdds, "Log-odds must not be NaN.");
        return new(Stored.Fields, logOdds);
    }

    /// <summary>All mass on <paramref name="value"/>.</summary>
    public static Bernoulli PointMass(bool value) => new(Stored.Fields, value ? double.PositiveInfinity : double.NegativeInfinity);

    /// <summary>P(true) = 1/2.</summary>
    public static Bernoulli Uniform() => new(Stored.Fields, 0);

    /// <summary>P(true).</summary>
    public double GetProbTrue() => LogOdds >= 0 ? 1 / (1 + Math.Exp(-LogOdds)) : Math.Exp(LogOdds) / (1 + Math.Exp(LogOdds));

    /// <summary>P(false).</summary>
    public double GetProbFalse() => 1 - GetProbTrue();

    /// <summary>log P(true).</summary>
    public double GetLogProbTrue() => -LogSpace.Log1pExp(-LogOdds);

    /// <summary>log P(false).</summary>
    public double GetLogProbFalse() => -LogSpace.Log1pExp(LogOdds);

    /// <summary>log P(value).</summary>
    public double GetLogProb(bool value) => value ? GetLogProbTrue() : GetLogProbFalse();

    /// <summary>E[x] = P(true).</summary>
    public double GetMean() => GetProbTrue();

    /// <inheritdoc/>
    public bool IsPointMass => double.IsInfinity(LogOdds);

    /// <summary>The point of a point mass.</summary>
    public bool Point => IsPointMass ? LogOdds > 0 : throw new InvalidOperationException("Not a point mass.");

    /// <inheritdoc/>
    public bool IsUniform() => LogOdds == 0;

    /// <inheritdoc/>
    public bool IsProper() => true;

    /// <inheritdoc/>
    public Bernoulli CreateUniform() => Uniform();

    /// <inheritdoc/>
    public double GetLogNormalizer() => IsPointMass ? 0 : LogSpace.Log1pExp(LogOdds);

    /// <inheritdoc/>
    public double GetAverageLogSelf()
    {
        if (IsPointMass) return 0;
        double p = GetProbTrue();
        return p * GetLogProbTrue() + (1 - p) * GetLogProbFalse();
    }

    /// <summary>log Σ_x this(x) that(x).</summary>
    public double GetLogAverageOf(Bernoulli that) =>
        LogSpace.LogAddExp(GetLogProbTrue() + that.GetLogProbTrue(), GetLogProbFalse() + that.GetLogProbFalse());

    /// <summary>A draw from Infer.NET's static generator <see cref="LinearAlgebra.Rand"/> (repeatable after <c>Rand.Restart(seed)</c>).</summary>
    public bool Sample() => Sample(LinearAlgebra.Rand.Generator);

    /// <summary>A draw.</summary>
    public bool Sample(Random random)
    {
        ArgumentNullException.ThrowIfNull(random);
        return random.NextDouble() < GetProbTrue();
    }

    /// <inheritdoc/>
    public Bernoulli Pow(double exponent) => IsPointMass ? this : new(Stored.Fields, LogOdds * exponent);

    /// <inheritdoc/>
    public static Bernoulli operator *(Bernoulli a, Bernoulli b)
    {
        if (a.IsPointMass) return a;
        if (b.IsPointMass) return b;
        return new(Stored.Fields, a.LogOdds + b.LogOdds);
    }

    /// <inheritdoc/>
    public static Bernoulli operator /(Bernoulli a, Bernoulli b)
    {
        if (a.IsPointMass) return a;
        return new(Stored.Fields, a.LogOdds - b.LogOdds);
    }

    /// <inheritdoc/>
    public double GetAverageLog(Bernoulli p)
    {
        double t = GetProbTrue();
        return MixtureMoments.Mul(t, p.GetLogProbTrue()) + MixtureMoments.Mul(1 - t, p.GetLogProbFalse());
    }

    /// <inheritdoc/>
    public double GetLogProbAtPointOf(Bernoulli point) => GetLogProb(point.Point);

    /// <inheritdoc/>
    public static Bernoulli ProjectMixture(ReadOnlySpan<double> weights, ReadOnlySpan<Bernoulli> components)
    {
        if (MixtureMoments.Single(weights) is int only) return components[only];
        double p = 0;
        for (int c = 0; c < weights.Length; c++) if (weights[c] > 0) p += weights[c] * components[c].GetProbTrue();
        return FromProbTrue(Math.Clamp(p, 0, 1));
    }

    /// <inheritdoc/>
    public static Bernoulli PointMassAt(Array values, int index, Bernoulli like) =>
        values is bool[] b ? PointMass(b[index]) : throw MixtureMoments.WrongValues(values, "bool");

    /// <inheritdoc/>
    public static Bernoulli ProperRatio(Bernoulli numerator, Bernoulli denominator) => numerator / denominator;

    /// <inheritdoc/>
    public Bernoulli ClampCertainty(double certain) => FromLogOdds(double.IsNaN(LogOdds) ? 0 : Math.Clamp(LogOdds, -certain, certain));

    /// <inheritdoc/>
    public Bernoulli Softened(double c) => ClampCertainty(c);

    /// <inheritdoc/>
    public bool Equals(Bernoulli other) => LogOdds.Equals(other.LogOdds);

    /// <inheritdoc/>
    public override bool Equals(object? obj) => obj is Bernoulli b && Equals(b);

    /// <inheritdoc/>
    public override int GetHashCode() => LogOdds.GetHashCode();

    /// <summary>"Bernoulli(p)" as Infer.NET prints it.</summary>
    public override string ToString() => "Bernoulli(" + Gaussian.F(GetProbTrue()) + ")";
}
