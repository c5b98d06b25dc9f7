using System.Reflection;
using Probabilistic.FactorGraphs.Samples;
using Probabilistic.FactorGraphs.Tests.InferNet;
using SpecialFunctions = MathNet.Numerics.SpecialFunctions;

namespace Probabilistic.FactorGraphs.Tests;

/// <summary>
/// The acceptance samples (Samples/Examples) against sources independent of the engine and of Infer.NET: enumeration
/// (Monty Hall, the student network), exact mixtures of conjugate posteriors (wet grass, click model, crowdsourcing), grids
/// over the exact posterior (Poisson regression, the online Gaussian), importance sampling (TrueSkill through time), VMP's
/// fixed point in closed form (the online Gaussian, the recommender) and what the data must show (LDA, multinomial
/// regression). Their agreement with Infer.NET is <c>InferNetFixtureTests</c>' (fixtures <c>Samples.*</c>); the catalogue's
/// consistency with those fixtures is checked here.
/// </summary>
public partial class SampleTests
{
    private static Dictionary<string, object> Run(Action<InferenceEngine, Action<string, object>> model, bool vmp, int iterations = 50)
    {
        var engine = new InferenceEngine(vmp ? new VariationalMessagePassing() : new ExpectationPropagation())
        {
            NumberOfIterations = iterations,
        };
        var reported = new Dictionary<string, object>();
        model(engine, reported.Add);
        return reported;
    }

    private static void AssertClose(double expected, double actual, double tolerance, string what) =>
        Assert.True(Math.Abs(expected - actual) <= tolerance, $"{what}: expected {expected} ± {tolerance}, got {actual}");

    private static double LogBeta(double a, double b) =>
        SpecialFunctions.GammaLn(a) + SpecialFunctions.GammaLn(b) - SpecialFunctions.GammaLn(a + b);

    private static double Phi(double z) => 0.5 * SpecialFunctions.Erfc(-z / Math.Sqrt(2));

    // ---- the catalogue ----

    [Fact]
    public void Catalogue_NamesAreKebabCaseAndUnique_AndFindIgnoresCase()
    {
        foreach (var s in SampleCatalog.All)
            Assert.True(System.Text.RegularExpressions.Regex.IsMatch(s.Name, "^[a-z0-9]+(-[a-z0-9]+)*$"), $"'{s.Name}' is not kebab-case");
        Assert.Equal(SampleCatalog.All.Count, SampleCatalog.All.Select(s => s.Name).Distinct().Count());
        Assert.Same(SampleCatalog.All[1], SampleCatalog.Find("MONTY-HALL"));
        Assert.Null(SampleCatalog.Find("monty"));
    }

    /// <summary>
    /// Every sample is in the idiom catalogue (Idioms/Samples.cs) with the catalogue's sweeps, and Infer.NET answers under the
    /// sample's default algorithm (its fixture is not a refusal), so the default is a model both libraries run.
    /// </summary>
    [Fact]
    public void Catalogue_EverySampleHasFixtures_WithItsSweeps_AndInferNetRunsItsDefaultAlgorithm()
    {
        var wrappers = typeof(InferNet.Idioms.Samples).GetMethods(BindingFlags.Public | BindingFlags.Static)
            .Where(m => m.GetCustomAttribute<InferNet.Idioms.IdiomAttribute>() is not null).Select(m => m.Name).ToHashSet();
        foreach (var sample in SampleCatalog.All)
        {
            string model = sample.Model.Method.DeclaringType!.Name;
            Assert.True(wrappers.Remove(model), $"{sample.Name}: Idioms/Samples.cs has no [Idiom] {model}");
            var idiom = typeof(InferNet.Idioms.Samples).GetMethod(model)!.GetCustomAttribute<InferNet.Idioms.IdiomAttribute>()!;
            Assert.True(idiom.NumberOfIterations == sample.Iterations,
                $"{sample.Name}: the catalogue runs {sample.Iterations} sweeps, its fixtures were made with {idiom.NumberOfIterations}");
            string algorithm = sample.Algorithm is VariationalMessagePassing ? "VMP" : "EP";
            var fixture = InferNetFixture.Load($"Samples.{model}.{algorithm}");
            Assert.False(fixture.Refused, $"{sample.Name}: Infer.NET refuses its default algorithm {algorithm}: {fixture.Message}");
        }
        Assert.True(wrappers.Count == 0, "samples in Idioms/Samples.cs missing from SampleCatalog: " + string.Join(", ", wrappers));
    }

    /// <summary>
    /// Run as a user runs it (the catalogue's engine, which may stop early by its tolerance), every sample agrees with
    /// Infer.NET's fixture for its default algorithm to 1e-6, unless that fixture is a listed known difference.
    /// </summary>
    [Fact]
    public void EverySample_UnderItsDefaults_AgreesWithInferNet()
    {
        foreach (var sample in SampleCatalog.All)
        {
            string id = $"Samples.{sample.Model.Method.DeclaringType!.Name}.{(sample.Algorithm is VariationalMessagePassing ? "VMP" : "EP")}";
            if (InferNet.KnownDifferences.All.ContainsKey(id)) continue;
            var record = new InferNet.OurRecorder();
            sample.Run(record.Add);
            var r = InferNet.FixtureComparison.CompareRecorded(id, record);
            Assert.True(r.Outcome == InferNet.FixtureOutcome.Agrees, $"{sample.Name} ({id}) under the catalogue's defaults: {r.Report}");
        }
    }

    [Fact]
    public void EverySample_RunsUnderItsDefaults_AndReportsProperPosteriors()
    {
        foreach (var sample in SampleCatalog.All)
        {
            var reported = new List<(string Name, object Value)>();
            sample.Run((name, value) => reported.Add((name, value)));
            Assert.True(reported.Count > 0, $"{sample.Name} reported nothing");
            foreach (var (name, value) in reported)
                Assert.True(value is not null && !value.ToString()!.Contains("NaN", StringComparison.Ordinal),
                    $"{sample.Name}: {name} = {value}");
        }
    }

    // ---- enumeration ----

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void MontyHall_IsTheEnumeratedPosterior(bool vmp)
    {
        // P(prize = p | guess 0, host opens 2) ∝ P(p) P(host 2 | p, guess 0), the host uniform over the doors he may open
        var exact = new double[3];
        for (int p = 0; p < 3; p++)
        {
            var open = Enumerable.Range(0, 3).Where(d => d != p && d != 0).ToList();
            exact[p] = open.Contains(2) ? 1.0 / 3 / open.Count : 0;
        }
        double total = exact.Sum();
        var prize = (Discrete)Run(MontyHall.Run, vmp)["prize"];
        for (int p = 0; p < 3; p++) AssertClose(exact[p] / total, prize[p], 1e-12, $"P(prize = {p})");
    }

    [Fact]
    public void StudentNetwork_Ep_IsTheEnumeratedPosterior()
    {
        // P(i) 0.3, P(d) 0.4; P(grade C | i, d); P(high SAT | i); P(strong letter | C) = 0.01. The grade observed, the graph
        // is a tree, so EP is exact.
        double[,] gradeC = { { 0.3, 0.7 }, { 0.02, 0.2 } }; // [i, d]
        double[] highSat = [0.05, 0.8];
        double z = 0, pi = 0, pd = 0;
        for (int i = 0; i < 2; i++)
            for (int d = 0; d < 2; d++)
            {
                double w = (i == 1 ? 0.3 : 0.7) * (d == 1 ? 0.4 : 0.6) * gradeC[i, d] * highSat[i];
                z += w;
                if (i == 1) pi += w;
                if (d == 1) pd += w;
            }
        var r = Run(StudentNetwork.Run, vmp: false);
        AssertClose(pi / z, ((Bernoulli)r["intelligent"]).GetProbTrue(), 1e-9, "P(intelligent)");
        AssertClose(pd / z, ((Bernoulli)r["hard"]).GetProbTrue(), 1e-9, "P(hard)");
        AssertClose(0.01, ((Bernoulli)r["strongLetter"]).GetProbTrue(), 1e-12, "P(strong letter | grade C)");
    }

    // ---- conjugate posteriors and their mixtures ----

    /// <summary>
    /// The 40 complete days give each entry Beta(a, b) = Beta(1 + times true, 1 + times false), counted here from the data.
    /// The query day adds at most one partial case to each entry, so each posterior mean lies in [a/(a+b+1), (a+1)/(a+b+1)]
    /// (EP: the moment match of a mixture of Beta(a+1, b), Beta(a, b+1), Beta(a, b); VMP: Beta(a + x, b + y) with x + y ≤ 1,
    /// whose total count is checked too).
    /// </summary>
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void WetGrassLearnedTables_EachEntryIsItsCountsPlusAtMostTheQueryDay(bool vmp)
    {
        var (c, s, r, w) = WetGrassLearnedTables.Data();
        var all = Enumerable.Range(0, c.Length).ToList();
        (int, int) Count(Func<int, bool> parents, bool[] child)
        {
            var rows = all.Where(parents).ToList();
            return (rows.Count(i => child[i]), rows.Count(i => !child[i]));
        }
        var counts = new Dictionary<string, (int True, int False)>
        {
            ["pCloudy"] = Count(_ => true, c),
            ["pSprinklerIfCloudy"] = Count(i => c[i], s),
            ["pSprinklerIfClear"] = Count(i => !c[i], s),
            ["pRainIfCloudy"] = Count(i => c[i], r),
            ["pRainIfClear"] = Count(i => !c[i], r),
            ["pWet0"] = Count(i => s[i] && r[i], w),
            ["pWet1"] = Count(i => s[i] && !r[i], w),
            ["pWet2"] = Count(i => !s[i] && r[i], w),
            ["pWet3"] = Count(i => !s[i] && !r[i], w),
        };
        var reported = Run(WetGrassLearnedTables.Run, vmp);
        foreach (var (name, (t, f)) in counts)
        {
            var beta = (Beta)reported[name];
            double a = 1 + t, b = 1 + f, mean = beta.GetMean();
            Assert.True(mean >= a / (a + b + 1) - 1e-12 && mean <= (a + 1) / (a + b + 1) + 1e-12,
                $"{name}: {beta}, mean {mean} outside [{a / (a + b + 1)}, {(a + 1) / (a + b + 1)}] for the counts Beta({a}, {b})");
            if (vmp)
                Assert.True(beta.TotalCount >= a + b - 1e-9 && beta.TotalCount <= a + b + 1 + 1e-9,
                    $"{name}: {beta} has total count {beta.TotalCount}, expected between {a + b} and {a + b + 1}");
        }
    }

    /// <summary>
    /// Exact: an unclicked impression was not examined, or examined and not attracted, so the posterior is a mixture of
    /// 2^7 products of Betas, each weighted by its Beta-function evidence. EP's means are within 0.02 of the exact ones
    /// (0.009 at most here).
    /// </summary>
    [Fact]
    public void ClickModel_Ep_IsCloseToTheExactMixturePosterior()
    {
        var (docs, positions, clicks) = ClickModel.Data();
        int[] unclicked = Enumerable.Range(0, clicks.Length).Where(n => !clicks[n]).ToArray();
        double total = 0;
        var attractiveness = new double[3];
        var examination = new double[2];
        for (int mask = 0; mask < 1 << unclicked.Length; mask++)
        {
            var a = new double[3, 2] { { 1, 1 }, { 1, 1 }, { 1, 1 } };
            var e = new double[2, 2] { { 2, 1 }, { 2, 1 } };
            for (int n = 0; n < clicks.Length; n++)
                if (clicks[n]) { a[docs[n], 0]++; e[positions[n], 0]++; }
            for (int j = 0; j < unclicked.Length; j++)
            {
                int n = unclicked[j];
                if ((mask >> j & 1) == 0) e[positions[n], 1]++;               // not examined
                else { e[positions[n], 0]++; a[docs[n], 1]++; }              // examined, not attracted
            }
            double logW = 0;
            for (int d = 0; d < 3; d++) logW += LogBeta(a[d, 0], a[d, 1]) - LogBeta(1, 1);
            for (int p = 0; p < 2; p++) logW += LogBeta(e[p, 0], e[p, 1]) - LogBeta(2, 1);
            double w = Math.Exp(logW);
            total += w;
            for (int d = 0; d < 3; d++) attractiveness[d] += w * a[d, 0] / (a[d, 0] + a[d, 1]);
            for (int p = 0; p < 2; p++) examination[p] += w * e[p, 0] / (e[p, 0] + e[p, 1]);
        }
        var r = Run(ClickModel.Run, vmp: false);
        var ea = (Beta[])r["attractiveness"];
        var ee = (Beta[])r["examination"];
        for (int d = 0; d < 3; d++) AssertClose(attractiveness[d] / total, ea[d].GetMean(), 0.02, $"E[attractiveness[{d}]]");
        for (int p = 0; p < 2; p++) AssertClose(examination[p] / total, ee[p].GetMean(), 0.02, $"E[examination[{p}]]");
    }

    /// <summary>
    /// Exact: given the six true classes the class probabilities and every confusion row are conjugate, so P(truths) is a
    /// product of Dirichlet-multinomial evidences, summed over the 2^6 labellings. EP's P(truth = 1) is within 0.03 of the
    /// exact one (0.018 at most here) and picks the same class for every item.
    /// </summary>
    [Fact]
    public void Crowdsourcing_Ep_IsCloseToTheEnumeratedTruths()
    {
        int[,] labels = Crowdsourcing.Labels();
        int items = labels.GetLength(0), workers = labels.GetLength(1);
        double[][] rowPrior = [[4, 1], [1, 4]];
        double total = 0;
        var truthIsOne = new double[items];
        for (int mask = 0; mask < 1 << items; mask++)
        {
            int ones = System.Numerics.BitOperations.PopCount((uint)mask);
            double logW = LogBeta(1 + items - ones, 1 + ones) - LogBeta(1, 1);
            for (int w = 0; w < workers; w++)
                for (int k = 0; k < 2; k++)
                {
                    double c0 = rowPrior[k][0], c1 = rowPrior[k][1];
                    for (int n = 0; n < items; n++)
                        if ((mask >> n & 1) == k) { if (labels[n, w] == 0) c0++; else c1++; }
                    logW += LogBeta(c0, c1) - LogBeta(rowPrior[k][0], rowPrior[k][1]);
                }
            double weight = Math.Exp(logW);
            total += weight;
            for (int n = 0; n < items; n++) if ((mask >> n & 1) == 1) truthIsOne[n] += weight;
        }
        var truth = (Discrete[])Run(Crowdsourcing.Run, vmp: false)["truth"];
        for (int n = 0; n < items; n++)
        {
            double exact = truthIsOne[n] / total;
            AssertClose(exact, truth[n][1], 0.03, $"P(truth[{n}] = 1)");
            Assert.True(exact > 0.5 == truth[n][1] > 0.5, $"item {n}: exact P(class 1) {exact}, EP {truth[n][1]}: different classes");
        }
    }
}
