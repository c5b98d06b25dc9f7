using Probabilistic.FactorGraphs.Distributions;

namespace Probabilistic.FactorGraphs.Factors;

/// <summary>Message operators for x ~ Bernoulli(p), p ~ Beta.</summary>
public static class BernoulliFromBetaOp
{
    /// <summary>EP message to p from an observed sample: p^x (1−p)^(1−x), a Beta(1 + x, 2 − x) likelihood.</summary>
    public static Beta ProbTrueAverageConditional(bool sample) => Beta.FromNatural(sample ? 1 : 0, sample ? 0 : 1);

    /// <summary>EP message to x: Bernoulli(E[p]) with log-odds log α − log β.</summary>
    public static Bernoulli SampleAverageConditional(Beta probTrue) =>
        probTrue.IsPointMass ? Bernoulli.FromProbTrue(probTrue.Point) : Bernoulli.FromLogOdds(Math.Log(probTrue.TrueCount) - Math.Log(probTrue.FalseCount));

    /// <summary>EP message to p from a random sample: the Beta matching the moments of Beta·(π p + (1−π)(1−p)), divided by the context.</summary>
    public static Beta ProbTrueAverageConditional(Bernoulli sample, Beta probTrue)
    {
        if (sample.IsPointMass) return ProbTrueAverageConditional(sample.Point);
        double pi = sample.GetProbTrue(), a = probTrue.TrueCount, s = a + probTrue.FalseCount;
        double m1 = a / s, m2 = m1 * (a + 1) / (s + 1), m3 = m2 * (a + 2) / (s + 2);
        double z = pi * m1 + (1 - pi) * (1 - m1);
        double mean = (pi * m2 + (1 - pi) * (m1 - m2)) / z;
        double second = (pi * m3 + (1 - pi) * (m2 - m3)) / z;
        return Beta.FromMeanAndVariance(mean, second - mean * mean) / probTrue;
    }

    /// <summary>log Σ_x ∫ Bernoulli(x; p) ctxX(x) ctxP(p) dp, unnormalised contexts.</summary>
    public static double LogAverageFactor(Bernoulli sample, Beta probTrue)
    {
        if (sample.IsPointMass)
        {
            if (probTrue.IsPointMass) return Math.Log(sample.Point ? probTrue.Point : 1 - probTrue.Point);
            return (probTrue * ProbTrueAverageConditional(sample.Point)).GetLogNormalizer();
        }
        double m = probTrue.GetMean();
        double lt = sample.LogOdds;
        double la = probTrue.IsPointMass ? 0 : probTrue.GetLogNormalizer();
        return la + Core.Numerics.LogSpace.LogAddExp(lt + Math.Log(m), Math.Log(1 - m));
    }

    /// <summary>VMP message to x: log-odds E[log p] − E[log(1−p)].</summary>
    public static Bernoulli SampleAverageLogarithm(Beta probTrue)
    {
        var (l1, l0) = probTrue.GetMeanLogs();
        return Bernoulli.FromLogOdds(l1 - l0);
    }

    /// <summary>VMP message to p: Beta natural parameters (E[x], 1 − E[x]).</summary>
    public static Beta ProbTrueAverageLogarithm(Bernoulli sample)
    {
        double t = sample.GetProbTrue();
        return Beta.FromNatural(t, 1 - t);
    }

    /// <summary>E[x] E[log p] + (1 − E[x]) E[log(1−p)].</summary>
    public static double AverageLogFactor(Bernoulli sample, Beta probTrue)
    {
        var (l1, l0) = probTrue.GetMeanLogs();
        double t = sample.GetProbTrue();
        return MessageMath.Mul(t, l1) + MessageMath.Mul(1 - t, l0);
    }
}

/// <summary>Message operators for x ~ Discrete(p), p ~ Dirichlet.</summary>
public static class DiscreteFromDirichletOp
{
    /// <summary>EP/VMP message to p from an observed sample k: one extra pseudo-count at k.</summary>
    public static Dirichlet ProbsAverageConditional(int sample, int dimension)
    {
        var a = new double[dimension];
        Array.Fill(a, 1.0);
        a[sample] = 2;
        return Dirichlet.FromNaturalOwned(a);
    }

    /// <summary>EP message to x: Discrete(E[p]).</summary>
    public static Discrete SampleAverageConditional(Dirichlet probs) => Discrete.FromProbs(probs.GetMean().ToArray());

    /// <summary>EP message to p from a random sample: moment match of Σ_k π_k Dir(α + e_k), divided by the context.</summary>
    public static Dirichlet ProbsAverageConditional(Discrete sample, Dirichlet probs)
    {
        if (sample.IsPointMass) return ProbsAverageConditional(sample.Point, probs.Dimension);
        int k = probs.Dimension;
        double s = probs.TotalCount;
        var w = new double[k];
        double z = 0;
        for (int j = 0; j < k; j++) { w[j] = sample[j] * probs[j] / s; z += w[j]; }
        var mean = new double[k];
        double q = 0, mm = 0;
        for (int j = 0; j < k; j++)
        {
            double m1 = 0, m2 = 0;
            for (int c = 0; c < k; c++)
            {
                double aj = probs[j] + (c == j ? 1 : 0);
                m1 += w[c] / z * aj / (s + 1);
                m2 += w[c] / z * aj * (aj + 1) / ((s + 1) * (s + 2));
            }
            mean[j] = m1; q += m2; mm += m1 * m1;
        }
        double total = (1 - q) / (q - mm);
        var alpha = mean.Select(m => m * total).ToArray();
        return Dirichlet.FromNaturalOwned(alpha) / probs;
    }

    /// <summary>VMP message to x: log-probabilities E[log p_k].</summary>
    public static Discrete SampleAverageLogarithm(Dirichlet probs) => Discrete.FromLogProbs(probs.GetMeanLog());

    /// <summary>VMP message to p: natural parameters E[δ(x = k)].</summary>
    public static Dirichlet ProbsAverageLogarithm(Discrete sample)
    {
        var a = new double[sample.Dimension];
        for (int j = 0; j < a.Length; j++) a[j] = 1 + sample[j];
        return Dirichlet.FromNaturalOwned(a);
    }

    /// <summary>Σ_k q(x = k) E[log p_k].</summary>
    public static double AverageLogFactor(Discrete sample, Dirichlet probs)
    {
        var ml = probs.GetMeanLog();
        double s = 0;
        for (int j = 0; j < ml.Length; j++) s += MessageMath.Mul(sample[j], ml[j]);
        return s;
    }
}
