using MathNet.Numerics.LinearAlgebra;
using PositiveDefiniteMatrix = Probabilistic.FactorGraphs.LinearAlgebra.PositiveDefiniteMatrix;
using Vec = Probabilistic.FactorGraphs.LinearAlgebra.Vector;

namespace Probabilistic.FactorGraphs.Tests;

/// <summary>VectorGaussian factors with observed precision matrices, latent vectors, under EP and VMP, against closed forms.</summary>
public class VectorGaussianTests
{
    private static readonly double[,] Prior0 = { { 0.5, 0.1 }, { 0.1, 0.3 } };
    private static readonly double[,] Lambda = { { 2.0, 0.6 }, { 0.6, 1.5 } };
    private static readonly double[] M0 = [1.0, -1.0];

    private static double[][] Data(int n, int seed)
    {
        var rng = new Random(seed);
        return Enumerable.Range(0, n).Select(_ => new[] { 3 + MathNet.Numerics.Distributions.Normal.Sample(rng, 0, 1), -2 + MathNet.Numerics.Distributions.Normal.Sample(rng, 0, 1) }).ToArray();
    }

    private static Matrix<double> M(double[,] a) => Matrix<double>.Build.DenseOfArray(a);
    private static Vector<double> V(double[] a) => Vector<double>.Build.DenseOfArray(a);

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void MeanWithObservedPrecision_EqualsConjugatePosterior(bool vmp)
    {
        var data = Data(20, 5);
        Range n = new Range(data.Length).Named("n");
        var mu = Variable.VectorGaussianFromMeanAndPrecision(Vec.FromArray(M0), PositiveDefiniteMatrix.FromArray(Prior0)).Named("mu");
        var lambda = Variable.Observed(PositiveDefiniteMatrix.FromArray(Lambda)).Named("lambda");
        var x = Variable.Array<Vec>(n).Named("x");
        x[n] = Variable.VectorGaussianFromMeanAndPrecision(mu, lambda).ForEach(n);
        x.ObservedValue = data.Select(Vec.FromArray).ToArray();
        var engine = vmp ? new InferenceEngine(new VariationalMessagePassing()) : new InferenceEngine();
        var post = engine.Infer<VectorGaussian>(mu);

        // conjugate: P = P0 + NΛ, mean = P⁻¹(P0 m0 + Λ Σx)
        var p = M(Prior0) + data.Length * M(Lambda);
        var sum = data.Aggregate(V(new double[2]), (s, r) => s + V(r));
        var mean = p.Inverse() * (M(Prior0) * V(M0) + M(Lambda) * sum);
        var cov = p.Inverse();
        for (int i = 0; i < 2; i++)
        {
            Assert.Equal(mean[i], post.GetMean()[i], 9);
            for (int j = 0; j < 2; j++) Assert.Equal(cov[i, j], post.GetVariance()[i, j], 9);
        }
    }

    [Fact]
    public void MeanWithObservedPrecision_EpEvidenceEqualsChainRule()
    {
        var data = Data(6, 9);
        var evidence = Variable.Bernoulli(0.5).Named("evidence");
        using (Variable.If(evidence))
        {
            Range n = new Range(data.Length).Named("n");
            var mu = Variable.VectorGaussianFromMeanAndPrecision(Vec.FromArray(M0), PositiveDefiniteMatrix.FromArray(Prior0)).Named("mu");
            var x = Variable.Array<Vec>(n).Named("x");
            x[n] = Variable.VectorGaussianFromMeanAndPrecision(mu, Variable.Observed(PositiveDefiniteMatrix.FromArray(Lambda))).ForEach(n);
            x.ObservedValue = data.Select(Vec.FromArray).ToArray();
        }
        double logEvidence = new InferenceEngine().Infer<Bernoulli>(evidence).LogOdds;

        // log p(x_1..N) = Σ log N(x_n; m_{n−1}, Σ_{n−1} + Λ⁻¹), updating the posterior one point at a time
        var prec = M(Prior0);
        var h = M(Prior0) * V(M0);
        double expected = 0;
        foreach (var row in data)
        {
            var cov = prec.Inverse();
            var s = cov + M(Lambda).Inverse();
            var diff = V(row) - cov * h;
            expected += -Math.Log(2 * Math.PI) - 0.5 * Math.Log(s.Determinant()) - 0.5 * diff.DotProduct(s.Inverse() * diff);
            prec += M(Lambda);
            h += M(Lambda) * V(row);
        }
        Assert.Equal(expected, logEvidence, 8);
    }

    [Fact]
    public void LatentVectors_EpEqualsExactPosterior()
    {
        // μ ~ N(m0, P0⁻¹); z_n ~ N(μ, Λz⁻¹) latent; y_n ~ N(z_n, Λy⁻¹) observed. A tree: EP is exact.
        double[,] lambdaY = { { 4.0, -0.5 }, { -0.5, 3.0 } };
        var data = Data(8, 11);
        Range n = new Range(data.Length).Named("n");
        var mu = Variable.VectorGaussianFromMeanAndPrecision(Vec.FromArray(M0), PositiveDefiniteMatrix.FromArray(Prior0)).Named("mu");
        var z = Variable.Array<Vec>(n).Named("z");
        var y = Variable.Array<Vec>(n).Named("y");
        using (Variable.ForEach(n))
        {
            z[n] = Variable.VectorGaussianFromMeanAndPrecision(mu, Variable.Observed(PositiveDefiniteMatrix.FromArray(Lambda)));
            y[n] = Variable.VectorGaussianFromMeanAndPrecision(z[n], Variable.Observed(PositiveDefiniteMatrix.FromArray(lambdaY)));
        }
        y.ObservedValue = data.Select(Vec.FromArray).ToArray();
        var engine = new InferenceEngine();
        var muPost = engine.Infer<VectorGaussian>(mu);
        var zPost = engine.Infer<VectorGaussian[]>(z);

        // marginally y_n ~ N(μ, S) with S = Λz⁻¹ + Λy⁻¹
        var sInv = (M(Lambda).Inverse() + M(lambdaY).Inverse()).Inverse();
        var p = M(Prior0) + data.Length * sInv;
        var sum = data.Aggregate(V(new double[2]), (s, r) => s + V(r));
        var covMu = p.Inverse();
        var meanMu = covMu * (M(Prior0) * V(M0) + sInv * sum);
        // z_n | y: A(Λz E[μ] + Λy y_n), covariance A + A Λz Σμ Λz A with A = (Λz + Λy)⁻¹
        var a = (M(Lambda) + M(lambdaY)).Inverse();
        for (int i = 0; i < 2; i++)
        {
            Assert.Equal(meanMu[i], muPost.GetMean()[i], 8);
            for (int j = 0; j < 2; j++) Assert.Equal(covMu[i, j], muPost.GetVariance()[i, j], 8);
        }
        foreach (int k in new[] { 0, 5 })
        {
            var meanZ = a * (M(Lambda) * meanMu + M(lambdaY) * V(data[k]));
            var covZ = a + a * M(Lambda) * covMu * M(Lambda) * a;
            for (int i = 0; i < 2; i++)
            {
                Assert.Equal(meanZ[i], zPost[k].GetMean()[i], 8);
                for (int j = 0; j < 2; j++) Assert.Equal(covZ[i, j], zPost[k].GetVariance()[i, j], 8);
            }
        }
    }

    [Fact]
    public void RandomWishartPrecision_InsideAGateUnderEp_IsRefusedWithAdvice()
    {
        Range n = new Range(3).Named("n");
        var mu = Variable.VectorGaussianFromMeanAndPrecision(Vec.FromArray(M0), PositiveDefiniteMatrix.FromArray(Prior0)).Named("mu");
        var prec = Variable.WishartFromShapeAndScale(3, PositiveDefiniteMatrix.Identity(2)).Named("prec");
        var evidence = Variable.Bernoulli(0.5).Named("evidence");
        var x = Variable.Array<Vec>(n).Named("x");
        using (Variable.If(evidence)) x[n] = Variable.VectorGaussianFromMeanAndPrecision(mu, prec).ForEach(n);
        using (Variable.IfNot(evidence)) x[n] = Variable.VectorGaussianFromMeanAndPrecision(mu, PositiveDefiniteMatrix.Identity(2)).ForEach(n);
        x.ObservedValue = Data(3, 1).Select(Vec.FromArray).ToArray();
        var e = Assert.Throws<NotSupportedException>(() => new InferenceEngine().Infer(mu));
        Assert.Contains("'prec'", e.Message);
        Assert.Contains("VariationalMessagePassing", e.Message);
    }

    [Fact]
    public void ObservedPrecisionOfTheWrongSize_IsRefusedByName()
    {
        Range n = new Range(3).Named("n");
        var mu = Variable.VectorGaussianFromMeanAndPrecision(Vec.FromArray(M0), PositiveDefiniteMatrix.FromArray(Prior0)).Named("mu");
        var bad = Variable.Observed(PositiveDefiniteMatrix.Identity(3)).Named("badPrec");
        var x = Variable.Array<Vec>(n).Named("x");
        x[n] = Variable.VectorGaussianFromMeanAndPrecision(mu, bad).ForEach(n);
        x.ObservedValue = Data(3, 1).Select(Vec.FromArray).ToArray();
        var e = Assert.Throws<ArgumentException>(() => new InferenceEngine().Infer(mu));
        Assert.Contains("'badPrec' is 3×3", e.Message);
    }
}

/// <summary>Discrete variables whose probability vector is observed rather than Dirichlet-distributed.</summary>
public class ObservedProbabilityTests
{
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void ObservedProbabilities_GivePosteriorByBayesRule(bool vmp)
    {
        // z ~ Discrete(p) with p observed; x ~ N(means[z], 1) observed at 0.8: P(z=k | x) ∝ p_k N(0.8; m_k, 1)
        double[] p = [0.2, 0.5, 0.3];
        double[] means = [-1.0, 0.0, 2.0];
        Variable<Vec> probs = Variable.Observed(Vec.FromArray(p)).Named("probs");
        Variable<int> z = Variable.Discrete(probs).Named("z");
        Variable<double> x = Variable.New<double>().Named("x");
        for (int k = 0; k < 3; k++)
            using (Variable.Case(z, k))
                x.SetTo(Variable.GaussianFromMeanAndVariance(means[k], 1));
        x.ObservedValue = 0.8;
        var engine = vmp ? new InferenceEngine(new VariationalMessagePassing()) : new InferenceEngine();
        var post = engine.Infer<Discrete>(z);
        var w = p.Select((pk, k) => pk * Math.Exp(-0.5 * (0.8 - means[k]) * (0.8 - means[k]))).ToArray();
        for (int k = 0; k < 3; k++) Assert.Equal(w[k] / w.Sum(), post[k], 9);
    }

    [Fact]
    public void ObservedProbabilities_ThatDoNotSumToOne_AreRefusedByName()
    {
        Variable<Vec> probs = Variable.Observed(Vec.FromArray(0.2, 0.5)).Named("probs");
        Variable<int> z = Variable.Discrete(probs).Named("z");
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => new InferenceEngine().Infer(z));
        Assert.Contains("'probs'", e.Message);
        Assert.Contains("sum to 1", e.Message);
    }
}
