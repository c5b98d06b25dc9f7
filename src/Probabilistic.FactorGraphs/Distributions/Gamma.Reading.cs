using MathNet.Numerics;

namespace Probabilistic.FactorGraphs.Distributions;

// Members Infer.NET users read results with.
public readonly partial struct Gamma
{
    /// <summary>The mean a/b and variance a/b² (a point mass: its point and 0).</summary>
    public void GetMeanAndVariance(out double mean, out double variance)
    {
        mean = GetMean();
        variance = GetVariance();
    }

    /// <summary>The scale θ = 1/b.</summary>
    public double GetScale() => IsPointMass ? throw new InvalidOperationException("A point mass has no scale.") : 1 / Rate;

    /// <summary>The shape a and scale θ = 1/b.</summary>
    public void GetShapeAndScale(out double shape, out double scale)
    {
        shape = Shape;
        scale = GetScale();
    }

    /// <summary>The most probable value: (a − 1)/b for a &gt; 1, else 0 (a point mass: its point), as Infer.NET.</summary>
    public double GetMode()
    {
        if (IsPointMass) return Point;
        if (Shape <= 1) return 0;
        if (Rate == 0) return double.PositiveInfinity;
        return (Shape - 1) / Rate;
    }

    /// <summary>E[1/x] = b/(a − 1) for a &gt; 1 (+∞ otherwise).</summary>
    public double GetMeanInverse()
    {
        if (IsPointMass) return 1 / Point;
        return Shape > 1 ? Rate / (Shape - 1) : double.PositiveInfinity;
    }

    /// <summary>E[x^p] = Γ(a + p) / (Γ(a) b^p) for a + p &gt; 0 (+∞ otherwise).</summary>
    public double GetMeanPower(double power)
    {
        if (IsPointMass) return Math.Pow(Point, power);
        if (power == 0) return 1;
        if (!(Shape + power > 0)) return double.PositiveInfinity;
        return Math.Exp(SpecialFunctions.GammaLn(Shape + power) - SpecialFunctions.GammaLn(Shape) - power * Math.Log(Rate));
    }

    /// <summary>P(X &lt; x): the regularised lower incomplete gamma function P(a, b·x).</summary>
    /// <exception cref="InvalidOperationException">The distribution is improper.</exception>
    public double GetProbLessThan(double x)
    {
        if (IsPointMass) return Point < x ? 1 : 0;
        if (!IsProper()) throw new InvalidOperationException($"GetProbLessThan needs a proper distribution; {this} is improper.");
        return x <= 0 ? 0 : SpecialFunctions.GammaLowerRegularized(Shape, Rate * x);
    }

    /// <summary>P(lower ≤ X &lt; upper).</summary>
    public double GetProbBetween(double lower, double upper) => Math.Max(0, GetProbLessThan(upper) - GetProbLessThan(lower));

    /// <summary>The x with P(X &lt; x) = <paramref name="probability"/>.</summary>
    public double GetQuantile(double probability)
    {
        if (!(probability >= 0 && probability <= 1)) throw new ArgumentOutOfRangeException(nameof(probability), probability, "A probability must be in [0, 1].");
        if (IsPointMass) return Point;
        if (!IsProper()) throw new InvalidOperationException($"GetQuantile needs a proper distribution; {this} is improper.");
        return SpecialFunctions.GammaLowerRegularizedInv(Shape, probability) / Rate;
    }

    /// <summary>
    /// The largest relative difference of shape and rate, as Infer.NET's <c>MaxDiff</c> (|x − y| / (min(|x|, |y|) + 1e−15));
    /// another type differs by +∞.
    /// </summary>
    public double MaxDiff(object that) => that is Gamma g
        ? Math.Max(Distance.RelDiff(Rate, g.Rate, 1e-15), Distance.RelDiff(Shape, g.Shape, 1e-15))
        : double.PositiveInfinity;
}
