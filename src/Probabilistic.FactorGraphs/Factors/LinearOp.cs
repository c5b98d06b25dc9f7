using Probabilistic.FactorGraphs.Distributions;

namespace Probabilistic.FactorGraphs.Factors;

/// <summary>Message operators for c = a + s·b (s = ±1: sum and difference) and c = k·a.</summary>
public static partial class LinearOp
{
    /// <summary>EP message to c = a + s·b: N(μa + s μb, va + vb); uniform when either context is improper.</summary>
    public static Gaussian SumAverageConditional(Gaussian a, Gaussian b, double sign)
    {
        if (!(a.IsPointMass || a.Precision > 0) || !(b.IsPointMass || b.Precision > 0)) return Gaussian.Uniform();
        return Gaussian.FromMeanAndVariance(a.GetMean() + sign * b.GetMean(), a.GetVariance() + b.GetVariance());
    }

    /// <summary>EP message to a given c and b (a = c − s·b).</summary>
    public static Gaussian AAverageConditional(Gaussian c, Gaussian b, double sign) => SumAverageConditional(c, b, -sign);

    /// <summary>EP message to b given c and a (b = s·(c − a)).</summary>
    public static Gaussian BAverageConditional(Gaussian c, Gaussian a, double sign)
    {
        var m = SumAverageConditional(c, a, -1);
        return sign > 0 || m.IsPointMass ? (sign > 0 ? m : Gaussian.PointMass(-m.Point)) : Gaussian.FromNatural(-m.MeanTimesPrecision, m.Precision);
    }

    /// <summary>log ∫∫ ctxA(a) ctxB(b) ctxC(a + s b), unnormalised contexts, integrating last over the least proper one.</summary>
    public static double LogAverageFactor(Gaussian c, Gaussian a, Gaussian b, double sign)
    {
        static bool Ok(Gaussian g) => g.IsPointMass || g.Precision > 0;
        if (Ok(a) && Ok(b))
            return a.GetLogNormalizer() + b.GetLogNormalizer() + MessageMath.LogAverageWithContext(SumAverageConditional(a, b, sign), c);
        if (Ok(c) && Ok(b))
            return c.GetLogNormalizer() + b.GetLogNormalizer() + MessageMath.LogAverageWithContext(AAverageConditional(c, b, sign), a);
        return c.GetLogNormalizer() + a.GetLogNormalizer() + MessageMath.LogAverageWithContext(BAverageConditional(c, a, sign), b);
    }

    /// <summary>EP message to c = k·a: natural parameters (h/k, p/k²).</summary>
    public static Gaussian ProductAverageConditional(Gaussian a, double k) =>
        a.IsPointMass ? Gaussian.PointMass(k * a.Point) : Gaussian.FromNatural(a.MeanTimesPrecision / k, a.Precision / (k * k));

    /// <summary>EP message to a from c = k·a: natural parameters (k h, k² p).</summary>
    public static Gaussian AAverageConditional(Gaussian c, double k) =>
        c.IsPointMass ? Gaussian.PointMass(c.Point / k) : Gaussian.FromNatural(c.MeanTimesPrecision * k, c.Precision * k * k);

    /// <summary>log ∫ ctxA(a) ctxC(k a) da, unnormalised contexts.</summary>
    public static double LogAverageFactor(Gaussian c, Gaussian a, double k)
    {
        if (c.IsPointMass)
        {
            double x = c.Point / k;
            return (a.IsPointMass ? (a.Point == x ? 0 : double.NegativeInfinity) : a.MeanTimesPrecision * x - 0.5 * a.Precision * x * x) - Math.Log(Math.Abs(k));
        }
        if (a.IsPointMass) { double y = k * a.Point; return c.MeanTimesPrecision * y - 0.5 * c.Precision * y * y; }
        return (a * AAverageConditional(c, k)).GetLogNormalizer();
    }
}
