namespace Probabilistic.FactorGraphs.Tests;

/// <summary>Nested and jagged ranges (grouped data), two-dimensional arrays, and inferring single elements.</summary>
public class PlateTests
{
    private static readonly double[][] Groups =
    [
        [0.3, 1.1, -0.4],
        [2.0, 2.5, 1.7, 2.2, 3.1],
        [-1.0, -0.2],
    ];

    /// <summary>x[g][i] ~ N(μ_g, 1) with jagged group sizes, μ_g ~ N(0, 100).</summary>
    private static (VariableArray<double> Means, VariableArray<VariableArray<double>, double[][]> X, Range Outer) GroupModel(double[][] data)
    {
        Range outer = new Range(data.Length).Named("g");
        VariableArray<int> sizes = Variable.Observed(data.Select(r => r.Length).ToArray(), outer).Named("sizes");
        Range inner = new Range(sizes[outer]).Named("i");
        VariableArray<double> means = Variable.Array<double>(outer).Named("means");
        means[outer] = Variable.GaussianFromMeanAndVariance(0, 100).ForEach(outer);
        var x = Variable.Array(Variable.Array<double>(inner), outer).Named("x");
        using (Variable.ForEach(outer))
            x[outer][inner] = Variable.GaussianFromMeanAndPrecision(means[outer], 1).ForEach(inner);
        x.ObservedValue = data;
        return (means, x, outer);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void JaggedGroups_PosteriorOfEachGroupMeanIsConjugate(bool vmp)
    {
        var (means, _, _) = GroupModel(Groups);
        var engine = vmp ? new InferenceEngine(new VariationalMessagePassing()) : new InferenceEngine();
        var post = engine.Infer<Gaussian[]>(means);
        Assert.Equal(3, post.Length);
        for (int g = 0; g < Groups.Length; g++)
        {
            // conjugate: precision 1/100 + n, mean Σx / (1/100 + n)
            double precision = 0.01 + Groups[g].Length;
            Assert.Equal(Groups[g].Sum() / precision, post[g].GetMean(), 9);
            Assert.Equal(1 / precision, post[g].GetVariance(), 9);
        }
    }

    [Fact]
    public void JaggedGroups_EvidenceEqualsProductOfGroupMarginals()
    {
        var evidence = Variable.Bernoulli(0.5).Named("evidence");
        VariableArray<double> means;
        using (Variable.If(evidence))
        {
            Range outer = new Range(Groups.Length).Named("g");
            VariableArray<int> sizes = Variable.Observed(Groups.Select(r => r.Length).ToArray(), outer).Named("sizes");
            Range inner = new Range(sizes[outer]).Named("i");
            means = Variable.Array<double>(outer).Named("means");
            means[outer] = Variable.GaussianFromMeanAndVariance(0, 100).ForEach(outer);
            var x = Variable.Array(Variable.Array<double>(inner), outer).Named("x");
            using (Variable.ForEach(outer))
                x[outer][inner] = Variable.GaussianFromMeanAndPrecision(means[outer], 1).ForEach(inner);
            x.ObservedValue = Groups;
        }
        var engine = new InferenceEngine();
        double logEvidence = engine.Infer<Bernoulli>(evidence).LogOdds;
        // exact: each group's data is jointly Gaussian with mean 0 and covariance I + 100·11ᵀ
        double expected = Groups.Sum(g => LogNormalWithRankOneCovariance(g, 1, 100));
        Assert.Equal(expected, logEvidence, 8);
    }

    /// <summary>log N(x; 0, σ²I + v·11ᵀ) by the matrix determinant lemma and Sherman–Morrison.</summary>
    private static double LogNormalWithRankOneCovariance(double[] x, double noise, double v)
    {
        int n = x.Length;
        double s = x.Sum(), ss = x.Sum(d => d * d);
        double logDet = n * Math.Log(noise) + Math.Log(1 + n * v / noise);
        double quad = ss / noise - v * s * s / (noise * (noise + n * v));
        return -0.5 * (n * Math.Log(2 * Math.PI) + logDet + quad);
    }

    [Fact]
    public void HierarchicalJaggedModel_EpEqualsExactMarginals()
    {
        // m ~ N(0, 10); μ_g ~ N(m, 1); z[g][i] ~ N(μ_g, 1) latent; y[g][i] ~ N(z[g][i], 0.5) observed.
        // The graph is a tree, so EP's marginals are exact.
        Range outer = new Range(Groups.Length).Named("g");
        VariableArray<int> sizes = Variable.Observed(Groups.Select(r => r.Length).ToArray(), outer).Named("sizes");
        Range inner = new Range(sizes[outer]).Named("i");
        var m = Variable.GaussianFromMeanAndVariance(0, 10).Named("m");
        var mu = Variable.Array<double>(outer).Named("mu");
        mu[outer] = Variable.GaussianFromMeanAndVariance(m, 1).ForEach(outer);
        var z = Variable.Array(Variable.Array<double>(inner), outer).Named("z");
        var y = Variable.Array(Variable.Array<double>(inner), outer).Named("y");
        using (Variable.ForEach(outer))
        using (Variable.ForEach(inner))
        {
            z[outer][inner] = Variable.GaussianFromMeanAndVariance(mu[outer], 1);
            y[outer][inner] = Variable.GaussianFromMeanAndVariance(z[outer][inner], 0.5);
        }
        y.ObservedValue = Groups;
        var engine = new InferenceEngine();

        // exact: y_gi = m + a_g + b_gi + e_gi; per group ȳ_g ~ N(m, 1 + 1.5/n_g) given m.
        double precM = 0.1, linM = 0;
        foreach (var g in Groups)
        {
            double v = 1 + 1.5 / g.Length;
            precM += 1 / v;
            linM += g.Average() / v;
        }
        var mPost = engine.Infer<Gaussian>(m);
        Assert.Equal(linM / precM, mPost.GetMean(), 8);
        Assert.Equal(1 / precM, mPost.GetVariance(), 8);

        // μ_g given the data: prior N(E[m|others], ...) — computed from the joint precision by brute force below.
        var (mean, cov) = ExactHierarchicalPosterior(Groups);
        var muPost = engine.Infer<Gaussian[]>(mu);
        var zPost = engine.Infer<Gaussian[][]>(z);
        Assert.Equal(Groups.Select(g => g.Length), zPost.Select(r => r.Length));
        // printed as Infer.NET prints a jagged array: each row's elements aligned under its index
        var printed = engine.Infer(z).ToString()!.Split('\n').Select(l => l.TrimEnd('\r')).ToArray();
        Assert.Equal(Groups.Sum(g => g.Length), printed.Length);
        Assert.StartsWith("[0] [0] Gaussian(", printed[0]);
        Assert.StartsWith("    [1] Gaussian(", printed[1]);
        Assert.StartsWith("[1] [0] Gaussian(", printed[3]);
        int k = 1;
        for (int g = 0; g < Groups.Length; g++, k++)
        {
            Assert.Equal(mean[k], muPost[g].GetMean(), 8);
            Assert.Equal(cov[k, k], muPost[g].GetVariance(), 8);
        }
        for (int g = 0; g < Groups.Length; g++)
            for (int i = 0; i < Groups[g].Length; i++, k++)
            {
                Assert.Equal(mean[k], zPost[g][i].GetMean(), 8);
                Assert.Equal(cov[k, k], zPost[g][i].GetVariance(), 8);
            }
        // a single element, picked by constant indices, equals the array's element
        Assert.Equal(zPost[1][3].GetMean(), engine.Infer<Gaussian>(z[1][3]).GetMean(), 12);
        Assert.Equal(muPost[2].GetVariance(), engine.Infer<Gaussian>(mu[2]).GetVariance(), 12);
    }

    /// <summary>The exact joint posterior of (m, μ_1..G, z_11..) by forming the joint precision matrix and inverting it.</summary>
    private static (double[] Mean, double[,] Cov) ExactHierarchicalPosterior(double[][] groups)
    {
        int n = 1 + groups.Length + groups.Sum(g => g.Length);
        var p = new double[n, n];
        var h = new double[n];
        p[0, 0] += 0.1;
        int z = 1 + groups.Length;
        for (int g = 0; g < groups.Length; g++)
        {
            int mu = 1 + g;
            AddPair(p, 0, mu, 1);                         // μ_g − m, precision 1
            for (int i = 0; i < groups[g].Length; i++, z++)
            {
                AddPair(p, mu, z, 1);                     // z − μ_g, precision 1
                p[z, z] += 2;                             // y − z, precision 2
                h[z] += 2 * groups[g][i];
            }
        }
        var pm = MathNet.Numerics.LinearAlgebra.Matrix<double>.Build.DenseOfArray(p);
        var cov = pm.Inverse();
        var mean = cov * MathNet.Numerics.LinearAlgebra.Vector<double>.Build.DenseOfArray(h);
        return (mean.ToArray(), cov.ToArray());
    }

    private static void AddPair(double[,] p, int a, int b, double precision)
    {
        p[a, a] += precision; p[b, b] += precision;
        p[a, b] -= precision; p[b, a] -= precision;
    }

    [Fact]
    public void TwoDimensionalArray_ObservedGrid_RowMeansAreConjugate()
    {
        // x[r, c] ~ N(rowMean[r], 1/4), rowMean ~ N(1, 9)
        double[,] data = { { 0.5, 1.5, 1.0, 2.0 }, { -1.0, -2.0, -0.5, 0.0 } };
        Range rows = new Range(2).Named("r");
        Range cols = new Range(4).Named("c");
        var rowMean = Variable.Array<double>(rows).Named("rowMean");
        rowMean[rows] = Variable.GaussianFromMeanAndVariance(1, 9).ForEach(rows);
        var x = Variable.Array<double>(rows, cols).Named("x");
        x[rows, cols] = Variable.GaussianFromMeanAndPrecision(rowMean[rows], 4).ForEach(rows, cols);
        x.ObservedValue = data;
        var post = new InferenceEngine().Infer<Gaussian[]>(rowMean);
        for (int r = 0; r < 2; r++)
        {
            double sum = 0;
            for (int c = 0; c < 4; c++) sum += data[r, c];
            double precision = 1.0 / 9 + 4 * 4;
            Assert.Equal((1.0 / 9 + 4 * sum) / precision, post[r].GetMean(), 9);
            Assert.Equal(1 / precision, post[r].GetVariance(), 9);
        }
    }

    [Fact]
    public void TwoDimensionalArray_LatentGrid_InfersInItsShape()
    {
        // z[r, c] ~ N(row[r] + col[c], 1) latent; y = z observed with noise. Check the shape and one element against the array.
        Range rows = new Range(2).Named("r");
        Range cols = new Range(3).Named("c");
        var row = Variable.Array<double>(rows).Named("row");
        row[rows] = Variable.GaussianFromMeanAndVariance(0, 1).ForEach(rows);
        var col = Variable.Array<double>(cols).Named("col");
        col[cols] = Variable.GaussianFromMeanAndVariance(0, 1).ForEach(cols);
        var z = Variable.Array<double>(rows, cols).Named("z");
        var y = Variable.Array<double>(rows, cols).Named("y");
        using (Variable.ForEach(rows))
        using (Variable.ForEach(cols))
        {
            z[rows, cols] = Variable.GaussianFromMeanAndVariance(row[rows] + col[cols], 1);
            y[rows, cols] = Variable.GaussianFromMeanAndVariance(z[rows, cols], 0.1);
        }
        y.ObservedValue = new double[,] { { 1, 2, 3 }, { 0, 1, 2 } };
        var engine = new InferenceEngine();
        var zPost = engine.Infer<Gaussian[,]>(z);
        Assert.Equal(2, zPost.GetLength(0));
        Assert.Equal(3, zPost.GetLength(1));
        Assert.Equal(zPost[1, 2].GetMean(), engine.Infer<Gaussian>(z[1, 2]).GetMean(), 12);
        // the posterior of z follows the data: z[0,2] (y=3) above z[1,0] (y=0)
        Assert.True(zPost[0, 2].GetMean() > zPost[1, 0].GetMean() + 2);
    }

    [Fact]
    public void JaggedObservedValue_WithWrongRowLength_NamesVariableAndRow()
    {
        var (_, x, _) = GroupModel(Groups);
        var engine = new InferenceEngine();
        var bad = Groups.Select(r => r.ToArray()).ToArray();
        bad[1] = [1.0, 2.0];
        x.ObservedValue = bad;
        var e = Assert.Throws<InvalidOperationException>(() => engine.Infer(x));
        Assert.Contains("Row 1", e.Message);
        Assert.Contains("'x'", e.Message);
    }

    [Fact]
    public void JaggedRange_OutsideItsOuterForEach_IsRefused()
    {
        Range outer = new Range(2).Named("g");
        VariableArray<int> sizes = Variable.Observed(new[] { 2, 3 }, outer).Named("sizes");
        Range inner = new Range(sizes[outer]).Named("i");
        var x = Variable.Array<double>(inner).Named("x");
        x[inner] = Variable.GaussianFromMeanAndVariance(0, 1).ForEach(inner);
        var e = Assert.Throws<NotSupportedException>(() => new InferenceEngine().Infer(x));
        Assert.Contains("'i'", e.Message);
        Assert.Contains("ForEach(g)", e.Message);
    }

    [Fact]
    public void InferringAnElementByRange_IsRefusedWithAdvice()
    {
        var (means, _, outer) = GroupModel(Groups);
        var e = Assert.Throws<NotSupportedException>(() => new InferenceEngine().Infer(means[outer]));
        Assert.Contains("whole array 'means'", e.Message);
    }

    [Fact]
    public void LatentDirichletAllocation_OverJaggedDocuments_EqualsMeanFieldFixedPoint()
    {
        // LDA (Blei, Ng & Jordan 2003) with documents of different lengths, one of them empty: words[d][w] ~ Discrete(phi[z[d][w]]),
        // z[d][w] ~ Discrete(theta[d]). VMP must reach the fixed point of the paper's mean-field updates, iterated in the test.
        int[][] docs = [[0, 1, 0, 1, 0], [2, 3, 3, 2], [], [0, 0, 1], [3, 2, 3, 3, 2, 2]];
        const int topics = 2, vocabulary = 4;
        const double alpha = 1, eta = 0.5;
        Range d = new Range(docs.Length).Named("d");
        VariableArray<int> sizes = Variable.Observed(docs.Select(x => x.Length).ToArray(), d).Named("sizes");
        Range w = new Range(sizes[d]).Named("w");
        Range k = new Range(topics).Named("k");
        var phi = Variable.Array<Vector>(k).Named("phi");
        phi[k] = Variable.DirichletSymmetric(vocabulary, eta).ForEach(k);
        var theta = Variable.Array<Vector>(d).Named("theta");
        theta[d] = Variable.DirichletSymmetric(topics, alpha).ForEach(d);
        var words = Variable.Array(Variable.Array<int>(w), d).Named("words");
        var z = Variable.Array(Variable.Array<int>(w), d).Named("z");
        using (Variable.ForEach(d))
        using (Variable.ForEach(w))
        {
            z[d][w] = Variable.Discrete(theta[d]);
            using (Variable.Switch(z[d][w]))
                words[d][w] = Variable.Discrete(phi[z[d][w]]);
        }
        words.ObservedValue = docs;
        // break the topics' symmetry: phi starts away from uniform (as Infer.NET's LDA example does)
        var rng = new Random(1);
        var init = Enumerable.Range(0, topics).Select(_ => Enumerable.Range(0, vocabulary).Select(_ => 1 + rng.NextDouble()).ToArray()).ToArray();
        phi.InitialiseTo(init.Select(a => Dirichlet.FromPseudoCounts(a)).ToArray());
        var engine = new InferenceEngine(new VariationalMessagePassing()) { NumberOfIterations = 200 };
        var phiPost = engine.Infer<Dirichlet[]>(phi);
        var thetaPost = engine.Infer<Dirichlet[]>(theta);

        // the mean-field updates, from the same start: λ = init, γ_d = α + Σ_w r_dw, r_dwk ∝ exp(E[log θ_dk] + E[log φ_k,word]), λ_k = η + Σ r
        var lambda = init.Select(a => (double[])a.Clone()).ToArray();
        var gamma = docs.Select(_ => new double[topics]).ToArray();
        var r = docs.Select(doc => doc.Select(_ => Enumerable.Repeat(1.0 / topics, topics).ToArray()).ToArray()).ToArray();
        static double Digamma(double x) => MathNet.Numerics.SpecialFunctions.DiGamma(x);
        for (int iter = 0; iter < 2000; iter++)
        {
            for (int j = 0; j < docs.Length; j++)
                for (int t = 0; t < topics; t++) gamma[j][t] = alpha + r[j].Sum(x => x[t]);
            for (int j = 0; j < docs.Length; j++)
                for (int i = 0; i < docs[j].Length; i++)
                {
                    var logits = new double[topics];
                    for (int t = 0; t < topics; t++)
                        logits[t] = Digamma(gamma[j][t]) - Digamma(gamma[j].Sum()) + Digamma(lambda[t][docs[j][i]]) - Digamma(lambda[t].Sum());
                    double max = logits.Max();
                    var e = logits.Select(l => Math.Exp(l - max)).ToArray();
                    for (int t = 0; t < topics; t++) r[j][i][t] = e[t] / e.Sum();
                }
            for (int t = 0; t < topics; t++)
                for (int v = 0; v < vocabulary; v++)
                {
                    double count = 0;
                    for (int j = 0; j < docs.Length; j++)
                        for (int i = 0; i < docs[j].Length; i++) if (docs[j][i] == v) count += r[j][i][t];
                    lambda[t][v] = eta + count;
                }
        }
        for (int t = 0; t < topics; t++)
            for (int v = 0; v < vocabulary; v++) Assert.Equal(lambda[t][v], phiPost[t][v], 6);
        for (int j = 0; j < docs.Length; j++)
            for (int t = 0; t < topics; t++) Assert.Equal(gamma[j][t], thetaPost[j][t], 6);
        // the topics separated: words {0, 1} and {2, 3}
        Assert.True(phiPost.Select(p => p[0] + p[1] - p[2] - p[3]).OrderBy(x => x).ToArray() is [< -3, > 3]);
        Assert.Equal(alpha, thetaPost[2][0], 12); // the empty document keeps its prior
    }

    [Fact]
    public void JaggedGroups_NewSizesAndData_RebindTheSameModel()
    {
        // the sizes are observed values: changing them (and the data) re-runs the compiled model with the new layout
        Range outer = new Range(3).Named("g");
        VariableArray<int> sizes = Variable.Observed(Groups.Select(r => r.Length).ToArray(), outer).Named("sizes");
        Range inner = new Range(sizes[outer]).Named("i");
        VariableArray<double> means = Variable.Array<double>(outer).Named("means");
        means[outer] = Variable.GaussianFromMeanAndVariance(0, 100).ForEach(outer);
        var x = Variable.Array(Variable.Array<double>(inner), outer).Named("x");
        using (Variable.ForEach(outer))
            x[outer][inner] = Variable.GaussianFromMeanAndPrecision(means[outer], 1).ForEach(inner);
        x.ObservedValue = Groups;
        var engine = new InferenceEngine();
        Assert.Equal(Groups[1].Sum() / (0.01 + 5), engine.Infer<Gaussian[]>(means)[1].GetMean(), 9);

        double[][] regrouped = [[1.0], [], [2.0, 4.0, 6.0, 8.0, 10.0, 12.0]];
        sizes.ObservedValue = regrouped.Select(r => r.Length).ToArray();
        x.ObservedValue = regrouped;
        var post = engine.Infer<Gaussian[]>(means);
        Assert.Equal(1.0 / 1.01, post[0].GetMean(), 9);
        Assert.Equal(0, post[1].GetMean(), 12);
        Assert.Equal(100, post[1].GetVariance(), 9);
        Assert.Equal(42.0 / 6.01, post[2].GetMean(), 9);
    }

    [Fact]
    public void RangeOfSizeZero_GivesEmptyPosteriors()
    {
        Range n = new Range(0).Named("n");
        VariableArray<double> x = Variable.Array<double>(n).Named("x");
        Variable<double> m = Variable.GaussianFromMeanAndVariance(1, 2).Named("m");
        x[n] = Variable.GaussianFromMeanAndVariance(m, 1).ForEach(n);
        x.ObservedValue = [];
        var engine = new InferenceEngine();
        Assert.Equal(1, engine.Infer<Gaussian>(m).GetMean(), 12);
        Assert.Empty(engine.Infer<Gaussian[]>(x));
    }
}
