using MathNet.Numerics;

namespace Probabilistic.FactorGraphs.Distributions;

/// <summary>A Beta distribution over [0, 1].</summary>
/// <remarks>
/// Density ∝ p^(TrueCount−1) (1−p)^(FalseCount−1): natural parameters (TrueCount − 1, FalseCount − 1), so a
/// product adds counts minus one. Beta(1,1) is uniform; a point mass has TrueCount = +∞ and keeps its point in
/// <see cref="FalseCount"/>.
/// </remarks>
public readonly partial struct Beta : IExponentialFamily<Beta>, IDistribution<double>, ICanGetMeanAndVariance, IEquatable<Beta>
{
    /// <summary>α, the pseudo-count of true.</summary>
    public double TrueCount { get; }

    /// <summary>β, the pseudo-count of false (for a point mass: the point).</summary>
    public double FalseCount { get; }

    private Beta(Stored _, double trueCount, double falseCount) { TrueCount = trueCount; FalseCount = falseCount; }

    /// <summary>Beta(α, β), as Infer.NET's <c>new Beta(trueCount, falseCount)</c>.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A count is not finite and &gt; 0.</exception>
    public Beta(double trueCount, double falseCount) { this = FromCounts(trueCount, falseCount); }

    /// <summary>Beta(α, β) with α, β &gt; 0.</summary>
    public static Beta FromCounts(double trueCount, double falseCount)
    {
        if (!(trueCount > 0) || double.IsInfinity(trueCount)) throw new ArgumentOutOfRangeException(nameof(trueCount), trueCount, "A Beta's trueCount must be finite and > 0.");
        if (!(falseCount > 0) || double.IsInfinity(falseCount)) throw new ArgumentOutOfRangeException(nameof(falseCount), falseCount, "A Beta's falseCount must be finite and > 0.");
        return new(Stored.Fields, trueCount, falseCount);
    }

    /// <summary>From natural parameters (α − 1, β − 1), allowing improper messages.</summary>
    public static Beta FromNatural(double trueMinus1, double falseMinus1) => new(Stored.Fields, trueMinus1 + 1, falseMinus1 + 1);

    /// <summary>The Beta with this mean and variance (moment matching).</summary>
    public static Beta FromMeanAndVariance(double mean, double variance)
    {
        if (variance == 0) return PointMass(mean);
        double s = mean * (1 - mean) / variance - 1;
        return new(Stored.Fields, mean * s, (1 - mean) * s);
    }

    /// <summary>
    /// The Beta with these expected logarithms E[log p] and E[log(1 − p)] (the moment match in the Beta's own sufficient
    /// statistics, as Infer.NET's <c>Beta.FromMeanLogs</c>): Newton's method on ψ(α) − ψ(α + β) = E[log p],
    /// ψ(β) − ψ(α + β) = E[log(1 − p)] in (log α, log β), with step halving on the residual.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The pair is not attainable (exp E[log p] + exp E[log(1 − p)] must be below 1).</exception>
    public static Beta FromMeanLogs(double meanLog, double meanLogOneMinus)
    {
        if (!(meanLog < 0) || !(meanLogOneMinus < 0) || !(Math.Exp(meanLog) + Math.Exp(meanLogOneMinus) < 1))
            throw new ArgumentOutOfRangeException(nameof(meanLog), $"No Beta has E[log p] = {meanLog} and E[log(1 − p)] = {meanLogOneMinus}.");
        // start from the Beta whose mean matches exp of the logs, with the total count from the first-order expansion ψ(x) ≈ log x − 1/(2x)
        double m = Math.Exp(meanLog) / (Math.Exp(meanLog) + Math.Exp(meanLogOneMinus));
        double gap = -(meanLog + meanLogOneMinus) + Math.Log(m) + Math.Log(1 - m);
        double total = Math.Max(0.5 * (1 / m + 1 / (1 - m) - 2) / Math.Max(gap, 1e-300), 1e-3);
        double la = Math.Log(m * total), lb = Math.Log((1 - m) * total);
        (double, double) Residual(double x, double y)
        {
            double a = Math.Exp(x), b = Math.Exp(y), d = SpecialFunctions.DiGamma(a + b);
            return (SpecialFunctions.DiGamma(a) - d - meanLog, SpecialFunctions.DiGamma(b) - d - meanLogOneMinus);
        }
        var (r1, r2) = Residual(la, lb);
        for (int iter = 0; iter < 200 && (Math.Abs(r1) > 1e-15 * Math.Abs(meanLog) || Math.Abs(r2) > 1e-15 * Math.Abs(meanLogOneMinus)); iter++)
        {
            double a = Math.Exp(la), b = Math.Exp(lb), t = Polygamma.Trigamma(a + b);
            // Jacobian in (log a, log b)
            double j11 = (Polygamma.Trigamma(a) - t) * a, j12 = -t * b, j21 = -t * a, j22 = (Polygamma.Trigamma(b) - t) * b;
            double det = j11 * j22 - j12 * j21;
            double dx = -(j22 * r1 - j12 * r2) / det, dy = -(-j21 * r1 + j11 * r2) / det;
            double norm = r1 * r1 + r2 * r2, step = 1;
            while (true)
            {
                var (n1, n2) = Residual(la + step * dx, lb + step * dy);
                if (n1 * n1 + n2 * n2 < norm || step < 1e-12)
                {
                    la += step * dx; lb += step * dy; (r1, r2) = (n1, n2);
                    break;
                }
                step /= 2;
            }
            if (step < 1e-12) break;
        }
        return new(Stored.Fields, Math.Exp(la), Math.Exp(lb));
    }

    /// <summary>All mass at <paramref name="value"/> in [0, 1].</summary>
    public static Beta PointMass(double value)
    {
        if (!(value >= 0 && value <= 1)) throw new ArgumentOutOfRangeException(nameof(value), value, "A Beta point mass must lie in [0, 1].");
        return new(Stored.Fields, double.PositiveInfinity, value);
    }

    /// <summary>Beta(1, 1).</summary>
    public static Beta Uniform() => new(Stored.Fields, 1, 1);

    /// <inheritdoc/>
    public bool IsPointMass => double.IsPositiveInfinity(TrueCount);

    /// <summary>The point of a point mass.</summary>
    public double Point => IsPointMass ? FalseCount : throw new InvalidOperationException("Not a point mass.");

    /// <inheritdoc/>
    public bool IsUniform() => TrueCount == 1 && FalseCount == 1;

    /// <inheritdoc/>
    public bool IsProper() => TrueCount > 0 && FalseCount > 0;

    /// <inheritdoc/>
    public Beta CreateUniform() => Uniform();

    /// <summary>E[p].</summary>
    public double GetMean() => IsPointMass ? FalseCount : TrueCount / (TrueCount + FalseCount);

    /// <summary>Var[p].</summary>
    public double GetVariance()
    {
        if (IsPointMass) return 0;
        double s = TrueCount + FalseCount;
        return TrueCount * FalseCount / (s * s * (s + 1));
    }

    /// <summary>(E[log p], E[log(1−p)]).</summary>
    public (double MeanLog, double MeanLogOneMinus) GetMeanLogs()
    {
        if (IsPointMass) return (Math.Log(FalseCount), Math.Log(1 - FalseCount));
        double d = SpecialFunctions.DiGamma(TrueCount + FalseCount);
        return (SpecialFunctions.DiGamma(TrueCount) - d, SpecialFunctions.DiGamma(FalseCount) - d);
    }

    /// <summary>log density at <paramref name="p"/>.</summary>
    public double GetLogProb(double p)
    {
        if (IsPointMass) return p == FalseCount ? 0 : double.NegativeInfinity;
        if (p < 0 || p > 1) return double.NegativeInfinity;
        return (TrueCount - 1) * Math.Log(p) + (FalseCount - 1) * Math.Log(1 - p) - GetLogNormalizer();
    }

    /// <inheritdoc/>
    public double GetLogNormalizer()
    {
        if (IsPointMass) return 0;
        if (!IsProper()) return double.PositiveInfinity;
        return SpecialFunctions.GammaLn(TrueCount) + SpecialFunctions.GammaLn(FalseCount) - SpecialFunctions.GammaLn(TrueCount + FalseCount);
    }

    /// <inheritdoc/>
    public double GetAverageLogSelf()
    {
        if (IsPointMass) return 0;
        var (l1, l0) = GetMeanLogs();
        return (TrueCount - 1) * l1 + (FalseCount - 1) * l0 - GetLogNormalizer();
    }

    /// <summary>A draw from Infer.NET's static generator <see cref="LinearAlgebra.Rand"/> (repeatable after <c>Rand.Restart(seed)</c>).</summary>
    public double Sample() => Sample(LinearAlgebra.Rand.Generator);

    /// <summary>A draw.</summary>
    public double Sample(Random random)
    {
        ArgumentNullException.ThrowIfNull(random);
        if (IsPointMass) return FalseCount;
        return MathNet.Numerics.Distributions.Beta.Sample(random, TrueCount, FalseCount);
    }

    /// <inheritdoc/>
    public Beta Pow(double exponent) => IsPointMass ? this : new(Stored.Fields, (TrueCount - 1) * exponent + 1, (FalseCount - 1) * exponent + 1);

    /// <inheritdoc/>
    public static Beta operator *(Beta a, Beta b)
    {
        if (a.IsPointMass) return a;
        if (b.IsPointMass) return b;
        return new(Stored.Fields, a.TrueCount + b.TrueCount - 1, a.FalseCount + b.FalseCount - 1);
    }

    /// <inheritdoc/>
    public static Beta operator /(Beta a, Beta b)
    {
        if (a.IsPointMass) return a;
        return new(Stored.Fields, a.TrueCount - b.TrueCount + 1, a.FalseCount - b.FalseCount + 1);
    }

    /// <inheritdoc/>
    public double GetAverageLog(Beta p)
    {
        if (p.IsPointMass) return IsPointMass && Point == p.Point ? 0 : double.NegativeInfinity;
        var (l1, l0) = GetMeanLogs();
        return MixtureMoments.Mul(p.TrueCount - 1, l1) + MixtureMoments.Mul(p.FalseCount - 1, l0) - p.GetLogNormalizer();
    }

    /// <inheritdoc/>
    public double GetLogProbAtPointOf(Beta point) => GetLogProb(point.Point);

    /// <inheritdoc/>
    /// <remarks>
    /// The mean and variance of the mixture, except that neither pseudo-count may fall below the smallest of the
    /// components' (the total count is raised to the least that keeps both, at the same mean): Infer.NET's
    /// <c>Beta.SetToSum</c>, which keeps an EP message through a gate from losing counts the cases agree on.
    /// </remarks>
    public static Beta ProjectMixture(ReadOnlySpan<double> weights, ReadOnlySpan<Beta> components)
    {
        if (MixtureMoments.Single(weights) is int only) return components[only];
        var (m, v) = MixtureMoments.MeanAndVariance(weights, components, static g => g.GetMean(), static g => g.GetVariance());
        var moment = FromMeanAndVariance(m, v);
        double minTrue = double.PositiveInfinity, minFalse = double.PositiveInfinity;
        for (int c = 0; c < weights.Length; c++)
        {
            if (weights[c] == 0 || components[c].IsPointMass) continue;
            minTrue = Math.Min(minTrue, components[c].TrueCount);
            minFalse = Math.Min(minFalse, components[c].FalseCount);
        }
        if (moment.IsPointMass || double.IsPositiveInfinity(minTrue)) return moment;
        double bound = Math.Max(minTrue / m, minFalse / (1 - m));
        return moment.TrueCount + moment.FalseCount < bound ? new(Stored.Fields, bound * m, bound * (1 - m)) : moment;
    }

    /// <inheritdoc/>
    public static Beta PointMassAt(Array values, int index, Beta like)
    {
        if (values is not double[] d) throw MixtureMoments.WrongValues(values, "double");
        if (!(d[index] >= 0 && d[index] <= 1)) throw new ArgumentOutOfRangeException(null, $"is {d[index]}, outside a Beta's support [0, 1]");
        return PointMass(d[index]);
    }

    /// <inheritdoc/>
    /// <remarks>With s = max(1, α_d/α_n, β_d/β_n) the message's counts are s·α_n − α_d + 1 and s·β_n − β_d + 1 (both ≥ 1).</remarks>
    public static Beta ProperRatio(Beta numerator, Beta denominator)
    {
        if (numerator.IsPointMass || denominator.IsPointMass
            || (numerator.TrueCount >= denominator.TrueCount && numerator.FalseCount >= denominator.FalseCount)) return numerator / denominator;
        double s = Math.Max(1, Math.Max(denominator.TrueCount / numerator.TrueCount, denominator.FalseCount / numerator.FalseCount));
        return new(Stored.Fields, s * numerator.TrueCount - denominator.TrueCount + 1, s * numerator.FalseCount - denominator.FalseCount + 1);
    }

    /// <inheritdoc/>
    public Beta ClampCertainty(double certain) => this;

    /// <inheritdoc/>
    public bool Equals(Beta other) => TrueCount.Equals(other.TrueCount) && FalseCount.Equals(other.FalseCount);

    /// <inheritdoc/>
    public override bool Equals(object? obj) => obj is Beta b && Equals(b);

    /// <inheritdoc/>
    public override int GetHashCode() => HashCode.Combine(TrueCount, FalseCount);

    /// <summary>"Beta(α,β)[mean=m]" as Infer.NET prints it.</summary>
    public override string ToString() => IsPointMass ? "Beta.PointMass(" + Gaussian.F(FalseCount) + ")"
        : "Beta(" + Gaussian.F(TrueCount) + "," + Gaussian.F(FalseCount) + ")[mean=" + Gaussian.F(GetMean()) + "]";
}
