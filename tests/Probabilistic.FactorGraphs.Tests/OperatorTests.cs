namespace Probabilistic.FactorGraphs.Tests;

/// <summary>Operators and gates against brute-force enumeration and Gaussian closed forms.</summary>
public class OperatorTests
{
    [Fact]
    public void OrNot_PosteriorsEqualEnumeration()
    {
        // a ~ B(0.3), b ~ B(0.6), c = a | !b observed false  ⇒  a = false and b = true: posterior of a is false for sure
        var a = Variable.Bernoulli(0.3);
        var b = Variable.Bernoulli(0.6);
        var c = a | !b;
        var engine = new InferenceEngine();
        // prior P(c) = 1 − P(!a)P(b) = 1 − 0.7·0.6
        Assert.Equal(1 - 0.7 * 0.6, engine.Infer<Bernoulli>(c).GetProbTrue(), 12);
        c.ObservedValue = true;
        // P(a | c) = P(a)/P(c) = 0.3/0.58
        Assert.Equal(0.3 / 0.58, engine.Infer<Bernoulli>(a).GetProbTrue(), 12);
        // P(b | c) = P(b, c)/P(c) = P(b)·P(a)/P(c) = 0.6·0.3/0.58
        Assert.Equal(0.6 * 0.3 / 0.58, engine.Infer<Bernoulli>(b).GetProbTrue(), 12);
    }

    [Fact]
    public void SumAndScale_ObservedSum_EqualsGaussianConditioning()
    {
        // x ~ N(1, 2), y ~ N(−1, 3), s = 2x + y observed 4  ⇒  x | s: Cov(x, s) = 4, Var(s) = 4·2 + 3 = 11
        var x = Variable.GaussianFromMeanAndVariance(1, 2);
        var y = Variable.GaussianFromMeanAndVariance(-1, 3);
        var s = x * 2.0 + y;
        s.ObservedValue = 4;
        var engine = new InferenceEngine();
        var post = engine.Infer<Gaussian>(x);
        double meanS = 2 * 1 - 1;
        Assert.Equal(1 + 4.0 / 11 * (4 - meanS), post.GetMean(), 12);
        Assert.Equal(2 - 16.0 / 11, post.GetVariance(), 12);
        // and the log evidence is log N(4; 1, 11)
        Assert.Equal(Gaussian.FromMeanAndVariance(meanS, 11).GetLogProb(4), engine.LastTrace!.FinalElbo, 10);
    }

    [Fact]
    public void Difference_TwoObservationsOfSharedMean_MatchesClosedForm()
    {
        var m = Variable.GaussianFromMeanAndVariance(0, 10);
        var d = Variable.GaussianFromMeanAndVariance(m, 1) - Variable.GaussianFromMeanAndVariance(0, 1);
        d.ObservedValue = 3;
        var post = new InferenceEngine().Infer<Gaussian>(m);
        // d = m + e, e ~ N(0, 2): posterior precision 1/10 + 1/2, mean (3/2)/0.6
        Assert.Equal(1 / 0.6, post.GetVariance(), 12);
        Assert.Equal(1.5 / 0.6, post.GetMean(), 12);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void CaseGate_OnDiscreteSelector_GivesExactPosterior(bool vmp)
    {
        // c ~ Discrete(0.2, 0.5, 0.3); in case k an observation 1.0 ~ N(μ_k, 1): P(c = k | x) ∝ π_k N(1; μ_k, 1)
        double[] mus = [-2, 0, 3], prior = [0.2, 0.5, 0.3];
        var c = Variable.Discrete(prior);
        for (int k = 0; k < 3; k++)
            using (Variable.Case(c, k))
            {
                var xk = Variable.GaussianFromMeanAndVariance(mus[k], 1);
                xk.ObservedValue = 1.0;
            }
        var post = new InferenceEngine(vmp ? new VariationalMessagePassing() : new ExpectationPropagation()).Infer<Discrete>(c);
        var w = Enumerable.Range(0, 3).Select(k => prior[k] * Math.Exp(Gaussian.FromMeanAndVariance(mus[k], 1).GetLogProb(1))).ToArray();
        for (int k = 0; k < 3; k++) Assert.Equal(w[k] / w.Sum(), post[k], 12);
    }

    [Fact]
    public void LearningAGaussian_WithoutRanges_EqualsRangesVersion()
    {
        // Infer.NET tutorial 3a builds one variable per observation; the answer must equal the plate version (3b)
        double[] data = [0.5, -0.2, 1.3, 0.9, -1.1, 0.4];
        Variable<double> mean = Variable.GaussianFromMeanAndVariance(0, 100);
        Variable<double> precision = Variable.GammaFromShapeAndScale(1, 1);
        for (int i = 0; i < data.Length; i++)
        {
            Variable<double> x = Variable.GaussianFromMeanAndPrecision(mean, precision);
            x.ObservedValue = data[i];
        }
        var engine = new InferenceEngine(new VariationalMessagePassing());
        var m1 = engine.Infer<Gaussian>(mean);

        Variable<double> mean2 = Variable.GaussianFromMeanAndVariance(0, 100);
        Variable<double> precision2 = Variable.GammaFromShapeAndScale(1, 1);
        var r = new Probabilistic.FactorGraphs.Models.Range(data.Length);
        var xs = Variable.Array<double>(r);
        xs[r] = Variable.GaussianFromMeanAndPrecision(mean2, precision2).ForEach(r);
        xs.ObservedValue = data;
        var m2 = engine.Infer<Gaussian>(mean2);
        Assert.Equal(m2.GetMean(), m1.GetMean(), 10);
        Assert.Equal(m2.GetVariance(), m1.GetVariance(), 10);
    }
}
