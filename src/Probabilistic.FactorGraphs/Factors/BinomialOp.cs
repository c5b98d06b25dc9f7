using Probabilistic.FactorGraphs.Distributions;

namespace Probabilistic.FactorGraphs.Factors;

/// <summary>
/// k ~ Binomial(n, p): f = C(n, k) p^k (1 − p)^(n−k), the count k and the trial count n ints (observed, or Discrete over
/// 0..D−1), the probability p a Beta or observed. With a Beta context every term integrates in closed form,
/// ∫ p^k (1 − p)^(n−k) Beta(p; a, b) dp = B(a + k, b + n − k)/B(a, b), so EP enumerates the (n, k) pairs: its messages to k and
/// n are exact, and its message to p is the Beta with the mean and variance of the Beta mixture (Infer.NET's projection for a
/// Beta), divided by the context. VMP's messages are conjugate in all three.
/// </summary>
public static class BinomialOp
{
    /// <summary>log C(n, k) (−∞ outside 0 ≤ k ≤ n).</summary>
    public static double LogChoose(int n, int k) =>
        k < 0 || k > n ? double.NegativeInfinity
        : MessageMath.GammaLn(n + 1) - MessageMath.GammaLn(k + 1) - MessageMath.GammaLn(n - k + 1);

    /// <summary>log ∫ p^k (1 − p)^(n−k) · ctx(p) dp with the context unnormalised (p^(a−1)(1−p)^(b−1)), or at its point.</summary>
    private static double LogIntegral(Beta p, int n, int k)
    {
        if (p.IsPointMass)
        {
            double p0 = p.Point;
            return MessageMath.Mul(k, Math.Log(p0)) + MessageMath.Mul(n - k, Math.Log(1 - p0));
        }
        double a = p.TrueCount + k, b = p.FalseCount + n - k;
        return MessageMath.GammaLn(a) + MessageMath.GammaLn(b) - MessageMath.GammaLn(a + b);
    }

    /// <summary>The EP messages to the count, the trial count and the probability, and log Σ∫ f · contexts (unnormalised).</summary>
    /// <exception cref="ArgumentException">The contexts give the factor probability zero (a count above every trial count).</exception>
    public static (Discrete ToSample, Discrete ToTrials, Beta ToP, double LogZ) Messages(Discrete sample, Discrete trials, Beta p)
    {
        int dk = sample.Dimension, dn = trials.Dimension;
        var toK = new double[dk];
        var toN = new double[dn];
        Arrays.Fill(toK, double.NegativeInfinity);
        Arrays.Fill(toN, double.NegativeInfinity);
        var terms = new List<(double LogW, int N, int K)>();
        for (int n = 0; n < dn; n++)
        {
            double ln = trials.GetNatural(n);
            if (double.IsNegativeInfinity(ln)) continue;
            for (int k = 0; k <= n && k < dk; k++)
            {
                double lk = sample.GetNatural(k);
                if (double.IsNegativeInfinity(lk)) continue;
                double lf = LogChoose(n, k) + LogIntegral(p, n, k);
                toK[k] = Core.Numerics.LogSpace.LogAddExp(toK[k], ln + lf);
                toN[n] = Core.Numerics.LogSpace.LogAddExp(toN[n], lk + lf);
                terms.Add((ln + lk + lf, n, k));
            }
        }
        if (terms.Count == 0) throw new ArgumentException($"Binomial: the count's context {sample} and the trial count's {trials} leave no count at most the trial count.");
        double logZ = double.NegativeInfinity;
        foreach (var t in terms) logZ = Core.Numerics.LogSpace.LogAddExp(logZ, t.LogW);
        // the count's context flat over 0..D−1 (D − 1 ≥ every n): Σ_k C(n, k) p^k (1 − p)^(n−k) = 1, so p and n learn nothing
        var toP = p.IsPointMass || (sample.IsUniform() && !sample.IsPointMass) ? Beta.Uniform() : ProbMessage(p, terms, logZ);
        if (sample.IsUniform() && !sample.IsPointMass) Arrays.Fill(toN, 0.0);
        return (Discrete.FromLogProbs(toK), Discrete.FromLogProbs(toN), toP, logZ);
    }

    /// <summary>The Beta matching the mean and variance of Σ w_nk Beta(a + k, b + n − k), divided by the context.</summary>
    private static Beta ProbMessage(Beta p, List<(double LogW, int N, int K)> terms, double logZ)
    {
        if (terms.Count == 1) return Beta.FromNatural(terms[0].K, terms[0].N - terms[0].K);
        double a = p.TrueCount, s = a + p.FalseCount, m1 = 0, m2 = 0;
        foreach (var (logW, n, k) in terms)
        {
            double w = Math.Exp(logW - logZ), ak = a + k, sn = s + n;
            m1 += w * ak / sn;
            m2 += w * ak * (ak + 1) / (sn * (sn + 1));
        }
        return Beta.FromMeanAndVariance(m1, m2 - m1 * m1) / p;
    }

    /// <summary>VMP message to the count: C(n, k) exp(k E[log p] + (E[n] − k) E[log(1 − p)]), with E over q(n) of log C(n, k).</summary>
    public static Discrete SampleAverageLogarithm(Discrete trials, Beta p, int dimension)
    {
        var (lp, lq) = MeanLogs(p);
        double en = Mean(trials);
        var eta = new double[dimension];
        for (int k = 0; k < dimension; k++) eta[k] = AverageLogChoose(trials, k) + MessageMath.Mul(k, lp) + MessageMath.Mul(en - k, lq);
        return Discrete.FromLogProbs(eta);
    }

    /// <summary>VMP message to the trial count: E_k[log C(n, k)] + E[k] E[log p] + (n − E[k]) E[log(1 − p)].</summary>
    public static Discrete TrialsAverageLogarithm(Discrete sample, Beta p, int dimension)
    {
        var (lp, lq) = MeanLogs(p);
        double ek = Mean(sample);
        var eta = new double[dimension];
        for (int n = 0; n < dimension; n++) eta[n] = AverageLogChooseOverK(sample, n) + MessageMath.Mul(ek, lp) + MessageMath.Mul(n - ek, lq);
        return Discrete.FromLogProbs(eta);
    }

    /// <summary>VMP message to p: Beta natural parameters (E[k], E[n] − E[k]).</summary>
    public static Beta PAverageLogarithm(Discrete sample, Discrete trials)
    {
        double ek = Mean(sample);
        return Beta.FromNatural(ek, Mean(trials) - ek);
    }

    /// <summary>E_q[log f] = E[log C(n, k)] + E[k] E[log p] + (E[n] − E[k]) E[log(1 − p)].</summary>
    public static double AverageLogFactor(Discrete sample, Discrete trials, Beta p)
    {
        var (lp, lq) = MeanLogs(p);
        double ek = Mean(sample), s = 0;
        for (int k = 0; k < sample.Dimension; k++)
        {
            double pk = sample[k];
            if (pk > 0) s += pk * AverageLogChoose(trials, k);
        }
        return s + MessageMath.Mul(ek, lp) + MessageMath.Mul(Mean(trials) - ek, lq);
    }

    private static (double, double) MeanLogs(Beta p) =>
        p.IsPointMass ? (Math.Log(p.Point), Math.Log(1 - p.Point)) : p.GetMeanLogs();

    private static double Mean(Discrete d)
    {
        double s = 0;
        for (int k = 0; k < d.Dimension; k++) s += k * d[k];
        return s;
    }

    private static double AverageLogChoose(Discrete trials, int k)
    {
        double s = 0;
        for (int n = 0; n < trials.Dimension; n++)
        {
            double pn = trials[n];
            if (pn > 0) s += pn * LogChoose(n, k);
        }
        return s;
    }

    private static double AverageLogChooseOverK(Discrete sample, int n)
    {
        double s = 0;
        for (int k = 0; k < sample.Dimension; k++)
        {
            double pk = sample[k];
            if (pk > 0) s += pk * LogChoose(n, k);
        }
        return s;
    }
}
