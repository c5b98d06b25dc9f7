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

    /// <summary>
    /// EP message to p from a random sample: a message that moves the context's mean to the exact posterior mean
    /// E[p | x ~ sample] while adding only to one pseudo-count (the one the sample favours), so that the message stays proper;
    /// Infer.NET's default projection for this factor (BernoulliFromBetaOp with AllowImproperSum false), rather than matching
    /// the second moment too.
    /// </summary>
    public static Beta ProbTrueAverageConditional(Bernoulli sample, Beta probTrue)
    {
        if (sample.IsPointMass) return ProbTrueAverageConditional(sample.Point);
        if (probTrue.IsPointMass) return Beta.Uniform();
        double pT = sample.GetProbTrue(), pF = 1 - pT;
        double a = probTrue.TrueCount, total = a + probTrue.FalseCount;
        double mo = a / total, m2o = mo * (a + 1) / (total + 1);
        double z = pF * (1 - mo) + pT * mo;
        double m = (pF * (mo - m2o) + pT * m2o) / z;
        return pT < 0.5
            ? Beta.FromNatural(0, total * (mo / m - 1))
            : Beta.FromNatural(total * ((1 - mo) / (1 - m) - 1), 0);
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
        Arrays.Fill(a, 1.0);
        a[sample] = 2;
        return Dirichlet.FromNaturalOwned(a);
    }

    /// <summary>EP message to x: Discrete(E[p]).</summary>
    public static Discrete SampleAverageConditional(Dirichlet probs) => Discrete.FromProbs(probs.MeanArray());

    /// <summary>
    /// EP message to p from a random sample: a message that moves the context's mean to the exact posterior mean of
    /// Σ_k π_k Dir(α + e_k), adding nothing to the least likely values' counts (Infer.NET's default projection for this
    /// factor, DiscreteFromDirichletOp with AllowImproperSum false); the message stays proper.
    /// </summary>
    public static Dirichlet ProbsAverageConditional(Discrete sample, Dirichlet probs)
    {
        if (sample.IsPointMass) return ProbsAverageConditional(sample.Point, probs.Dimension);
        if (probs.IsPointMass) return Dirichlet.Uniform(probs.Dimension);
        // the posterior is Σ_x w_x Dirichlet(α + e_x), w_x ∝ q(x) α_x, with mean m_k = (q_k/Z + 1) α_k / (α0 + 1), Z = Σ q_x α_x
        int k = probs.Dimension;
        var q = sample.GetProbs();
        double z = 0;
        for (int j = 0; j < k; j++) z += q[j] * probs[j];
        double a0 = probs.TotalCount;
        var m = new double[k];
        for (int j = 0; j < k; j++) m[j] = (q[j] / z + 1) * probs[j] / (a0 + 1);
        // keep the mean and leave the least likely values' counts unchanged: the message's counts are all ≥ 1
        int argmin = 0;
        for (int j = 1; j < k; j++) if (q[j] < q[argmin]) argmin = j;
        double newTotal = probs[argmin] / m[argmin];
        var alpha = new double[k];
        for (int j = 0; j < k; j++) alpha[j] = q[j] == q[argmin] ? 1 : 1 + m[j] * newTotal - probs[j];
        return Dirichlet.FromNaturalOwned(alpha);
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
