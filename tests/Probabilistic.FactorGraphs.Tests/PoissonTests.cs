using MathNet.Numerics;
using NegativeBinomial = MathNet.Numerics.Distributions.NegativeBinomial;
using PoissonDist = MathNet.Numerics.Distributions.Poisson;

namespace Probabilistic.FactorGraphs.Tests;

/// <summary>
/// Observed counts x ~ Poisson(λ) with a Gamma mean: the conjugate posterior Gamma(a + Σx, b + n), the evidence as a chain of
/// negative-binomial predictive probabilities (MathNet's NegativeBinomial, r = a, p = b/(b + 1), updated after each count),
/// a million counts through the sufficient-statistics path, per-group means, a VMP mixture of Poissons against its own
/// mean-field fixed-point equations, and the refusals.
/// </summary>
public class PoissonTests
{
    private static readonly int[] Counts = [3, 0, 5, 2, 7, 1, 4, 4, 2];

    private static InferenceEngine Engine(bool vmp) => vmp ? new InferenceEngine(new VariationalMessagePassing()) : new InferenceEngine();

    /// <summary>Σ_k log NegBin(x_k; a_k, b_k/(b_k + 1)), the prior updated to Gamma(a + x_k, b + 1) after each count.</summary>
    private static double ChainLogEvidence(double a, double b, IEnumerable<int> counts)
    {
        double s = 0;
        foreach (int x in counts)
        {
            s += NegativeBinomial.PMFLn(a, b / (b + 1), x);
            a += x;
            b += 1;
        }
        return s;
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void GammaMean_ObservedCounts_ExactPosteriorAndNegativeBinomialEvidence(bool vmp)
    {
        double a = 2.5, b = 0.75;
        Variable<double> rate = Variable.GammaFromShapeAndRate(a, b).Named("rate");
        Range n = new Range(Counts.Length).Named("n");
        VariableArray<int> counts = Variable.Array<int>(n).Named("counts");
        counts[n] = Variable.Poisson(rate).ForEach(n);
        counts.ObservedValue = Counts;
        var engine = Engine(vmp);
        var post = engine.Infer<Gamma>(rate);
        Assert.Equal(a + Counts.Sum(), post.Shape, 1e-9);
        Assert.Equal(b + Counts.Length, post.Rate, 1e-9);
        // one latent variable: VMP's bound is tight and EP exact, both equal to the evidence
        Assert.Equal(ChainLogEvidence(a, b, Counts), engine.LastTrace!.FinalElbo, 1e-9);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void GammaMean_OneObservedCount_PerInstancePath_ExactPosteriorAndEvidence(bool vmp)
    {
        double a = 1.5, b = 2;
        Variable<double> rate = Variable.GammaFromShapeAndRate(a, b).Named("rate");
        Variable<int> x = Variable.Poisson(rate).Named("x");
        x.ObservedValue = 6;
        var engine = Engine(vmp);
        var post = engine.Infer<Gamma>(rate);
        Assert.Equal(a + 6, post.Shape, 1e-9);
        Assert.Equal(b + 1, post.Rate, 1e-9);
        Assert.Equal(NegativeBinomial.PMFLn(a, b / (b + 1), 6), engine.LastTrace!.FinalElbo, 1e-9);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void MillionCounts_SufficientStatistics_ExactPosteriorAndEvidence(bool vmp)
    {
        const int size = 1_000_000;
        var rng = new Random(20261123);
        var data = new int[size];
        for (int i = 0; i < size; i++) data[i] = PoissonDist.Sample(rng, 3.7);
        double a = 2, b = 1;
        Variable<double> rate = Variable.GammaFromShapeAndRate(a, b).Named("rate");
        Range n = new Range(size).Named("n");
        VariableArray<int> counts = Variable.Array<int>(n).Named("counts");
        counts[n] = Variable.Poisson(rate).ForEach(n);
        counts.ObservedValue = data;
        var engine = Engine(vmp);
        engine.NumberOfIterations = 3;
        var post = engine.Infer<Gamma>(rate);
        long sum = data.Sum(x => (long)x);
        Assert.Equal(a + sum, post.Shape, 1e-9 * (a + sum));
        Assert.Equal(b + size, post.Rate, 1e-9 * (b + size));
        // the closed form of the chain of negative binomials: Γ(a + S) bᵃ / (Γ(a) (b + n)^(a+S) Π x!)
        double logZ = a * Math.Log(b) - SpecialFunctions.GammaLn(a) + SpecialFunctions.GammaLn(a + sum) - (a + sum) * Math.Log(b + size)
                      - data.Sum(x => SpecialFunctions.GammaLn(x + 1.0));
        Assert.True(Math.Abs(logZ - engine.LastTrace!.FinalElbo) < 1e-9 * Math.Abs(logZ), $"log evidence {engine.LastTrace!.FinalElbo} vs closed form {logZ}");
    }

    [Theory]
    [InlineData(false, 12)]
    [InlineData(true, 12)]
    [InlineData(false, 4)] // 3 groups for 4 counts: the per-observation loop rather than sufficient statistics
    [InlineData(true, 4)]
    public void GroupedCounts_IndexedMean_EachGroupConjugate(bool vmp, int size)
    {
        int[] group = new[] { 0, 1, 2, 0, 1, 2, 0, 1, 2, 0, 0, 1 }[..size];
        int[] data = new[] { 3, 9, 0, 4, 11, 1, 2, 8, 0, 5, 3, 10 }[..size];
        double a = 1.5, b = 0.5;
        Range k = new Range(3).Named("k");
        VariableArray<double> rates = Variable.Array<double>(k).Named("rates");
        rates[k] = Variable.GammaFromShapeAndRate(a, b).ForEach(k);
        Range n = new Range(data.Length).Named("n");
        VariableArray<int> g = Variable.Observed(group, n).Named("g");
        VariableArray<int> counts = Variable.Array<int>(n).Named("counts");
        counts[n] = Variable.Poisson(rates[g[n]]);
        counts.ObservedValue = data;
        var engine = Engine(vmp);
        var post = engine.Infer<Gamma[]>(rates);
        double logZ = 0;
        for (int c = 0; c < 3; c++)
        {
            var mine = data.Where((_, i) => group[i] == c).ToArray();
            Assert.Equal(a + mine.Sum(), post[c].Shape, 1e-9);
            Assert.Equal(b + mine.Length, post[c].Rate, 1e-9);
            logZ += ChainLogEvidence(a, b, mine);
        }
        Assert.Equal(logZ, engine.LastTrace!.FinalElbo, 1e-9);
    }

    [Fact]
    public void MixtureOfTwoPoissons_Vmp_RecoversRatesAtItsMeanFieldFixedPoint()
    {
        var rng = new Random(4242);
        double[] truth = [2, 15];
        var data = new int[400];
        for (int i = 0; i < data.Length; i++) data[i] = PoissonDist.Sample(rng, truth[i % 4 == 0 ? 1 : 0]);
        double a0 = 1, b0 = 0.1;
        Range k = new Range(2).Named("k");
        VariableArray<double> rates = Variable.Array<double>(k).Named("rates");
        rates[k] = Variable.GammaFromShapeAndRate(a0, b0).ForEach(k);
        Variable<Vector> weights = Variable.Dirichlet(new double[] { 1, 1 }).Named("weights");
        Range n = new Range(data.Length).Named("n");
        VariableArray<int> counts = Variable.Array<int>(n).Named("counts");
        VariableArray<int> z = Variable.Array<int>(n).Named("z");
        using (Variable.ForEach(n))
        {
            z[n] = Variable.Discrete(weights);
            using (Variable.Switch(z[n])) counts[n] = Variable.Poisson(rates[z[n]]);
        }
        counts.ObservedValue = data;
        var init = new Random(7);
        z.InitialiseTo(Enumerable.Range(0, data.Length).Select(_ => Discrete.PointMass(init.Next(2), 2)).ToArray());
        var engine = new InferenceEngine(new VariationalMessagePassing()) { NumberOfIterations = 200 };
        var qr = engine.Infer<Gamma[]>(rates);
        var qz = engine.Infer<Discrete[]>(z);
        var qw = engine.Infer<Dirichlet>(weights);

        var trace = engine.LastTrace!;
        for (int i = 1; i < trace.Count; i++)
            Assert.True(trace[i].Elbo >= trace[i - 1].Elbo - 1e-10 * Math.Abs(trace[i].Elbo), $"ELBO fell at sweep {i + 1}: {trace[i - 1].Elbo} -> {trace[i].Elbo}");
        var means = qr.Select(q => q.GetMean()).OrderBy(m => m).ToArray();
        Assert.True(Math.Abs(means[0] - truth[0]) < 0.3 && Math.Abs(means[1] - truth[1]) < 1.0, $"rates {means[0]}, {means[1]} vs {truth[0]}, {truth[1]}");

        // the mean-field fixed point, from the textbook updates (Bishop 2006 §10.2 with Poisson–Gamma components):
        // q(λ_k) = Gamma(a0 + Σ r_nk x_n, b0 + Σ r_nk); q(w) = Dir(1 + Σ r_nk); r_nk ∝ exp(E log w_k + x_n E log λ_k − E λ_k)
        var logW = qw.GetMeanLog();
        for (int c = 0; c < 2; c++)
        {
            double rSum = 0, rx = 0;
            for (int i = 0; i < data.Length; i++) { rSum += qz[i][c]; rx += qz[i][c] * data[i]; }
            Assert.Equal(a0 + rx, qr[c].Shape, 1e-6 * (a0 + rx));
            Assert.Equal(b0 + rSum, qr[c].Rate, 1e-6 * (b0 + rSum));
            Assert.Equal(1 + rSum, qw[c], 1e-6 * (1 + rSum));
        }
        for (int i = 0; i < data.Length; i += 37)
        {
            var l = new double[2];
            for (int c = 0; c < 2; c++)
                l[c] = logW[c] + data[i] * (SpecialFunctions.DiGamma(qr[c].Shape) - Math.Log(qr[c].Rate)) - qr[c].Shape / qr[c].Rate;
            double r1 = 1 / (1 + Math.Exp(l[0] - l[1]));
            Assert.Equal(r1, qz[i][1], 1e-6);
        }
    }

    [Fact]
    public void MixtureOfTwoPoissons_Ep_OneCount_ExactEvidenceAndProjectedPosteriors()
    {
        // one count under a two-component mixture: EP's evidence and q(z) are exact, and each rate's marginal is the
        // Gamma with the mean and variance of its exact posterior, a two-part mixture computed here
        double[] shape = [2, 6], rate = [1, 0.5], w = [0.3, 0.7];
        const int x = 4;
        var rates = new[] { Variable.GammaFromShapeAndRate(shape[0], rate[0]).Named("rate0"), Variable.GammaFromShapeAndRate(shape[1], rate[1]).Named("rate1") };
        Variable<bool> second = Variable.Bernoulli(w[1]).Named("second");
        using (Variable.If(second)) Variable.Poisson(rates[1]).ObservedValue = x;
        using (Variable.IfNot(second)) Variable.Poisson(rates[0]).ObservedValue = x;
        var engine = new InferenceEngine(new ExpectationPropagation { ForceProperMessages = false }) { NumberOfIterations = 5 };
        double p1 = engine.Infer<Bernoulli>(second).GetProbTrue();
        double[] qz = [1 - p1, p1];
        var qr = rates.Select(r => engine.Infer<Gamma>(r)).ToArray();

        var joint = new double[2];
        for (int c = 0; c < 2; c++) joint[c] = w[c] * Math.Exp(NegativeBinomial.PMFLn(shape[c], rate[c] / (rate[c] + 1), x));
        double z0 = joint.Sum();
        Assert.Equal(Math.Log(z0), engine.LastTrace!.FinalElbo, 1e-9);
        for (int c = 0; c < 2; c++)
        {
            double p = joint[c] / z0;
            Assert.Equal(p, qz[c], 1e-9);
            // λ_c's posterior: Gamma(a + x, b + 1) with probability p, its prior Gamma(a, b) otherwise
            double m1 = (shape[c] + x) / (rate[c] + 1), v1 = (shape[c] + x) / ((rate[c] + 1) * (rate[c] + 1));
            double m0 = shape[c] / rate[c], v0 = shape[c] / (rate[c] * rate[c]);
            double mean = p * m1 + (1 - p) * m0;
            double variance = p * (v1 + m1 * m1) + (1 - p) * (v0 + m0 * m0) - mean * mean;
            Assert.Equal(mean, qr[c].GetMean(), 1e-9);
            Assert.Equal(variance, qr[c].GetVariance(), 1e-9);
        }
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void NegativeObservedCount_IsRefusedNamingTheVariable(bool vmp)
    {
        Variable<double> rate = Variable.GammaFromShapeAndRate(1, 1).Named("rate");
        Range n = new Range(3).Named("n");
        VariableArray<int> counts = Variable.Array<int>(n).Named("visits");
        counts[n] = Variable.Poisson(rate).ForEach(n);
        counts.ObservedValue = [2, -1, 3];
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => Engine(vmp).Infer<Gamma>(rate));
        Assert.Contains("'visits'[1]", e.Message);
        Assert.Contains("-1", e.Message);
    }

    [Fact]
    public void RandomCount_IsRefusedNamingTheCountAndTheMean()
    {
        Variable<double> rate = Variable.GammaFromShapeAndRate(1, 1).Named("rate");
        Variable<int> x = Variable.Poisson(rate).Named("arrivals");
        var e = Assert.Throws<NotSupportedException>(() => new InferenceEngine().Infer<Gamma>(rate));
        Assert.Contains("'arrivals'", e.Message);
        Assert.Contains("'rate'", e.Message);
        Assert.Contains("ObservedValue", e.Message);
        _ = x;
    }
}
