using Probabilistic.FactorGraphs.Distributions;

namespace Probabilistic.FactorGraphs.Factors;

/// <summary>Message operators for the equality of two variables: c = a (Copy, Subarray) and the constraint a = b.</summary>
public static class CopyOp
{
    /// <summary>EP message to one side: the other side's context (the factor is δ(a − c)).</summary>
    public static T CopyAverageConditional<T>(T other) where T : struct, IExponentialFamily<T> => other;

    /// <summary>
    /// log ∫ ctxA(x) ctxB(x) dx for unnormalised contexts exp(η·T(x)): A(η_a + η_b); a point mass at x₀ gives
    /// log ctx(x₀) = log p(x₀) + A(η) of the other side (0 when that side is the unit message, a proper-less improper flat
    /// one); two point masses give 0 when equal, −∞ otherwise.
    /// </summary>
    public static double LogAverageFactor<T>(T a, T b) where T : struct, IExponentialFamily<T>
    {
        if (a.IsPointMass) return LogAtPoint(b, a);
        if (b.IsPointMass) return LogAtPoint(a, b);
        return (a * b).GetLogNormalizer();
    }

    /// <summary>log of the unnormalised context at the point of <paramref name="point"/>.</summary>
    private static double LogAtPoint<T>(T context, T point) where T : struct, IExponentialFamily<T>
    {
        if (context.IsPointMass) return context.GetLogProbAtPointOf(point);
        if (!context.IsProper() && context.IsUniform()) return 0;
        return context.GetLogProbAtPointOf(point) + context.GetLogNormalizer();
    }
}
