namespace Probabilistic.FactorGraphs.Tests;

/// <summary>
/// InitialiseTo under EP: the initial marginal breaks a mixture's symmetry, and is divided out after the first sweep so that
/// EP's fixed point and evidence are those of the model.
/// </summary>
public class EpInitialisationTests
{
    private static (double[] Left, double[] Right, double[] Points) Data()
    {
        var rng = new Random(3);
        var left = Enumerable.Range(0, 60).Select(_ => MathNet.Numerics.Distributions.Normal.Sample(rng, -4, 1)).ToArray();
        var right = Enumerable.Range(0, 40).Select(_ => MathNet.Numerics.Distributions.Normal.Sample(rng, 5, 1)).ToArray();
        return (left, right, left.Concat(right).OrderBy(_ => rng.Next()).ToArray());
    }

    // 2 components with unit variances and identical priors N(0, 100) on their means: without an initialisation every
    // message treats the components alike
    private static (VariableArray<double> Means, VariableArray<int> Z, Variable<Vector> Weights) SymmetricMixture(double[] points)
    {
        Range k = new Range(2).Named("k");
        VariableArray<double> means = Variable.Array<double>(k).Named("means");
        means[k] = Variable.GaussianFromMeanAndVariance(0, 100).ForEach(k);
        Range n = new Range(points.Length).Named("n");
        VariableArray<double> x = Variable.Array<double>(n).Named("x");
        VariableArray<int> z = Variable.Array<int>(n).Named("z");
        var weights = Variable.Dirichlet(1.0, 1.0).Named("weights");
        using (Variable.ForEach(n))
        {
            z[n] = Variable.Discrete(weights);
            using (Variable.Switch(z[n])) x[n] = Variable.GaussianFromMeanAndPrecision(means[z[n]], 1.0);
        }
        x.ObservedValue = points;
        return (means, z, weights);
    }

    [Fact]
    public void SymmetricMixture_WithoutInitialisation_StaysSymmetric()
    {
        var (_, _, points) = Data();
        var (means, z, _) = SymmetricMixture(points);
        var engine = new InferenceEngine { NumberOfIterations = 100 };
        var q = engine.Infer<Gaussian[]>(means);
        Assert.True(q[0].Equals(q[1]), $"means {q[0]} and {q[1]} differ without an initialisation");
        var zq = engine.Infer<Discrete[]>(z);
        Assert.True(zq.All(d => Math.Abs(d.GetProbs()[0] - 0.5) < 1e-12), "assignments are not all 1/2 without an initialisation");
    }

    [Fact]
    public void SymmetricMixture_InitialisedAssignments_RecoverBothMeans()
    {
        var (left, right, points) = Data();
        var (means, z, weights) = SymmetricMixture(points);
        // random soft assignments (70% on a random label): seeded, as in Infer.NET's mixture tutorial
        var rng = new Random(5);
        z.InitialiseTo(points.Select(_ => rng.Next(2) == 0 ? new Discrete(0.7, 0.3) : new Discrete(0.3, 0.7)).ToArray());
        AssertSeparated(left, right, points, means, z, weights);
    }

    [Fact]
    public void SymmetricMixture_InitialisedMeans_RecoverBothMeans()
    {
        var (left, right, points) = Data();
        var (means, z, weights) = SymmetricMixture(points);
        means.InitialiseTo(new[] { Gaussian.FromMeanAndVariance(-1, 1), Gaussian.FromMeanAndVariance(1, 1) });
        AssertSeparated(left, right, points, means, z, weights);
    }

    private static void AssertSeparated(double[] left, double[] right, double[] points, VariableArray<double> means, VariableArray<int> z, Variable<Vector> weights)
    {
        var engine = new InferenceEngine { NumberOfIterations = 200 };
        var q = engine.Infer<Gaussian[]>(means);
        var trace = engine.LastTrace!;
        int lo = q[0].GetMean() < q[1].GetMean() ? 0 : 1;
        // the clusters are far apart, so every responsibility is nearly 0 or 1 and EP's means are the conjugate posteriors
        // given the true labels: precision 1/100 + n_k, mean Σx / precision
        double Labelled(double[] xs) => xs.Sum() / (1.0 / 100 + xs.Length);
        Assert.True(Math.Abs(q[lo].GetMean() - Labelled(left)) < 1e-3, $"lower mean {q[lo]} vs labelled posterior mean {Labelled(left)}");
        Assert.True(Math.Abs(q[1 - lo].GetMean() - Labelled(right)) < 1e-3, $"upper mean {q[1 - lo]} vs labelled posterior mean {Labelled(right)}");
        Assert.True(Math.Abs(q[lo].GetVariance() - 1 / (0.01 + left.Length)) < 1e-3 / left.Length, $"Var of lower mean {q[lo].GetVariance()} vs {1 / (0.01 + left.Length)}");
        var w = engine.Infer<Dirichlet>(weights).GetMean();
        Assert.True(Math.Abs(w[lo] - 0.6) < 0.05, $"E[weights] {w[0]}, {w[1]}: component of the left cluster vs 0.6");
        Assert.True(Math.Abs(trace[^1].Elbo - trace[^2].Elbo) < 1e-8, $"EP did not converge: log evidence {trace[^2].Elbo} -> {trace[^1].Elbo}");
        var zq = engine.Infer<Discrete[]>(z);
        for (int i = 0; i < points.Length; i++)
            Assert.True(zq[i][points[i] > 0.5 ? 1 - lo : lo] > 0.99, $"point {points[i]} assigned {zq[i]}");
    }

    [Fact]
    public void UnimodalModel_InitialisationIsDividedOut_SameFixedPointAndEvidence()
    {
        // learning a Gaussian's mean and precision by EP (quadrature) has one fixed point: started from a far-off initial
        // marginal of the mean it must reach the same marginals and the same log evidence as without it
        var rng = new Random(7);
        double[] data = Enumerable.Range(0, 30).Select(_ => MathNet.Numerics.Distributions.Normal.Sample(rng, 2, 1.5)).ToArray();
        (Gaussian, Gamma, double) Run(bool initialise)
        {
            var mean = Variable.GaussianFromMeanAndVariance(0, 100).Named("mean");
            var prec = Variable.GammaFromShapeAndScale(1, 1).Named("prec");
            Range r = new Range(data.Length);
            VariableArray<double> x = Variable.Array<double>(r);
            x[r] = Variable.GaussianFromMeanAndPrecision(mean, prec).ForEach(r);
            x.ObservedValue = data;
            if (initialise)
            {
                mean.InitialiseTo(Gaussian.FromMeanAndVariance(-20, 0.5));
                prec.InitialiseTo(Gamma.FromShapeAndRate(3, 30));
            }
            var engine = new InferenceEngine { NumberOfIterations = 100 };
            var m = engine.Infer<Gaussian>(mean);
            return (m, engine.Infer<Gamma>(prec), engine.LastTrace![^1].Elbo);
        }
        var (m0, p0, z0) = Run(false);
        var (m1, p1, z1) = Run(true);
        Assert.True(Math.Abs(m0.GetMean() - m1.GetMean()) < 1e-9 && Math.Abs(m0.GetVariance() / m1.GetVariance() - 1) < 1e-9, $"mean: {m1} initialised vs {m0}");
        Assert.True(Math.Abs(p0.GetMean() / p1.GetMean() - 1) < 1e-9 && Math.Abs(p0.GetVariance() / p1.GetVariance() - 1) < 1e-9, $"precision: {p1} initialised vs {p0}");
        Assert.True(Math.Abs(z0 - z1) < 1e-9, $"log evidence {z1} initialised vs {z0}");
    }

    [Fact]
    public void SymmetricMixture_PointMassAssignments_RecoverBothMeans()
    {
        // hard labels (by the sign of each point, as a k-means start gives them): the first sweep reads them as they are
        // and the fixed point is the model's, as with soft labels
        var (left, right, points) = Data();
        var (means, z, weights) = SymmetricMixture(points);
        z.InitialiseTo(points.Select(p => Discrete.PointMass(p > 0 ? 1 : 0, 2)).ToArray());
        AssertSeparated(left, right, points, means, z, weights);
    }

    [Fact]
    public void PointMassInitialisation_OfAContinuousVariable_UnderEp_IsRefusedWithTheVariableName()
    {
        var (_, _, points) = Data();
        var (means, _, _) = SymmetricMixture(points);
        means.InitialiseTo(new[] { Gaussian.PointMass(-1), Gaussian.PointMass(1) });
        var ex = Assert.Throws<NotSupportedException>(() => new InferenceEngine().Infer<Gaussian[]>(means));
        Assert.Contains("'means'", ex.Message);
        Assert.Contains("point mass", ex.Message);
    }
}
