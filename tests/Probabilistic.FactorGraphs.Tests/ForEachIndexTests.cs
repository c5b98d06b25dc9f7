namespace Probabilistic.FactorGraphs.Tests;

/// <summary>A ForEach block's Index and == on known values, against conjugate closed forms; the refusals.</summary>
public class ForEachIndexTests
{
    public static TheoryData<string> Algorithms() => ["EP", "VMP"];

    private static InferenceEngine Engine(string algorithm) =>
        algorithm == "EP" ? new InferenceEngine() : new InferenceEngine(new VariationalMessagePassing());

    // |actual − expected| ≤ tolerance·max(1, |expected|)
    private static void AssertClose(double expected, double actual, double tolerance, string what) =>
        Numbers.AssertClose(expected, actual, tolerance, tolerance, what);

    // N(0, v0) updated by observations of unit variance
    private static (double Mean, double Variance) Posterior(double v0, IEnumerable<double> x) =>
        (x.Sum() / (1 / v0 + x.Count()), 1 / (1 / v0 + x.Count()));

    [Theory]
    [MemberData(nameof(Algorithms))]
    public void FirstElementTreatedDifferently_GivesEachMeanItsOwnData(string algorithm)
    {
        var sizeOfN = Variable.Observed(4).Named("size");
        var first = Variable.GaussianFromMeanAndVariance(0, 10).Named("first");
        var rest = Variable.GaussianFromMeanAndVariance(0, 10).Named("rest");
        Range n = new Range(sizeOfN).Named("n");
        var y = Variable.Array<double>(n).Named("y");
        using (var block = Variable.ForEach(n))
        {
            using (Variable.If(block.Index == 0)) y[n] = Variable.GaussianFromMeanAndVariance(first, 1);
            using (Variable.If(block.Index != 0)) y[n] = Variable.GaussianFromMeanAndVariance(rest, 1);
        }
        var engine = Engine(algorithm);
        foreach (double[] data in new[] { new[] { 5.0, 1.0, 1.4, 0.6 }, [-2.0, 3.0, 2.5] })
        {
            sizeOfN.ObservedValue = data.Length;
            y.ObservedValue = data;
            var (m1, v1) = Posterior(10, data.Take(1));
            var (m2, v2) = Posterior(10, data.Skip(1));
            var q1 = engine.Infer<Gaussian>(first);
            var q2 = engine.Infer<Gaussian>(rest);
            AssertClose(m1, q1.GetMean(), 1e-10, $"{algorithm} E[first], {data.Length} points");
            AssertClose(v1, q1.GetVariance(), 1e-10, $"{algorithm} Var[first], {data.Length} points");
            AssertClose(m2, q2.GetMean(), 1e-10, $"{algorithm} E[rest], {data.Length} points");
            AssertClose(v2, q2.GetVariance(), 1e-10, $"{algorithm} Var[rest], {data.Length} points");
        }
    }

    [Theory]
    [MemberData(nameof(Algorithms))]
    public void IndexPicksTheElementOfAnotherArray(string algorithm)
    {
        Range n = new Range(3);
        var level = Variable.Array<double>(n).Named("level");
        level[n] = Variable.GaussianFromMeanAndVariance(0, 4).ForEach(n);
        Range m = new Range(3);
        var y = Variable.Array<double>(m).Named("y");
        using (var block = Variable.ForEach(m)) y[m] = Variable.GaussianFromMeanAndVariance(level[block.Index], 1);
        double[] data = [1.0, -1.0, 2.0];
        y.ObservedValue = data;
        var q = Engine(algorithm).Infer<Gaussian[]>(level);
        for (int i = 0; i < 3; i++)
        {
            var (mean, variance) = Posterior(4, [data[i]]);
            AssertClose(mean, q[i].GetMean(), 1e-12, $"{algorithm} E[level[{i}]]");
            AssertClose(variance, q[i].GetVariance(), 1e-12, $"{algorithm} Var[level[{i}]]");
        }
    }

    [Theory]
    [MemberData(nameof(Algorithms))]
    public void EqualityOfAnObservedArrayWithAConstant_SelectsTheMatchingElements(string algorithm)
    {
        var group = Variable.Observed(new[] { 1, 0, 1, 2 }).Named("group");
        Range n = group.Range;
        var mean = Variable.GaussianFromMeanAndVariance(0, 10).Named("mean");
        var y = Variable.Array<double>(n).Named("y");
        using (Variable.ForEach(n))
        {
            using (Variable.If(group[n] == 1)) y[n] = Variable.GaussianFromMeanAndVariance(mean, 1);
            using (Variable.IfNot(group[n] == 1)) y[n] = Variable.GaussianFromMeanAndVariance(0, 1);
        }
        y.ObservedValue = [2.0, 9.0, 3.0, -9.0];
        var (m, v) = Posterior(10, [2.0, 3.0]);
        var q = Engine(algorithm).Infer<Gaussian>(mean);
        AssertClose(m, q.GetMean(), 1e-10, $"{algorithm} E[mean] from the elements of group 1");
        AssertClose(v, q.GetVariance(), 1e-10, $"{algorithm} Var[mean]");
    }

    [Fact]
    public void EqualityOfARandomVariable_IsRefusedNamingIt()
    {
        var c = Variable.Bernoulli(0.5).Named("coin");
        var x = Variable.GaussianFromMeanAndVariance(0, 1).Named("x");
        using (Variable.If(c == true)) Variable.ConstrainTrue(x > 0);
        var ex = Assert.ThrowsAny<Exception>(() => new InferenceEngine().Infer<Gaussian>(x));
        Assert.Contains("'coin'", ex.Message);
    }

    [Fact]
    public void IndexOutsideAForEachBlock_IsRefused()
    {
        using var block = Variable.If(Variable.Bernoulli(0.5));
        Assert.Throws<InvalidOperationException>(() => block.Index);
    }

    [Fact]
    public void VariablesCompareByReference_ThroughEqualsAndReferenceEquals()
    {
        var a = Variable.GaussianFromMeanAndVariance(0, 1);
        var b = Variable.GaussianFromMeanAndVariance(0, 1);
        Assert.True(a.Equals(a) && !a.Equals(b), "Equals is reference equality");
        Assert.IsAssignableFrom<Variable<bool>>(a == b);
    }
}
