using MathNet.Numerics.LinearAlgebra;

namespace Probabilistic.Mixtures.Tests;

/// <summary>Math.NET matrices and vectors in and out: data as Matrix&lt;double&gt; rows, parameters as vectors and matrices.</summary>
public class MathNetInteropTests
{
    [Fact]
    public void A_matrix_of_rows_fits_and_scores_as_the_same_table_does()
    {
        var table = TestData.Faithful();
        var matrix = Matrix<double>.Build.Dense(table.Rows, table.Columns, (i, j) => table[i, j]);
        var fit = new FitOptions(Seed: 3);
        var (fromMatrix, t1) = new GaussianMixture(new GaussianMixtureOptions(2)).Fit(matrix, fit);
        var (fromTable, t2) = new GaussianMixture(new GaussianMixtureOptions(2)).Fit(table, fit);
        Assert.Equal(t2.Select(s => s.Elbo), t1.Select(s => s.Elbo));
        Assert.Equal(fromTable.Score(table), fromMatrix.Score(matrix));
        Assert.Equal(fromTable.Predict(table), fromMatrix.Predict(matrix));
        Assert.Equal(table.Values, NumericTable.FromMatrix(table.ToMatrix()).Values);
    }

    [Fact]
    public void Parameters_read_as_vectors_and_matrices()
    {
        var p = TestData.FaithfulStart(CovarianceType.Diagonal);
        Assert.Equal(p.Mean(1), p.MeanVector(1).ToArray());
        var c = p.CovarianceMatrix(0);
        Assert.Equal((2, 2), (c.RowCount, c.ColumnCount));
        Assert.Equal(p.Covariances[1], c[1, 1]);
        Assert.Equal(0.0, c[0, 1]); // diagonal type: off-diagonal zero
        Assert.Equal(1.0, p.WeightVector().Sum(), 12);
    }
}
