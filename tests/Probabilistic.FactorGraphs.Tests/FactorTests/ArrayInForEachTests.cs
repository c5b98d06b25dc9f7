namespace Probabilistic.FactorGraphs.Tests.FactorTests;

/// <summary>
/// An array created inside <c>Variable.ForEach(n)</c> is one array per element of n, as in Infer.NET: <c>g[c]</c> written
/// there is g[n][c] (softmax regression writes its scores this way).
/// </summary>
public class ArrayInForEachTests
{
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void ArrayCreatedInsideForEach_IsOneArrayPerElement(bool vmp)
    {
        var n = new Range(2).Named("n");
        var c = new Range(3).Named("c");
        var b = Variable.Array<double>(c).Named("b");
        b[c] = Variable.GaussianFromMeanAndVariance(0, 1).ForEach(c);
        var y = Variable.Array(Variable.Array<double>(c), n).Named("y");
        using (Variable.ForEach(n))
        {
            var g = Variable.Array<double>(c).Named("g");
            g[c] = b[c] + 1.0;
            y[n][c] = Variable.GaussianFromMeanAndVariance(g[c], 0.5);
        }
        double[][] data = [[1.0, 2, 3], [0.5, 2.5, 2]];
        y.ObservedValue = data;
        var engine = vmp ? new InferenceEngine(new VariationalMessagePassing()) : new InferenceEngine();
        var post = engine.Infer<Gaussian[]>(b);
        // b[k] | y: precision 1 + 2/0.5, mean Σ_n (y[n][k] − 1)/0.5 over that precision
        for (int k = 0; k < 3; k++)
        {
            double precision = 1 + 2 / 0.5, mean = (data[0][k] - 1 + data[1][k] - 1) / 0.5 / precision;
            Assert.Equal(mean, post[k].GetMean(), 1e-10);
            Assert.Equal(1 / precision, post[k].GetVariance(), 1e-10);
        }
    }

    /// <summary>
    /// A row built inside ForEach(n) and then assigned to an element of a jagged array (y[n] = row): the assigned element is
    /// the row, whether its elements were written before the assignment or after.
    /// </summary>
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void RowCreatedInsideForEach_AssignedToAJaggedElement_IsThatElement(bool defineFirst)
    {
        var n = new Range(2).Named("n");
        var c = new Range(3).Named("c");
        var b = Variable.Array<double>(c).Named("b");
        b[c] = Variable.GaussianFromMeanAndVariance(0, 1).ForEach(c);
        var y = Variable.Array(Variable.Array<double>(c), n).Named("y");
        using (Variable.ForEach(n))
        {
            var row = Variable.Array<double>(c).Named("row");
            if (defineFirst)
            {
                row[c] = Variable.GaussianFromMeanAndVariance(b[c], 0.5);
                y[n] = row;
            }
            else
            {
                y[n] = row;
                row[c] = Variable.GaussianFromMeanAndVariance(b[c], 0.5);
            }
        }
        double[][] data = [[1.0, 2, 3], [0.5, 2.5, 2]];
        y.ObservedValue = data;
        var post = new InferenceEngine().Infer<Gaussian[]>(b);
        for (int k = 0; k < 3; k++)
        {
            double precision = 1 + 2 / 0.5, mean = (data[0][k] + data[1][k]) / 0.5 / precision;
            Assert.Equal(mean, post[k].GetMean(), 1e-10);
            Assert.Equal(1 / precision, post[k].GetVariance(), 1e-10);
        }
    }
}
