namespace Probabilistic.FactorGraphs.Tests;

/// <summary>Actionable errors: each names the culprit and the way out.</summary>
public class ErrorTests
{
    [Fact]
    public void Vmp_OnExactlyObservedSum_NamesFactorAlgorithmAndAlternatives()
    {
        var a = Variable.GaussianFromMeanAndVariance(0, 1);
        var b = Variable.GaussianFromMeanAndVariance(0, 1);
        var sum = a + b;
        sum.ObservedValue = 1.5;
        var ex = Assert.Throws<NotSupportedException>(() => new InferenceEngine(new VariationalMessagePassing()).Infer(a));
        Assert.Contains("Plus", ex.Message);
        Assert.Contains("VariationalMessagePassing", ex.Message);
        Assert.Contains("ExpectationPropagation", ex.Message);
        Assert.Contains("noise", ex.Message);
    }

    [Fact]
    public void Ep_GatedFactorOnItsOwnSelector_IsRefusedNamingFactorAndSelector()
    {
        var theta = Variable.GaussianFromMeanAndVariance(0, 1).Named("theta");
        var c = Variable.Bernoulli(0.5).Named("c");
        var other = Variable.Bernoulli(0.5).Named("other");
        using (Variable.If(c))
        {
            Variable.GaussianFromMeanAndVariance(theta, 1.0).ObservedValue = 0.3;
            (c | other).Named("either");
        }
        var ex = Assert.Throws<NotSupportedException>(() => new InferenceEngine().Infer(theta));
        Assert.Contains("Or", ex.Message);
        Assert.Contains("'c'", ex.Message);
        Assert.Contains("selector", ex.Message);
    }

    [Fact]
    public void Ep_GatedInnerProductOnOutsideWeights_IsTheExactPosterior()
    {
        // w ~ N(0, I) touched only by the gated observation: its cavity in the gate is its prior, so the case evidence is
        // exact (y = wᵀx + N(0, 1) ~ N(0, |x|² + 1)) and w's marginal is the moment-matched exact posterior mixture
        var w = Variable.VectorGaussianFromMeanAndPrecision(
            LinearAlgebra.Vector.FromArray(0.0, 0.0), LinearAlgebra.PositiveDefiniteMatrix.IdentityScaledBy(2, 1.0)).Named("w");
        var c = Variable.Bernoulli(0.5).Named("c");
        using (Variable.If(c))
        {
            var y = Variable.InnerProduct(w, Variable.Observed(LinearAlgebra.Vector.FromArray(1.0, 2.0)).Named("x")).Named("y");
            Variable.GaussianFromMeanAndVariance(y, 1.0).ObservedValue = 0.5;
        }
        var engine = new InferenceEngine();
        var qw = engine.Infer<VectorGaussian>(w);
        double qc = engine.Infer<Bernoulli>(c).GetProbTrue();

        // an empty case contributes evidence 1: P(c | y) = Z1 / (Z1 + 1), Z1 = N(0.5; 0, 6)
        double z1 = Math.Exp(-0.5 * 0.25 / 6) / Math.Sqrt(2 * Math.PI * 6);
        double a = z1 / (z1 + 1);
        Assert.True(Math.Abs(qc - a) < 1e-12, $"P(c | y) {qc} vs {a}");
        // given c: posterior N(Σ x y / 6, I − x xᵀ/6) with x = (1, 2); the marginal matches the mixture's two moments
        double[] x = [1, 2];
        var mean = qw.GetMean();
        var cov = qw.GetVariance();
        for (int i = 0; i < 2; i++)
        {
            double mi = a * x[i] * 0.5 / 6;
            Assert.True(Math.Abs(mean[i] - mi) < 1e-12, $"E[w{i}] {mean[i]} vs {mi}");
            for (int j = 0; j < 2; j++)
            {
                double second = a * ((i == j ? 1 : 0) - x[i] * x[j] / 6 + (x[i] * 0.5 / 6) * (x[j] * 0.5 / 6)) + (1 - a) * (i == j ? 1 : 0);
                double cij = second - mi * (a * x[j] * 0.5 / 6);
                Assert.True(Math.Abs(cov[i, j] - cij) < 1e-12, $"Cov[w{i}, w{j}] {cov[i, j]} vs {cij}");
            }
        }
    }

    [Fact]
    public void ObservedPrecisionOutsideSupport_IsRefusedWithName()
    {
        var mean = Variable.GaussianFromMeanAndVariance(0, 1);
        var prec = Variable.New<double>().Named("noisePrecision");
        var x = Variable.GaussianFromMeanAndPrecision(mean, prec);
        x.ObservedValue = 0.5;
        prec.ObservedValue = -2;
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => new InferenceEngine().Infer(mean));
        Assert.Contains("noisePrecision", ex.Message);
        Assert.Contains("-2", ex.Message);
    }

    [Fact]
    public void ObservedDiscreteOutsideSupport_IsRefusedWithIndex()
    {
        var p = Variable.Dirichlet(1, 1, 1);
        Range n = new Range(3);
        VariableArray<int> z = Variable.Array<int>(n).Named("labels");
        z[n] = Variable.Discrete(p).ForEach(n);
        z.ObservedValue = [0, 5, 1];
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => new InferenceEngine().Infer(p));
        Assert.Contains("labels", ex.Message);
        Assert.Contains("[1]", ex.Message);
    }

    [Fact]
    public void UndefinedVariable_SaysObserveOrDefine()
    {
        var threshold = Variable.New<double>().Named("threshold");
        var x = Variable.GaussianFromMeanAndVariance(0, 1);
        Variable.ConstrainTrue(x > threshold);
        var ex = Assert.Throws<InvalidOperationException>(() => new InferenceEngine().Infer(x));
        Assert.Contains("threshold", ex.Message);
        Assert.Contains("ObservedValue", ex.Message);
        threshold.ObservedValue = 0.5; // now it runs
        Assert.True(new InferenceEngine().Infer<Gaussian>(x).GetMean() > 0.5);
    }

    [Fact]
    public void GibbsSampling_IsRefusedNamingTheSupportedAlgorithms()
    {
        var x = Variable.GaussianFromMeanAndVariance(0, 1);
        var ex = Assert.Throws<NotSupportedException>(() => new InferenceEngine(new GibbsSampling()).Infer(x));
        Assert.Contains("ExpectationPropagation", ex.Message);
    }

    [Fact]
    public void ConstraintContradictingObservation_SaysZeroProbability()
    {
        var a = Variable.Bernoulli(0.5);
        Variable.ConstrainTrue(a);
        a.ObservedValue = false;
        var ex = Assert.Throws<InvalidOperationException>(() => new InferenceEngine().Infer(a));
        Assert.Contains("zero probability", ex.Message);
    }

    [Fact]
    public void RerunWithNewObservations_ReusesCompiledGraph_AndMatchesFreshModel()
    {
        var mean = Variable.GaussianFromMeanAndVariance(0, 10);
        Range n = new Range(3);
        var x = Variable.Array<double>(n);
        x[n] = Variable.GaussianFromMeanAndPrecision(mean, 1.0).ForEach(n);
        var engine = new InferenceEngine();
        x.ObservedValue = [1, 2, 3];
        var first = engine.Infer<Gaussian>(mean);
        x.ObservedValue = [4, 5, 6];
        var second = engine.Infer<Gaussian>(mean);
        // exact: precision 0.1 + 3, mean (Σx)/(3.1)
        Assert.Equal(6 / 3.1, first.GetMean(), 12);
        Assert.Equal(15 / 3.1, second.GetMean(), 12);
    }
}
