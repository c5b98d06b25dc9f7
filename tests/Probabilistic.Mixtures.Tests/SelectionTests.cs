namespace Probabilistic.Mixtures.Tests;

/// <summary>Model selection on Old Faithful: BIC as scikit-learn computes it, and k-fold held-out log-likelihood.</summary>
public class SelectionTests
{
    // scikit-learn 1.2.1's K = 2 full-covariance fit of Old Faithful reaches a mean log-likelihood of -4.15538220659224
    // (../shared/peers/README.md: gmm_sklearn.py --workload faithful --cov full), so its BIC is
    // -2·272·(-4.15538220659224) + 11·ln 272 (11 free parameters: 1 weight, 4 mean values, 6 covariance values).
    private const double SklearnMeanLogLikelihoodK2 = -4.15538220659224;

    [Fact]
    public void Bic_over_K_1_to_6_and_full_or_diag_picks_K2_full_with_scikit_learns_value()
    {
        var data = TestData.Faithful();
        var result = GaussianMixtureSelection.Select(data, Enumerable.Range(1, 6), [CovarianceType.Full, CovarianceType.Diagonal],
            fitOptions: new FitOptions(Seed: TestData.Seed(0)));
        Assert.Equal(12, result.Table.Count);
        var best = result.BestRow.Options;
        Assert.True(best.Components == 2 && best.CovarianceType == CovarianceType.Full,
            $"BIC chose K={best.Components} {best.CovarianceType}; scikit-learn's BIC chooses K=2 full. Table: "
            + string.Join("; ", result.Table.Select(r => $"K={r.Options.Components} {r.Options.CovarianceType}: {r.Score:F3}")));
        double expected = -2 * 272 * SklearnMeanLogLikelihoodK2 + 11 * Math.Log(272);
        Assert.True(Math.Abs(result.BestRow.Score - expected) < 1e-6 * expected, $"BIC of K=2 full {result.BestRow.Score:R}, from scikit-learn's fit {expected:R}");
        Assert.Equal(result.BestRow.Score, result.Best.Bic(data), 9);

        // K = 1 full has a closed form: the maximum-likelihood Gaussian (covariance + reg_covar on the diagonal).
        var k1 = result.Table.Single(r => r.Options.Components == 1 && r.Options.CovarianceType == CovarianceType.Full);
        double k1Bic = -2 * GaussianLogLikelihood(data, AllRows(data), AllRows(data)) + 5 * Math.Log(272);
        Assert.True(Math.Abs(k1.Score - k1Bic) < 1e-8 * k1Bic, $"K=1 BIC {k1.Score:R}, closed form {k1Bic:R}");
    }

    [Fact]
    public void Cross_validation_scores_each_fold_by_its_held_out_log_likelihood()
    {
        var data = TestData.Faithful();
        int seed = TestData.Seed(3);
        var result = GaussianMixtureSelection.Select(data, [1, 2], [CovarianceType.Full], SelectionCriterion.HeldOutElbo,
            fitOptions: new FitOptions(Seed: seed), folds: 4);
        Assert.False(result.LowerIsBetter);
        // K = 1 in closed form: on each fold, the maximum-likelihood Gaussian of the other three folds scores the held-out rows.
        var fold = ModelSelection.Folds(data.Rows, 4, seed);
        var k1 = result.Table[0];
        Assert.Equal(4, k1.FoldScores!.Count);
        for (int f = 0; f < 4; f++)
        {
            var train = Enumerable.Range(0, data.Rows).Where(i => fold[i] != f).ToArray();
            var test = Enumerable.Range(0, data.Rows).Where(i => fold[i] == f).ToArray();
            double expected = GaussianLogLikelihood(data, train, test) / test.Length;
            Assert.True(Math.Abs(k1.FoldScores[f] - expected) < 1e-9 * Math.Abs(expected), $"fold {f}: {k1.FoldScores[f]:R}, closed form {expected:R}");
        }
        Assert.Equal(1, result.BestIndex); // two clusters predict held-out eruptions better than one
        Assert.Equal(2, result.Best.Parameters!.Components);
    }

    [Fact]
    public void Folds_are_a_seeded_partition_of_nearly_equal_sizes()
    {
        var a = ModelSelection.Folds(103, 5, 7);
        Assert.Equal(a, ModelSelection.Folds(103, 5, 7));
        var sizes = Enumerable.Range(0, 5).Select(f => a.Count(x => x == f)).ToArray();
        Assert.True(sizes.Max() - sizes.Min() <= 1 && sizes.Sum() == 103, $"fold sizes {string.Join(", ", sizes)}");
    }

    private static int[] AllRows(NumericTable data) => Enumerable.Range(0, data.Rows).ToArray();

    /// <summary>Σ log N(x; m, S + 1e-6 I) over <paramref name="test"/> rows, m and S the ML mean and covariance of <paramref name="train"/> rows (D = 2).</summary>
    private static double GaussianLogLikelihood(NumericTable data, int[] train, int[] test)
    {
        double m0 = train.Average(i => data[i, 0]), m1 = train.Average(i => data[i, 1]);
        double a = train.Average(i => (data[i, 0] - m0) * (data[i, 0] - m0)) + 1e-6;
        double b = train.Average(i => (data[i, 0] - m0) * (data[i, 1] - m1));
        double c = train.Average(i => (data[i, 1] - m1) * (data[i, 1] - m1)) + 1e-6;
        double det = a * c - b * b;
        double sum = 0;
        foreach (int i in test)
        {
            double x = data[i, 0] - m0, y = data[i, 1] - m1;
            double q = (c * x * x - 2 * b * x * y + a * y * y) / det;
            sum += -Math.Log(2 * Math.PI) - 0.5 * Math.Log(det) - 0.5 * q;
        }
        return sum;
    }
}
