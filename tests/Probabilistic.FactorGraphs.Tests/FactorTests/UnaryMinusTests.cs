namespace Probabilistic.FactorGraphs.Tests.FactorTests;

/// <summary>Unary minus: −x is the scale (−1)·x, so y = −x + noise is a linear-Gaussian model with a closed-form posterior.</summary>
public class UnaryMinusTests
{
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Negation_ObservedWithNoise_ExactPosteriorAndEvidence(bool vmp)
    {
        double m0 = 1.5, v0 = 2, noise = 0.5, y0 = -0.25;
        Variable<double> x = Variable.GaussianFromMeanAndVariance(m0, v0).Named("x");
        Variable<double> negated = (-x).Named("negated");
        Variable<double> y = Variable.GaussianFromMeanAndVariance(negated, noise).Named("y");
        y.ObservedValue = y0;
        var engine = vmp ? new InferenceEngine(new VariationalMessagePassing()) : new InferenceEngine();
        var post = engine.Infer<Gaussian>(x);
        // −x ~ N(−m0, v0); conditioning on y: precision 1/v0 + 1/noise, mean (m0/v0 − y0/noise)/precision
        double precision = 1 / v0 + 1 / noise, mean = (m0 / v0 - y0 / noise) / precision;
        Assert.Equal(mean, post.GetMean(), 1e-12);
        Assert.Equal(1 / precision, post.GetVariance(), 1e-12);
        var neg = engine.Infer<Gaussian>(negated);
        Assert.Equal(-mean, neg.GetMean(), 1e-12);
        Assert.Equal(1 / precision, neg.GetVariance(), 1e-12);
        // evidence: y ~ N(−m0, v0 + noise); VMP's bound is tight (one latent Gaussian, q exact)
        double evidence = Gaussian.FromMeanAndVariance(-m0, v0 + noise).GetLogProb(y0);
        Assert.Equal(evidence, engine.LastTrace!.FinalElbo, 1e-10);
    }

    [Fact]
    public void UnaryMinus_OnBool_IsRefusedNamingTheVariable()
    {
        Variable<bool> b = Variable.Bernoulli(0.3).Named("flag");
        var e = Assert.Throws<NotSupportedException>(() => -b);
        Assert.Contains("'flag'", e.Message);
    }
}
