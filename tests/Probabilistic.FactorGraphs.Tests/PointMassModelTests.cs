using MathNet.Numerics.LinearAlgebra;
using PositiveDefiniteMatrix = Probabilistic.FactorGraphs.LinearAlgebra.PositiveDefiniteMatrix;
using Vec = Probabilistic.FactorGraphs.LinearAlgebra.Vector;

namespace Probabilistic.FactorGraphs.Tests;

/// <summary>
/// Vector and matrix point masses in models: InitialiseTo a point mass under VMP (against the closed-form first updates),
/// and point-mass priors acting as constants (against conjugate posteriors and the chain-rule evidence).
/// </summary>
public class PointMassModelTests
{
    private static readonly double[,] Prior0 = { { 0.5, 0.1 }, { 0.1, 0.3 } };
    private static readonly double[,] Lambda = { { 2.0, 0.6 }, { 0.6, 1.5 } };
    private static readonly double[,] LambdaY = { { 4.0, -0.5 }, { -0.5, 3.0 } };
    private static readonly double[,] Scale0 = { { 0.6, 0.1 }, { 0.1, 0.4 } };
    private static readonly double[] M0 = [1.0, -1.0];
    private static readonly double[] V0 = [2.5, -1.5];

    private static double[][] Data(int n, int seed)
    {
        var rng = new Random(seed);
        return Enumerable.Range(0, n).Select(_ => new[] { 3 + MathNet.Numerics.Distributions.Normal.Sample(rng, 0, 1), -2 + MathNet.Numerics.Distributions.Normal.Sample(rng, 0, 1) }).ToArray();
    }

    private static Matrix<double> M(double[,] a) => Matrix<double>.Build.DenseOfArray(a);
    private static Vector<double> V(double[] a) => Vector<double>.Build.DenseOfArray(a);
    private static PositiveDefiniteMatrix Pdm(double[,] a) => PositiveDefiniteMatrix.FromArray(a);

    private static void AssertClose(Matrix<double> expected, PositiveDefiniteMatrix actual, int digits, string what)
    {
        for (int i = 0; i < expected.RowCount; i++)
            for (int j = 0; j < expected.ColumnCount; j++)
                Assert.True(Math.Abs(expected[i, j] - actual[i, j]) < Math.Pow(10, -digits), $"{what}[{i},{j}]: expected {expected[i, j]}, got {actual[i, j]}");
    }

    private static void AssertClose(Vector<double> expected, Vec actual, int digits, string what)
    {
        for (int i = 0; i < expected.Count; i++)
            Assert.True(Math.Abs(expected[i] - actual[i]) < Math.Pow(10, -digits), $"{what}[{i}]: expected {expected[i]}, got {actual[i]}");
    }

    /// <summary>μ ~ N(m0, P0⁻¹), Λ ~ Wishart(a0, S0), x_n ~ N(μ, Λ⁻¹) observed.</summary>
    private static (Variable<Vec> Mu, Variable<PositiveDefiniteMatrix> Lambda) MeanAndPrecisionModel(double[][] data)
    {
        Range n = new Range(data.Length).Named("n");
        var mu = Variable.VectorGaussianFromMeanAndPrecision(Vec.FromArray(M0), Pdm(Prior0)).Named("mu");
        var lambda = Variable.WishartFromShapeAndScale(3, Pdm(Scale0)).Named("lambda");
        var x = Variable.Array<Vec>(n).Named("x");
        x[n] = Variable.VectorGaussianFromMeanAndPrecision(mu, lambda).ForEach(n);
        x.ObservedValue = data.Select(Vec.FromArray).ToArray();
        return (mu, lambda);
    }

    // One sweep updates the initialised variable last (Λ then μ here), and Infer.NET's schedule then refreshes what the
    // last update made stale (Λ); the Schedules.Initialised* fixtures pin that order against Infer.NET. These tests follow
    // the first updates by hand from the point mass.

    /// <summary>q(Λ) from q(μ) with mean m and covariance C: Wishart(a0 + N/2, rate S0⁻¹ + ½ Σ [(x_n − m)(x_n − m)ᵀ + C]).</summary>
    private static Matrix<double> LambdaRate(double[][] data, Vector<double> m, Matrix<double> c)
    {
        var rate = M(Scale0).Inverse();
        foreach (var row in data)
        {
            var diff = V(row) - m;
            rate += 0.5 * (diff.OuterProduct(diff) + c);
        }
        return rate;
    }

    /// <summary>q(μ) from E[Λ] = L: precision P0 + N L, mean P⁻¹ (P0 m0 + L Σ x_n).</summary>
    private static (Vector<double> Mean, Matrix<double> Cov) MuUpdate(double[][] data, Matrix<double> l)
    {
        var p = M(Prior0) + data.Length * l;
        var sum = data.Aggregate(V(new double[2]), (s, r) => s + V(r));
        var cov = p.Inverse();
        return (cov * (M(Prior0) * V(M0) + l * sum), cov);
    }

    [Fact]
    public void Vmp_InitialiseToAPointMass_IsWhatTheFirstUpdateSees()
    {
        var data = Data(12, 3);
        var (mu, lambda) = MeanAndPrecisionModel(data);
        mu.InitialiseTo(VectorGaussian.PointMass(Vec.FromArray(V0)));
        var engine = new InferenceEngine(new VariationalMessagePassing()) { NumberOfIterations = 1 };
        var qMu = engine.Infer<VectorGaussian>(mu);
        var qLambda = engine.Infer<Wishart>(lambda);

        // the sweep: Λ from μ = v (certain), then μ from E[Λ]; after it Λ is refreshed from the new q(μ)
        double shape = 3 + data.Length / 2.0;
        var rate1 = LambdaRate(data, V(V0), Matrix<double>.Build.Dense(2, 2));
        var (m1, c1) = MuUpdate(data, shape * rate1.Inverse());
        AssertClose(m1, qMu.GetMean(), 10, "E[μ] after one sweep");
        AssertClose(c1, qMu.GetVariance(), 10, "Cov[μ] after one sweep");
        Assert.Equal(shape, qLambda.Shape, 12);
        AssertClose(LambdaRate(data, m1, c1).Inverse(), qLambda.GetScale(), 10, "scale of q(Λ) after one sweep and the refresh");
    }

    [Fact]
    public void Vmp_InitialisePrecisionToAWishartPointMass_IsWhatTheFirstUpdateSees()
    {
        var data = Data(10, 6);
        var (mu, lambda) = MeanAndPrecisionModel(data);
        lambda.InitialiseTo(Wishart.PointMass(Pdm(Lambda)));
        var engine = new InferenceEngine(new VariationalMessagePassing()) { NumberOfIterations = 1 };
        var qMu = engine.Infer<VectorGaussian>(mu);
        var qLambda = engine.Infer<Wishart>(lambda);

        // the sweep: μ from Λ = Λ₀ (certain), then Λ from q(μ); after it both are refreshed in turn (μ, then Λ)
        double shape = 3 + data.Length / 2.0;
        var (m1, c1) = MuUpdate(data, M(Lambda));
        var rate1 = LambdaRate(data, m1, c1);
        var (m2, c2) = MuUpdate(data, shape * rate1.Inverse());
        AssertClose(m2, qMu.GetMean(), 10, "E[μ] after one sweep and the refresh");
        AssertClose(c2, qMu.GetVariance(), 10, "Cov[μ] after one sweep and the refresh");
        AssertClose(LambdaRate(data, m2, c2).Inverse(), qLambda.GetScale(), 10, "scale of q(Λ) after one sweep and the refresh");
    }

    [Fact]
    public void Vmp_InitialiseToAPointMass_ConvergesToTheSameFixedPoint()
    {
        var data = Data(12, 3);
        var (mu, lambda) = MeanAndPrecisionModel(data);
        var plain = new InferenceEngine(new VariationalMessagePassing()) { NumberOfIterations = 200 };
        var muPlain = plain.Infer<VectorGaussian>(mu);
        var lambdaPlain = plain.Infer<Wishart>(lambda);

        var (mu2, lambda2) = MeanAndPrecisionModel(data);
        mu2.InitialiseTo(VectorGaussian.PointMass(Vec.FromArray(V0)));
        var initialised = new InferenceEngine(new VariationalMessagePassing()) { NumberOfIterations = 200 };
        var muInit = initialised.Infer<VectorGaussian>(mu2);
        var lambdaInit = initialised.Infer<Wishart>(lambda2);

        // the mean-field fixed point of this conjugate model is unique, so where VMP starts does not matter
        AssertClose(V(muPlain.GetMean().ToArray()), muInit.GetMean(), 9, "E[μ]");
        AssertClose(Matrix<double>.Build.Dense(2, 2, (i, j) => muPlain.GetVariance()[i, j]), muInit.GetVariance(), 9, "Cov[μ]");
        AssertClose(Matrix<double>.Build.Dense(2, 2, (i, j) => lambdaPlain.GetMean()[i, j]), lambdaInit.GetMean(), 9, "E[Λ]");
    }

    [Fact]
    public void Vmp_InitialiseWeightsToAPointMass_ReachesTheNoiseThroughTheInnerProduct()
    {
        // w ~ N(0, I), τ ~ Gamma(2, rate 1), y_n ~ N(wᵀx_n, 1/τ); w initialised to the point mass at v
        double[][] xs = [[1, 0.5], [1, -1.2], [1, 2.0], [1, 0.3], [1, -0.7], [1, 1.1]];
        double[] ys = [1.9, -0.4, 4.1, 1.5, 0.2, 2.6];
        Range n = new Range(xs.Length).Named("n");
        var x = Variable.Observed(xs.Select(r => Vec.FromArray(r)).ToArray(), n).Named("x");
        var w = Variable.VectorGaussianFromMeanAndPrecision(Vec.Zero(2), PositiveDefiniteMatrix.Identity(2)).Named("w");
        var tau = Variable.GammaFromShapeAndRate(2, 1).Named("tau");
        var y = Variable.Array<double>(n).Named("y");
        y[n] = Variable.GaussianFromMeanAndPrecision(Variable.InnerProduct(w, x[n]), tau);
        y.ObservedValue = ys;
        w.InitialiseTo(VectorGaussian.PointMass(Vec.FromArray(V0)));
        var engine = new InferenceEngine(new VariationalMessagePassing()) { NumberOfIterations = 1 };
        var qw = engine.Infer<VectorGaussian>(w);
        var q = engine.Infer<Gamma>(tau);

        // τ is updated before the initialised w, with wᵀx_n certain: q(τ) = Gamma(2 + N/2, rate 1 + ½ Σ (y_n − vᵀx_n)²);
        // then w from E[τ]: precision I + E[τ] Σ x xᵀ, mean P⁻¹ E[τ] Σ y x; then τ is refreshed from q(w):
        // rate 1 + ½ Σ [(y_n − E[w]ᵀx_n)² + x_nᵀ Cov[w] x_n]
        double shape = 2 + xs.Length / 2.0, rate = 1;
        for (int i = 0; i < xs.Length; i++)
        {
            double r = ys[i] - (V0[0] * xs[i][0] + V0[1] * xs[i][1]);
            rate += 0.5 * r * r;
        }
        double tau1 = shape / rate;
        var p = Matrix<double>.Build.DenseIdentity(2);
        var h = V(new double[2]);
        for (int i = 0; i < xs.Length; i++) { p += tau1 * V(xs[i]).OuterProduct(V(xs[i])); h += tau1 * ys[i] * V(xs[i]); }
        var cov = p.Inverse();
        var mean = cov * h;
        AssertClose(mean, qw.GetMean(), 10, "E[w] after one sweep");
        AssertClose(cov, qw.GetVariance(), 10, "Cov[w] after one sweep");
        double rate2 = 1;
        for (int i = 0; i < xs.Length; i++)
        {
            double r = ys[i] - mean.DotProduct(V(xs[i]));
            rate2 += 0.5 * (r * r + V(xs[i]).DotProduct(cov * V(xs[i])));
        }
        Assert.Equal(shape, q.Shape, 12);
        Assert.Equal(rate2, q.Rate, 10);
    }

    /// <summary>w a constant (point-mass prior or observed), x ~ N(w, Λ⁻¹), y_n ~ N(x, Λy⁻¹) observed; inside an evidence gate when asked.</summary>
    private static (Variable<bool> Evidence, Variable<Vec> W, Variable<Vec> X) ConstantMeanModel(double[][] data, bool asPointMassPrior, bool gated)
    {
        var evidence = Variable.Bernoulli(0.5).Named("evidence");
        Variable<Vec> w, x;
        using (gated ? Variable.If(evidence) : null)
        {
            w = (asPointMassPrior ? Variable.Random(VectorGaussian.PointMass(Vec.FromArray(V0))) : Variable.Observed(Vec.FromArray(V0))).Named("w");
            x = Variable.VectorGaussianFromMeanAndPrecision(w, Variable.Observed(Pdm(Lambda))).Named("x");
            Range n = new Range(data.Length).Named("n");
            var y = Variable.Array<Vec>(n).Named("y");
            y[n] = Variable.VectorGaussianFromMeanAndPrecision(x, Variable.Observed(Pdm(LambdaY))).ForEach(n);
            y.ObservedValue = data.Select(Vec.FromArray).ToArray();
        }
        return (evidence, w, x);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void PointMassPrior_ActsAsAConstant(bool vmp)
    {
        var data = Data(7, 8);
        var (_, w, x) = ConstantMeanModel(data, asPointMassPrior: true, gated: false);
        var engine = vmp ? new InferenceEngine(new VariationalMessagePassing()) : new InferenceEngine();
        var post = engine.Infer<VectorGaussian>(x);

        // conjugate: P = Λ + NΛy, mean = P⁻¹(Λv + Λy Σy)
        var p = M(Lambda) + data.Length * M(LambdaY);
        var sum = data.Aggregate(V(new double[2]), (s, r) => s + V(r));
        AssertClose(p.Inverse() * (M(Lambda) * V(V0) + M(LambdaY) * sum), post.GetMean(), 9, "E[x]");
        AssertClose(p.Inverse(), post.GetVariance(), 9, "Cov[x]");

        var wq = engine.Infer<VectorGaussian>(w);
        Assert.True(wq.IsPointMass, $"the constant's marginal should be its point mass, got {wq}");
        Assert.Equal(V0, wq.Point.ToArray());
    }

    [Fact]
    public void PointMassPrior_OverARange_IsTheConstantInEveryElement()
    {
        var data = Data(3, 13);
        Range k = new Range(data.Length).Named("k");
        var w = Variable.Array<Vec>(k).Named("w");
        w[k] = Variable.Random(VectorGaussian.PointMass(Vec.FromArray(V0))).ForEach(k);
        var x = Variable.Array<Vec>(k).Named("x");
        x[k] = Variable.VectorGaussianFromMeanAndPrecision(w[k], Variable.Observed(Pdm(Lambda))).ForEach(k);
        var y = Variable.Array<Vec>(k).Named("y");
        y[k] = Variable.VectorGaussianFromMeanAndPrecision(x[k], Variable.Observed(Pdm(LambdaY))).ForEach(k);
        y.ObservedValue = data.Select(Vec.FromArray).ToArray();
        var engine = new InferenceEngine();
        var post = engine.Infer<VectorGaussian[]>(x);

        // each x_k alone: P = Λ + Λy, mean = P⁻¹(Λv + Λy y_k)
        var p = M(Lambda) + M(LambdaY);
        for (int j = 0; j < data.Length; j++)
            AssertClose(p.Inverse() * (M(Lambda) * V(V0) + M(LambdaY) * V(data[j])), post[j].GetMean(), 9, $"E[x[{j}]]");
        Assert.All(engine.Infer<VectorGaussian[]>(w), q => Assert.Equal(V0, q.Point.ToArray()));
    }

    [Fact]
    public void PointMassPrior_EpEvidence_EqualsChainRuleAndTheObservedModel()
    {
        var data = Data(5, 21);
        double withPrior = new InferenceEngine().Infer<Bernoulli>(ConstantMeanModel(data, asPointMassPrior: true, gated: true).Evidence).LogOdds;
        double withObserved = new InferenceEngine().Infer<Bernoulli>(ConstantMeanModel(data, asPointMassPrior: false, gated: true).Evidence).LogOdds;

        // log p(y_1..N) = Σ log N(y_n; m_{n−1}, Σ_{n−1} + Λy⁻¹), x's posterior updated one point at a time from N(v, Λ⁻¹)
        var prec = M(Lambda);
        var h = M(Lambda) * V(V0);
        double expected = 0;
        foreach (var row in data)
        {
            var cov = prec.Inverse();
            var s = cov + M(LambdaY).Inverse();
            var diff = V(row) - cov * h;
            expected += -Math.Log(2 * Math.PI) - 0.5 * Math.Log(s.Determinant()) - 0.5 * diff.DotProduct(s.Inverse() * diff);
            prec += M(LambdaY);
            h += M(LambdaY) * V(row);
        }
        Assert.Equal(expected, withPrior, 8);
        Assert.Equal(withObserved, withPrior, 12);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void WishartPointMassPrior_IsAKnownPrecision_EvenUnderEp(bool vmp)
    {
        var data = Data(9, 4);
        Range n = new Range(data.Length).Named("n");
        var mu = Variable.VectorGaussianFromMeanAndPrecision(Vec.FromArray(M0), Pdm(Prior0)).Named("mu");
        var lambda = Variable.Random(Wishart.PointMass(Pdm(Lambda))).Named("lambda");
        var x = Variable.Array<Vec>(n).Named("x");
        x[n] = Variable.VectorGaussianFromMeanAndPrecision(mu, lambda).ForEach(n);
        x.ObservedValue = data.Select(Vec.FromArray).ToArray();
        var engine = vmp ? new InferenceEngine(new VariationalMessagePassing()) : new InferenceEngine();
        var post = engine.Infer<VectorGaussian>(mu);

        var p = M(Prior0) + data.Length * M(Lambda);
        var sum = data.Aggregate(V(new double[2]), (s, r) => s + V(r));
        AssertClose(p.Inverse() * (M(Prior0) * V(M0) + M(Lambda) * sum), post.GetMean(), 9, "E[μ]");
        AssertClose(p.Inverse(), post.GetVariance(), 9, "Cov[μ]");
        Assert.Equal("Wishart.PointMass(2 0.6; 0.6 1.5)", engine.Infer<Wishart>(lambda).ToString());
    }

    [Fact]
    public void ObservedVectorsAndMatrices_UnderTheirPriors_HaveEvidenceTheLogDensity()
    {
        // an observed value read as a point mass: the evidence of x ~ prior, x = x₀ is log prior(x₀), checked against
        // the normal density written out and Math.NET's Dirichlet and Wishart (n = 2a, V = S/2)
        double[] v = [0.3, -2.0];
        double[] probs = [0.2, 0.5, 0.3];
        var e1 = Variable.Bernoulli(0.5).Named("e1");
        using (Variable.If(e1)) Variable.VectorGaussianFromMeanAndPrecision(Vec.FromArray(M0), Pdm(Prior0)).Named("vx").ObservedValue = Vec.FromArray(v);
        var e2 = Variable.Bernoulli(0.5).Named("e2");
        using (Variable.If(e2)) Variable.Dirichlet(2, 3, 1.5).Named("dp").ObservedValue = Vec.FromArray(probs);
        var e3 = Variable.Bernoulli(0.5).Named("e3");
        using (Variable.If(e3)) Variable.WishartFromShapeAndScale(3, Pdm(Scale0)).Named("wl").ObservedValue = Pdm(Lambda);
        var engine = new InferenceEngine();

        var diff = V(v) - V(M0);
        double normal = -Math.Log(2 * Math.PI) + 0.5 * Math.Log(M(Prior0).Determinant()) - 0.5 * diff.DotProduct(M(Prior0) * diff);
        Assert.Equal(normal, engine.Infer<Bernoulli>(e1).LogOdds, 10);
        Assert.Equal(new MathNet.Numerics.Distributions.Dirichlet([2, 3, 1.5]).DensityLn(probs), engine.Infer<Bernoulli>(e2).LogOdds, 10);
        Assert.Equal(Math.Log(new MathNet.Numerics.Distributions.Wishart(6, M(Scale0) / 2).Density(M(Lambda))), engine.Infer<Bernoulli>(e3).LogOdds, 10);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void DirichletPointMassPrior_GivesTheDiscreteItsProbabilities(bool vmp)
    {
        double[] probs = [0.1, 0.6, 0.3];
        var p = Variable.Random(Dirichlet.PointMass(Vec.FromArray(probs))).Named("p");
        var c = Variable.Discrete(p).Named("c");
        var engine = vmp ? new InferenceEngine(new VariationalMessagePassing()) : new InferenceEngine();
        var q = engine.Infer<Discrete>(c);
        for (int k = 0; k < 3; k++) Assert.Equal(probs[k], q[k], 12);
        Assert.True(engine.Infer<Dirichlet>(p).IsPointMass, "the constant's marginal is its point mass");
    }

    [Fact]
    public void PointMassPrior_WhereAFactorNeedsARandomVector_IsRefusedWithTheReason()
    {
        var w = Variable.Random(VectorGaussian.PointMass(Vec.FromArray(V0))).Named("w");
        var x = Variable.Observed(Vec.FromArray(M0)).Named("xobs");
        var y = Variable.InnerProduct(w, x).Named("y");
        var e = Assert.Throws<NotSupportedException>(() => new InferenceEngine().Infer<Gaussian>(y));
        Assert.Contains("'w'", e.Message);
        Assert.Contains("point-mass prior", e.Message);
    }
}
