using MathNet.Numerics;

namespace Probabilistic.FactorGraphs.Tests;

/// <summary>Conjugate models against their closed-form posteriors and marginal likelihoods, under EP and VMP.</summary>
public class ConjugateTests
{
    private static readonly double[] Data = [0.3, -1.2, 2.5, 0.8, 1.1, -0.4, 0.9];

    private static InferenceEngine Engine(bool vmp) => vmp ? new InferenceEngine(new VariationalMessagePassing()) : new InferenceEngine();

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void GaussianMean_KnownPrecision_ExactPosteriorAndEvidence(bool vmp)
    {
        double mu0 = 1, v0 = 4, tau = 2;
        Variable<double> mean = Variable.GaussianFromMeanAndVariance(mu0, v0).Named("mean");
        Range n = new Range(Data.Length);
        VariableArray<double> x = Variable.Array<double>(n).Named("x");
        x[n] = Variable.GaussianFromMeanAndPrecision(mean, tau).ForEach(n);
        x.ObservedValue = Data;
        var engine = Engine(vmp);
        var post = engine.Infer<Gaussian>(mean);
        double prec = 1 / v0 + Data.Length * tau;
        double m = (mu0 / v0 + tau * Data.Sum()) / prec;
        Assert.Equal(m, post.GetMean(), 9);
        Assert.Equal(1 / prec, post.GetVariance(), 9);
        // exact log evidence by the chain rule of predictive densities
        double logZ = 0, mk = mu0, vk = v0;
        foreach (var d in Data)
        {
            logZ += Gaussian.FromMeanAndVariance(mk, vk + 1 / tau).GetLogProb(d);
            double pk = 1 / vk + tau;
            mk = (mk / vk + tau * d) / pk;
            vk = 1 / pk;
        }
        Assert.Equal(logZ, engine.LastTrace!.FinalElbo, 9); // VMP is exact with one latent variable; EP exact on a tree
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void GammaPrecision_KnownMean_ExactPosteriorAndEvidence(bool vmp)
    {
        double a = 2, b = 3, mu = 0.5;
        Variable<double> precision = Variable.GammaFromShapeAndRate(a, b).Named("precision");
        Range n = new Range(Data.Length);
        VariableArray<double> x = Variable.Array<double>(n).Named("x");
        x[n] = Variable.GaussianFromMeanAndPrecision(mu, precision).ForEach(n);
        x.ObservedValue = Data;
        var engine = Engine(vmp);
        var post = engine.Infer<Gamma>(precision);
        double ss = Data.Sum(d => (d - mu) * (d - mu));
        Assert.Equal(a + Data.Length / 2.0, post.Shape, 9);
        Assert.Equal(b + ss / 2, post.Rate, 9);
        double an = a + Data.Length / 2.0, bn = b + ss / 2;
        double logZ = -Data.Length / 2.0 * Math.Log(2 * Math.PI) + a * Math.Log(b) - SpecialFunctions.GammaLn(a) + SpecialFunctions.GammaLn(an) - an * Math.Log(bn);
        Assert.Equal(logZ, engine.LastTrace!.FinalElbo, 9);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void BetaBernoulli_ExactPosteriorAndEvidence(bool vmp)
    {
        bool[] flips = [true, true, false, true, false, true, true];
        Variable<double> p = Variable.Beta(2, 3).Named("p");
        Range n = new Range(flips.Length);
        VariableArray<bool> y = Variable.Array<bool>(n).Named("y");
        y[n] = Variable.Bernoulli(p).ForEach(n);
        y.ObservedValue = flips;
        var engine = Engine(vmp);
        var post = engine.Infer<Beta>(p);
        int h = flips.Count(f => f), t = flips.Length - h;
        Assert.Equal(2 + h, post.TrueCount, 9);
        Assert.Equal(3 + t, post.FalseCount, 9);
        double logZ = SpecialFunctions.BetaLn(2 + h, 3 + t) - SpecialFunctions.BetaLn(2, 3);
        Assert.Equal(logZ, engine.LastTrace!.FinalElbo, 9);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void DirichletDiscrete_ExactPosteriorAndEvidence(bool vmp)
    {
        int[] draws = [0, 2, 2, 1, 2, 0, 2];
        double[] alpha = [1, 2, 0.5];
        Variable<Vector> probs = Variable.Dirichlet(alpha).Named("probs");
        Range n = new Range(draws.Length);
        VariableArray<int> z = Variable.Array<int>(n).Named("z");
        z[n] = Variable.Discrete(probs).ForEach(n);
        z.ObservedValue = draws;
        var engine = Engine(vmp);
        var post = engine.Infer<Dirichlet>(probs);
        double logZ = SpecialFunctions.GammaLn(alpha.Sum()) - SpecialFunctions.GammaLn(alpha.Sum() + draws.Length);
        for (int k = 0; k < 3; k++)
        {
            int c = draws.Count(d => d == k);
            Assert.Equal(alpha[k] + c, post[k], 9);
            logZ += SpecialFunctions.GammaLn(alpha[k] + c) - SpecialFunctions.GammaLn(alpha[k]);
        }
        Assert.Equal(logZ, engine.LastTrace!.FinalElbo, 9);
    }

    [Fact]
    public void ModelEvidence_IfBlock_LogOddsEqualsExactMarginalLikelihood()
    {
        // Infer.NET's evidence pattern: evidence ~ Bernoulli(0.5), the model inside If(evidence); LogOdds = log p(data).
        bool[] flips = [true, false, true, true];
        Variable<bool> evidence = Variable.Bernoulli(0.5).Named("evidence");
        IfBlockModel(evidence, flips);
        var engine = new InferenceEngine();
        double logZ = SpecialFunctions.BetaLn(1 + 3, 1 + 1) - SpecialFunctions.BetaLn(1, 1);
        Assert.Equal(logZ, engine.Infer<Bernoulli>(evidence).LogOdds, 9);
    }

    private static void IfBlockModel(Variable<bool> evidence, bool[] flips)
    {
        using (Variable.If(evidence))
        {
            Variable<double> p = Variable.Beta(1, 1).Named("p");
            Range n = new Range(flips.Length);
            VariableArray<bool> y = Variable.Array<bool>(n);
            y[n] = Variable.Bernoulli(p).ForEach(n);
            y.ObservedValue = flips;
        }
    }

    [Fact]
    public void Vmp_LearningAGaussian_BoundNeverDecreases()
    {
        var rng = new Random(7);
        var data = Enumerable.Range(0, 500).Select(_ => 3 + 2 * MathNet.Numerics.Distributions.Normal.Sample(rng, 0, 1)).ToArray();
        Variable<double> mean = Variable.GaussianFromMeanAndVariance(0, 100);
        Variable<double> precision = Variable.GammaFromShapeAndScale(1, 1);
        Range n = new Range(data.Length);
        VariableArray<double> x = Variable.Array<double>(n);
        x[n] = Variable.GaussianFromMeanAndPrecision(mean, precision).ForEach(n);
        x.ObservedValue = data;
        var engine = new InferenceEngine(new VariationalMessagePassing()) { NumberOfIterations = 30 };
        var trace = engine.Fit(mean); // ElboDriver throws ElboDecreasedException on any decrease beyond rounding
        Assert.True(trace.IsBound, "a VMP trace is a bound");
        for (int i = 1; i < trace.Count; i++)
            Assert.True(trace[i].Elbo >= trace[i - 1].Elbo - 1e-9 * Math.Abs(trace[i - 1].Elbo), $"ELBO fell at sweep {i + 1}: {trace[i - 1].Elbo} -> {trace[i].Elbo}");
        Assert.True(trace[^1].Elbo > trace[0].Elbo, "the bound rose from the first sweep");
    }
}
