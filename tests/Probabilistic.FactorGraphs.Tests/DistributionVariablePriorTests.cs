namespace Probabilistic.FactorGraphs.Tests;

/// <summary>
/// Priors given as observed distribution variables (<c>Variable&lt;T&gt;.Random(Variable&lt;TDist&gt;)</c>), against conjugate
/// closed forms: one compiled model re-run with new priors, online learning equal to batch learning, per-element priors,
/// and the evidence.
/// </summary>
public class DistributionVariablePriorTests
{
    public static TheoryData<string> Algorithms() => ["EP", "VMP"];

    private static InferenceEngine Engine(string algorithm) =>
        algorithm == "EP" ? new InferenceEngine() : new InferenceEngine(new VariationalMessagePassing());

    // |actual − expected| ≤ relative·max(1, |expected|)
    private static void AssertClose(double expected, double actual, double relative, string what) =>
        Numbers.AssertClose(expected, actual, relative, relative, what);

    // conjugate update of N(m0, v0) by observations of known variance s2
    private static (double Mean, double Variance) Posterior(double m0, double v0, double[] x, double s2)
    {
        double precision = 1 / v0 + x.Length / s2;
        return ((m0 / v0 + x.Sum() / s2) / precision, 1 / precision);
    }

    [Theory]
    [MemberData(nameof(Algorithms))]
    public void GaussianPriorVariable_ReobservedPrior_GivesEachConjugatePosterior(string algorithm)
    {
        double[] data = [1.9, 2.4, 2.2];
        var prior = Variable.New<Gaussian>().Named("prior");
        var mean = Variable<double>.Random(prior).Named("mean");
        var x = Variable.Observed(data).Named("x");
        Range n = x.Range;
        x[n] = Variable.GaussianFromMeanAndVariance(mean, 0.5).ForEach(n);
        var engine = Engine(algorithm);
        foreach (var (m0, v0) in new[] { (1.0, 4.0), (-3.0, 0.5), (10.0, 100.0) })
        {
            prior.ObservedValue = Gaussian.FromMeanAndVariance(m0, v0);
            var q = engine.Infer<Gaussian>(mean);
            var exact = Posterior(m0, v0, data, 0.5);
            AssertClose(exact.Mean, q.GetMean(), 1e-12, $"{algorithm} E[mean] under prior N({m0}, {v0})");
            AssertClose(exact.Variance, q.GetVariance(), 1e-12, $"{algorithm} Var[mean] under prior N({m0}, {v0})");
        }
    }

    [Theory]
    [MemberData(nameof(Algorithms))]
    public void OnlineCoin_PosteriorFedBack_EqualsBatchPosterior(string algorithm)
    {
        var rng = new Random(17);
        var prior = Variable.New<Beta>().Named("prior");
        var p = Variable<double>.Random(prior).Named("p");
        Range n = new Range(6);
        var tosses = Variable.Array<bool>(n).Named("tosses");
        tosses[n] = Variable.Bernoulli(p).ForEach(n);
        var engine = Engine(algorithm);
        var posterior = new Beta(2, 3);
        int heads = 0, tails = 0;
        for (int batch = 0; batch < 5; batch++)
        {
            var t = Enumerable.Range(0, 6).Select(_ => rng.NextDouble() < 0.7).ToArray();
            heads += t.Count(b => b);
            tails += t.Count(b => !b);
            prior.ObservedValue = posterior;
            tosses.ObservedValue = t;
            posterior = engine.Infer<Beta>(p);
            AssertClose(2 + heads, posterior.TrueCount, 1e-12, $"{algorithm} true count after batch {batch}");
            AssertClose(3 + tails, posterior.FalseCount, 1e-12, $"{algorithm} false count after batch {batch}");
        }
    }

    [Fact]
    public void OnlineGaussianMean_EpPosteriorFedBack_EqualsBatchPosterior()
    {
        var rng = new Random(4);
        var prior = Variable.New<Gaussian>().Named("prior");
        var mean = Variable<double>.Random(prior).Named("mean");
        Range n = new Range(10);
        var x = Variable.Array<double>(n).Named("x");
        x[n] = Variable.GaussianFromMeanAndPrecision(mean, 2).ForEach(n);
        var engine = new InferenceEngine();
        var all = new List<double>();
        var q = Gaussian.FromMeanAndVariance(0, 100);
        for (int batch = 0; batch < 4; batch++)
        {
            var data = Enumerable.Range(0, 10).Select(_ => MathNet.Numerics.Distributions.Normal.Sample(rng, 3, 0.7)).ToArray();
            all.AddRange(data);
            prior.ObservedValue = q;
            x.ObservedValue = data;
            q = engine.Infer<Gaussian>(mean);
        }
        var exact = Posterior(0, 100, [.. all], 0.5);
        AssertClose(exact.Mean, q.GetMean(), 1e-10, "E[mean] after four batches against the batch posterior");
        AssertClose(exact.Variance, q.GetVariance(), 1e-10, "Var[mean] after four batches against the batch posterior");
    }

    [Theory]
    [MemberData(nameof(Algorithms))]
    public void PriorArray_GivesEachElementItsOwnPrior(string algorithm)
    {
        Range n = new Range(3);
        var priors = Variable.Array<Gaussian>(n).Named("priors");
        var x = Variable.Array<double>(n).Named("x");
        x[n] = Variable<double>.Random(priors[n]);
        var y = Variable.Array<double>(n).Named("y");
        y[n] = Variable.GaussianFromMeanAndVariance(x[n], 2);
        (double M, double V)[] p = [(0, 1), (5, 9), (-1, 0.25)];
        double[] obs = [0.5, 1.0, -2.0];
        priors.ObservedValue = p.Select(t => Gaussian.FromMeanAndVariance(t.M, t.V)).ToArray();
        y.ObservedValue = obs;
        var q = Engine(algorithm).Infer<Gaussian[]>(x);
        for (int i = 0; i < 3; i++)
        {
            var exact = Posterior(p[i].M, p[i].V, [obs[i]], 2);
            AssertClose(exact.Mean, q[i].GetMean(), 1e-12, $"{algorithm} E[x[{i}]]");
            AssertClose(exact.Variance, q[i].GetVariance(), 1e-12, $"{algorithm} Var[x[{i}]]");
        }
    }

    [Theory]
    [MemberData(nameof(Algorithms))]
    public void DirichletPriorVariable_AddsTheCounts(string algorithm)
    {
        var prior = Variable.Observed(Dirichlet.FromPseudoCounts(1.0, 2.0, 0.5)).Named("prior");
        var probs = Variable<Vector>.Random(prior).Named("probs");
        var rolls = Variable.Observed(new[] { 0, 2, 2, 1, 2 }).Named("rolls");
        Range j = rolls.Range;
        rolls[j] = Variable.Discrete(probs).ForEach(j);
        var q = Engine(algorithm).Infer<Dirichlet>(probs);
        double[] expected = [2, 3, 3.5];
        for (int k = 0; k < 3; k++) AssertClose(expected[k], q.PseudoCount[k], 1e-12, $"{algorithm} pseudo-count {k}");
    }

    [Theory]
    [MemberData(nameof(Algorithms))]
    public void Evidence_IsTheMarginalLikelihoodUnderThePriorVariable(string algorithm)
    {
        var evidence = Variable.Bernoulli(0.5).Named("evidence");
        var prior = Variable.Observed(Gaussian.FromMeanAndVariance(1, 3)).Named("prior");
        using (Variable.If(evidence))
        {
            var mean = Variable<double>.Random(prior).Named("mean");
            var y = Variable.GaussianFromMeanAndVariance(mean, 0.5).Named("y");
            y.ObservedValue = 2.5;
        }
        // y ~ N(1, 3 + 0.5): VMP's bound is exact too, its q(mean) being the exact posterior
        double exact = MathNet.Numerics.Distributions.Normal.PDFLn(1, Math.Sqrt(3.5), 2.5);
        AssertClose(exact, Engine(algorithm).Infer<Bernoulli>(evidence).LogOdds, 1e-10, $"{algorithm} log evidence");
    }

    [Fact]
    public void PriorVariableWithoutValue_IsRefusedNamingIt()
    {
        var prior = Variable.New<Gaussian>().Named("meanPrior");
        var mean = Variable<double>.Random(prior).Named("mean");
        var ex = Assert.ThrowsAny<Exception>(() => new InferenceEngine().Infer<Gaussian>(mean));
        Assert.Contains("meanPrior", ex.Message);
    }

    [Fact]
    public void PriorOfAnotherDimension_IsRefusedNamingIt()
    {
        var prior = Variable.Observed(Dirichlet.FromPseudoCounts(1.0, 1.0, 1.0)).Named("dirichletPrior");
        var probs = Variable<Vector>.Random(prior).Named("probs");
        var engine = new InferenceEngine();
        engine.Infer<Dirichlet>(probs);
        prior.ObservedValue = Dirichlet.FromPseudoCounts(1.0, 1.0);
        var ex = Assert.ThrowsAny<Exception>(() => engine.Infer<Dirichlet>(probs));
        Assert.Contains("dirichletPrior", ex.Message);
    }
}
