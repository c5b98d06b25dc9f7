using Probabilistic.FactorGraphs.Distributions;

namespace Probabilistic.FactorGraphs.Factors;

/// <summary>Small pieces of message arithmetic the operators share.</summary>
public static class MessageMath
{
    /// <summary>log √(2π).</summary>
    public const double HalfLog2Pi = Core.Numerics.GaussianMath.HalfLog2Pi;

    /// <summary>0·(−∞) = 0, as in an expectation.</summary>
    public static double Mul(double p, double logValue) => p == 0 ? 0 : p * logValue;

    /// <summary>
    /// log ∫ p(x) exp(η_ctx·T(x)) dx for a normalised prior p and an unnormalised context (a point-mass context: log p at
    /// the point): the log evidence a prior factor contributes under EP.
    /// </summary>
    public static double LogAverageWithContext<T>(T prior, T context) where T : struct, IExponentialFamily<T>
    {
        if (context.IsPointMass) return prior.GetLogProbAtPointOf(context);
        return (prior * context).GetLogNormalizer() - prior.GetLogNormalizer();
    }

    /// <summary>Unnormalised log weights (true, false) of a Bernoulli context exp(η·x); a point mass gives (0, −∞) or (−∞, 0).</summary>
    public static (double True, double False) LogWeights(Bernoulli b)
    {
        if (b.IsPointMass) return b.Point ? (0, double.NegativeInfinity) : (double.NegativeInfinity, 0);
        return (b.LogOdds, 0);
    }

    /// <summary>log Γ(x).</summary>
    public static double GammaLn(double x) => MathNet.Numerics.SpecialFunctions.GammaLn(x);
}
