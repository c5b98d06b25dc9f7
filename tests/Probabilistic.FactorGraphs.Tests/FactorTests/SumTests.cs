using MathNet.Numerics.LinearAlgebra;

namespace Probabilistic.FactorGraphs.Tests.FactorTests;

/// <summary>
/// Variable.Sum on linear-Gaussian models, whose exact posterior (J⁻¹h) and evidence are computed here with dense linear
/// algebra: EP exact on trees, VMP's mean-field optimum (exact means, variances 1/J_kk) with a bound that never falls, and
/// the refusal of an exactly observed sum under VMP.
/// </summary>
public class SumTests
{
    private static InferenceEngine Make(bool vmp, int iterations = 50)
    {
        var e = vmp ? new InferenceEngine(new VariationalMessagePassing()) : new InferenceEngine();
        e.NumberOfIterations = iterations;
        return e;
    }

    /// <summary>x_i ~ N(m_i, v_i) independent, their sum observed exactly: x | s is Gaussian conditioning (EP exact).</summary>
    [Fact]
    public void Ep_ObservedSum_IsGaussianConditioning()
    {
        double[] m = [1, 2, 0, -1], v = [1, 0.5, 2, 1.5];
        double s = 6;
        var n = new Range(4).Named("n");
        var means = Variable.Observed(m, n).Named("means");
        var vars = Variable.Observed(v, n).Named("vars");
        var x = Variable.Array<double>(n).Named("x");
        x[n] = Variable.GaussianFromMeanAndVariance(means[n], vars[n]);
        var total = Variable.Sum(x).Named("total");
        var engine = Make(vmp: false);
        var prior = engine.Infer<Gaussian>(total);
        Assert.Equal(m.Sum(), prior.GetMean(), 1e-12);
        Assert.Equal(v.Sum(), prior.GetVariance(), 1e-12);
        total.ObservedValue = s;
        var post = engine.Infer<Gaussian[]>(x);
        double vs = v.Sum(), r = s - m.Sum();
        for (int i = 0; i < 4; i++)
        {
            Assert.Equal(m[i] + v[i] / vs * r, post[i].GetMean(), 1e-12);
            Assert.Equal(v[i] - v[i] * v[i] / vs, post[i].GetVariance(), 1e-12);
        }
        Assert.Equal(Gaussian.FromMeanAndVariance(m.Sum(), vs).GetLogProb(s), engine.LastTrace!.FinalElbo, 1e-10);
    }

    /// <summary>
    /// A shared mean μ ~ N(0, 10), x_i ~ N(μ, 1), a reading N(Σ x, 0.5) = 7.5. The joint precision J over (μ, x) is written out
    /// here; VMP's optimum has the exact means J⁻¹h and variances 1/J_kk, and its bound rises every sweep.
    /// </summary>
    [Fact]
    public void Vmp_NoisySumWithSharedMean_IsTheMeanFieldOptimum()
    {
        var mean = Variable.GaussianFromMeanAndVariance(0, 10).Named("mean");
        var n = new Range(3).Named("n");
        var x = Variable.Array<double>(n).Named("x");
        x[n] = Variable.GaussianFromMeanAndVariance(mean, 1).ForEach(n);
        var reading = Variable.GaussianFromMeanAndVariance(Variable.Sum(x), 0.5).Named("reading");
        reading.ObservedValue = 7.5;
        var engine = Make(vmp: true, iterations: 200);
        var qm = engine.Infer<Gaussian>(mean);
        var qx = engine.Infer<Gaussian[]>(x);
        var j = Matrix<double>.Build.Dense(4, 4);
        var h = Vector<double>.Build.Dense(4);
        j[0, 0] = 0.1 + 3;
        for (int i = 1; i <= 3; i++)
        {
            j[0, i] = j[i, 0] = -1;
            for (int k = 1; k <= 3; k++) j[i, k] += 2;
            j[i, i] += 1;
            h[i] = 7.5 * 2;
        }
        var exact = j.Solve(h);
        Assert.Equal(exact[0], qm.GetMean(), 1e-9);
        Assert.Equal(1 / j[0, 0], qm.GetVariance(), 1e-12);
        for (int i = 0; i < 3; i++)
        {
            Assert.Equal(exact[i + 1], qx[i].GetMean(), 1e-9);
            Assert.Equal(1 / j[i + 1, i + 1], qx[i].GetVariance(), 1e-12);
        }
        var bounds = engine.LastTrace!.Select(s => s.Elbo).ToList();
        for (int k = 1; k < bounds.Count; k++) Assert.True(bounds[k] >= bounds[k - 1] - 1e-12, $"bound fell at sweep {k + 1}: {bounds[k - 1]} → {bounds[k]}");
    }

    /// <summary>Independent x_i and a noisy sum (a tree): EP is exact in the means, variances and evidence.</summary>
    [Fact]
    public void Ep_NoisySum_Tree_IsExact()
    {
        double[] m = [0.5, -1, 2], v = [1, 2, 0.5];
        double noise = 0.3, y0 = 3;
        var n = new Range(3).Named("n");
        var x = Variable.Array<double>(n).Named("x");
        x[n] = Variable.GaussianFromMeanAndVariance(Variable.Observed(m, n)[n], Variable.Observed(v, n)[n]);
        var y = Variable.GaussianFromMeanAndVariance(Variable.Sum(x), noise).Named("y");
        y.ObservedValue = y0;
        var engine = Make(vmp: false);
        var post = engine.Infer<Gaussian[]>(x);
        double vs = v.Sum() + noise, r = y0 - m.Sum();
        for (int i = 0; i < 3; i++)
        {
            Assert.Equal(m[i] + v[i] / vs * r, post[i].GetMean(), 1e-12);
            Assert.Equal(v[i] - v[i] * v[i] / vs, post[i].GetVariance(), 1e-12);
        }
        Assert.Equal(Gaussian.FromMeanAndVariance(m.Sum(), vs).GetLogProb(y0), engine.LastTrace!.FinalElbo, 1e-10);
    }

    [Fact]
    public void Vmp_ObservedSum_IsRefusedNamingTheVariables()
    {
        var n = new Range(3);
        var x = Variable.Array<double>(n).Named("parts");
        x[n] = Variable.GaussianFromMeanAndVariance(0, 1).ForEach(n);
        var total = Variable.Sum(x).Named("total");
        total.ObservedValue = 2;
        var e = Assert.Throws<NotSupportedException>(() => Make(vmp: true).Infer<Gaussian[]>(x));
        Assert.Contains("'total'", e.Message);
        Assert.Contains("'parts'", e.Message);
    }

    /// <summary>A sum per group, of an array created inside ForEach(n): each group's sum observed with noise (EP exact per group).</summary>
    [Fact]
    public void Ep_SumPerGroup_OfAnArrayCreatedInsideForEach_IsExact()
    {
        var n = new Range(2).Named("n");
        var c = new Range(3).Named("c");
        var y = Variable.Array<double>(n).Named("y");
        var partsOf = Variable.Array(Variable.Array<double>(c), n).Named("partsOf");
        using (Variable.ForEach(n))
        {
            var parts = Variable.Array<double>(c).Named("parts");
            parts[c] = Variable.GaussianFromMeanAndVariance(1, 2).ForEach(c);
            partsOf[n] = parts;
            y[n] = Variable.GaussianFromMeanAndVariance(Variable.Sum(parts), 0.5);
        }
        double[] data = [4.5, 1.0];
        y.ObservedValue = data;
        var post = Make(vmp: false).Infer<Gaussian[][]>(partsOf);
        for (int g = 0; g < 2; g++)
            for (int k = 0; k < 3; k++)
            {
                // each part N(1, 2); the group's reading N(Σ parts, 0.5): Gaussian conditioning
                double vs = 3 * 2 + 0.5;
                Assert.Equal(1 + 2 / vs * (data[g] - 3), post[g][k].GetMean(), 1e-12);
                Assert.Equal(2 - 4 / vs, post[g][k].GetVariance(), 1e-12);
            }
    }

    [Fact]
    public void Vmp_SumOfProducts_EqualsTheSameSumWrittenWithPlus()
    {
        // Matchbox's affinity: Σ_t u[t]·v[t] + noise. Under VMP the products are collapsed and the sum's messages to them
        // use the other terms' means; written as u0·v0 + u1·v1 with '+' the engine already solves it, so both must agree.
        double[] observed = [1.3, -0.4, 2.2];
        (Gaussian[] U, Gaussian[] V) Fit(bool useSum)
        {
            Range t = new Range(2).Named("t");
            var u = Variable.Array<double>(t).Named("u");
            u[t] = Variable.GaussianFromMeanAndVariance(0.5, 1).ForEach(t);
            var v = Variable.Array<double>(t).Named("v");
            v[t] = Variable.GaussianFromMeanAndVariance(-0.3, 2).ForEach(t);
            Variable<double> affinity;
            if (useSum)
            {
                var products = Variable.Array<double>(t).Named("products");
                products[t] = u[t] * v[t];
                affinity = Variable.Sum(products);
            }
            else affinity = u[0] * v[0] + u[1] * v[1];
            Range n = new Range(observed.Length).Named("n");
            var y = Variable.Array<double>(n).Named("y");
            y[n] = Variable.GaussianFromMeanAndVariance(affinity, 0.5).ForEach(n);
            y.ObservedValue = observed;
            var engine = new InferenceEngine(new VariationalMessagePassing()) { NumberOfIterations = 300 };
            return (engine.Infer<Gaussian[]>(u), engine.Infer<Gaussian[]>(v));
        }
        var (su, sv) = Fit(useSum: true);
        var (pu, pv) = Fit(useSum: false);
        for (int k = 0; k < 2; k++)
        {
            Assert.True(Math.Abs(su[k].GetMean() - pu[k].GetMean()) < 1e-8 && Math.Abs(su[k].GetVariance() - pu[k].GetVariance()) < 1e-8, $"u[{k}]: Sum {su[k]} vs plus {pu[k]}");
            Assert.True(Math.Abs(sv[k].GetMean() - pv[k].GetMean()) < 1e-8 && Math.Abs(sv[k].GetVariance() - pv[k].GetVariance()) < 1e-8, $"v[{k}]: Sum {sv[k]} vs plus {pv[k]}");
        }
    }

    [Fact]
    public void Vmp_SumOfProductsSharingAVariable_IsRefusedNamingIt()
    {
        var a = Variable.GaussianFromMeanAndVariance(0, 1).Named("a");
        Range t = new Range(2).Named("t");
        var b = Variable.Array<double>(t).Named("b");
        b[t] = Variable.GaussianFromMeanAndVariance(0, 1).ForEach(t);
        var products = Variable.Array<double>(t).Named("products");
        products[t] = a * b[t];
        Variable.GaussianFromMeanAndVariance(Variable.Sum(products), 1).ObservedValue = 1;
        var ex = Assert.Throws<NotSupportedException>(() => new InferenceEngine(new VariationalMessagePassing()).Infer<Gaussian>(a));
        Assert.Contains("'a'", ex.Message);
    }
}
