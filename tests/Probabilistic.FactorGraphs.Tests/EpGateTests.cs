using Probabilistic.Core.Numerics;

namespace Probabilistic.FactorGraphs.Tests;

/// <summary>
/// ExpectationPropagation through gates whose factors touch outside variables (mixtures), gates over ranged selectors and
/// gates on observed selectors (Minka &amp; Winn, "Gates", NIPS 2008). References: closed-form mixture posteriors,
/// quadrature on a grid, and the same model written without the gate.
/// </summary>
public class EpGateTests
{
    private static double LogNormal(double x, double mean, double variance) => Gaussian.FromMeanAndVariance(mean, variance).GetLogProb(x);

    [Fact]
    public void OneObservation_IfIfNot_EqualsExactMixturePosterior()
    {
        // θ ~ N(0, 100), c ~ Bernoulli(0.7); c: x ~ N(θ, 1), not c: x ~ N(0, 10); x = 2.5 observed. One compound
        // factor next to the priors: EP's projection is exact in one step.
        const double x = 2.5, pi = 0.7, v0 = 100;
        var theta = Variable.GaussianFromMeanAndVariance(0, v0).Named("theta");
        var c = Variable.Bernoulli(pi).Named("c");
        using (Variable.If(c)) Variable.GaussianFromMeanAndVariance(theta, 1.0).ObservedValue = x;
        using (Variable.IfNot(c)) Variable.GaussianFromMeanAndVariance(0, 10).ObservedValue = x;
        var engine = new InferenceEngine { NumberOfIterations = 5 };
        var q = engine.Infer<Gaussian>(theta);
        var qc = engine.Infer<Bernoulli>(c);
        double logZ = engine.Fit(theta)[^1].Elbo;

        // closed form: Z1 = N(x; 0, v0 + 1) with θ | c, x ~ N(v1 x, v1), v1 = 1/(1/v0 + 1); Z0 = N(x; 0, 10), θ | ¬c ~ prior
        double l1 = Math.Log(pi) + LogNormal(x, 0, v0 + 1), l0 = Math.Log(1 - pi) + LogNormal(x, 0, 10);
        double exactLogZ = LogSpace.LogAddExp(l1, l0);
        double w = Math.Exp(l1 - exactLogZ);
        double v1 = 1 / (1 / v0 + 1), m1 = v1 * x;
        double mean = w * m1, var = w * (v1 + m1 * m1) + (1 - w) * v0 - mean * mean;
        Assert.True(Math.Abs(q.GetMean() - mean) < 1e-9, $"E[θ] {q.GetMean()} vs exact {mean}");
        Assert.True(Math.Abs(q.GetVariance() - var) < 1e-9 * var, $"Var[θ] {q.GetVariance()} vs exact {var}");
        Assert.True(Math.Abs(qc.GetProbTrue() - w) < 1e-9, $"P(c | x) {qc.GetProbTrue()} vs exact {w}");
        Assert.True(Math.Abs(logZ - exactLogZ) < 1e-9, $"EP log evidence {logZ} vs exact {exactLogZ}");
    }

    [Fact]
    public void OneObservation_SwitchOverThreeCases_EqualsExactMixturePosterior()
    {
        // c ~ Discrete(0.2, 0.5, 0.3), μ[k] ~ N(m0[k], 4), x | c ~ N(μ[c], s[c]) with x = 1.2 observed.
        double[] pi = [0.2, 0.5, 0.3], m0 = [-2, 0, 3], s = [1, 0.5, 2];
        const double x = 1.2, v0 = 4;
        Range k = new Range(3).Named("k");
        var priorMeans = Variable.Observed(m0, k).Named("m0");
        var noise = Variable.Observed(s, k).Named("s");
        VariableArray<double> mu = Variable.Array<double>(k).Named("mu");
        mu[k] = Variable.GaussianFromMeanAndVariance(priorMeans[k], v0);
        var c = Variable.Discrete(pi).Named("c");
        using (Variable.Switch(c)) Variable.GaussianFromMeanAndVariance(mu[c], noise[c]).Named("x").ObservedValue = x;
        // plain moment matching: the exact posterior of μ0 is wider than its prior here, which a proper message cannot express
        var engine = new InferenceEngine(new ExpectationPropagation { ForceProperMessages = false }) { NumberOfIterations = 5 };
        var q = engine.Infer<Gaussian[]>(mu);
        var qc = engine.Infer<Discrete>(c);
        double logZ = engine.Fit(mu)[^1].Elbo;

        var l = Enumerable.Range(0, 3).Select(j => Math.Log(pi[j]) + LogNormal(x, m0[j], v0 + s[j])).ToArray();
        double exactLogZ = l.Aggregate(double.NegativeInfinity, LogSpace.LogAddExp);
        for (int j = 0; j < 3; j++)
        {
            double w = Math.Exp(l[j] - exactLogZ);
            double v1 = 1 / (1 / v0 + 1 / s[j]), m1 = v1 * (m0[j] / v0 + x / s[j]);
            // μ[j] is updated by case j only: a mixture of its case-j posterior and its prior
            double mean = w * m1 + (1 - w) * m0[j];
            double var = w * (v1 + m1 * m1) + (1 - w) * (v0 + m0[j] * m0[j]) - mean * mean;
            Assert.True(Math.Abs(qc[j] - w) < 1e-9, $"P(c = {j} | x) {qc[j]} vs exact {w}");
            Assert.True(Math.Abs(q[j].GetMean() - mean) < 1e-9, $"E[μ{j}] {q[j].GetMean()} vs exact {mean}");
            Assert.True(Math.Abs(q[j].GetVariance() - var) < 1e-9 * var, $"Var[μ{j}] {q[j].GetVariance()} vs exact {var}");
        }
        Assert.True(Math.Abs(logZ - exactLogZ) < 1e-9, $"EP log evidence {logZ} vs exact {exactLogZ}");
    }

    [Fact]
    public void OneObservation_GateWithLocalChain_EqualsExactMixturePosterior()
    {
        // as above but case c goes through a variable created inside the gate: u ~ N(θ, 1), x ~ N(u, 1), so x | θ, c ~ N(θ, 2);
        // the case's own EP (two Gaussian factors on a chain) is exact once it has converged
        const double x = 2.5, pi = 0.7, v0 = 100;
        var theta = Variable.GaussianFromMeanAndVariance(0, v0).Named("theta");
        var c = Variable.Bernoulli(pi).Named("c");
        Variable<double> u;
        using (Variable.If(c))
        {
            u = Variable.GaussianFromMeanAndVariance(theta, 1.0).Named("u");
            Variable.GaussianFromMeanAndVariance(u, 1.0).ObservedValue = x;
        }
        using (Variable.IfNot(c)) Variable.GaussianFromMeanAndVariance(0, 10).ObservedValue = x;
        var engine = new InferenceEngine { NumberOfIterations = 30 };
        var q = engine.Infer<Gaussian>(theta);
        var qu = engine.Infer<Gaussian>(u);
        double logZ = engine.Fit(theta)[^1].Elbo;

        double l1 = Math.Log(pi) + LogNormal(x, 0, v0 + 2), l0 = Math.Log(1 - pi) + LogNormal(x, 0, 10);
        double exactLogZ = LogSpace.LogAddExp(l1, l0);
        double w = Math.Exp(l1 - exactLogZ);
        double v1 = 1 / (1 / v0 + 0.5), m1 = v1 * x / 2;
        double mean = w * m1, var = w * (v1 + m1 * m1) + (1 - w) * v0 - mean * mean;
        Assert.True(Math.Abs(q.GetMean() - mean) < 1e-9, $"E[θ] {q.GetMean()} vs exact {mean}");
        Assert.True(Math.Abs(q.GetVariance() - var) < 1e-9 * var, $"Var[θ] {q.GetVariance()} vs exact {var}");
        Assert.True(Math.Abs(logZ - exactLogZ) < 1e-9, $"EP log evidence {logZ} vs exact {exactLogZ}");
        // a gate-local variable holds its posterior given its case: u ~ N(0, v0 + 1) a priori, u | x ~ N(x (v0+1)/(v0+2), (v0+1)/(v0+2))
        double vu = (v0 + 1) / (v0 + 2);
        Assert.True(Math.Abs(qu.GetMean() - vu * x) < 1e-9 && Math.Abs(qu.GetVariance() - vu) < 1e-9, $"u | c, x {qu} vs exact N({vu * x}, {vu})");
    }

    [Fact]
    public void OneObservation_BernoulliFromOutsideBeta_EqualsExactMixtureMeanAndEvidence()
    {
        // p ~ Beta(2, 3), c ~ Bernoulli(0.6); c: y ~ Bernoulli(p), not c: y ~ Bernoulli(0.5); y = true observed.
        var p = Variable.Beta(2, 3).Named("p");
        var c = Variable.Bernoulli(0.6).Named("c");
        using (Variable.If(c)) Variable.Bernoulli(p).ObservedValue = true;
        using (Variable.IfNot(c)) Variable.Bernoulli(0.5).ObservedValue = true;
        var engine = new InferenceEngine { NumberOfIterations = 5 };
        var q = engine.Infer<Beta>(p);
        var qc = engine.Infer<Bernoulli>(c);
        double logZ = engine.Fit(p)[^1].Elbo;

        // Z1 = E[p] = 2/5 with p | c, y ~ Beta(3, 3); Z0 = 1/2 with p | ¬c ~ Beta(2, 3); E[p²] of Beta(a, b) = a(a+1)/((a+b)(a+b+1))
        double z = 0.6 * 0.4 + 0.4 * 0.5, w = 0.6 * 0.4 / z;
        double mean = w * 0.5 + (1 - w) * 0.4;
        double var = w * (3.0 * 4 / (6 * 7)) + (1 - w) * (2.0 * 3 / (5 * 6)) - mean * mean;
        Assert.True(Math.Abs(qc.GetProbTrue() - w) < 1e-12, $"P(c | y) {qc.GetProbTrue()} vs exact {w}");
        Assert.True(Math.Abs(q.GetMean() - mean) < 1e-12, $"E[p] {q.GetMean()} vs exact {mean}");
        // the projection keeps the mean and, as Infer.NET's Beta.SetToSum, no pseudo-count below the components' smallest
        // (2 true, 3 false): the total count is max(moment-matched, 2/m, 3/(1 − m))
        double momentTotal = mean * (1 - mean) / var - 1, total = Math.Max(momentTotal, Math.Max(2 / mean, 3 / (1 - mean)));
        Assert.True(total > momentTotal, "the bound is what this case checks");
        Assert.True(Math.Abs(q.TrueCount + q.FalseCount - total) < 1e-9 * total, $"total count {q.TrueCount + q.FalseCount} vs {total}");
        Assert.True(Math.Abs(logZ - Math.Log(z)) < 1e-12, $"EP log evidence {logZ} vs exact {Math.Log(z)}");
    }

    [Fact]
    public void OneObservation_DiscreteFromOutsideDirichlet_MatchesExactMeanAndEvidence()
    {
        // probs ~ Dirichlet(1, 2, 3), c ~ Bernoulli(0.3); c: y ~ Discrete(probs), not c: y ~ Discrete(0.5, 0.25, 0.25); y = 2.
        var probs = Variable.Dirichlet(1.0, 2.0, 3.0).Named("probs");
        var c = Variable.Bernoulli(0.3).Named("c");
        using (Variable.If(c)) Variable.Discrete(probs).ObservedValue = 2;
        using (Variable.IfNot(c)) Variable.Discrete(0.5, 0.25, 0.25).ObservedValue = 2;
        var engine = new InferenceEngine { NumberOfIterations = 5 };
        var q = engine.Infer<Dirichlet>(probs);
        double logZ = engine.Fit(probs)[^1].Elbo;

        // Z1 = E[p_2] = 1/2 with probs | c, y ~ Dirichlet(1, 2, 4); Z0 = 1/4 with probs | ¬c ~ prior
        double z = 0.3 * 0.5 + 0.7 * 0.25, w = 0.3 * 0.5 / z;
        double[] a1 = [1, 2, 4], a0 = [1, 2, 3];
        var m = q.GetMean();
        for (int k = 0; k < 3; k++)
        {
            double exact = w * a1[k] / 7 + (1 - w) * a0[k] / 6;
            Assert.True(Math.Abs(m[k] - exact) < 1e-12, $"E[p_{k}] {m[k]} vs exact {exact}");
        }
        // the projection keeps Σ_k E[p_k²] (E[p_k²] = α_k(α_k+1)/(α0(α0+1))): α0 = (1 − S)/(S − Σ m²), raised if need be so
        // that no pseudo-count falls below the components' smallest (Infer.NET's Dirichlet.SetToSum): α0 ≥ max_k min_c α_ck / m_k
        double s = w * a1.Sum(a => a * (a + 1)) / (7 * 8) + (1 - w) * a0.Sum(a => a * (a + 1)) / (6 * 7);
        double total = (1 - s) / (s - m.Sum(x => x * x));
        total = Math.Max(total, Enumerable.Range(0, 3).Max(k => Math.Min(a1[k], a0[k]) / m[k]));
        Assert.True(Math.Abs(q.TotalCount - total) < 1e-9 * total, $"total count {q.TotalCount} vs moment-matched {total}");
        Assert.True(Math.Abs(logZ - Math.Log(z)) < 1e-12, $"EP log evidence {logZ} vs exact {Math.Log(z)}");
    }

    [Fact]
    public void ScalarSelectorOverAPlate_ModelChoice_EqualsExactMixturePosterior()
    {
        // c chooses between "all points ~ N(θ, 1)" and "all points ~ N(0, 10)": one compound factor holding a plate of
        // factors on θ, so EP (with the case's own EP converged) is exact up to the final projection
        double[] data = [1.8, 2.6, 0.9, 2.2];
        const double pi = 0.4, v0 = 100;
        var theta = Variable.GaussianFromMeanAndVariance(0, v0).Named("theta");
        var c = Variable.Bernoulli(pi).Named("c");
        Range n = new Range(data.Length);
        VariableArray<double> x = Variable.Array<double>(n).Named("x");
        using (Variable.If(c))
            using (Variable.ForEach(n)) x[n] = Variable.GaussianFromMeanAndVariance(theta, 1.0);
        using (Variable.IfNot(c))
            using (Variable.ForEach(n)) x[n] = Variable.GaussianFromMeanAndVariance(0, 10);
        x.ObservedValue = data;
        var engine = new InferenceEngine { NumberOfIterations = 20 };
        var q = engine.Infer<Gaussian>(theta);
        var qc = engine.Infer<Bernoulli>(c);
        double logZ = engine.Fit(theta)[^1].Elbo;

        // case 1: the chain of predictives N(x_i; m_{i−1}, v_{i−1} + 1) and the conjugate posterior; case 0: Σ log N(x_i; 0, 10)
        double l1 = Math.Log(pi), m = 0, v = v0;
        foreach (var xi in data)
        {
            l1 += LogNormal(xi, m, v + 1);
            double post = 1 / (1 / v + 1);
            m = post * (m / v + xi);
            v = post;
        }
        double l0 = Math.Log(1 - pi) + data.Sum(xi => LogNormal(xi, 0, 10));
        double exactLogZ = LogSpace.LogAddExp(l1, l0), w = Math.Exp(l1 - exactLogZ);
        double mean = w * m, var = w * (v + m * m) + (1 - w) * v0 - mean * mean;
        Assert.True(Math.Abs(qc.GetProbTrue() - w) < 1e-9, $"P(c | x) {qc.GetProbTrue()} vs exact {w}");
        Assert.True(Math.Abs(q.GetMean() - mean) < 1e-9, $"E[θ] {q.GetMean()} vs exact {mean}");
        Assert.True(Math.Abs(q.GetVariance() - var) < 1e-9 * var, $"Var[θ] {q.GetVariance()} vs exact {var}");
        Assert.True(Math.Abs(logZ - exactLogZ) < 1e-9, $"EP log evidence {logZ} vs exact {exactLogZ}");
    }

    [Fact]
    public void OneObservation_IsPositiveOnOutsideGaussian_EqualsTruncatedNormalMixture()
    {
        // θ ~ N(0.5, 2), c ~ Bernoulli(0.3); c: θ > 0 observed true, not c: an observed Bernoulli(0.2) draw (Z0 = 0.2).
        const double mu = 0.5, v0 = 2, pi = 0.3;
        var theta = Variable.GaussianFromMeanAndVariance(mu, v0).Named("theta");
        var c = Variable.Bernoulli(pi).Named("c");
        using (Variable.If(c)) Variable.IsPositive(theta).ObservedValue = true;
        using (Variable.IfNot(c)) Variable.Bernoulli(0.2).ObservedValue = true;
        var engine = new InferenceEngine { NumberOfIterations = 5 };
        var q = engine.Infer<Gaussian>(theta);
        double logZ = engine.Fit(theta)[^1].Elbo;

        // case 1: Z1 = Φ(μ/σ); the normal truncated to (0, ∞) has mean μ + σλ and variance σ²(1 − λ(λ + μ/σ)), λ = φ(μ/σ)/Φ(μ/σ)
        double sd = Math.Sqrt(v0), a = mu / sd;
        double z1 = MathNet.Numerics.Distributions.Normal.CDF(0, 1, a), lambda = MathNet.Numerics.Distributions.Normal.PDF(0, 1, a) / z1;
        double m1 = mu + sd * lambda, var1 = v0 * (1 - lambda * (lambda + a));
        double z = pi * z1 + (1 - pi) * 0.2, w = pi * z1 / z;
        double mean = w * m1 + (1 - w) * mu, var = w * (var1 + m1 * m1) + (1 - w) * (v0 + mu * mu) - mean * mean;
        Assert.True(Math.Abs(q.GetMean() - mean) < 1e-9, $"E[θ] {q.GetMean()} vs exact {mean}");
        Assert.True(Math.Abs(q.GetVariance() - var) < 1e-9 * var, $"Var[θ] {q.GetVariance()} vs exact {var}");
        Assert.True(Math.Abs(logZ - Math.Log(z)) < 1e-9, $"EP log evidence {logZ} vs exact {Math.Log(z)}");
    }

    [Fact]
    public void OneObservation_OutsideGammaPrecision_EqualsExactMixturePosterior()
    {
        // τ ~ Gamma(shape 3, rate 2), c ~ Bernoulli(0.4); c: x ~ N(0, 1/τ), not c: x ~ N(0, 4); x = 1.5 observed.
        const double a = 3, b = 2, x = 1.5, pi = 0.4;
        var tau = Variable.GammaFromShapeAndRate(a, b).Named("tau");
        var c = Variable.Bernoulli(pi).Named("c");
        using (Variable.If(c)) Variable.GaussianFromMeanAndPrecision(Variable.Constant(0.0), tau).ObservedValue = x;
        using (Variable.IfNot(c)) Variable.GaussianFromMeanAndVariance(0, 4).ObservedValue = x;
        // plain moment matching (Infer.NET, and our default, keep gate messages proper instead: the variance is then capped at the cavity's)
        var engine = new InferenceEngine(new ExpectationPropagation { ForceProperMessages = false }) { NumberOfIterations = 5 };
        var q = engine.Infer<Gamma>(tau);
        double logZ = engine.Fit(tau)[^1].Elbo;

        // conjugate: τ | c, x ~ Gamma(a + 1/2, b + x²/2); Z1 = Γ(a + 1/2)/Γ(a) b^a (b + x²/2)^−(a+1/2) / √(2π) (a Student-t density)
        double a1 = a + 0.5, b1 = b + x * x / 2;
        double l1 = Math.Log(pi) + MathNet.Numerics.SpecialFunctions.GammaLn(a1) - MathNet.Numerics.SpecialFunctions.GammaLn(a)
            + a * Math.Log(b) - a1 * Math.Log(b1) - 0.5 * Math.Log(2 * Math.PI);
        double l0 = Math.Log(1 - pi) + LogNormal(x, 0, 4);
        double exactLogZ = LogSpace.LogAddExp(l1, l0), w = Math.Exp(l1 - exactLogZ);
        double mean = w * a1 / b1 + (1 - w) * a / b;
        double var = w * (a1 / (b1 * b1) + a1 * a1 / (b1 * b1)) + (1 - w) * (a / (b * b) + a * a / (b * b)) - mean * mean;
        Assert.True(Math.Abs(q.GetMean() - mean) < 1e-9, $"E[τ] {q.GetMean()} vs exact {mean}");
        Assert.True(Math.Abs(q.GetVariance() - var) < 1e-9 * var, $"Var[τ] {q.GetVariance()} vs exact {var}");
        Assert.True(Math.Abs(logZ - exactLogZ) < 1e-9, $"EP log evidence {logZ} vs exact {exactLogZ}");
    }

    private static double[] ClutterData(int count, double theta, double clutter, int seed)
    {
        var rng = new Random(seed);
        return Enumerable.Range(0, count).Select(_ => rng.NextDouble() < clutter
            ? MathNet.Numerics.Distributions.Normal.Sample(rng, 0, Math.Sqrt(10))
            : MathNet.Numerics.Distributions.Normal.Sample(rng, theta, 1)).ToArray();
    }

    private static (Variable<double> Theta, VariableArray<bool> C) Clutter(double[] data, double clutter)
    {
        var theta = Variable.GaussianFromMeanAndVariance(0, 100).Named("theta");
        Range n = new Range(data.Length).Named("n");
        VariableArray<double> x = Variable.Array<double>(n).Named("x");
        VariableArray<bool> c = Variable.Array<bool>(n).Named("c");
        using (Variable.ForEach(n))
        {
            c[n] = Variable.Bernoulli(1 - clutter);
            using (Variable.If(c[n])) x[n] = Variable.GaussianFromMeanAndVariance(theta, 1.0);
            using (Variable.IfNot(c[n])) x[n] = Variable.GaussianFromMeanAndVariance(0, 10);
        }
        x.ObservedValue = data;
        return (theta, c);
    }

    [Fact]
    public void ClutterProblem_EpIsCloseToQuadrature()
    {
        // Minka (2001), "Expectation Propagation for approximate Bayesian inference" (the clutter problem): x_n ~ (1 − w) N(θ, 1)
        // + w N(0, 10), θ ~ N(0, 100). Reference: posterior moments and evidence by the trapezoid rule on a fine grid.
        const double clutter = 0.25;
        var data = ClutterData(20, 2, clutter, seed: 5);
        var (theta, _) = Clutter(data, clutter);
        // plain moment matching, as Minka (2001) runs the clutter problem (the default keeps messages proper, as Infer.NET does)
        var engine = new InferenceEngine(new ExpectationPropagation { ForceProperMessages = false }) { NumberOfIterations = 100, Tolerance = 1e-12 };
        var q = engine.Infer<Gaussian>(theta);
        double logZ = engine.Fit(theta)[^1].Elbo;

        const double lo = -40, hi = 40;
        const int points = 400_001;
        double h = (hi - lo) / (points - 1);
        var logp = new double[points];
        for (int i = 0; i < points; i++)
        {
            double t = lo + i * h;
            double s = LogNormal(t, 0, 100);
            foreach (var xi in data)
                s += LogSpace.LogAddExp(Math.Log(1 - clutter) + LogNormal(xi, t, 1), Math.Log(clutter) + LogNormal(xi, 0, 10));
            logp[i] = s;
        }
        double max = logp.Max();
        double z = 0, m = 0, m2 = 0;
        for (int i = 0; i < points; i++)
        {
            double t = lo + i * h, wgt = (i == 0 || i == points - 1 ? 0.5 : 1) * Math.Exp(logp[i] - max);
            z += wgt; m += wgt * t; m2 += wgt * t * t;
        }
        double exactMean = m / z, exactVar = m2 / z - exactMean * exactMean, exactLogZ = max + Math.Log(z * h);
        // measured gaps (seed 5): E[θ] 1.876017 vs 1.875991 (1.4e-5 relative), Var[θ] 0.089063 vs 0.088986 (8.6e-4
        // relative), log evidence −39.22173 vs −39.22192 (1.9e-4); Minka (2001) reports EP close to exact on this problem
        Assert.True(Math.Abs(q.GetMean() - exactMean) < 1e-3 * Math.Abs(exactMean), $"EP E[θ] {q.GetMean()} vs quadrature {exactMean}");
        Assert.True(Math.Abs(q.GetVariance() - exactVar) < 1e-2 * exactVar, $"EP Var[θ] {q.GetVariance()} vs quadrature {exactVar}");
        Assert.True(Math.Abs(logZ - exactLogZ) < 2e-3, $"EP log evidence {logZ} vs quadrature {exactLogZ}");
    }

    [Fact]
    public void RangedSelector_GateLocalArray_EqualsMarginalisedModel()
    {
        // clutter with a latent u[n] ~ N(θ, 1), x[n] ~ N(u[n], 1) in the "on" case: the case's own EP is an exact Gaussian
        // chain, so at convergence EP equals EP on the model with u marginalised out, x[n] ~ N(θ, 2)
        const double clutter = 0.3;
        var data = ClutterData(15, 1.5, clutter, seed: 11);
        (Gaussian Theta, double LogZ) Run(bool latent)
        {
            var theta = Variable.GaussianFromMeanAndVariance(0, 100).Named("theta");
            Range n = new Range(data.Length).Named("n");
            VariableArray<double> x = Variable.Array<double>(n).Named("x");
            VariableArray<double> u = Variable.Array<double>(n).Named("u");
            VariableArray<bool> c = Variable.Array<bool>(n).Named("c");
            using (Variable.ForEach(n))
            {
                c[n] = Variable.Bernoulli(1 - clutter);
                using (Variable.If(c[n]))
                {
                    if (latent)
                    {
                        u[n] = Variable.GaussianFromMeanAndVariance(theta, 1.0);
                        x[n] = Variable.GaussianFromMeanAndVariance(u[n], 1.0);
                    }
                    else x[n] = Variable.GaussianFromMeanAndVariance(theta, 2.0);
                }
                using (Variable.IfNot(c[n])) x[n] = Variable.GaussianFromMeanAndVariance(0, 10);
            }
            x.ObservedValue = data;
            var engine = new InferenceEngine { NumberOfIterations = 200, Tolerance = 1e-13 };
            return (engine.Infer<Gaussian>(theta), engine.Fit(theta)[^1].Elbo);
        }
        var (withU, logZu) = Run(true);
        var (plain, logZ) = Run(false);
        Assert.True(Math.Abs(withU.GetMean() - plain.GetMean()) < 1e-9, $"E[θ] with latent u {withU.GetMean()} vs marginalised {plain.GetMean()}");
        Assert.True(Math.Abs(withU.GetVariance() - plain.GetVariance()) < 1e-9, $"Var[θ] with latent u {withU.GetVariance()} vs marginalised {plain.GetVariance()}");
        Assert.True(Math.Abs(logZu - logZ) < 1e-9, $"log evidence with latent u {logZu} vs marginalised {logZ}");
    }

    [Fact]
    public void ObservedSelector_EqualsModelWithoutGate()
    {
        const double clutter = 0.25;
        var data = ClutterData(12, 1.5, clutter, seed: 9);
        bool[] labels = data.Select((_, i) => i % 3 != 0).ToArray();
        var (theta, c) = Clutter(data, clutter);
        c.ObservedValue = labels;
        var engine = new InferenceEngine { NumberOfIterations = 5 };
        var q = engine.Infer<Gaussian>(theta);
        double logZ = engine.Fit(theta)[^1].Elbo;

        // the same model without the gates: only the selected points, on θ (the rejected points and the labels are
        // constants, disconnected from θ, so the ungated evidence lacks their closed-form log densities)
        var theta2 = Variable.GaussianFromMeanAndVariance(0, 100).Named("theta2");
        var on = data.Where((_, i) => labels[i]).ToArray();
        var off = data.Where((_, i) => !labels[i]).ToArray();
        Range a = new Range(on.Length);
        VariableArray<double> xa = Variable.Array<double>(a);
        xa[a] = Variable.GaussianFromMeanAndVariance(theta2, 1.0).ForEach(a);
        xa.ObservedValue = on;
        var engine2 = new InferenceEngine { NumberOfIterations = 5 };
        var q2 = engine2.Infer<Gaussian>(theta2);
        double constants = off.Sum(xi => LogNormal(xi, 0, 10)) + on.Length * Math.Log(1 - clutter) + off.Length * Math.Log(clutter);
        double logZ2 = engine2.Fit(theta2)[^1].Elbo + constants;

        Assert.True(Math.Abs(q.GetMean() - q2.GetMean()) < 1e-12 * Math.Abs(q2.GetMean()), $"gated E[θ] {q.GetMean()} vs ungated {q2.GetMean()}");
        Assert.True(Math.Abs(q.GetVariance() - q2.GetVariance()) < 1e-12 * q2.GetVariance(), $"gated Var[θ] {q.GetVariance()} vs ungated {q2.GetVariance()}");
        Assert.True(Math.Abs(logZ - logZ2) < 1e-9, $"gated log evidence {logZ} vs ungated {logZ2}");

        // and the closed form: log N(on; 0, 100·11ᵀ + I) as a chain of predictives, plus the constants
        double exact = constants, m = 0, v = 100;
        foreach (var xi in on)
        {
            exact += LogNormal(xi, m, v + 1);
            double post = 1 / (1 / v + 1);
            m = post * (m / v + xi);
            v = post;
        }
        Assert.True(Math.Abs(logZ - exact) < 1e-9, $"gated log evidence {logZ} vs closed form {exact}");
        Assert.True(Math.Abs(m - q.GetMean()) < 1e-9 && Math.Abs(v - q.GetVariance()) < 1e-12, $"gated posterior {q} vs closed form N({m}, {v})");
    }

    [Fact]
    public void ObservedTrueSelector_OverGateLocalModel_GivesConjugatePosteriorAndEvidence()
    {
        // Infer.NET's evidence block with the selector observed true: the gate's variables are the plain model's
        bool[] flips = [true, false, true, true, true];
        var evidence = Variable.Bernoulli(0.5).Named("evidence");
        Variable<double> p;
        using (Variable.If(evidence))
        {
            p = Variable.Beta(2, 2).Named("p");
            Range n = new Range(flips.Length);
            VariableArray<bool> y = Variable.Array<bool>(n);
            y[n] = Variable.Bernoulli(p).ForEach(n);
            y.ObservedValue = flips;
        }
        evidence.ObservedValue = true;
        var engine = new InferenceEngine { NumberOfIterations = 5 };
        var q = engine.Infer<Beta>(p);
        double logZ = engine.Fit(p)[^1].Elbo;
        // Beta(2, 2) with 4 heads, 1 tail: Beta(6, 3); log p(flips) = log B(6, 3) − log B(2, 2); plus log P(evidence = true)
        Assert.Equal(6, q.TrueCount, 12);
        Assert.Equal(3, q.FalseCount, 12);
        double exact = MathNet.Numerics.SpecialFunctions.BetaLn(6, 3) - MathNet.Numerics.SpecialFunctions.BetaLn(2, 2) + Math.Log(0.5);
        Assert.True(Math.Abs(logZ - exact) < 1e-12, $"EP log evidence {logZ} vs exact {exact}");
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void ObservedSwitchSelector_EqualsObservedIndexWithoutGate(bool vmp)
    {
        // labelled mixture: Switch(z[n]) on observed labels is the model means[z[n]] with z an observed index array
        double[] points = [-3.1, -2.4, 4.2, -2.9, 5.3, 4.8, 0.2];
        int[] labels = [0, 0, 2, 0, 2, 2, 1];
        (Gaussian[] Means, double Value) Run(bool gated)
        {
            Range k = new Range(3);
            VariableArray<double> means = Variable.Array<double>(k).Named("means");
            means[k] = Variable.GaussianFromMeanAndVariance(0, 100).ForEach(k);
            Range n = new Range(points.Length);
            VariableArray<double> x = Variable.Array<double>(n).Named("x");
            VariableArray<int> z = Variable.Array<int>(n).Named("z");
            z.ObservedValue = labels;
            using (Variable.ForEach(n))
            {
                if (gated)
                    using (Variable.Switch(z[n])) x[n] = Variable.GaussianFromMeanAndPrecision(means[z[n]], 2.0);
                else
                    x[n] = Variable.GaussianFromMeanAndPrecision(means[z[n]], 2.0);
            }
            x.ObservedValue = points;
            var engine = new InferenceEngine(vmp ? new VariationalMessagePassing() : new ExpectationPropagation()) { NumberOfIterations = 10 };
            return (engine.Infer<Gaussian[]>(means), engine.Fit(means)[^1].Elbo);
        }
        var (gatedMeans, gatedValue) = Run(true);
        var (plainMeans, plainValue) = Run(false);
        for (int j = 0; j < 3; j++)
        {
            // and the closed form: precision 1/100 + 2 n_j, mean 2 Σ x / precision
            var xs = points.Where((_, i) => labels[i] == j).ToArray();
            double prec = 0.01 + 2 * xs.Length, mean = 2 * xs.Sum() / prec;
            Assert.True(Math.Abs(gatedMeans[j].GetMean() - plainMeans[j].GetMean()) < 1e-12, $"means[{j}]: gated {gatedMeans[j]} vs ungated {plainMeans[j]}");
            Assert.True(Math.Abs(gatedMeans[j].GetMean() - mean) < 1e-12 && Math.Abs(gatedMeans[j].Precision - prec) < 1e-9, $"means[{j}]: gated {gatedMeans[j]} vs closed form N({mean}, 1/{prec})");
        }
        Assert.True(Math.Abs(gatedValue - plainValue) < 1e-9, $"{(vmp ? "ELBO" : "log evidence")}: gated {gatedValue} vs ungated {plainValue}");
    }

    [Fact]
    public void GaussianMixture_UnknownMeans_RecoversWellSeparatedClusters()
    {
        // 2 components, unit variances known, means unknown with priors N(∓1, 100) (the different prior means break the symmetry)
        var rng = new Random(3);
        var left = Enumerable.Range(0, 60).Select(_ => MathNet.Numerics.Distributions.Normal.Sample(rng, -4, 1)).ToArray();
        var right = Enumerable.Range(0, 40).Select(_ => MathNet.Numerics.Distributions.Normal.Sample(rng, 5, 1)).ToArray();
        var points = left.Concat(right).OrderBy(_ => rng.Next()).ToArray();
        Range k = new Range(2).Named("k");
        var priorMeans = Variable.Observed(new double[] { -1, 1 }, k);
        VariableArray<double> means = Variable.Array<double>(k).Named("means");
        means[k] = Variable.GaussianFromMeanAndVariance(priorMeans[k], 100);
        Range n = new Range(points.Length).Named("n");
        VariableArray<double> x = Variable.Array<double>(n).Named("x");
        VariableArray<int> z = Variable.Array<int>(n).Named("z");
        var weights = Variable.Dirichlet(1.0, 1.0).Named("weights");
        using (Variable.ForEach(n))
        {
            z[n] = Variable.Discrete(weights);
            using (Variable.Switch(z[n])) x[n] = Variable.GaussianFromMeanAndPrecision(means[z[n]], 1.0);
        }
        x.ObservedValue = points;
        var engine = new InferenceEngine { NumberOfIterations = 200 };
        var q = engine.Infer<Gaussian[]>(means);
        var trace = engine.LastTrace!;

        // with the clusters this far apart every responsibility is nearly 0 or 1, so EP's means are the
        // conjugate posteriors given the true labels: precision 1/100 + n_k, mean (m0/100 + Σx)/precision
        double Labelled(double[] xs, double m0) => (m0 / 100 + xs.Sum()) / (1.0 / 100 + xs.Length);
        Assert.True(Math.Abs(q[0].GetMean() - Labelled(left, -1)) < 1e-3, $"E[means[0]] {q[0].GetMean()} vs labelled posterior {Labelled(left, -1)}");
        Assert.True(Math.Abs(q[1].GetMean() - Labelled(right, 1)) < 1e-3, $"E[means[1]] {q[1].GetMean()} vs labelled posterior {Labelled(right, 1)}");
        Assert.True(Math.Abs(q[0].GetVariance() - 1 / (0.01 + left.Length)) < 1e-3 / left.Length, $"Var[means[0]] {q[0].GetVariance()}");
        var w = engine.Infer<Dirichlet>(weights).GetMean();
        Assert.True(Math.Abs(w[0] - 0.6) < 0.05, $"E[weights] {w[0]}, {w[1]} vs 0.6, 0.4");
        Assert.True(Math.Abs(trace[^1].Elbo - trace[^2].Elbo) < 1e-8, $"EP did not converge: log evidence {trace[^2].Elbo} -> {trace[^1].Elbo}");
        var zq = engine.Infer<Discrete[]>(z);
        for (int i = 0; i < points.Length; i++)
            Assert.True(zq[i][points[i] > 0.5 ? 1 : 0] > 0.99, $"point {points[i]} assigned {zq[i]}");
    }

    // ------------------------------------------------ all case blocks of one selector are one compound factor

    /// <summary>
    /// The closed form for m ~ N(m0, v0), z ~ prior, y | z = k ~ N(m, noise[k]) (noise[k] = ∞: no factor in case k) with y
    /// observed: log Z = log Σ_k prior_k N(y; m0, v0 + noise_k), P(z = k | y), and the mean and variance of the
    /// two-or-more-component mixture posterior of m (what EP's projection must give after one update).
    /// </summary>
    private static (double LogZ, double[] W, double Mean, double Var) GatedObservation(double y, double[] prior, double m0, double v0, double[] noise)
    {
        var l = prior.Select((p, k) => Math.Log(p) + (double.IsPositiveInfinity(noise[k]) ? 0 : LogNormal(y, m0, v0 + noise[k]))).ToArray();
        double logZ = l.Aggregate(double.NegativeInfinity, LogSpace.LogAddExp);
        var w = l.Select(lk => Math.Exp(lk - logZ)).ToArray();
        double mean = 0, second = 0;
        for (int k = 0; k < prior.Length; k++)
        {
            double prec = 1 / v0 + (double.IsPositiveInfinity(noise[k]) ? 0 : 1 / noise[k]);
            double mk = (m0 / v0 + (double.IsPositiveInfinity(noise[k]) ? 0 : y / noise[k])) / prec, vk = 1 / prec;
            mean += w[k] * mk;
            second += w[k] * (vk + mk * mk);
        }
        return (logZ, w, mean, second - mean * mean);
    }

    private static void AssertClose(double expected, double actual, double tolerance, string what) =>
        Numbers.AssertClose(expected, actual, 0, tolerance, what);

    [Theory]
    [InlineData("observed in each branch", 1)]
    [InlineData("observed in each branch", 10)]
    [InlineData("SetTo in each branch", 1)]
    [InlineData("SetTo in each branch", 10)]
    [InlineData("inside If(evidence)", 1)]
    [InlineData("inside If(evidence)", 10)]
    public void IfAndIfNotReadingTheSameVariable_AreOneFactor_ExactAfterOneUpdate(string form, int iterations)
    {
        // s ~ B(0.6), m ~ N(0.5, 2), y = 1.4 observed, y ~ N(m, 1) if s, N(m, 3) if not. One observation through one gate is
        // one compound factor: EP's first update gives the exact P(s | y) = 0.6472 (two EP gates, one per block, gave 0.6348),
        // the projection of the exact two-component posterior of m, and the exact evidence; later updates keep them.
        const double y = 1.4, m0 = 0.5, v0 = 2;
        Variable<bool> s;
        Variable<double> m;
        Variable<bool>? evidence = null;
        void Body()
        {
            s = Variable.Bernoulli(0.6).Named("s");
            m = Variable.GaussianFromMeanAndVariance(m0, v0).Named("m");
            if (form == "SetTo in each branch")
            {
                var yv = Variable.New<double>().Named("y");
                using (Variable.If(s)) yv.SetTo(Variable.GaussianFromMeanAndVariance(m, 1.0));
                using (Variable.IfNot(s)) yv.SetTo(Variable.GaussianFromMeanAndVariance(m, 3.0));
                yv.ObservedValue = y;
            }
            else
            {
                using (Variable.If(s)) Variable.GaussianFromMeanAndVariance(m, 1.0).Named("y1").ObservedValue = y;
                using (Variable.IfNot(s)) Variable.GaussianFromMeanAndVariance(m, 3.0).Named("y0").ObservedValue = y;
            }
        }
        s = null!;
        m = null!;
        if (form == "inside If(evidence)")
        {
            evidence = Variable.Bernoulli(0.5).Named("evidence");
            using (Variable.If(evidence)) Body();
        }
        else Body();
        var engine = new InferenceEngine(new ExpectationPropagation()) { NumberOfIterations = iterations };
        double ps = engine.Infer<Bernoulli>(s).GetProbTrue();
        var qm = engine.Infer<Gaussian>(m);

        // the closed form, with the engineer's figure as a check on it
        var exact = GatedObservation(y, [0.4, 0.6], m0, v0, [3, 1]);
        Assert.True(Math.Abs(exact.W[1] - 0.6472) < 5e-5, $"the closed form P(s | y) = {exact.W[1]} is not the 0.6472 worked by hand");
        AssertClose(exact.W[1], ps, 1e-9, "P(s | y)");
        AssertClose(exact.Mean, qm.GetMean(), 1e-9, "E[m | y]");
        AssertClose(exact.Var, qm.GetVariance(), 1e-9, "Var[m | y]");
        if (evidence is null) AssertClose(exact.LogZ, engine.LastTrace!.FinalElbo, 1e-9, "EP log evidence (trace)");
        else AssertClose(exact.LogZ, engine.Infer<Bernoulli>(evidence).LogOdds, 1e-9, "log evidence from If(evidence)");
    }

    [Theory]
    [InlineData(1)]
    [InlineData(10)]
    public void CaseBlocksReadingTheSameVariable_AreOneFactor_ExactAfterOneUpdate(int iterations)
    {
        // z ~ Discrete(0.2, 0.5, 0.3), m ~ N(0.5, 2), y = 1.4 observed, y ~ N(m, v_k) in Case(z, k) with v = (1, 3, 0.5)
        const double y = 1.4, m0 = 0.5, v0 = 2;
        double[] pi = [0.2, 0.5, 0.3], noise = [1, 3, 0.5];
        var z = Variable.Discrete(pi).Named("z");
        var m = Variable.GaussianFromMeanAndVariance(m0, v0).Named("m");
        for (int k = 0; k < 3; k++)
            using (Variable.Case(z, k)) Variable.GaussianFromMeanAndVariance(m, noise[k]).Named($"y{k}").ObservedValue = y;
        var engine = new InferenceEngine(new ExpectationPropagation()) { NumberOfIterations = iterations };
        var qz = engine.Infer<Discrete>(z);
        var qm = engine.Infer<Gaussian>(m);
        var exact = GatedObservation(y, pi, m0, v0, noise);
        for (int k = 0; k < 3; k++) AssertClose(exact.W[k], qz[k], 1e-9, $"P(z = {k} | y)");
        AssertClose(exact.Mean, qm.GetMean(), 1e-9, "E[m | y]");
        AssertClose(exact.Var, qm.GetVariance(), 1e-9, "Var[m | y]");
        AssertClose(exact.LogZ, engine.LastTrace!.FinalElbo, 1e-9, "EP log evidence");
    }

    [Fact]
    public void CaseBlocksWithOneCaseMissing_TheMissingCaseHasEvidenceOne()
    {
        // as above with no Case(z, 1) block: the factor is absent when z = 1, Z_1 = 1 and m keeps its prior in that case
        const double y = 1.4, m0 = 0.5, v0 = 2;
        double[] pi = [0.2, 0.5, 0.3], noise = [1, double.PositiveInfinity, 0.5];
        var z = Variable.Discrete(pi).Named("z");
        var m = Variable.GaussianFromMeanAndVariance(m0, v0).Named("m");
        foreach (int k in new[] { 2, 0 })
            using (Variable.Case(z, k)) Variable.GaussianFromMeanAndVariance(m, noise[k]).Named($"y{k}").ObservedValue = y;
        var engine = new InferenceEngine(new ExpectationPropagation()) { NumberOfIterations = 1 };
        var qz = engine.Infer<Discrete>(z);
        var qm = engine.Infer<Gaussian>(m);
        var exact = GatedObservation(y, pi, m0, v0, noise);
        for (int k = 0; k < 3; k++) AssertClose(exact.W[k], qz[k], 1e-9, $"P(z = {k} | y)");
        AssertClose(exact.Mean, qm.GetMean(), 1e-9, "E[m | y]");
        AssertClose(exact.Var, qm.GetVariance(), 1e-9, "Var[m | y]");
        AssertClose(exact.LogZ, engine.LastTrace!.FinalElbo, 1e-9, "EP log evidence");
    }

    [Theory]
    [InlineData(1)]
    [InlineData(10)]
    public void IfAndIfNotReadingDifferentVariables_AreExact(int iterations)
    {
        // c ~ B(0.6), m ~ N(0.5, 2), r ~ N(−1, 1.5), y = 1.4 observed; y ~ N(m, 1) if c, N(r, 2) if not. Each variable is
        // updated by one case only: q(m) mixes its case-1 posterior with its prior, q(r) its case-0 posterior with its prior.
        const double y = 1.4;
        var c = Variable.Bernoulli(0.6).Named("c");
        var m = Variable.GaussianFromMeanAndVariance(0.5, 2).Named("m");
        var r = Variable.GaussianFromMeanAndVariance(-1, 1.5).Named("r");
        using (Variable.If(c)) Variable.GaussianFromMeanAndVariance(m, 1.0).Named("y1").ObservedValue = y;
        using (Variable.IfNot(c)) Variable.GaussianFromMeanAndVariance(r, 2.0).Named("y0").ObservedValue = y;
        var engine = new InferenceEngine(new ExpectationPropagation { ForceProperMessages = false }) { NumberOfIterations = iterations };
        double pc = engine.Infer<Bernoulli>(c).GetProbTrue();
        var qm = engine.Infer<Gaussian>(m);
        var qr = engine.Infer<Gaussian>(r);

        double l1 = Math.Log(0.6) + LogNormal(y, 0.5, 3), l0 = Math.Log(0.4) + LogNormal(y, -1, 3.5);
        double logZ = LogSpace.LogAddExp(l1, l0), w = Math.Exp(l1 - logZ);
        AssertClose(w, pc, 1e-9, "P(c | y)");
        // q(m): with weight w the conjugate m | y (precision 1/2 + 1), else the prior N(0.5, 2); q(r) the other way round
        double pm = 1 / 2.0 + 1, mm = (0.5 / 2 + y) / pm, vm = 1 / pm;
        double meanM = w * mm + (1 - w) * 0.5, varM = w * (vm + mm * mm) + (1 - w) * (2 + 0.25) - meanM * meanM;
        double pr = 1 / 1.5 + 1 / 2.0, mr = (-1 / 1.5 + y / 2) / pr, vr = 1 / pr;
        double meanR = (1 - w) * mr + w * -1, varR = (1 - w) * (vr + mr * mr) + w * (1.5 + 1) - meanR * meanR;
        AssertClose(meanM, qm.GetMean(), 1e-9, "E[m | y]");
        AssertClose(varM, qm.GetVariance(), 1e-9, "Var[m | y]");
        AssertClose(meanR, qr.GetMean(), 1e-9, "E[r | y]");
        AssertClose(varR, qr.GetVariance(), 1e-9, "Var[r | y]");
        AssertClose(logZ, engine.LastTrace!.FinalElbo, 1e-9, "EP log evidence");
    }

    /// <summary>
    /// Exact posterior of m ~ N(m0, v0) with x_n | c_n ~ N(m, c_n ? v1 : v0n), c_n ~ B(pi) independent, by enumerating the
    /// 2^N assignments: each is a conjugate model whose evidence is the chain of predictives N(x_n; m_{n−1}, v_{n−1} + noise_n).
    /// Returns log Z, P(c_n | x) and the mean and variance of m.
    /// </summary>
    private static (double LogZ, double[] P, double Mean, double Var) EnumerateAssignments(double[] x, double pi, double m0, double v0, double vOn, double vOff)
    {
        int count = x.Length;
        var logW = new double[1 << count];
        var means = new double[1 << count];
        var vars = new double[1 << count];
        for (int a = 0; a < 1 << count; a++)
        {
            double l = 0, m = m0, v = v0;
            for (int n = 0; n < count; n++)
            {
                bool on = (a >> n & 1) == 1;
                double noise = on ? vOn : vOff;
                l += Math.Log(on ? pi : 1 - pi) + LogNormal(x[n], m, v + noise);
                double post = 1 / (1 / v + 1 / noise);
                m = post * (m / v + x[n] / noise);
                v = post;
            }
            (logW[a], means[a], vars[a]) = (l, m, v);
        }
        double logZ = logW.Aggregate(double.NegativeInfinity, LogSpace.LogAddExp);
        double mean = 0, second = 0;
        var p = new double[count];
        for (int a = 0; a < 1 << count; a++)
        {
            double w = Math.Exp(logW[a] - logZ);
            mean += w * means[a];
            second += w * (vars[a] + means[a] * means[a]);
            for (int n = 0; n < count; n++) if ((a >> n & 1) == 1) p[n] += w;
        }
        return (logZ, p, mean, second - mean * mean);
    }

    [Theory]
    [InlineData(1, 1)]
    [InlineData(1, 10)]
    [InlineData(6, 100)]
    public void PlateOfIfAndIfNotReadingASharedVariable_ConvergesAndIsExactForOnePoint(int count, int iterations)
    {
        // m ~ N(0.5, 2), c[n] ~ B(0.6), x[n] ~ N(m, 1) if c[n], N(m, 3) if not: per point, one EP gate holding both cases.
        // One point: one compound factor, exact after one update. Six points: EP's usual approximation of a mixture
        // likelihood, which must converge; the reference is the enumeration of the 64 assignments.
        double[] data = [1.4, -0.3, 2.2, 0.8, 1.9, 0.1];
        data = data[..count];
        Range n = new Range(count).Named("n");
        var m = Variable.GaussianFromMeanAndVariance(0.5, 2).Named("m");
        var x = Variable.Array<double>(n).Named("x");
        var c = Variable.Array<bool>(n).Named("c");
        using (Variable.ForEach(n))
        {
            c[n] = Variable.Bernoulli(0.6);
            using (Variable.If(c[n])) x[n] = Variable.GaussianFromMeanAndVariance(m, 1.0);
            using (Variable.IfNot(c[n])) x[n] = Variable.GaussianFromMeanAndVariance(m, 3.0);
        }
        x.ObservedValue = data;
        var engine = new InferenceEngine(new ExpectationPropagation()) { NumberOfIterations = iterations };
        var qm = engine.Infer<Gaussian>(m);
        var qc = engine.Infer<Bernoulli[]>(c);
        var trace = engine.LastTrace!;
        var exact = EnumerateAssignments(data, 0.6, 0.5, 2, 1, 3);
        if (count == 1)
        {
            var closed = GatedObservation(data[0], [0.4, 0.6], 0.5, 2, [3, 1]);
            AssertClose(closed.LogZ, exact.LogZ, 1e-12, "the enumeration against the two-case closed form"); // the two references agree
            AssertClose(closed.W[1], qc[0].GetProbTrue(), 1e-9, "P(c[0] | x)");
            AssertClose(closed.Mean, qm.GetMean(), 1e-9, "E[m | x]");
            AssertClose(closed.Var, qm.GetVariance(), 1e-9, "Var[m | x]");
            AssertClose(closed.LogZ, trace.FinalElbo, 1e-9, "EP log evidence");
            return;
        }
        Assert.True(Math.Abs(trace[^1].Elbo - trace[^2].Elbo) < 1e-12, $"EP did not converge: log evidence {trace[^2].Elbo:R} -> {trace[^1].Elbo:R}");
        // measured gaps to the enumeration: E[m] 0.965999 vs 0.965931 (6.8e-5), Var[m] 0.227390 vs 0.227017 (1.6e-3
        // relative), log evidence −9.727507 vs −9.727828 (3.2e-4), P(c[n] | x) within 7.3e-5: EP close to exact, as on
        // the clutter problem (Minka 2001)
        AssertClose(exact.Mean, qm.GetMean(), 2e-4, "E[m | x]");
        AssertClose(exact.Var, qm.GetVariance(), 5e-3 * exact.Var, "Var[m | x]");
        AssertClose(exact.LogZ, trace.FinalElbo, 1e-3, "EP log evidence");
        for (int i = 0; i < count; i++) AssertClose(exact.P[i], qc[i].GetProbTrue(), 2e-4, $"P(c[{i}] | x)");
    }

    [Fact]
    public void OuterGateOfATreeBesideACaseReadingAnOutsideVariable_EqualsEnumeration()
    {
        // s1 ~ B(0.4); if s1 { s2 ~ B(0.7); y ~ N(0, 1) if s2, N(2, 1) if not } else y ~ N(μ, 1), μ ~ N(0.5, 2); y = 0.3.
        // Case s1 holds a gate of its own, so it stays an exact GateFactor on s1 alone; case ¬s1 reads μ and is the EP gate.
        const double y = 0.3;
        var mu = Variable.GaussianFromMeanAndVariance(0.5, 2).Named("mu");
        var s1 = Variable.Bernoulli(0.4).Named("s1");
        Variable<bool> s2;
        using (Variable.If(s1))
        {
            s2 = Variable.Bernoulli(0.7).Named("s2");
            using (Variable.If(s2)) Variable.GaussianFromMeanAndVariance(0, 1).Named("y11").ObservedValue = y;
            using (Variable.IfNot(s2)) Variable.GaussianFromMeanAndVariance(2, 1).Named("y10").ObservedValue = y;
        }
        using (Variable.IfNot(s1)) Variable.GaussianFromMeanAndVariance(mu, 1.0).Named("y0").ObservedValue = y;
        var engine = new InferenceEngine(new ExpectationPropagation()) { NumberOfIterations = 10 };
        double p1 = engine.Infer<Bernoulli>(s1).GetProbTrue();
        double p2 = engine.Infer<Bernoulli>(s2).GetProbTrue();
        var qmu = engine.Infer<Gaussian>(mu);

        double l11 = Math.Log(0.4 * 0.7) + LogNormal(y, 0, 1), l10 = Math.Log(0.4 * 0.3) + LogNormal(y, 2, 1);
        double l0 = Math.Log(0.6) + LogNormal(y, 0.5, 3);
        double logZ = LogSpace.LogAddExp(LogSpace.LogAddExp(l11, l10), l0);
        double w0 = Math.Exp(l0 - logZ);
        double prec = 1 / 2.0 + 1, m1 = (0.5 / 2 + y) / prec;
        double mean = w0 * m1 + (1 - w0) * 0.5, variance = w0 * (1 / prec + m1 * m1) + (1 - w0) * (2 + 0.25) - mean * mean;
        AssertClose(1 - w0, p1, 1e-9, "P(s1 | y)");
        AssertClose(Math.Exp(l11 - LogSpace.LogAddExp(l11, l10)), p2, 1e-9, "P(s2 | s1, y)");
        AssertClose(mean, qmu.GetMean(), 1e-9, "E[μ | y]");
        AssertClose(variance, qmu.GetVariance(), 1e-9, "Var[μ | y]");
        AssertClose(logZ, engine.LastTrace!.FinalElbo, 1e-9, "EP log evidence");
    }

    [Fact]
    public void VariableCreatedInOneCase_UsedInTheOtherCase_IsRefusedNamingIt()
    {
        var m = Variable.GaussianFromMeanAndVariance(0, 1).Named("m");
        var c = Variable.Bernoulli(0.5).Named("c");
        Variable<double> u;
        using (Variable.If(c))
        {
            u = Variable.GaussianFromMeanAndVariance(m, 1.0).Named("u");
            Variable.GaussianFromMeanAndVariance(u, 1.0).ObservedValue = 0.3;
        }
        using (Variable.IfNot(c)) Variable.GaussianFromMeanAndVariance(u, 2.0).ObservedValue = 0.3;
        var ex = Assert.Throws<InvalidOperationException>(() => new InferenceEngine(new ExpectationPropagation()).Infer<Gaussian>(m));
        Assert.Contains("'u'", ex.Message);
        Assert.Contains("'c'", ex.Message);
        Assert.Contains("'c' = true", ex.Message);
    }

    [Fact]
    public void ObservedIntSelector_CaseBlocksForSomeValues_SwitchTheirFactorsOnAndLeaveOtherValuesEmpty()
    {
        // m ~ N(0, 10); z observed; x[n] ~ N(m, 1) in Case(z[n], 0) and N(m, 1/2) in Case(z[n], 2). Points labelled 1 or 5
        // (values no block names) have no factor: the gate is the conjugate model on the other points.
        double[] data = [0.8, 3.0, 1.6, -2.0, 1.1];
        int[] labels = [0, 1, 2, 5, 2];
        Range n = new Range(data.Length).Named("n");
        var m = Variable.GaussianFromMeanAndVariance(0, 10).Named("m");
        var z = Variable.Array<int>(n).Named("z");
        var x = Variable.Array<double>(n).Named("x");
        z.ObservedValue = labels;
        using (Variable.ForEach(n))
        {
            using (Variable.Case(z[n], 0)) x[n] = Variable.GaussianFromMeanAndVariance(m, 1.0);
            using (Variable.Case(z[n], 2)) x[n] = Variable.GaussianFromMeanAndVariance(m, 0.5);
        }
        x.ObservedValue = data;
        var engine = new InferenceEngine(new ExpectationPropagation()) { NumberOfIterations = 5 };
        var qm = engine.Infer<Gaussian>(m);

        double logZ = 0, mean = 0, v = 10;
        for (int i = 0; i < data.Length; i++)
        {
            if (labels[i] != 0 && labels[i] != 2) continue;
            double noise = labels[i] == 0 ? 1 : 0.5;
            logZ += LogNormal(data[i], mean, v + noise);
            double post = 1 / (1 / v + 1 / noise);
            mean = post * (mean / v + data[i] / noise);
            v = post;
        }
        AssertClose(mean, qm.GetMean(), 1e-12, "E[m | x]");
        AssertClose(v, qm.GetVariance(), 1e-12, "Var[m | x]");
        AssertClose(logZ, engine.LastTrace!.FinalElbo, 1e-9, "EP log evidence");
    }
}
