using Probabilistic.Core.Numerics;
using Probabilistic.FactorGraphs.Distributions;

namespace Probabilistic.FactorGraphs.Factors;

/// <summary>Message operators for c = x₀ ∧ x₁ ∧ … ∧ x_{n−1} (Infer.NET's <c>Factor.AllTrue</c>), exact by the product of the elements' probabilities.</summary>
public static class AllTrueOp
{
    /// <summary>log P(x = true) of an unnormalised context (−∞ for a point mass at false).</summary>
    private static double LogProbTrue(Bernoulli x)
    {
        var (t, f) = MessageMath.LogWeights(x);
        return t - LogSpace.LogAddExp(t, f);
    }

    private static double LogProbFalse(double logProbTrue) => LogSpace.LogDiffExp(0, Math.Min(0, logProbTrue));

    /// <summary>EP message to c: P(c) = Π_j P(x_j), as log-odds log P − log(1 − P) (clamped to ±<see cref="BooleanOps.Certain"/>).</summary>
    public static Bernoulli AllTrueAverageConditional(ReadOnlySpan<Bernoulli> array)
    {
        double logP = 0;
        foreach (var x in array) logP += LogProbTrue(x);
        return Bernoulli.FromLogOdds(BooleanOps.Clamp(logP - LogProbFalse(logP)));
    }

    /// <summary>
    /// EP messages to every element: with P₋ᵢ = Π_{j≠i} P(x_j) and c's context weights (t, f), the message to x_i has
    /// weights t·P₋ᵢ + f·(1 − P₋ᵢ) for true and f for false (prefix and suffix products, so no division by a zero probability).
    /// </summary>
    public static void ArrayAverageConditional(Bernoulli allTrue, ReadOnlySpan<Bernoulli> array, Span<Bernoulli> result)
    {
        var (t, f) = MessageMath.LogWeights(allTrue);
        int n = array.Length;
        var suffix = new double[n + 1];
        for (int j = n - 1; j >= 0; j--) suffix[j] = suffix[j + 1] + LogProbTrue(array[j]);
        double prefix = 0;
        for (int i = 0; i < n; i++)
        {
            double logRest = prefix + suffix[i + 1];
            double lt = LogSpace.LogAddExp(t + logRest, f + LogProbFalse(logRest));
            result[i] = Bernoulli.FromLogOdds(BooleanOps.Clamp(lt - f));
            prefix += LogProbTrue(array[i]);
        }
    }

    /// <summary>log Σ_x Π_j ctx_j(x_j) ctx_c(∧x), unnormalised contexts.</summary>
    public static double LogAverageFactor(Bernoulli allTrue, ReadOnlySpan<Bernoulli> array)
    {
        var (t, f) = MessageMath.LogWeights(allTrue);
        double logP = 0, logTotal = 0;
        foreach (var x in array)
        {
            var (xt, xf) = MessageMath.LogWeights(x);
            double a = LogSpace.LogAddExp(xt, xf);
            logTotal += a;
            logP += xt - a;
        }
        return logTotal + LogSpace.LogAddExp(t + logP, f + LogProbFalse(logP));
    }
}
