namespace Probabilistic.FactorGraphs.Tests;

/// <summary>Infer.NET's public tutorials, written against our API with only the using lines changed.</summary>
public class TutorialTests
{
    [Fact]
    public void TwoCoins_MatchesInferNetDocumentation()
    {
        // Infer.NET tutorial 1 ("Two coins") prints Bernoulli(0.25), then Bernoulli(0.3333).
        Variable<bool> firstCoin = Variable.Bernoulli(0.5).Named("firstCoin");
        Variable<bool> secondCoin = Variable.Bernoulli(0.5).Named("secondCoin");
        Variable<bool> bothHeads = (firstCoin & secondCoin).Named("bothHeads");
        InferenceEngine engine = new InferenceEngine();
        Assert.Equal("Bernoulli(0.25)", engine.Infer(bothHeads).ToString());
        Assert.Equal(0.25, engine.Infer<Bernoulli>(bothHeads).GetProbTrue(), 12);
        bothHeads.ObservedValue = false;
        Assert.Equal("Bernoulli(0.3333)", engine.Infer(firstCoin).ToString());
        // exact: P(first | not both) = P(first, not second)/P(not both) = 0.25/0.75
        Assert.Equal(1.0 / 3, engine.Infer<Bernoulli>(firstCoin).GetProbTrue(), 12);
    }

    [Fact]
    public void TruncatedGaussian_EqualsExactTruncatedMoments()
    {
        for (double thresh = 0; thresh <= 1; thresh += 0.1)
        {
            Variable<double> x = Variable.GaussianFromMeanAndVariance(0, 1).Named("x");
            Variable.ConstrainTrue(x > thresh);
            InferenceEngine engine = new InferenceEngine();
            var post = engine.Infer<Gaussian>(x);
            // exact moments of N(0,1) truncated to (thresh, ∞): mean λ = φ(t)/(1−Φ(t)), variance 1 + tλ − λ²
            double phi = Math.Exp(-0.5 * thresh * thresh) / Math.Sqrt(2 * Math.PI);
            double tail = 0.5 * MathNet.Numerics.SpecialFunctions.Erfc(thresh / Math.Sqrt(2));
            double lambda = phi / tail;
            Assert.Equal(lambda, post.GetMean(), 9);
            Assert.Equal(1 + thresh * lambda - lambda * lambda, post.GetVariance(), 9);
        }
    }

    [Fact]
    public void ClinicalTrial_WithEvidence_MatchesExactBayesFactor()
    {
        VariableArray<bool> controlGroup = Variable.Observed(new bool[] { false, false, true, false, false }).Named("controlGroup");
        VariableArray<bool> treatedGroup = Variable.Observed(new bool[] { true, false, true, true, true }).Named("treatedGroup");
        Range i = controlGroup.Range.Named("i");
        Range j = treatedGroup.Range.Named("j");
        Variable<bool> isEffective = Variable.Bernoulli(0.5).Named("isEffective");
        Variable<double> probIfTreated, probIfControl;
        using (Variable.If(isEffective))
        {
            probIfControl = Variable.Beta(1, 1).Named("probIfControl");
            controlGroup[i] = Variable.Bernoulli(probIfControl).ForEach(i);
            probIfTreated = Variable.Beta(1, 1).Named("probIfTreated");
            treatedGroup[j] = Variable.Bernoulli(probIfTreated).ForEach(j);
        }
        using (Variable.IfNot(isEffective))
        {
            Variable<double> probAll = Variable.Beta(1, 1).Named("probAll");
            controlGroup[i] = Variable.Bernoulli(probAll).ForEach(i);
            treatedGroup[j] = Variable.Bernoulli(probAll).ForEach(j);
        }
        InferenceEngine ie = new InferenceEngine();
        Assert.False(ie.Algorithm is Algorithms.GibbsSampling);
        var effective = ie.Infer<Bernoulli>(isEffective);
        // exact marginal likelihoods with Beta(1,1): B(1+s, 1+f)/B(1,1) per group.
        // effective: control 1 of 5 → B(2,5) = 1/30; treated 4 of 5 → B(5,2) = 1/30; product 1/900.
        // not effective: 5 of 10 → B(6,6) = 1/2772.  P(effective) = (1/900)/(1/900 + 1/2772).
        double pe = (1.0 / 900) / (1.0 / 900 + 1.0 / 2772);
        Assert.Equal(pe, effective.GetProbTrue(), 9);
        Assert.Equal("Bernoulli(" + pe.ToString("g4", System.Globalization.CultureInfo.InvariantCulture) + ")", ie.Infer(isEffective).ToString());
        Assert.Equal(5.0 / 7, ie.Infer<Beta>(probIfTreated).GetMean(), 12); // Beta(5,2)
        Assert.Equal(2.0 / 7, ie.Infer<Beta>(probIfControl).GetMean(), 12); // Beta(2,5)
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void LearningAGaussianWithRanges_RecoversMeanAndPrecision(bool vmp)
    {
        var rng = new Random(42);
        double[] data = new double[100];
        for (int i = 0; i < data.Length; i++) data[i] = MathNet.Numerics.Distributions.Normal.Sample(rng, 0, 1);
        Variable<double> mean = Variable.GaussianFromMeanAndVariance(0, 100).Named("mean");
        Variable<double> precision = Variable.GammaFromShapeAndScale(1, 1).Named("precision");
        Range dataRange = new Range(data.Length).Named("n");
        VariableArray<double> x = Variable.Array<double>(dataRange).Named("x");
        x[dataRange] = Variable.GaussianFromMeanAndPrecision(mean, precision).ForEach(dataRange);
        x.ObservedValue = data;
        InferenceEngine engine = vmp ? new InferenceEngine(new VariationalMessagePassing()) : new InferenceEngine();
        var m = engine.Infer<Gaussian>(mean);
        var p = engine.Infer<Gamma>(precision);
        double sampleMean = data.Average();
        double sampleVar = data.Select(d => (d - sampleMean) * (d - sampleMean)).Average();
        Assert.True(Math.Abs(m.GetMean() - sampleMean) < 0.01, $"posterior mean {m} vs sample mean {sampleMean}");
        Assert.True(Math.Abs(p.GetMean() - 1 / sampleVar) < 0.1, $"posterior precision {p} vs 1/sample variance {1 / sampleVar}");
    }
}
