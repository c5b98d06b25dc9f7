namespace Probabilistic.FactorGraphs.Tests;

/// <summary>Infer.NET's spellings: public constructors against the named factories, <see cref="Rand"/>, and Sample().</summary>
public class InferNetCompatibilityTests
{
    [Fact]
    public void ScalarConstructors_EqualTheFactoriesAndMeanWhatInferNetMeans()
    {
        Assert.Equal(Gaussian.FromMeanAndVariance(1.5, 4), new Gaussian(1.5, 4));
        Assert.Equal(4, new Gaussian(1.5, 4).GetVariance(), 14);         // (mean, variance), not natural parameters
        Assert.True(new Gaussian(2, 0).IsPointMass, "variance 0 is a point mass");
        Assert.Equal(Gamma.FromShapeAndScale(2, 3), new Gamma(2, 3));
        Assert.Equal(6, new Gamma(2, 3).GetMean(), 14);                  // shape·scale
        Assert.Equal(18, new Gamma(2, 3).GetVariance(), 14);             // shape·scale²
        Assert.Equal(Beta.FromCounts(2, 5), new Beta(2, 5));
        Assert.Equal(2.0 / 7, new Beta(2, 5).GetMean(), 14);
        Assert.Equal(Bernoulli.FromProbTrue(0.6), new Bernoulli(0.6));
        Assert.Equal(0.6, new Bernoulli(0.6).GetProbTrue(), 14);
        Assert.Equal(Discrete.FromProbs(1, 3), new Discrete(1, 3));
        Assert.Equal(0.75, new Discrete(1, 3)[1], 14);                    // normalised
        Assert.Equal(Dirichlet.FromPseudoCounts(1, 2, 3), new Dirichlet(1, 2, 3));
        Assert.Equal([1.0, 2.0, 3.0], new Dirichlet(1, 2, 3).PseudoCount);
    }

    [Fact]
    public void MatrixConstructors_EqualTheFactories()
    {
        var values = new double[,] { { 3.0, 0.2 }, { 0.2, 2.0 } };
        var pdm = new PositiveDefiniteMatrix(values);
        var fromArray = PositiveDefiniteMatrix.FromArray(values);
        for (int i = 0; i < 2; i++)
            for (int j = 0; j < 2; j++)
            {
                Assert.Equal(values[i, j], pdm[i, j]);
                Assert.Equal(fromArray[i, j], pdm[i, j]);
            }

        var mean = Vector.FromArray(1.0, -2.0);
        var vg = new VectorGaussian(mean, pdm);
        var vgFactory = VectorGaussian.FromMeanAndVariance(mean, pdm);
        for (int i = 0; i < 2; i++)
        {
            Assert.Equal(mean[i], vg.GetMean()[i], 12);
            Assert.Equal(vgFactory.GetMean()[i], vg.GetMean()[i], 14);
            for (int j = 0; j < 2; j++) Assert.Equal(values[i, j], vg.GetVariance()[i, j], 12); // (mean, variance)
        }

        var wishart = new Wishart(5, pdm);
        var wishartFactory = Wishart.FromShapeAndScale(5, pdm);
        Assert.Equal(wishartFactory.Shape, wishart.Shape);
        for (int i = 0; i < 2; i++)
            for (int j = 0; j < 2; j++)
            {
                Assert.Equal(5 * values[i, j], wishart.GetMean()[i, j], 12); // mean = shape·scale
                Assert.Equal(values[i, j], wishart.GetScale()[i, j], 12);
                Assert.Equal(wishartFactory.GetMean()[i, j], wishart.GetMean()[i, j], 14);
            }
        Assert.Equal("Wishart(5, 3 0.2; 0.2 2)", wishart.ToString());
    }

    [Fact]
    public void Constructors_RefuseBadArgumentsNamingThem()
    {
        Assert.Equal("variance", Assert.Throws<ArgumentOutOfRangeException>(() => new Gaussian(0, -1)).ParamName);
        Assert.Equal("mean", Assert.Throws<ArgumentOutOfRangeException>(() => new Gaussian(double.NaN, 1)).ParamName);
        Assert.Equal("scale", Assert.Throws<ArgumentOutOfRangeException>(() => new Gamma(1, 0)).ParamName);
        Assert.Equal("shape", Assert.Throws<ArgumentOutOfRangeException>(() => new Gamma(-1, 1)).ParamName);
        Assert.Equal("falseCount", Assert.Throws<ArgumentOutOfRangeException>(() => new Beta(1, 0)).ParamName);
        Assert.Equal("probTrue", Assert.Throws<ArgumentOutOfRangeException>(() => new Bernoulli(1.5)).ParamName);
        Assert.ThrowsAny<ArgumentException>(() => new Discrete(Array.Empty<double>()));
        Assert.Contains("Probability 1", Assert.Throws<ArgumentOutOfRangeException>(() => new Discrete(0.5, -0.5)).Message);
        Assert.Contains("Pseudo-count 0", Assert.Throws<ArgumentOutOfRangeException>(() => new Dirichlet(0, 1)).Message);
        Assert.Contains("not symmetric at (0,1)", Assert.Throws<ArgumentException>(() => new PositiveDefiniteMatrix(new double[,] { { 1, 0.5 }, { 0.4, 1 } })).Message);
        Assert.Contains("not positive definite", Assert.Throws<ArgumentException>(() => new PositiveDefiniteMatrix(new double[,] { { 1, 2 }, { 2, 1 } })).Message);
        Assert.Contains("square", Assert.Throws<ArgumentException>(() => new PositiveDefiniteMatrix(new double[2, 3])).Message);
        Assert.Throws<ArgumentException>(() => new VectorGaussian(Vector.Zero(3), PositiveDefiniteMatrix.Identity(2)));
        Assert.Equal("shape", Assert.Throws<ArgumentOutOfRangeException>(() => new Wishart(0.4, PositiveDefiniteMatrix.Identity(2))).ParamName);
    }

    [Fact]
    public void Rand_RestartRepeatsTheSequenceAndIntStaysInRange()
    {
        Rand.Restart(7);
        double[] first = [Rand.Double(), Rand.Normal(), Rand.Int(10), Rand.Normal(3, 2), Rand.Gamma(2)];
        Rand.Restart(7);
        double[] again = [Rand.Double(), Rand.Normal(), Rand.Int(10), Rand.Normal(3, 2), Rand.Gamma(2)];
        Assert.Equal(first, again);
        Rand.Restart(8);
        Assert.NotEqual(first[0], Rand.Double());

        var seen = new int[5];
        for (int i = 0; i < 1000; i++)
        {
            int v = Rand.Int(5);
            Assert.InRange(v, 0, 4);
            seen[v]++;
        }
        // each value has probability 1/5: fewer than 100 of 1000 has probability below 1e-15
        Assert.All(seen, c => Assert.True(c > 100, $"value counts {string.Join(", ", seen)}"));
        for (int i = 0; i < 100; i++) Assert.InRange(Rand.Int(-3, 2), -3, 1);
        Assert.Equal("maxPlusOne", Assert.Throws<ArgumentOutOfRangeException>(() => Rand.Int(0)).ParamName);
        Assert.Throws<ArgumentOutOfRangeException>(() => Rand.Int(2, 2));
        Assert.Throws<ArgumentOutOfRangeException>(() => Rand.Normal(0, -1));
    }

    [Fact]
    public void ParameterlessSample_DrawsFromRandRepeatably()
    {
        var pdm = new PositiveDefiniteMatrix(new double[,] { { 2.0, 0.5 }, { 0.5, 1.0 } });
        object[] Draw()
        {
            Rand.Restart(11);
            return
            [
                new Gaussian(1, 2).Sample(), new Gamma(2, 3).Sample(), new Beta(2, 5).Sample(), new Bernoulli(0.3).Sample(),
                new Discrete(0.2, 0.3, 0.5).Sample(), string.Join(",", new Dirichlet(1, 2).Sample()),
                new VectorGaussian(Vector.Zero(2), pdm).Sample().ToString(), new Wishart(5, pdm).Sample().ToString(),
            ];
        }
        Assert.Equal(Draw(), Draw());
        // Sample() is Sample(Random) on Rand's generator: the same seed in a Random gives the same draws
        Rand.Restart(11);
        double viaRand = new Gaussian(1, 2).Sample();
        Assert.Equal(new Gaussian(1, 2).Sample(new Random(11)), viaRand);
    }

    [Fact]
    public void WishartSample_HasTheWishartMeanAndVariance()
    {
        // shape a = 5, scale S: ν = 2a = 10 degrees of freedom with V = S/2, so E[X] = νV = aS and
        // Var(X_ij) = ν(V_ij² + V_ii V_jj) (Anderson, An Introduction to Multivariate Statistical Analysis, §7.3)
        double[,] s = { { 2.0, 0.5 }, { 0.5, 1.0 } };
        var wishart = new Wishart(5, new PositiveDefiniteMatrix(s));
        var rng = new Random(2026);
        const int n = 20000;
        var sum = new double[2, 2];
        var sumSq = new double[2, 2];
        for (int t = 0; t < n; t++)
        {
            var x = wishart.Sample(rng);
            Assert.Equal(x[0, 1], x[1, 0]);
            for (int i = 0; i < 2; i++)
                for (int j = 0; j < 2; j++) { sum[i, j] += x[i, j]; sumSq[i, j] += x[i, j] * x[i, j]; }
        }
        for (int i = 0; i < 2; i++)
            for (int j = 0; j < 2; j++)
            {
                double vij = s[i, j] / 2, vii = s[i, i] / 2, vjj = s[j, j] / 2;
                double variance = 10 * (vij * vij + vii * vjj);
                double mean = sum[i, j] / n;
                // 5 standard errors: each check fails by chance with probability below 1e-6
                Assert.True(Math.Abs(mean - 5 * s[i, j]) < 5 * Math.Sqrt(variance / n), $"E[X_{i}{j}] ≈ {mean} vs {5 * s[i, j]}");
                double sampleVar = sumSq[i, j] / n - mean * mean;
                Assert.True(Math.Abs(sampleVar / variance - 1) < 0.1, $"Var(X_{i}{j}) ≈ {sampleVar} vs {variance}");
            }
    }
}
