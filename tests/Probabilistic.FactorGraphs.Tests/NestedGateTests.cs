namespace Probabilistic.FactorGraphs.Tests;

/// <summary>
/// Nested gates (Minka &amp; Winn, "Gates", NIPS 2008: a factor inside nested gates is switched on by the product of the
/// indicators) and deterministic factors inside gates under VMP. References are written here: mean-field coordinate ascent
/// from the textbook updates (Bishop 2006 §10.1), and exact enumeration of the branches with closed-form Gaussian evidences.
/// </summary>
public class NestedGateTests
{
    private static readonly double Log2Pi = Math.Log(2 * Math.PI);

    private static double Sigmoid(double x) => 1 / (1 + Math.Exp(-x));

    private static double Logit(double p) => Math.Log(p / (1 - p));

    private static double BernoulliEntropy(double q) => (q > 0 ? -q * Math.Log(q) : 0) + (q < 1 ? -(1 - q) * Math.Log(1 - q) : 0);

    private static double BernoulliAverageLogPrior(double q, double p) => q * Math.Log(p) + (1 - q) * Math.Log(1 - p);

    /// <summary>E_q[log N(y; μ, σ²)] for q(μ) = N(m, v).</summary>
    private static double AverageLogNormal(double y, double m, double v, double variance) =>
        -0.5 * (Log2Pi + Math.Log(variance)) - 0.5 * ((y - m) * (y - m) + v) / variance;

    /// <summary>E_q[log N(μ; μ0, v0)] for q(μ) = N(m, v).</summary>
    private static double AverageLogGaussianPrior(double m, double v, double mu0, double v0) => AverageLogNormal(mu0, m, v, v0);

    private static double GaussianEntropy(double v) => 0.5 * (Log2Pi + Math.Log(v) + 1);

    private static void AssertMonotone(InferenceEngine engine)
    {
        var trace = engine.LastTrace!;
        Assert.True(trace.IsBound);
        Assert.True(trace.Count > 2, $"only {trace.Count} sweeps ran");
        for (int i = 1; i < trace.Count; i++)
            Assert.True(trace[i].Elbo >= trace[i - 1].Elbo - 1e-10 * Math.Abs(trace[i].Elbo), $"ELBO fell at sweep {i + 1}: {trace[i - 1].Elbo} -> {trace[i].Elbo}");
    }

    private static void AssertClose(double expected, double actual, double tolerance, string what) =>
        Assert.True(Math.Abs(expected - actual) <= tolerance, $"{what}: expected {expected:R}, got {actual:R} (tolerance {tolerance})");

    // ---------------------------------------------------------------- VMP, If inside If

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Vmp_IfInsideIf_EqualsMeanFieldCoordinateAscentAndItsBound(bool innerSelectorInsideOuterGate)
    {
        // s1 ~ B(0.6), s2 ~ B(0.3), μ ~ N(0, 4); y_n ~ N(μ, 1) if s1 ∧ s2, N(μ, 1/4) if s1 ∧ ¬s2, N(0, 9) if ¬s1.
        // With s2 created inside If(s1) it exists only in that case, as in Infer.NET: q(s2) is conditional on s1 = true, its
        // prior and entropy enter the bound weighted by q(s1), and its update is not weighted by q(s1). The engine's update
        // order is creation order: s1, μ, s2 (s1, s2, μ when s2 is created first).
        double[] y = [0.8, 1.9, 1.2, 0.3, 2.4, 1.1, -0.4];
        Range n = new Range(y.Length).Named("n");
        var x = Variable.Array<double>(n).Named("y");
        Variable<bool> s1, s2;
        Variable<double> mu;
        if (!innerSelectorInsideOuterGate)
        {
            s1 = Variable.Bernoulli(0.6).Named("s1");
            s2 = Variable.Bernoulli(0.3).Named("s2");
            mu = Variable.GaussianFromMeanAndVariance(0, 4).Named("mu");
            using (Variable.ForEach(n))
            {
                using (Variable.If(s1))
                {
                    using (Variable.If(s2)) x[n] = Variable.GaussianFromMeanAndVariance(mu, 1.0);
                    using (Variable.IfNot(s2)) x[n] = Variable.GaussianFromMeanAndVariance(mu, 0.25);
                }
                using (Variable.IfNot(s1)) x[n] = Variable.GaussianFromMeanAndVariance(0, 9);
            }
        }
        else
        {
            s1 = Variable.Bernoulli(0.6).Named("s1");
            mu = Variable.GaussianFromMeanAndVariance(0, 4).Named("mu");
            using (Variable.If(s1))
            {
                s2 = Variable.Bernoulli(0.3).Named("s2");
                using (Variable.ForEach(n))
                {
                    using (Variable.If(s2)) x[n] = Variable.GaussianFromMeanAndVariance(mu, 1.0);
                    using (Variable.IfNot(s2)) x[n] = Variable.GaussianFromMeanAndVariance(mu, 0.25);
                }
            }
            using (Variable.IfNot(s1))
            using (Variable.ForEach(n))
                x[n] = Variable.GaussianFromMeanAndVariance(0, 9);
        }
        x.ObservedValue = y;
        var engine = new InferenceEngine(new VariationalMessagePassing()) { NumberOfIterations = 3000 };
        var q1 = engine.Infer<Bernoulli>(s1).GetProbTrue();
        var q2 = engine.Infer<Bernoulli>(s2).GetProbTrue();
        var qm = engine.Infer<Gaussian>(mu);
        AssertMonotone(engine);

        // the mean-field coordinate ascent, in the engine's order (creation order) from the priors
        double p1 = 0.6, p2 = 0.3, m = 0, v = 4;
        double Elbo()
        {
            double s2Terms = BernoulliAverageLogPrior(p2, 0.3) + BernoulliEntropy(p2);
            double s = BernoulliAverageLogPrior(p1, 0.6) + AverageLogGaussianPrior(m, v, 0, 4) + (innerSelectorInsideOuterGate ? p1 : 1) * s2Terms;
            foreach (var yn in y)
                s += p1 * p2 * AverageLogNormal(yn, m, v, 1) + p1 * (1 - p2) * AverageLogNormal(yn, m, v, 0.25)
                     + (1 - p1) * AverageLogNormal(yn, 0, 0, 9);
            return s + BernoulliEntropy(p1) + GaussianEntropy(v);
        }
        void UpdateS1()
        {
            double l1 = Logit(0.6) + (innerSelectorInsideOuterGate ? BernoulliAverageLogPrior(p2, 0.3) + BernoulliEntropy(p2) : 0);
            foreach (var yn in y)
                l1 += p2 * AverageLogNormal(yn, m, v, 1) + (1 - p2) * AverageLogNormal(yn, m, v, 0.25) - AverageLogNormal(yn, 0, 0, 9);
            p1 = Sigmoid(l1);
        }
        void UpdateS2()
        {
            double l2 = Logit(0.3);
            double weight = innerSelectorInsideOuterGate ? 1 : p1;
            foreach (var yn in y) l2 += weight * (AverageLogNormal(yn, m, v, 1) - AverageLogNormal(yn, m, v, 0.25));
            p2 = Sigmoid(l2);
        }
        void UpdateMu()
        {
            double prec = 0.25 + p1 * p2 * y.Length + 4 * p1 * (1 - p2) * y.Length;
            double mp = (p1 * p2 + 4 * p1 * (1 - p2)) * y.Sum();
            v = 1 / prec;
            m = mp / prec;
        }
        double previous = double.NegativeInfinity;
        for (int sweep = 0; sweep < 3000; sweep++)
        {
            UpdateS1();
            if (innerSelectorInsideOuterGate) { UpdateMu(); UpdateS2(); }
            else { UpdateS2(); UpdateMu(); }
            double e = Elbo();
            Assert.True(e >= previous - 1e-12, $"the reference ascent fell at sweep {sweep}");
            previous = e;
        }
        AssertClose(p1, q1, 1e-9, "q(s1)");
        AssertClose(p2, q2, 1e-9, "q(s2)");
        AssertClose(m, qm.GetMean(), 1e-9, "E[mu]");
        AssertClose(v, qm.GetVariance(), 1e-9, "Var[mu]");
        AssertClose(Elbo(), engine.LastTrace!.FinalElbo, 1e-9, "ELBO");
        // with s2 outside both gates the fixed point is interior, so both gates' weights matter; created inside If(s1), s2 is
        // conditional on s1 = true, which these data make nearly certain
        if (!innerSelectorInsideOuterGate) Assert.InRange(q2, 1e-3, 1 - 1e-3);
    }

    // ---------------------------------------------------------------- EP, model-selection tree

    /// <summary>log N(y; μ0·1, σ²I + v0·11ᵀ): the evidence of y_n ~ N(m, σ²), m ~ N(μ0, v0) (matrix determinant lemma, Sherman–Morrison).</summary>
    private static double LogEvidence(double[] y, double mu0, double v0, double variance)
    {
        int count = y.Length;
        double r2 = 0, rs = 0;
        foreach (var yn in y) { r2 += (yn - mu0) * (yn - mu0); rs += yn - mu0; }
        double quad = (r2 - v0 / (variance + count * v0) * rs * rs) / variance;
        return -0.5 * count * Log2Pi - 0.5 * (count * Math.Log(variance) + Math.Log(1 + count * v0 / variance)) - 0.5 * quad;
    }

    /// <summary>
    /// A two-level model-selection tree: s1 ~ B(0.4); if s1 { s2 ~ B(0.7); if s2: m ~ N(0, 1), y ~ N(m, 1); else m ~ N(2, 4),
    /// y ~ N(m, 1/2) } else { s3 ~ B(0.5); if s3: m ~ N(−1, 2), y ~ N(m, 1); else y ~ N(0, 3) }.
    /// </summary>
    private static (Variable<bool> S1, Variable<bool> S2, Variable<bool> S3) SelectionTree(double[] y)
    {
        var s1 = Variable.Bernoulli(0.4).Named("s1");
        Range n = new Range(y.Length).Named("n");
        var x = Variable.Array<double>(n).Named("y");
        Variable<bool> s2, s3;
        using (Variable.If(s1))
        {
            s2 = Variable.Bernoulli(0.7).Named("s2");
            using (Variable.If(s2))
            {
                var m = Variable.GaussianFromMeanAndVariance(0, 1).Named("m11");
                using (Variable.ForEach(n)) x[n] = Variable.GaussianFromMeanAndVariance(m, 1.0);
            }
            using (Variable.IfNot(s2))
            {
                var m = Variable.GaussianFromMeanAndVariance(2, 4).Named("m10");
                using (Variable.ForEach(n)) x[n] = Variable.GaussianFromMeanAndVariance(m, 0.5);
            }
        }
        using (Variable.IfNot(s1))
        {
            s3 = Variable.Bernoulli(0.5).Named("s3");
            using (Variable.If(s3))
            {
                var m = Variable.GaussianFromMeanAndVariance(-1, 2).Named("m01");
                using (Variable.ForEach(n)) x[n] = Variable.GaussianFromMeanAndVariance(m, 1.0);
            }
            using (Variable.IfNot(s3))
                using (Variable.ForEach(n)) x[n] = Variable.GaussianFromMeanAndVariance(0, 3);
        }
        x.ObservedValue = y;
        return (s1, s2, s3);
    }

    private static (double LogZ, double P1, double P2, double P3) EnumerateTree(double[] y)
    {
        // the four branches: (s1, s2) ∈ {(1,1), (1,0)} and (s1, s3) ∈ {(0,1), (0,0)}
        double l11 = Math.Log(0.4 * 0.7) + LogEvidence(y, 0, 1, 1);
        double l10 = Math.Log(0.4 * 0.3) + LogEvidence(y, 2, 4, 0.5);
        double l01 = Math.Log(0.6 * 0.5) + LogEvidence(y, -1, 2, 1);
        double l00 = Math.Log(0.6 * 0.5) + LogEvidence(y, 0, 0, 3);
        double max = Math.Max(Math.Max(l11, l10), Math.Max(l01, l00));
        double z11 = Math.Exp(l11 - max), z10 = Math.Exp(l10 - max), z01 = Math.Exp(l01 - max), z00 = Math.Exp(l00 - max);
        double z = z11 + z10 + z01 + z00;
        return (max + Math.Log(z), (z11 + z10) / z, z11 / (z11 + z10), z01 / (z01 + z00));
    }

    [Theory]
    [InlineData(new[] { 0.4, -0.3, 1.1, 0.2 })]
    [InlineData(new[] { 2.3, 1.7, 2.9, 2.2, 1.4 })]
    [InlineData(new[] { -1.2, -0.4, -2.0 })]
    public void Ep_ModelSelectionTree_EqualsEnumerationOfTheFourBranches(double[] y)
    {
        var (s1, s2, s3) = SelectionTree(y);
        var engine = new InferenceEngine(new ExpectationPropagation()) { NumberOfIterations = 20 };
        double p1 = engine.Infer<Bernoulli>(s1).GetProbTrue();
        double logZ = engine.LastTrace!.FinalElbo;
        double p2 = engine.Infer<Bernoulli>(s2).GetProbTrue();
        double p3 = engine.Infer<Bernoulli>(s3).GetProbTrue();
        var exact = EnumerateTree(y);
        AssertClose(exact.P1, p1, 1e-9, "P(s1 | y)");
        AssertClose(exact.P2, p2, 1e-9, "P(s2 | s1, y) (s2 is created inside If(s1): its posterior is given s1)");
        AssertClose(exact.P3, p3, 1e-9, "P(s3 | ¬s1, y)");
        AssertClose(exact.LogZ, logZ, 1e-9, "log evidence");
    }

    [Fact]
    public void Ep_TreeInsideAnEvidenceGate_GivesTheLogEvidenceThreeLevelsDeep()
    {
        // Infer.NET's model evidence: the whole tree inside If(evidence), evidence ~ B(0.5); its log odds is log Z
        double[] y = [0.9, 0.1, 1.6];
        var evidence = Variable.Bernoulli(0.5).Named("evidence");
        Variable<bool> s1;
        using (Variable.If(evidence)) (s1, _, _) = SelectionTree(y);
        var engine = new InferenceEngine(new ExpectationPropagation()) { NumberOfIterations = 20 };
        double logOdds = engine.Infer<Bernoulli>(evidence).LogOdds;
        var exact = EnumerateTree(y);
        AssertClose(exact.LogZ, logOdds, 1e-9, "log evidence from If(evidence)");
        AssertClose(exact.P1, engine.Infer<Bernoulli>(s1).GetProbTrue(), 1e-9, "P(s1 | y)");
    }

    [Fact]
    public void Ep_CaseInsideIf_EqualsEnumeration()
    {
        // s ~ B(0.4); if s { k ~ D(0.2, 0.5, 0.3); case k = j: y_n ~ N(μ_j, v_j) } else { m ~ N(0, 1), y_n ~ N(m, 1) }
        double[] y = [0.7, 1.5, 1.1];
        double[] pi = [0.2, 0.5, 0.3], mus = [-1, 1, 3], vars = [1, 0.5, 2];
        var sel = Variable.Bernoulli(0.4).Named("s");
        Range n = new Range(y.Length).Named("n");
        var x = Variable.Array<double>(n).Named("y");
        Variable<int> k;
        using (Variable.If(sel))
        {
            k = Variable.Discrete(pi).Named("k");
            for (int j = 0; j < 3; j++)
                using (Variable.Case(k, j))
                using (Variable.ForEach(n))
                    x[n] = Variable.GaussianFromMeanAndVariance(mus[j], vars[j]);
        }
        using (Variable.IfNot(sel))
        {
            var m = Variable.GaussianFromMeanAndVariance(0, 1).Named("m");
            using (Variable.ForEach(n)) x[n] = Variable.GaussianFromMeanAndVariance(m, 1.0);
        }
        x.ObservedValue = y;
        var engine = new InferenceEngine(new ExpectationPropagation()) { NumberOfIterations = 20 };
        double ps = engine.Infer<Bernoulli>(sel).GetProbTrue();
        double logZ = engine.LastTrace!.FinalElbo;
        var qk = engine.Infer<Discrete>(k);

        var lk = Enumerable.Range(0, 3).Select(j => Math.Log(0.4 * pi[j]) + LogEvidence(y, mus[j], 0, vars[j])).ToArray();
        double l0 = Math.Log(0.6) + LogEvidence(y, 0, 1, 1);
        double max = Math.Max(lk.Max(), l0);
        double z1 = lk.Sum(l => Math.Exp(l - max)), z = z1 + Math.Exp(l0 - max);
        AssertClose(z1 / z, ps, 1e-9, "P(s | y)");
        AssertClose(max + Math.Log(z), logZ, 1e-9, "log evidence");
        for (int j = 0; j < 3; j++) AssertClose(Math.Exp(lk[j] - max) / z1, qk[j], 1e-9, $"P(k = {j} | s, y)");
    }

    [Fact]
    public void Ep_InnerGateOverAParameterOfTheOuterCase_EqualsEnumeration()
    {
        // s1 ~ B(0.4); if s1 { m ~ N(0.5, 2); s2 ~ B(0.6); y_n ~ N(m, 1) if s2, N(0, 3) if not } else y_n ~ N(0, 4).
        // If(s2) reads m, created in case s1: it runs as one EP gate inside that case, one compound factor on m holding the
        // plate of y factors (as in the clutter problem with all points in one case), so the evidence and the moments of
        // q(m | s1) are exact: a mixture of the conjugate posterior and the prior, moment-matched.
        double[] y = [1.4, 0.2, 2.1, 0.9];
        var s1 = Variable.Bernoulli(0.4).Named("s1");
        Range n = new Range(y.Length).Named("n");
        var x = Variable.Array<double>(n).Named("y");
        Variable<bool> s2;
        Variable<double> m;
        using (Variable.If(s1))
        {
            m = Variable.GaussianFromMeanAndVariance(0.5, 2).Named("m");
            s2 = Variable.Bernoulli(0.6).Named("s2");
            using (Variable.If(s2))
            using (Variable.ForEach(n))
                x[n] = Variable.GaussianFromMeanAndVariance(m, 1.0);
            using (Variable.IfNot(s2))
            using (Variable.ForEach(n))
                x[n] = Variable.GaussianFromMeanAndVariance(0, 3);
        }
        using (Variable.IfNot(s1))
        using (Variable.ForEach(n))
            x[n] = Variable.GaussianFromMeanAndVariance(0, 4);
        x.ObservedValue = y;
        var engine = new InferenceEngine(new ExpectationPropagation()) { NumberOfIterations = 20 };
        double p1 = engine.Infer<Bernoulli>(s1).GetProbTrue();
        double logZ = engine.LastTrace!.FinalElbo;
        double p2 = engine.Infer<Bernoulli>(s2).GetProbTrue();
        var qm = engine.Infer<Gaussian>(m);

        double l1 = Math.Log(0.4 * 0.6) + LogEvidence(y, 0.5, 2, 1);
        double l0 = Math.Log(0.4 * 0.4) + LogEvidence(y, 0, 0, 3);
        double lOff = Math.Log(0.6) + LogEvidence(y, 0, 0, 4);
        double max = Math.Max(Math.Max(l1, l0), lOff);
        double z1 = Math.Exp(l1 - max), z0 = Math.Exp(l0 - max), zOff = Math.Exp(lOff - max);
        AssertClose((z1 + z0) / (z1 + z0 + zOff), p1, 1e-9, "P(s1 | y)");
        AssertClose(z1 / (z1 + z0), p2, 1e-9, "P(s2 | s1, y)");
        AssertClose(max + Math.Log(z1 + z0 + zOff), logZ, 1e-9, "log evidence");
        double prec = 1 / 2.0 + y.Length;
        double ma = (0.5 / 2 + y.Sum()) / prec, va = 1 / prec;
        double w = z1 / (z1 + z0);
        double mean = w * ma + (1 - w) * 0.5;
        double variance = w * (va + ma * ma) + (1 - w) * (2 + 0.5 * 0.5) - mean * mean;
        AssertClose(mean, qm.GetMean(), 1e-9, "E[m | s1, y]");
        AssertClose(variance, qm.GetVariance(), 1e-9, "Var[m | s1, y]");
    }

    // ---------------------------------------------------------------- VMP, If inside Switch over a range

    [Fact]
    public void Vmp_IfInsideSwitchOverRange_RecoversMixtureWithOutliers()
    {
        // x_n ~ N(means[z_n], 1) when b_n, else N(0, 100): a two-component mixture with per-point outlier flags
        var rng = new Random(2024);
        double[] truth = [-3, 4];
        const int count = 240;
        var points = new double[count];
        var isOutlier = new bool[count];
        for (int i = 0; i < count; i++)
        {
            isOutlier[i] = i % 20 == 7;
            points[i] = isOutlier[i] ? (i % 40 == 7 ? 25 : -22) + rng.NextDouble() : truth[i % 2] + MathNet.Numerics.Distributions.Normal.Sample(rng, 0, 1);
        }
        Range k = new Range(2).Named("k");
        var means = Variable.Array<double>(k).Named("means");
        means[k] = Variable.GaussianFromMeanAndVariance(0, 100).ForEach(k);
        Range n = new Range(count).Named("n");
        var x = Variable.Array<double>(n).Named("x");
        var z = Variable.Array<int>(n).Named("z");
        var b = Variable.Array<bool>(n).Named("b");
        using (Variable.ForEach(n))
        {
            z[n] = Variable.Discrete(0.5, 0.5);
            b[n] = Variable.Bernoulli(0.9);
            using (Variable.Switch(z[n]))
            {
                using (Variable.If(b[n])) x[n] = Variable.GaussianFromMeanAndVariance(means[z[n]], 1.0);
                using (Variable.IfNot(b[n])) x[n] = Variable.GaussianFromMeanAndVariance(0, 100);
            }
        }
        x.ObservedValue = points;
        // symmetry broken by a data-driven start (the sign of x, not the labels): the assignments z and the outlier flags b
        // are coupled in q, and a start far off leaves mean-field local optima where a point is both unassigned and an outlier
        z.InitialiseTo(points.Select(v => Discrete.PointMass(v < 0.5 ? 0 : 1, 2)).ToArray());
        var engine = new InferenceEngine(new VariationalMessagePassing()) { NumberOfIterations = 100 };
        var m = engine.Infer<Gaussian[]>(means).Select(g => g.GetMean()).OrderBy(v => v).ToArray();
        var qb = engine.Infer<Bernoulli[]>(b);
        AssertMonotone(engine);
        var inliers = Enumerable.Range(0, count).Where(i => !isOutlier[i]).ToArray();
        for (int c = 0; c < 2; c++)
        {
            double sampleMean = inliers.Where(i => i % 2 == c).Average(i => points[i]);
            Assert.True(Math.Abs(m[c] - sampleMean) < 0.05, $"means[{c}] = {m[c]} vs its inliers' sample mean {sampleMean} (truth {truth[c]})");
        }
        for (int i = 0; i < count; i++)
            Assert.True(isOutlier[i] ? qb[i].GetProbTrue() < 0.01 : qb[i].GetProbTrue() > 0.5, $"q(b[{i}]) = {qb[i].GetProbTrue()} for x = {points[i]} (outlier: {isOutlier[i]})");
    }

    // ---------------------------------------------------------------- VMP, deterministic factor inside a gate

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Vmp_SumInsideGate_EqualsMeanFieldCoordinateAscentAndItsBound(bool selectorPerObservation)
    {
        // a ~ N(0, 4), b ~ N(1, 2), c ~ B(0.5) (or c_n ~ B(0.5) per observation); y_n ~ N(a + b, 1) if c (c_n), N(0, 10)
        // otherwise; a + b is created inside the gate (per n: inside ForEach(n) too)
        double[] y = selectorPerObservation ? [2.1, 1.4, 2.8, 0.9, 1.7, 3.3, -6.0] : [2.1, 1.4, 2.8, 0.9, 1.7, 3.3];
        var a = Variable.GaussianFromMeanAndVariance(0, 4).Named("a");
        var bb = Variable.GaussianFromMeanAndVariance(1, 2).Named("b");
        Range n = new Range(y.Length).Named("n");
        var x = Variable.Array<double>(n).Named("y");
        Variable<bool>? c = null;
        VariableArray<bool>? cs = null;
        if (selectorPerObservation) cs = Variable.Array<bool>(n).Named("c");
        else c = Variable.Bernoulli(0.5).Named("c");
        using (Variable.ForEach(n))
        {
            Variable<bool> gate = cs is null ? c! : cs[n];
            if (cs is not null) cs[n] = Variable.Bernoulli(0.5);
            using (Variable.If(gate)) x[n] = Variable.GaussianFromMeanAndVariance(a + bb, 1.0);
            using (Variable.IfNot(gate)) x[n] = Variable.GaussianFromMeanAndVariance(0, 10);
        }
        x.ObservedValue = y;
        var engine = new InferenceEngine(new VariationalMessagePassing()) { NumberOfIterations = 3000 };
        var qa = engine.Infer<Gaussian>(a);
        var qb = engine.Infer<Gaussian>(bb);
        double[] qc = cs is null ? Enumerable.Repeat(engine.Infer<Bernoulli>(c!).GetProbTrue(), y.Length).ToArray()
                                 : engine.Infer<Bernoulli[]>(cs).Select(q => q.GetProbTrue()).ToArray();
        AssertMonotone(engine);

        // coordinate ascent in the engine's order (a, b, c) from the priors; E[(y − a − b)²] = (y − m_a − m_b)² + v_a + v_b
        double ma = 0, va = 4, mb = 1, vb = 2;
        var p = Enumerable.Repeat(0.5, y.Length).ToArray();
        double Term(int i) => AverageLogNormal(y[i], ma + mb, va + vb, 1) - AverageLogNormal(y[i], 0, 0, 10);
        double Elbo()
        {
            double s = AverageLogGaussianPrior(ma, va, 0, 4) + AverageLogGaussianPrior(mb, vb, 1, 2) + GaussianEntropy(va) + GaussianEntropy(vb);
            for (int i = 0; i < y.Length; i++) s += p[i] * AverageLogNormal(y[i], ma + mb, va + vb, 1) + (1 - p[i]) * AverageLogNormal(y[i], 0, 0, 10);
            int selectors = selectorPerObservation ? y.Length : 1;
            for (int i = 0; i < selectors; i++) s += BernoulliAverageLogPrior(p[i], 0.5) + BernoulliEntropy(p[i]);
            return s;
        }
        double previous = double.NegativeInfinity;
        for (int sweep = 0; sweep < 3000; sweep++)
        {
            double prec = 0.25 + p.Sum();
            ma = Enumerable.Range(0, y.Length).Sum(i => p[i] * (y[i] - mb)) / prec;
            va = 1 / prec;
            prec = 0.5 + p.Sum();
            mb = (0.5 + Enumerable.Range(0, y.Length).Sum(i => p[i] * (y[i] - ma))) / prec;
            vb = 1 / prec;
            if (selectorPerObservation) for (int i = 0; i < y.Length; i++) p[i] = Sigmoid(Term(i));
            else Array.Fill(p, Sigmoid(Enumerable.Range(0, y.Length).Sum(Term)));
            double e = Elbo();
            Assert.True(e >= previous - 1e-12, $"the reference ascent fell at sweep {sweep}");
            previous = e;
        }
        AssertClose(ma, qa.GetMean(), 1e-9, "E[a]");
        AssertClose(va, qa.GetVariance(), 1e-9, "Var[a]");
        AssertClose(mb, qb.GetMean(), 1e-9, "E[b]");
        AssertClose(vb, qb.GetVariance(), 1e-9, "Var[b]");
        for (int i = 0; i < y.Length; i++) AssertClose(p[i], qc[i], 1e-9, $"q(c) for y[{i}]");
        AssertClose(Elbo(), engine.LastTrace!.FinalElbo, 1e-9, "ELBO");
        Assert.Contains(qc, q => q > 1e-3 && q < 1 - 1e-3);
    }

    [Fact]
    public void Vmp_SetToWithSumInsideNestedGates_RunsMonotoneAndMatchesTheFlatModel()
    {
        // the brief's form, y.SetTo(N(a + b, 1)) inside If(c), nested one level deeper under If(d) with d observed true:
        // an observed outer gate switches its factors on, so the answer equals the same model without it
        double yValue = 1.3;
        (Gaussian A, double C, double Elbo) Run(bool nested)
        {
            var a = Variable.GaussianFromMeanAndVariance(0, 1).Named("a");
            var bb = Variable.GaussianFromMeanAndVariance(0.5, 1).Named("b");
            var c = Variable.Bernoulli(0.3).Named("c");
            var yv = Variable.New<double>().Named("y");
            void Body()
            {
                using (Variable.If(c)) yv.SetTo(Variable.GaussianFromMeanAndVariance(a + bb, 1));
                using (Variable.IfNot(c)) yv.SetTo(Variable.GaussianFromMeanAndVariance(0, 5));
            }
            if (nested)
            {
                var d = Variable.Observed(true).Named("d");
                using (Variable.If(d)) Body();
            }
            else Body();
            yv.ObservedValue = yValue;
            var engine = new InferenceEngine(new VariationalMessagePassing()) { NumberOfIterations = 300 };
            var qa = engine.Infer<Gaussian>(a);
            double qc = engine.Infer<Bernoulli>(c).GetProbTrue();
            AssertMonotone(engine);
            return (qa, qc, engine.LastTrace!.FinalElbo);
        }
        var flat = Run(false);
        var nested = Run(true);
        AssertClose(flat.A.GetMean(), nested.A.GetMean(), 1e-12, "E[a]");
        AssertClose(flat.C, nested.C, 1e-12, "q(c)");
        AssertClose(flat.Elbo, nested.Elbo, 1e-12, "ELBO");
    }

    // ---------------------------------------------------------------- refusals

    [Fact]
    public void SameSelectorNestedInItself_IsRefused()
    {
        var c = Variable.Bernoulli(0.5).Named("c");
        using (Variable.If(c))
        {
            var ex = Assert.Throws<NotSupportedException>(() => Variable.IfNot(c));
            Assert.Contains("'c'", ex.Message);
        }
    }

    [Fact]
    public void Ep_NestedGateOnOutsideSelector_EqualsEnumeration()
    {
        // s2 lives outside the gate on s1 that holds the gate on s2, so EP enters it into the case s1 = true; a Bernoulli is
        // closed under mixtures and the compound gate is the only factor joining s1 and s2, so EP is exact here
        var s1 = Variable.Bernoulli(0.5).Named("s1");
        var s2 = Variable.Bernoulli(0.4).Named("s2");
        using (Variable.If(s1))
        {
            using (Variable.If(s2)) Variable.GaussianFromMeanAndVariance(0, 1).ObservedValue = 0.3;
            using (Variable.IfNot(s2)) Variable.GaussianFromMeanAndVariance(1, 1).ObservedValue = 0.3;
        }
        using (Variable.IfNot(s1)) Variable.GaussianFromMeanAndVariance(2, 1).ObservedValue = 0.3;
        var engine = new InferenceEngine();
        double q1 = engine.Infer<Bernoulli>(s1).GetProbTrue(), q2 = engine.Infer<Bernoulli>(s2).GetProbTrue();
        double logZ = engine.LastTrace!.FinalElbo;

        // enumeration of (s1, s2): p(s1, s2, y) = p(s1) p(s2) N(y; μ(s1, s2), 1)
        double N(double x, double m) => Math.Exp(-0.5 * (x - m) * (x - m)) / Math.Sqrt(2 * Math.PI);
        double p11 = 0.5 * 0.4 * N(0.3, 0), p10 = 0.5 * 0.6 * N(0.3, 1), p01 = 0.5 * 0.4 * N(0.3, 2), p00 = 0.5 * 0.6 * N(0.3, 2);
        double z = p11 + p10 + p01 + p00;
        AssertClose((p11 + p10) / z, q1, 1e-12, "P(s1 | y)");
        AssertClose((p11 + p01) / z, q2, 1e-12, "P(s2 | y)");
        AssertClose(Math.Log(z), logZ, 1e-12, "log evidence");
    }

    [Fact]
    public void Ep_NestedGateTouchingAnOutsideVariable_EqualsTheExactPosterior()
    {
        // μ ~ N(0, 1) has no other factor, so its cavity in the gate is its prior: every case evidence is exact, the
        // selectors' posteriors are exact, and μ's marginal is the moment-matched exact posterior mixture
        var mu = Variable.GaussianFromMeanAndVariance(0, 1).Named("mu");
        var s1 = Variable.Bernoulli(0.5).Named("s1");
        Variable<bool> s2;
        using (Variable.If(s1))
        {
            s2 = Variable.Bernoulli(0.5).Named("s2");
            using (Variable.If(s2)) Variable.GaussianFromMeanAndVariance(mu, 1.0).ObservedValue = 0.3;
            using (Variable.IfNot(s2)) Variable.GaussianFromMeanAndVariance(1, 1).ObservedValue = 0.3;
        }
        using (Variable.IfNot(s1)) Variable.GaussianFromMeanAndVariance(2, 1).ObservedValue = 0.3;
        var engine = new InferenceEngine();
        double q1 = engine.Infer<Bernoulli>(s1).GetProbTrue(), q2 = engine.Infer<Bernoulli>(s2).GetProbTrue();
        var qm = engine.Infer<Gaussian>(mu);

        double N(double x, double m, double v) => Math.Exp(-0.5 * (x - m) * (x - m) / v) / Math.Sqrt(2 * Math.PI * v);
        double w11 = 0.25 * N(0.3, 0, 2), w10 = 0.25 * N(0.3, 1, 1), w0 = 0.5 * N(0.3, 2, 1), z = w11 + w10 + w0;
        AssertClose((w11 + w10) / z, q1, 1e-12, "P(s1 | y)");
        AssertClose(w11 / (w11 + w10), q2, 1e-12, "P(s2 | s1, y): s2 lives in case s1 = true");
        // μ given s1 ∧ s2 is N(0.15, 0.5); otherwise its prior N(0, 1)
        double a = w11 / z, mean = a * 0.15, second = a * (0.5 + 0.15 * 0.15) + (1 - a) * 1;
        AssertClose(mean, qm.GetMean(), 1e-12, "E[mu | y]");
        AssertClose(second - mean * mean, qm.GetVariance(), 1e-12, "Var[mu | y]");
    }

    [Fact]
    public void Vmp_ObservedDeterministicOutputInsideGate_IsRefused()
    {
        var a = Variable.GaussianFromMeanAndVariance(0, 1).Named("a");
        var c = Variable.Bernoulli(0.5).Named("c");
        using (Variable.If(c)) Variable.IsPositive(a).Named("positive").ObservedValue = true;
        using (Variable.IfNot(c)) Variable.Bernoulli(0.5).ObservedValue = true;
        var ex = Assert.Throws<NotSupportedException>(() => new InferenceEngine(new VariationalMessagePassing()).Infer(a));
        Assert.Contains("IsPositive", ex.Message);
        Assert.Contains("'c'", ex.Message);
        Assert.Contains("'positive'", ex.Message);
        Assert.Contains("observed", ex.Message);
    }

    [Fact]
    public void Vmp_DeterministicDefiningAVariableInOneCaseOnly_IsRefusedWhereItIsReadOutside()
    {
        var a = Variable.GaussianFromMeanAndVariance(0, 1).Named("a");
        var b = Variable.GaussianFromMeanAndVariance(0, 1).Named("b");
        var c = Variable.Bernoulli(0.5).Named("c");
        var s = Variable.New<double>().Named("s");
        using (Variable.If(c)) s.SetTo(a + b);
        using (Variable.IfNot(c)) Variable.GaussianFromMeanAndVariance(0, 1).ObservedValue = 0.1;
        Variable.GaussianFromMeanAndVariance(s, 1.0).ObservedValue = 0.5;
        // s is defined only in case c = true, so it exists only there (as in Infer.NET), and the observation outside reads it
        var ex = Assert.Throws<InvalidOperationException>(() => new InferenceEngine(new VariationalMessagePassing()).Infer(a));
        Assert.Contains("'s'", ex.Message);
        Assert.Contains("'c' = true", ex.Message);
        Assert.Contains("define it in every case", ex.Message);
    }

    [Fact]
    public void Vmp_DeterministicInsideSwitch_IsRefused()
    {
        var a = Variable.GaussianFromMeanAndVariance(0, 1).Named("a");
        var b = Variable.GaussianFromMeanAndVariance(0, 1).Named("b");
        var z = Variable.Discrete(0.5, 0.5).Named("z");
        using (Variable.Switch(z))
        {
            var s = (a + b).Named("s");
            Variable.GaussianFromMeanAndVariance(s, 1.0).ObservedValue = 0.5;
        }
        var ex = Assert.Throws<NotSupportedException>(() => new InferenceEngine(new VariationalMessagePassing()).Infer(a));
        Assert.Contains("'s'", ex.Message);
        Assert.Contains("Switch", ex.Message);
    }

    [Fact]
    public void Ep_SwitchNestedInIf_EqualsEnumeration()
    {
        // z lives in case s = true, where a Switch on it picks an observed mean: every variable is discrete, each case's
        // evidence is exact, so EP's answers are the enumerated ones
        var s = Variable.Bernoulli(0.3).Named("s");
        Range k = new Range(2).Named("k");
        var means = Variable.Observed(new[] { -1.0, 1.0 }, k).Named("means");
        Variable<int> z;
        using (Variable.If(s))
        {
            z = Variable.Discrete(k, 0.25, 0.75).Named("z");
            using (Variable.Switch(z)) Variable.GaussianFromMeanAndVariance(means[z], 1.0).ObservedValue = 0.2;
        }
        using (Variable.IfNot(s)) Variable.GaussianFromMeanAndVariance(0, 4).ObservedValue = 0.2;
        var engine = new InferenceEngine();
        double qs = engine.Infer<Bernoulli>(s).GetProbTrue();
        double qz1 = engine.Infer<Discrete>(z)[1];

        double N(double x, double m, double v) => Math.Exp(-0.5 * (x - m) * (x - m) / v) / Math.Sqrt(2 * Math.PI * v);
        double z0 = 0.3 * 0.25 * N(0.2, -1, 1), z1 = 0.3 * 0.75 * N(0.2, 1, 1), off = 0.7 * N(0.2, 0, 4);
        AssertClose((z0 + z1) / (z0 + z1 + off), qs, 1e-12, "P(s | y)");
        AssertClose(z1 / (z0 + z1), qz1, 1e-12, "P(z = 1 | s, y): z lives in case s = true");
        AssertClose(Math.Log(z0 + z1 + off), engine.LastTrace!.FinalElbo, 1e-12, "log evidence");
    }
}
