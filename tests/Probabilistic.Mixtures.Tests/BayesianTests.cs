using MathNet.Numerics;

namespace Probabilistic.Mixtures.Tests;

/// <summary>Variational Bayesian Gaussian mixtures: the bound, its monotonicity, and components switching off.</summary>
public class BayesianTests
{
    [Fact]
    public void OneComponentBoundEqualsTheClosedFormNormalWishartEvidence()
    {
        // With K = 1 the mean-field posterior is exact, so the ELBO equals log p(X) of the conjugate Normal-Wishart
        // model (Murphy 2007, "Conjugate Bayesian analysis of the Gaussian distribution", eq. 266):
        // p(X) = π^{-nd/2} Γ_d(ν_n/2)/Γ_d(ν_0/2) |T_0|^{ν_0/2} / |T_n|^{ν_n/2} (κ_0/κ_n)^{d/2}.
        var (x, _, _) = TestData.KnownMixture(300, TestData.Seed(8));
        int n = 300, d = 2;
        double[] m0 = [0.5, 1.0];
        double[] t0 = [2.0, 0.3, 0.3, 1.5];
        double kappa0 = 0.7, nu0 = 3.5;
        var vb = new BayesianGaussianMixture(new BayesianGaussianMixtureOptions(1, WeightPrior.DirichletDistribution,
            WeightConcentration: 1, MeanPrecision: kappa0, MeanPrior: m0, DegreesOfFreedom: nu0, CovariancePrior: t0));
        var (_, trace) = vb.Fit(new NumericTable(x, n, d), new FitOptions(MaxIterations: 3, Tolerance: 0, Seed: 1));

        double[] mean = [0, 0];
        for (int i = 0; i < n; i++) { mean[0] += x[2 * i] / n; mean[1] += x[2 * i + 1] / n; }
        var tn = (double[])t0.Clone();
        for (int i = 0; i < n; i++)
            for (int a = 0; a < 2; a++)
                for (int b = 0; b < 2; b++) tn[a * 2 + b] += (x[2 * i + a] - mean[a]) * (x[2 * i + b] - mean[b]);
        double c = kappa0 * n / (kappa0 + n);
        for (int a = 0; a < 2; a++)
            for (int b = 0; b < 2; b++) tn[a * 2 + b] += c * (mean[a] - m0[a]) * (mean[b] - m0[b]);
        double kappaN = kappa0 + n, nuN = nu0 + n;
        double Det(double[] m) => m[0] * m[3] - m[1] * m[2];
        double LogMvGamma(double a) => 0.5 * Math.Log(Math.PI) + SpecialFunctions.GammaLn(a) + SpecialFunctions.GammaLn(a - 0.5); // d = 2
        double evidence = -0.5 * n * d * Math.Log(Math.PI) + LogMvGamma(nuN / 2) - LogMvGamma(nu0 / 2)
                          + 0.5 * nu0 * Math.Log(Det(t0)) - 0.5 * nuN * Math.Log(Det(tn)) + 0.5 * d * Math.Log(kappa0 / kappaN);
        Assert.True(Math.Abs(trace.FinalElbo - evidence) < 1e-8 * Math.Abs(evidence), $"ELBO {trace.FinalElbo:R} vs closed-form log evidence {evidence:R}");
    }

    [Theory]
    [InlineData(WeightPrior.DirichletProcess, 0.01)]
    [InlineData(WeightPrior.DirichletDistribution, 0.001)]
    public void UnneededComponentsAreSwitchedOffAndTheBoundNeverDecreases(WeightPrior prior, double gamma)
    {
        int seed = TestData.Seed(21);
        var (x, _, truth) = TestData.KnownMixture(3000, seed);
        var vb = new BayesianGaussianMixture(new BayesianGaussianMixtureOptions(8, prior, WeightConcentration: gamma));
        var (_, trace) = vb.Fit(new NumericTable(x, 3000, 2), new FitOptions(MaxIterations: 500, Tolerance: 1e-8, Seed: seed));
        for (int i = 1; i < trace.Count; i++)
            Assert.True(trace[i].Elbo >= trace[i - 1].Elbo - 1e-9 * Math.Abs(trace[i].Elbo), $"{prior}: ELBO fell at step {i + 1}: {trace[i - 1].Elbo:R} -> {trace[i].Elbo:R}");
        var used = vb.Weights.Where(w => w > 0.01).OrderByDescending(w => w).ToArray();
        Assert.True(used.Length == 3, $"{prior} seed {seed}: {used.Length} components with weight > 0.01 (weights {string.Join(", ", vb.Weights.Select(w => w.ToString("G3")))}); 3 generated the data");
        var trueWeights = truth.Weights.OrderByDescending(w => w).ToArray();
        for (int k = 0; k < 3; k++)
            Assert.True(Math.Abs(used[k] - trueWeights[k]) < 0.03, $"{prior}: weight {k}: {used[k]:F4} vs true {trueWeights[k]}");
        Assert.True(vb.Weights.Where(w => w <= 0.01).All(w => w < 1e-3), $"{prior}: switched-off weights should be ~0: {string.Join(", ", vb.Weights)}");
    }

    [Fact]
    public void WithMuchDataTheMeansAgreeWithEm()
    {
        var (x, _, _) = TestData.KnownMixture(5000, 13);
        var em = new GaussianMixture(new GaussianMixtureOptions(3));
        em.Fit(new NumericTable(x, 5000, 2), new FitOptions(Seed: 13, Tolerance: 1e-8, MaxIterations: 500));
        var vb = new BayesianGaussianMixture(new BayesianGaussianMixtureOptions(3, WeightPrior.DirichletDistribution, WeightConcentration: 1));
        vb.Fit(new NumericTable(x, 5000, 2), new FitOptions(Seed: 13, Tolerance: 1e-10, MaxIterations: 500));
        var map = new int[3];
        for (int c = 0; c < 3; c++)
        {
            int k = map[c] = Enumerable.Range(0, 3).MinBy(j => Math.Abs(vb.Means[2 * j] - em.Parameters!.Means[2 * c]) + Math.Abs(vb.Means[2 * j + 1] - em.Parameters!.Means[2 * c + 1]));
            for (int i = 0; i < 2; i++)
                Assert.True(Math.Abs(vb.Means[2 * k + i] - em.Parameters!.Means[2 * c + i]) < 0.02, $"mean {c}/{i}: VB {vb.Means[2 * k + i]:F4}, EM {em.Parameters!.Means[2 * c + i]:F4}");
            Assert.True(Math.Abs(vb.Weights[k] - em.Parameters!.Weights[c]) < 0.01, $"weight {c}: VB {vb.Weights[k]:F4}, EM {em.Parameters!.Weights[c]:F4}");
        }
        var emLabels = em.Predict(new NumericTable(x, 5000, 2));
        var vbLabels = vb.Predict(new NumericTable(x, 5000, 2));
        int agree = Enumerable.Range(0, 5000).Count(i => map[emLabels[i]] == vbLabels[i]);
        Assert.True(agree >= 4950, $"VB and EM assign {agree} of 5000 points to matching components");
    }
}
