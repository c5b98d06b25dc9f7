using Probabilistic.Core.Numerics;
using Probabilistic.FactorGraphs.Models.Attributes;

namespace Probabilistic.FactorGraphs.Tests;

/// <summary>
/// EP through gates over outside VectorGaussian variables (mixtures of 2-D Gaussians with known precisions): against the
/// closed-form mixture posterior of one observation, and on well-separated synthetic clusters.
/// </summary>
public class EpVectorGateTests
{
    [Fact]
    public void OneObservation_TwoComponents_EqualsClosedFormMixturePosterior()
    {
        // c ~ Discrete(0.3, 0.7), μ[j] ~ N(m0[j], V0[j]), y | c ~ N(μ[c], Λ[c]⁻¹) with y observed
        double[] pi = [0.3, 0.7];
        double[][] m0 = [[0, 0], [1.5, -1]];
        double[][,] v0 = [new double[,] { { 2, 0.5 }, { 0.5, 1 } }, new double[,] { { 1, -0.3 }, { -0.3, 3 } }];
        double[][,] lambda = [new double[,] { { 4, 1 }, { 1, 2 } }, new double[,] { { 1, 0 }, { 0, 0.5 } }];
        double[] y = [1.1, 0.4];
        Range k = new Range(2).Named("k");
        var priorMeans = Variable.Observed(m0.Select(m => Vector.FromArray(m)).ToArray(), k).Named("m0");
        var priorPrecs = Variable.Observed(v0.Select(v => new PositiveDefiniteMatrix(Inv(v))).ToArray(), k).Named("P0");
        var noise = Variable.Observed(lambda.Select(l => new PositiveDefiniteMatrix(l)).ToArray(), k).Named("lambda");
        VariableArray<Vector> mu = Variable.Array<Vector>(k).Named("mu");
        mu[k] = Variable.VectorGaussianFromMeanAndPrecision(priorMeans[k], priorPrecs[k]);
        var c = Variable.Discrete(pi).Named("c");
        using (Variable.Switch(c)) Variable.VectorGaussianFromMeanAndPrecision(mu[c], noise[c]).Named("y").ObservedValue = Vector.FromArray(y);
        var engine = new InferenceEngine { NumberOfIterations = 5 };
        var q = engine.Infer<VectorGaussian[]>(mu);
        var qc = engine.Infer<Discrete>(c);
        double logZ = engine.Fit(mu)[^1].Elbo;

        // P(c = j | y) ∝ π_j N(y; m0_j, V0_j + Λ_j⁻¹); given c = j, μ_j | y is conjugate; μ_j's posterior is the mixture of that
        // and its prior with weights P(c = j | y), 1 − P(c = j | y)
        var l = Enumerable.Range(0, 2).Select(j => Math.Log(pi[j]) + LogNormal2(y, m0[j], Add(v0[j], Inv(lambda[j])))).ToArray();
        double exactLogZ = LogSpace.LogAddExp(l[0], l[1]);
        for (int j = 0; j < 2; j++)
        {
            double w = Math.Exp(l[j] - exactLogZ);
            Assert.True(Math.Abs(qc[j] - w) < 1e-9, $"P(c = {j} | y) {qc[j]} vs closed form {w}");
            var v1 = Inv(Add(Inv(v0[j]), lambda[j]));
            var m1 = MatVec(v1, Plus(MatVec(Inv(v0[j]), m0[j]), MatVec(lambda[j], y)));
            double[] mean = [w * m1[0] + (1 - w) * m0[j][0], w * m1[1] + (1 - w) * m0[j][1]];
            var cov = new double[2, 2];
            for (int r = 0; r < 2; r++)
                for (int s = 0; s < 2; s++)
                    cov[r, s] = w * (v1[r, s] + (m1[r] - mean[r]) * (m1[s] - mean[s])) + (1 - w) * (v0[j][r, s] + (m0[j][r] - mean[r]) * (m0[j][s] - mean[s]));
            var em = q[j].GetMean();
            var ev = q[j].GetVariance();
            for (int r = 0; r < 2; r++)
            {
                Assert.True(Math.Abs(em[r] - mean[r]) < 1e-9, $"E[μ{j}][{r}] {em[r]} vs closed form {mean[r]}");
                for (int s = 0; s < 2; s++)
                    Assert.True(Math.Abs(ev[r, s] - cov[r, s]) < 1e-9, $"Cov[μ{j}][{r},{s}] {ev[r, s]} vs closed form {cov[r, s]}");
            }
        }
        Assert.True(Math.Abs(logZ - exactLogZ) < 1e-9, $"EP log evidence {logZ} vs closed form {exactLogZ}");
    }

    [Fact]
    public void TwoDimensionalMixture_KnownPrecisions_RecoversWellSeparatedMeans()
    {
        // 60 points about (−4, 0) and 40 about (5, 3), unit covariance known; means' priors N(∓(1, 0), 100 I)
        var rng = new Random(11);
        Vector Draw(double a, double b) => Vector.FromArray(a + MathNet.Numerics.Distributions.Normal.Sample(rng, 0, 1), b + MathNet.Numerics.Distributions.Normal.Sample(rng, 0, 1));
        var left = Enumerable.Range(0, 60).Select(_ => Draw(-4, 0)).ToArray();
        var right = Enumerable.Range(0, 40).Select(_ => Draw(5, 3)).ToArray();
        var points = left.Concat(right).OrderBy(_ => rng.Next()).ToArray();
        Range k = new Range(2).Named("k");
        var priorMeans = Variable.Observed(new[] { Vector.FromArray(-1, 0), Vector.FromArray(1, 0) }, k).Named("m0");
        VariableArray<Vector> means = Variable.Array<Vector>(k).Named("means");
        means[k] = Variable.VectorGaussianFromMeanAndPrecision(priorMeans[k], Variable.Observed(PositiveDefiniteMatrix.IdentityScaledBy(2, 0.01)));
        var weights = Variable.Dirichlet(1.0, 1.0).Named("weights");
        // Updated point by point, as Infer.NET users are told to for mixtures under EP: with the default parallel
        // update every point sees the same symmetric cavity in the first sweep and the fit can settle elsewhere
        // (the Schedules fixtures compare that default with Infer.NET's).
        Range n = new Range(points.Length).Named("n");
        n.AddAttribute(new Sequential());
        VariableArray<Vector> x = Variable.Array<Vector>(n).Named("x");
        VariableArray<int> z = Variable.Array<int>(n).Named("z");
        using (Variable.ForEach(n))
        {
            z[n] = Variable.Discrete(weights);
            using (Variable.Switch(z[n])) x[n] = Variable.VectorGaussianFromMeanAndPrecision(means[z[n]], Variable.Observed(PositiveDefiniteMatrix.Identity(2)));
        }
        x.ObservedValue = points;
        var engine = new InferenceEngine { NumberOfIterations = 100 };
        var q = engine.Infer<VectorGaussian[]>(means);
        var trace = engine.LastTrace!;

        // responsibilities are all nearly 0 or 1, so each mean is the conjugate posterior given the true labels:
        // precision (0.01 + n_k) I, mean (0.01 m0 + Σx)/(0.01 + n_k)
        void Check(int j, Vector[] xs, double m0x)
        {
            double prec = 0.01 + xs.Length;
            double[] mean = [(0.01 * m0x + xs.Sum(v => v[0])) / prec, xs.Sum(v => v[1]) / prec];
            var em = q[j].GetMean();
            var ev = q[j].GetVariance();
            for (int r = 0; r < 2; r++)
            {
                Assert.True(Math.Abs(em[r] - mean[r]) < 1e-3, $"E[means[{j}]][{r}] {em[r]} vs labelled posterior {mean[r]}");
                Assert.True(Math.Abs(ev[r, r] - 1 / prec) < 1e-3 / xs.Length, $"Var[means[{j}]][{r}] {ev[r, r]} vs {1 / prec}");
            }
        }
        Check(0, left, -1);
        Check(1, right, 1);
        Assert.True(Math.Abs(trace[^1].Elbo - trace[^2].Elbo) < 1e-8, $"EP did not converge: log evidence {trace[^2].Elbo} -> {trace[^1].Elbo}");
        var zq = engine.Infer<Discrete[]>(z);
        for (int i = 0; i < points.Length; i++)
            Assert.True(zq[i][points[i][0] > 0.5 ? 1 : 0] > 0.99, $"point {points[i]} assigned {zq[i]}");
    }

    private static double[,] Inv(double[,] a)
    {
        double det = a[0, 0] * a[1, 1] - a[0, 1] * a[1, 0];
        return new[,] { { a[1, 1] / det, -a[0, 1] / det }, { -a[1, 0] / det, a[0, 0] / det } };
    }

    private static double[,] Add(double[,] a, double[,] b) => new[,] { { a[0, 0] + b[0, 0], a[0, 1] + b[0, 1] }, { a[1, 0] + b[1, 0], a[1, 1] + b[1, 1] } };

    private static double[] MatVec(double[,] a, double[] v) => [a[0, 0] * v[0] + a[0, 1] * v[1], a[1, 0] * v[0] + a[1, 1] * v[1]];

    private static double[] Plus(double[] a, double[] b) => [a[0] + b[0], a[1] + b[1]];

    private static double LogNormal2(double[] x, double[] m, double[,] cov)
    {
        double[] d = [x[0] - m[0], x[1] - m[1]];
        var pd = MatVec(Inv(cov), d);
        double det = cov[0, 0] * cov[1, 1] - cov[0, 1] * cov[1, 0];
        return -Math.Log(2 * Math.PI) - 0.5 * Math.Log(det) - 0.5 * (d[0] * pd[0] + d[1] * pd[1]);
    }
}
