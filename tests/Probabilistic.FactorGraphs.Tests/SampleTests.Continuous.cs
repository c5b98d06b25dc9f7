using Probabilistic.FactorGraphs.Samples;

namespace Probabilistic.FactorGraphs.Tests;

// The samples with continuous parameters: grids, importance sampling, closed-form VMP fixed points, and what the data show.
public partial class SampleTests
{
    /// <summary>
    /// Exact: the posterior of (w, b) on a 401 × 401 grid over [−5, 5]². EP's means are within 0.05 of the exact ones (one
    /// sixth of a posterior standard deviation; 0.025 here); its variances are narrower, between half and all of the exact
    /// ones, because it keeps w and b independent and so drops their posterior correlation.
    /// </summary>
    [Fact]
    public void PoissonRegression_Ep_IsCloseToTheExactPosteriorOnAGrid()
    {
        var (x, y) = PoissonRegression.Data();
        const int points = 401;
        double step = 10.0 / (points - 1);
        var logP = new double[points, points];
        double max = double.NegativeInfinity;
        for (int i = 0; i < points; i++)
            for (int j = 0; j < points; j++)
            {
                double w = -5 + i * step, b = -5 + j * step, lp = -0.5 * (w * w + b * b);
                for (int n = 0; n < x.Length; n++)
                {
                    double eta = w * x[n] + b;
                    lp += y[n] * eta - Math.Exp(eta);
                }
                logP[i, j] = lp;
                max = Math.Max(max, lp);
            }
        double z = 0, mw = 0, mb = 0, sw = 0, sb = 0;
        for (int i = 0; i < points; i++)
            for (int j = 0; j < points; j++)
            {
                double p = Math.Exp(logP[i, j] - max), w = -5 + i * step, b = -5 + j * step;
                z += p; mw += p * w; mb += p * b; sw += p * w * w; sb += p * b * b;
            }
        mw /= z; mb /= z;
        double vw = sw / z - mw * mw, vb = sb / z - mb * mb;
        var r = Run(PoissonRegression.Run, vmp: false, iterations: 500);
        var ew = (Gaussian)r["w"];
        var eb = (Gaussian)r["bias"];
        AssertClose(mw, ew.GetMean(), 0.05, "E[w]");
        AssertClose(mb, eb.GetMean(), 0.05, "E[bias]");
        Assert.True(ew.GetVariance() > 0.5 * vw && ew.GetVariance() <= vw, $"var(w): EP {ew.GetVariance()}, exact {vw}");
        Assert.True(eb.GetVariance() > 0.5 * vb && eb.GetVariance() <= vb, $"var(bias): EP {eb.GetVariance()}, exact {vb}");
    }

    /// <summary>
    /// Each batch against its exact posterior (a 400 × 400 grid over the mean and the precision) under the prior the sample
    /// gave it, the previous batch's EP posterior: the mean's mean within 0.02 (a tenth of its standard deviation or less),
    /// its variance within 5%, the precision's mean within 5% (0.002, 1.7% and 2.3% at worst here).
    /// </summary>
    [Fact]
    public void OnlineGaussian_Ep_EachBatchIsCloseToItsExactPosterior()
    {
        double[][] batches = OnlineGaussian.Batches();
        var r = Run(OnlineGaussian.Run, vmp: false);
        Gaussian meanPrior = Gaussian.FromMeanAndVariance(0, 100);
        Gamma precisionPrior = Gamma.FromShapeAndScale(1, 1);
        for (int k = 0; k < batches.Length; k++)
        {
            double[] x = batches[k];
            double xBar = x.Average();
            const int points = 400;
            double muStep = 8.0 / points, tauStep = 3.0 / points;
            var logP = new double[points, points];
            double max = double.NegativeInfinity;
            for (int i = 0; i < points; i++)
                for (int j = 0; j < points; j++)
                {
                    double mu = xBar - 4 + (i + 0.5) * muStep, tau = (j + 0.5) * tauStep;
                    double lp = meanPrior.GetLogProb(mu) + precisionPrior.GetLogProb(tau) + 0.5 * x.Length * Math.Log(tau);
                    foreach (double xi in x) lp -= 0.5 * tau * (xi - mu) * (xi - mu);
                    logP[i, j] = lp;
                    max = Math.Max(max, lp);
                }
            double z = 0, m = 0, m2 = 0, t = 0;
            for (int i = 0; i < points; i++)
                for (int j = 0; j < points; j++)
                {
                    double p = Math.Exp(logP[i, j] - max), mu = xBar - 4 + (i + 0.5) * muStep, tau = (j + 0.5) * tauStep;
                    z += p; m += p * mu; m2 += p * mu * mu; t += p * tau;
                }
            m /= z; t /= z;
            double v = m2 / z - m * m;
            var mean = (Gaussian)r["mean" + k];
            var precision = (Gamma)r["precision" + k];
            AssertClose(m, mean.GetMean(), 0.02, $"batch {k}: E[mean]");
            AssertClose(v, mean.GetVariance(), 0.05 * v, $"batch {k}: var(mean)");
            AssertClose(t, precision.GetMean(), 0.05 * t, $"batch {k}: E[precision]");
            (meanPrior, precisionPrior) = (mean, precision);
        }
    }

    /// <summary>
    /// Under VMP each batch is the mean-field fixed point of a Gaussian with unknown mean and precision, in closed form
    /// (Bishop 2006, §10.1.3): q(μ) = N((μ₀/v₀ + E[τ]Σx) / (1/v₀ + N E[τ]), 1 / (1/v₀ + N E[τ])),
    /// q(τ) = Gamma(a₀ + N/2, b₀ + ½ Σ E[(x − μ)²]), iterated here to convergence.
    /// </summary>
    [Fact]
    public void OnlineGaussian_Vmp_EachBatchIsTheClosedFormMeanFieldFixedPoint()
    {
        double[][] batches = OnlineGaussian.Batches();
        var r = Run(OnlineGaussian.Run, vmp: true);
        double m0 = 0, v0 = 100, a0 = 1, b0 = 1;
        for (int k = 0; k < batches.Length; k++)
        {
            double[] x = batches[k];
            double eTau = a0 / b0, m = 0, v = 0, a = a0 + x.Length / 2.0, b = b0;
            for (int sweep = 0; sweep < 10_000; sweep++)
            {
                double precision = 1 / v0 + x.Length * eTau;
                m = (m0 / v0 + eTau * x.Sum()) / precision;
                v = 1 / precision;
                b = b0 + 0.5 * x.Sum(xi => (xi - m) * (xi - m) + v);
                eTau = a / b;
            }
            var mean = (Gaussian)r["mean" + k];
            var precisionQ = (Gamma)r["precision" + k];
            AssertClose(m, mean.GetMean(), 1e-9 * Math.Abs(m), $"batch {k}: E[mean]");
            AssertClose(v, mean.GetVariance(), 1e-9 * v, $"batch {k}: var(mean)");
            AssertClose(a, precisionQ.Shape, 1e-9 * a, $"batch {k}: precision shape");
            AssertClose(b, precisionQ.Rate, 1e-9 * b, $"batch {k}: precision rate");
            (m0, v0, a0, b0) = (m, v, a, b);
        }
    }

    /// <summary>
    /// Exact posterior means by importance sampling from the prior (400,000 draws, seed 7; the effective sample size is
    /// about 17,000, so the Monte Carlo standard error of each mean is about 0.025): EP's means are within 0.25 of them
    /// (0.07 at most here). EP's variances are not compared: the comparisons identify only differences of skills, and the
    /// exact marginals keep the prior's uncertainty about their common level, which a posterior factorised by player cannot.
    /// </summary>
    [Fact]
    public void TrueSkillThroughTime_Ep_MeansAreCloseToImportanceSampling()
    {
        var (winners, losers) = TrueSkillThroughTime.Games();
        int years = winners.Length, players = 3;
        var rng = new SampleRandom(7);
        const int draws = 400_000;
        var s = new double[years, players];
        var sum = new double[years, players];
        double total = 0, totalSquared = 0;
        for (int draw = 0; draw < draws; draw++)
        {
            for (int p = 0; p < players; p++)
            {
                s[0, p] = rng.Normal(25, 5);
                for (int year = 1; year < years; year++) s[year, p] = s[year - 1, p] + rng.Normal();
            }
            double w = 1;
            for (int year = 0; year < years; year++)
                for (int g = 0; g < winners[year].Length; g++)
                    w *= Phi((s[year, winners[year][g]] - s[year, losers[year][g]]) / Math.Sqrt(8));
            total += w;
            totalSquared += w * w;
            for (int year = 0; year < years; year++)
                for (int p = 0; p < players; p++) sum[year, p] += w * s[year, p];
        }
        double effective = total * total / totalSquared;
        Assert.True(effective > 5_000, $"importance sampling's effective sample size {effective} is too small for the tolerance");
        var r = Run(TrueSkillThroughTime.Run, vmp: false);
        for (int year = 0; year < years; year++)
        {
            var skills = (Gaussian[])r["skills" + year];
            for (int p = 0; p < players; p++)
                AssertClose(sum[year, p] / total, skills[p].GetMean(), 0.25,
                    $"year {year}, player {p}: E[skill] (seed 7, ESS {effective:F0})");
        }
    }

    /// <summary>
    /// Under VMP on ten ratings the traits switch off (their means go to zero, as in Infer.NET's answer), so the affinity's
    /// mean is the two biases and the model is a probit regression on them. Its mean-field fixed point in closed form:
    /// q(bias) = N((Σ E[performance] − E[other bias]) / (1 + ratings), 1 / (1 + ratings)), E[performance] the mean of N(mean
    /// affinity, 1) truncated to the side of the rating, iterated here to convergence.
    /// </summary>
    [Fact]
    public void Recommender_Vmp_BiasesAreTheClosedFormProbitFixedPoint_WithTheTraitsSwitchedOff()
    {
        var (users, items, likes) = Recommender.Data();
        var r = Run(Recommender.Run, vmp: true);
        foreach (var (trait, i) in ((Gaussian[][])r["userTraits"]).SelectMany((row, u) => row.Select((g, t) => (g, $"[{u}][{t}]"))))
            Assert.True(Math.Abs(trait.GetMean()) < 1e-9, $"userTraits{i} = {trait}: expected the traits switched off (mean 0)");
        var userBias = new double[3];
        var itemBias = new double[4];
        var performance = new double[users.Length];
        for (int sweep = 0; sweep < 10_000; sweep++)
        {
            for (int n = 0; n < users.Length; n++)
            {
                double mu = userBias[users[n]] + itemBias[items[n]], density = Math.Exp(-0.5 * mu * mu) / Math.Sqrt(2 * Math.PI);
                performance[n] = likes[n] ? mu + density / Phi(mu) : mu - density / Phi(-mu);
            }
            for (int u = 0; u < 3; u++)
            {
                var rated = Enumerable.Range(0, users.Length).Where(n => users[n] == u).ToList();
                userBias[u] = rated.Sum(n => performance[n] - itemBias[items[n]]) / (1 + rated.Count);
            }
            for (int i = 0; i < 4; i++)
            {
                var rated = Enumerable.Range(0, items.Length).Where(n => items[n] == i).ToList();
                itemBias[i] = rated.Sum(n => performance[n] - userBias[users[n]]) / (1 + rated.Count);
            }
        }
        var qUser = (Gaussian[])r["userBias"];
        var qItem = (Gaussian[])r["itemBias"];
        for (int u = 0; u < 3; u++)
        {
            AssertClose(userBias[u], qUser[u].GetMean(), 1e-6, $"E[userBias[{u}]]");
            AssertClose(1.0 / (1 + users.Count(x => x == u)), qUser[u].GetVariance(), 1e-9, $"var(userBias[{u}])");
        }
        for (int i = 0; i < 4; i++)
        {
            AssertClose(itemBias[i], qItem[i].GetMean(), 1e-6, $"E[itemBias[{i}]]");
            AssertClose(1.0 / (1 + items.Count(x => x == i)), qItem[i].GetVariance(), 1e-9, $"var(itemBias[{i}])");
        }
    }

    /// <summary>
    /// Document 0 uses words 0–2 and document 1 words 3–5: under either algorithm the two documents favour different topics,
    /// and each of those topics puts most of its mass on its document's words. Under VMP every word is counted once across
    /// the topics (Σ_t (α_t[v] − 0.5) is the count of word v) and every document's length once across its topic proportions.
    /// </summary>
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Lda_TopicsSeparateTheTwoVocabularies(bool vmp)
    {
        int[][] documents = Lda.Documents();
        var r = Run(Lda.Run, vmp);
        var phi = (Dirichlet[])r["phi"];
        var theta = (Dirichlet[])r["theta"];
        int first = theta[0].GetMean()[0] > 0.5 ? 0 : 1, second = 1 - first;
        Assert.True(theta[1].GetMean()[second] > 0.5, $"documents 0 and 1 favour the same topic: {theta[0]}, {theta[1]}");
        double MassOn(Dirichlet d, int from) => Enumerable.Range(from, 3).Sum(v => d.GetMean()[v]);
        Assert.True(MassOn(phi[first], 0) > 0.5, $"topic {first} (document 0's) puts {MassOn(phi[first], 0)} on words 0-2: {phi[first]}");
        Assert.True(MassOn(phi[second], 3) > 0.5,
            $"topic {second} (document 1's) puts {MassOn(phi[second], 3)} on words 3-5: {phi[second]}");
        if (!vmp) return;
        for (int v = 0; v < 6; v++)
        {
            int count = documents.Sum(d => d.Count(word => word == v));
            AssertClose(count, phi[0][v] - 0.5 + phi[1][v] - 0.5, 1e-9, $"word {v}: counts across the topics");
        }
        for (int d = 0; d < documents.Length; d++)
            AssertClose(documents[d].Length, theta[d][0] - 1 + theta[d][1] - 1, 1e-9, $"document {d}: words across its topics");
    }

    /// <summary>
    /// The classes were made by the largest of (0, 1.5·x₀, 1.5·x₁): the posterior mean weights must point class 1 along x₀
    /// and class 2 along x₁ relative to class 0, and classify at least 13 of the 15 training inputs as labelled.
    /// </summary>
    [Fact]
    public void MultinomialRegression_Vmp_RecoversTheLabellingRule()
    {
        var (inputs, classes) = MultinomialRegression.Data();
        var r = Run(MultinomialRegression.Run, vmp: true, iterations: 500);
        var weights = ((VectorGaussian[])r["weights"]).Select(g => g.GetMean()).ToArray();
        var biases = ((Gaussian[])r["biases"]).Select(g => g.GetMean()).ToArray();
        double[] d1 = [weights[1][0] - weights[0][0], weights[1][1] - weights[0][1]];
        double[] d2 = [weights[2][0] - weights[0][0], weights[2][1] - weights[0][1]];
        Assert.True(d1[0] > 1 && Math.Abs(d1[1]) < 0.5 * d1[0], $"w1 − w0 = ({d1[0]}, {d1[1]}): expected along x0");
        Assert.True(d2[1] > 1 && Math.Abs(d2[0]) < 0.5 * d2[1], $"w2 − w0 = ({d2[0]}, {d2[1]}): expected along x1");
        int correct = 0;
        for (int n = 0; n < inputs.Length; n++)
        {
            var scores = Enumerable.Range(0, 3)
                .Select(c => weights[c][0] * inputs[n][0] + weights[c][1] * inputs[n][1] + biases[c]).ToList();
            if (scores.IndexOf(scores.Max()) == classes[n]) correct++;
        }
        Assert.True(correct >= 13, $"the posterior mean weights classify {correct} of {inputs.Length} training inputs as labelled");
    }
}
