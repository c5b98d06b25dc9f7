namespace Probabilistic.FactorGraphs.Tests;

/// <summary>Variables defined later with SetTo, and models whose definitions form a cycle.</summary>
public class CycleTests
{
    [Fact]
    public void SetTo_DefinesAVariableMadeWithNew()
    {
        Variable<double> x = Variable.New<double>().Named("x");
        x.SetTo(Variable.GaussianFromMeanAndVariance(1, 2));
        var y = Variable.GaussianFromMeanAndVariance(x, 1).Named("y");
        y.ObservedValue = 3;
        var post = new InferenceEngine().Infer<Gaussian>(x);
        // conjugate: precision 1/2 + 1, mean (1/2 + 3) / (3/2)
        Assert.Equal(1 / 1.5, post.GetVariance(), 12);
        Assert.Equal(3.5 / 1.5, post.GetMean(), 12);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void VariableDefinedByItself_IsRefusedNamingTheCycle(bool vmp)
    {
        Variable<double> x = Variable.New<double>().Named("x");
        // a deterministic cycle under EP, a stochastic one under VMP (whose operators for sums come separately)
        x.SetTo(vmp ? Variable.GaussianFromMeanAndVariance(x, 1) : x + 1.0);
        var engine = vmp ? new InferenceEngine(new VariationalMessagePassing()) : new InferenceEngine();
        var e = Assert.Throws<NotSupportedException>(() => engine.Infer(x));
        Assert.Contains("'x' is defined in terms of itself", e.Message);
        Assert.Contains("cycle", e.Message);
    }

    [Fact]
    public void TwoVariablesDefinedByEachOther_AreRefused()
    {
        Variable<double> a = Variable.New<double>().Named("a");
        Variable<double> b = Variable.GaussianFromMeanAndVariance(a, 1).Named("b");
        a.SetTo(Variable.GaussianFromMeanAndVariance(b, 1));
        var e = Assert.Throws<NotSupportedException>(() => new InferenceEngine().Infer(a));
        Assert.Contains("defined in terms of itself", e.Message);
        Assert.Contains("'a'", e.Message);
        Assert.Contains("'b'", e.Message);
    }

    [Fact]
    public void ChainThroughAnIndexArray_NamesTheElementOnTheCycle()
    {
        Range n = new Range(4).Named("n");
        VariableArray<int> prev = Variable.Observed(new[] { 0, 0, 1, 2 }, n).Named("prev");
        VariableArray<double> x = Variable.Array<double>(n).Named("x");
        x[n] = Variable.GaussianFromMeanAndVariance(x[prev[n]], 1);
        var e = Assert.Throws<NotSupportedException>(() => new InferenceEngine().Infer(x));
        Assert.Contains("'x'[0] ← 'x'[0]", e.Message);
    }
}
