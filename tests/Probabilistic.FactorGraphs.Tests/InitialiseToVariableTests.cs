namespace Probabilistic.FactorGraphs.Tests;

/// <summary>
/// InitialiseTo(Variable&lt;TDist&gt;) and Infer.NET's <c>Distribution&lt;T&gt;.Array</c> (an <c>IDistribution&lt;T[]&gt;</c>):
/// an initialisation held by an observed variable gives what the same distribution given directly gives, and changing it
/// re-runs the compiled model.
/// </summary>
public class InitialiseToVariableTests
{
    private static void AssertClose(double expected, double actual, double tolerance, string what) =>
        Numbers.AssertClose(expected, actual, 0, tolerance, what);

    // y = a·b + noise (variance 0.1), a and b ~ N(0, 1): VMP's answer depends on the sign a starts from
    private static (Variable<double> A, Variable<double> B) Product(double y)
    {
        var a = Variable.GaussianFromMeanAndVariance(0, 1).Named("a");
        var b = Variable.GaussianFromMeanAndVariance(0, 1).Named("b");
        var obs = Variable.GaussianFromMeanAndVariance(a * b, 0.1).Named("y");
        obs.ObservedValue = y;
        return (a, b);
    }

    [Fact]
    public void Vmp_ProductInitialisedByVariable_IsAFixedPointOfMeanField_AndFollowsTheSignOfTheStart()
    {
        var (a, b) = Product(1.5);
        var init = Variable.New<Gaussian>().Named("aInit");
        a.InitialiseTo(init);
        var engine = new InferenceEngine(new VariationalMessagePassing()) { NumberOfIterations = 200 };
        foreach (double start in new[] { 1.0, -1.0 })
        {
            init.ObservedValue = Gaussian.FromMeanAndVariance(start, 1);
            var qa = engine.Infer<Gaussian>(a);
            var qb = engine.Infer<Gaussian>(b);
            // mean-field fixed point of y ~ N(ab, 0.1), a, b ~ N(0, 1): 1/va = 1 + E[b²]/0.1, ma = va·y·mb/0.1 (and a ↔ b)
            double va = 1 / (1 + qb.GetMeanSquare() / 0.1), ma = va * 1.5 * qb.GetMean() / 0.1;
            AssertClose(va, qa.GetVariance(), 1e-9, $"Var[a] against the fixed-point equation (start {start})");
            AssertClose(ma, qa.GetMean(), 1e-9, $"E[a] against the fixed-point equation (start {start})");
            Assert.True(Math.Sign(qa.GetMean()) == Math.Sign(start), $"E[a] = {qa.GetMean()} should keep the sign of the start {start}");
        }
    }

    [Fact]
    public void Vmp_InitialisedByVariable_EqualsInitialisedByValue()
    {
        var direct = Product(1.5);
        direct.A.InitialiseTo(Gaussian.FromMeanAndVariance(-0.5, 2));
        var engine = new InferenceEngine(new VariationalMessagePassing()) { NumberOfIterations = 7 };
        var expected = engine.Infer<Gaussian>(direct.B);

        var viaVariable = Product(1.5);
        var init = Variable.Observed(Gaussian.FromMeanAndVariance(-0.5, 2)).Named("init");
        viaVariable.A.InitialiseTo(init);
        var actual = engine.Infer<Gaussian>(viaVariable.B);
        Assert.True(expected.Equals(actual), $"initialised through a variable: {actual}; directly: {expected} (7 sweeps)");
    }

    [Fact]
    public void Vmp_ArrayInitialisedByDistributionArrayVariable_EqualsPerElementInitialisation()
    {
        double[] data = [-2.0, -1.6, 2.4, -2.2, 1.8, 2.6];
        var init = data.Select((x, i) => Discrete.PointMass(i % 2, 2)).ToArray();
        Gaussian[] Run(Action<VariableArray<int>> initialise)
        {
            Range k = new Range(2), n = new Range(data.Length);
            var means = Variable.Array<double>(k);
            means[k] = Variable.GaussianFromMeanAndVariance(0, 100).ForEach(k);
            var z = Variable.Array<int>(n);
            var x = Variable.Array<double>(n);
            using (Variable.ForEach(n))
            {
                z[n] = Variable.DiscreteUniform(2);
                using (Variable.Switch(z[n])) x[n] = Variable.GaussianFromMeanAndPrecision(means[z[n]], 1);
            }
            x.ObservedValue = data;
            initialise(z);
            return new InferenceEngine(new VariationalMessagePassing()) { NumberOfIterations = 3 }.Infer<Gaussian[]>(means);
        }
        var expected = Run(z => z.InitialiseTo(init));
        var actual = Run(z =>
        {
            var v = Variable.New<IDistribution<int[]>>().Named("zInit");
            z.InitialiseTo(v);
            v.ObservedValue = Distribution<int>.Array(init);
        });
        for (int c = 0; c < 2; c++) Assert.True(expected[c].Equals(actual[c]), $"means[{c}]: {actual[c]} via Variable<IDistribution<int[]>>, {expected[c]} via Discrete[]");
    }

    [Fact]
    public void InitialiserVariableWithoutValue_IsRefusedNamingIt()
    {
        var (a, b) = Product(1.5);
        a.InitialiseTo(Variable.New<Gaussian>().Named("aStart"));
        var ex = Assert.ThrowsAny<Exception>(() => new InferenceEngine(new VariationalMessagePassing()).Infer<Gaussian>(b));
        Assert.Contains("aStart", ex.Message);
    }

    [Fact]
    public void DistributionArray_IsADistributionOverArrays()
    {
        var d = Distribution<int>.Array(new[] { new Discrete(0.2, 0.8), Discrete.PointMass(1, 2) });
        AssertClose(Math.Log(0.8) + 0, d.GetLogProb([1, 1]), 1e-15, "log p([1, 1]) = log 0.8 + log 1");
        Assert.True(double.IsNegativeInfinity(d.GetLogProb([1, 0])), "a value outside a point mass has log probability −∞");
        Assert.False(d.IsPointMass, "one element is not a point mass");
        var points = Distribution<double>.Array(new[] { Gaussian.PointMass(1.5), Gaussian.PointMass(-2) });
        Assert.True(points.IsPointMass && points.Point.SequenceEqual([1.5, -2.0]), $"points {string.Join(", ", points.Point)}");
        var jagged = (IEnumerable<Gaussian>)Distribution<double>.Array(new[] { new[] { Gaussian.PointMass(1) }, [Gaussian.PointMass(2), Gaussian.PointMass(3)] });
        Assert.True(jagged.Select(g => g.Point).SequenceEqual([1.0, 2, 3]), "a jagged array enumerates its elements row by row");
    }
}
