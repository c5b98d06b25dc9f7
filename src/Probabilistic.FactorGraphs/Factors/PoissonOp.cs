using Probabilistic.FactorGraphs.Distributions;

namespace Probabilistic.FactorGraphs.Factors;

/// <summary>
/// Message operators for an observed count x ~ Poisson(λ), p(x | λ) = λ^x e^{−λ} / x!, with a Gamma (or known) mean λ
/// (Infer.NET's <c>PoissonOp</c>). As a function of λ the factor is λ^x e^{−λ}: a Gamma in natural parameters
/// (shape − 1 = x, rate = 1), so the EP and VMP messages to λ are the same and exact, and the evidence against a
/// Gamma(a, b) context is a negative binomial, log Γ(a + x) − log Γ(a) − log x! + a log(b/(b+1)) − x log(b + 1).
/// </summary>
public static class PoissonOp
{
    /// <summary>EP message to the mean from n counts summing to <paramref name="sum"/>: λ^sum e^{−nλ}, natural (sum, n).</summary>
    public static Gamma MeanAverageConditional(double sum, double n = 1) => Gamma.FromNatural(sum, n);

    /// <summary>VMP message to the mean: the same as EP's (the factor is already in the Gamma family).</summary>
    public static Gamma MeanAverageLogarithm(double sum, double n = 1) => Gamma.FromNatural(sum, n);

    /// <summary>
    /// log ∫ Π λ^{x_i} e^{−λ} / x_i! · ctx(λ) dλ for an unnormalised Gamma context exp((a − 1) log λ − b λ), n counts with
    /// sum <paramref name="sum"/> and Σ log x_i! = <paramref name="sumLogFactorial"/>: log Γ(a + sum) − (a + sum) log(b + n) − Σ log x_i!;
    /// a point-mass context gives the Poisson log-probabilities at λ.
    /// </summary>
    public static double LogAverageFactor(Gamma mean, double sum, double n, double sumLogFactorial)
    {
        if (mean.IsPointMass)
        {
            double l = mean.Point;
            return (sum == 0 ? 0 : sum * Math.Log(l)) - n * l - sumLogFactorial;
        }
        return (mean * MeanAverageConditional(sum, n)).GetLogNormalizer() - sumLogFactorial;
    }

    /// <summary>E_q[log Π Poisson(x_i; λ)] = sum · E[log λ] − n E[λ] − Σ log x_i!.</summary>
    public static double AverageLogFactor(Gamma mean, double sum, double n, double sumLogFactorial) =>
        (sum == 0 ? 0 : sum * mean.GetMeanLog()) - n * mean.GetMean() - sumLogFactorial;
}
