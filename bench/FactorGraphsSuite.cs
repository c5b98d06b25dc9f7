using System.Diagnostics;
using Probabilistic.FactorGraphs.Algorithms;
using Probabilistic.FactorGraphs.Distributions;
using Probabilistic.FactorGraphs.Models;
using Probabilistic.FactorGraphs.Samples;
using Range = Probabilistic.FactorGraphs.Models.Range;

namespace Probabilistic.Bench;

/// <summary>
/// <c>factorgraphs</c>: (1) learning a Gaussian's mean and precision from 1,000,000 observations, 50 VMP sweeps
/// (target &lt; 1 s); (2) time to the first answer on a freshly built tutorial model, cold (first model in the process, JIT
/// included) and warm; (3) each acceptance sample's first answer in a fresh process (target &lt; 100 ms), beside Infer.NET's
/// when a local build of it is named by InferNetDir (FactorGraphsSuite.FirstAnswer.cs).
/// </summary>
public static partial class FactorGraphsSuite
{
    public static int Run(BenchContext context)
    {
        int n = context.Quick ? 100_000 : 1_000_000;
        var rows = new List<IReadOnlyList<string>>();

        // (2) first: cold first inference, before anything else has JIT-compiled the engine.
        var cold = Stopwatch.StartNew();
        string twoCoins = TwoCoins();
        cold.Stop();
        rows.Add(["two coins, first model in process (cold, incl. JIT)", "build + 2 inferences", BenchContext.F(cold.Elapsed.TotalMilliseconds, "F1") + " ms", twoCoins]);
        double warmCoins = BenchContext.MinSeconds(5, () => TwoCoins());
        rows.Add(["two coins, new model (warm)", "build + 2 inferences", BenchContext.F(warmCoins * 1e3, "F2") + " ms", ""]);
        double warmTrial = BenchContext.MinSeconds(5, () => ClinicalTrial());
        rows.Add(["clinical trial, new model (warm)", "build + 3 inferences (EP, gates)", BenchContext.F(warmTrial * 1e3, "F2") + " ms", ""]);
        double warmLg = BenchContext.MinSeconds(5, () => LearnGaussian(Data(100, 2), new ExpectationPropagation(), 50));
        rows.Add(["learning a Gaussian, 100 obs, EP (quadrature), new model", "50 sweeps", BenchContext.F(warmLg * 1e3, "F2") + " ms", ""]);

        // every tutorial sample as Infer.NET's code has it: build the model and print its answers (output discarded)
        (string Name, Action Run)[] tutorials =
        [
            ("two coins", () => Tutorials.TwoCoins(TextWriter.Null)),
            ("truncated Gaussian (11 models)", () => Tutorials.TruncatedGaussian(TextWriter.Null)),
            ("learning a Gaussian, 100 obs, VMP", () => Tutorials.LearningAGaussian(TextWriter.Null, new VariationalMessagePassing(), 100, 1)),
            ("clinical trial", () => Tutorials.ClinicalTrial(TextWriter.Null)),
            ("Bayes point machine (train + predict)", () => Tutorials.BayesPointMachine(TextWriter.Null)),
            ("mixture of Gaussians, 300 2-D points, VMP", () => Tutorials.MixtureOfGaussians(TextWriter.Null)),
            ("TrueSkill, 6 games", () => Tutorials.TrueSkill(TextWriter.Null)),
            ("Bayesian linear regression", () => Tutorials.BayesianLinearRegression(TextWriter.Null)),
        ];
        // first run in this process (the engine's code for this model's factors is JIT-compiled on the way), then warm:
        // .NET's tiered JIT needs a few runs before the struct-generic message code is fully optimised, hence min of 12
        foreach (var (name, run) in tutorials)
        {
            var first = Stopwatch.StartNew();
            run();
            first.Stop();
            rows.Add([$"tutorial sample: {name}, new model", "build + infer + print", BenchContext.F(BenchContext.MinSeconds(12, run, warmUp: false) * 1e3, "F2") + " ms",
                $"first run in process {BenchContext.F(first.Elapsed.TotalMilliseconds, "F1")} ms; target < 100 ms"]);
        }

        // (1) one million observations, 50 VMP sweeps.
        var data = Data(n, 1);
        Gaussian mean = default; Gamma prec = default;
        var firstRun = Stopwatch.StartNew();
        (mean, prec) = LearnGaussian(data, new VariationalMessagePassing(), 50);
        firstRun.Stop();
        rows.Add([$"learning a Gaussian, {n:N0} obs, VMP, new model", "build + bind + 50 sweeps", BenchContext.F(firstRun.Elapsed.TotalSeconds, "F3") + " s", $"mean {mean}, prec {prec}"]);
        double best = BenchContext.MinSeconds(3, () => LearnGaussian(data, new VariationalMessagePassing(), 50));
        rows.Add([$"learning a Gaussian, {n:N0} obs, VMP, new model (warm)", "build + bind + 50 sweeps", BenchContext.F(best, "F3") + " s", "target < 1 s"]);

        // re-running a built model with new observed values reuses the compiled graph
        var (x, m, engine) = BuildLearnGaussian(n, new VariationalMessagePassing(), 50);
        x.ObservedValue = data;
        engine.Infer<Gaussian>(m);
        var data2 = Data(n, 3);
        double rerun = BenchContext.MinSeconds(3, () => { x.ObservedValue = data2; engine.Infer<Gaussian>(m); x.ObservedValue = data; engine.Infer<Gaussian>(m); }, warmUp: false) / 2;
        rows.Add([$"learning a Gaussian, {n:N0} obs, VMP, re-run with new data", "bind + 50 sweeps", BenchContext.F(rerun, "F3") + " s", ""]);

        // grouped data: the same number of observations in 1,000 jagged groups with their own means (a hierarchy)
        var groups = GroupedData(n, 1000, 4);
        var firstGrouped = Stopwatch.StartNew();
        var (hyper, groupPrec) = LearnGroups(groups, 50);
        firstGrouped.Stop();
        double grouped = BenchContext.MinSeconds(3, () => LearnGroups(groups, 50));
        rows.Add([$"grouped data, {n:N0} obs in 1,000 jagged groups, VMP (warm)", "build + bind + 50 sweeps", BenchContext.F(grouped, "F3") + " s",
            $"first {BenchContext.F(firstGrouped.Elapsed.TotalSeconds, "F3")} s; hyper-mean {hyper}, within-group prec {groupPrec}"]);

        // (3) each acceptance sample's first answer in a fresh process, beside Infer.NET's where it is built locally
        rows.AddRange(FirstAnswers(context, out var firstAnswers));

        BenchContext.PrintTable(["workload", "what is timed", "ours", "note"], rows);
        Console.WriteLine("peer: Infer.NET for the first-answer rows when InferNetDir names a local build (tools/InferNetOracle/README.md); targets from the issue: 1M-obs VMP < 1 s, first answer < 100 ms");
        Console.WriteLine(BenchContext.Json(new { suite = "factorgraphs", n, vmp_1m_s = best, vmp_rerun_s = rerun, grouped_vmp_s = grouped, two_coins_cold_ms = cold.Elapsed.TotalMilliseconds, two_coins_warm_ms = warmCoins * 1e3, first_answers = firstAnswers }));
        return 0;
    }

    /// <summary>About <paramref name="n"/> points in <paramref name="groupCount"/> groups of 50–150 % of the average size, group means ~ N(3, 1).</summary>
    private static double[][] GroupedData(int n, int groupCount, int seed)
    {
        var rng = new Random(seed);
        int average = n / groupCount;
        return Enumerable.Range(0, groupCount).Select(_ =>
        {
            double mu = 3 + MathNet.Numerics.Distributions.Normal.Sample(rng, 0, 1);
            int size = average / 2 + rng.Next(average + 1);
            return Enumerable.Range(0, size).Select(_ => mu + 2 * MathNet.Numerics.Distributions.Normal.Sample(rng, 0, 1)).ToArray();
        }).ToArray();
    }

    private static (Gaussian, Gamma) LearnGroups(double[][] data, int iterations)
    {
        Range g = new Range(data.Length);
        VariableArray<int> sizes = Variable.Observed(data.Select(r => r.Length).ToArray(), g);
        Range i = new Range(sizes[g]);
        Variable<double> hyper = Variable.GaussianFromMeanAndVariance(0, 100);
        Variable<double> precision = Variable.GammaFromShapeAndScale(1, 1);
        VariableArray<double> mu = Variable.Array<double>(g);
        mu[g] = Variable.GaussianFromMeanAndVariance(hyper, 1).ForEach(g);
        var x = Variable.Array(Variable.Array<double>(i), g);
        using (Variable.ForEach(g))
            x[g][i] = Variable.GaussianFromMeanAndPrecision(mu[g], precision).ForEach(i);
        x.ObservedValue = data;
        var engine = new InferenceEngine(new VariationalMessagePassing()) { NumberOfIterations = iterations };
        return (engine.Infer<Gaussian>(hyper), engine.Infer<Gamma>(precision));
    }

    private static double[] Data(int n, int seed)
    {
        var rng = new Random(seed);
        var d = new double[n];
        for (int i = 0; i < n; i++) d[i] = 3 + 2 * MathNet.Numerics.Distributions.Normal.Sample(rng, 0, 1);
        return d;
    }

    private static (VariableArray<double>, Variable<double>, InferenceEngine) BuildLearnGaussian(int n, IAlgorithm algorithm, int iterations)
    {
        Variable<double> mean = Variable.GaussianFromMeanAndVariance(0, 100);
        Variable<double> precision = Variable.GammaFromShapeAndScale(1, 1);
        Range r = new Range(n);
        VariableArray<double> x = Variable.Array<double>(r);
        x[r] = Variable.GaussianFromMeanAndPrecision(mean, precision).ForEach(r);
        return (x, mean, new InferenceEngine(algorithm) { NumberOfIterations = iterations });
    }

    private static (Gaussian, Gamma) LearnGaussian(double[] data, IAlgorithm algorithm, int iterations)
    {
        Variable<double> mean = Variable.GaussianFromMeanAndVariance(0, 100);
        Variable<double> precision = Variable.GammaFromShapeAndScale(1, 1);
        Range r = new Range(data.Length);
        VariableArray<double> x = Variable.Array<double>(r);
        x[r] = Variable.GaussianFromMeanAndPrecision(mean, precision).ForEach(r);
        x.ObservedValue = data;
        var engine = new InferenceEngine(algorithm) { NumberOfIterations = iterations };
        return (engine.Infer<Gaussian>(mean), engine.Infer<Gamma>(precision));
    }

    private static string TwoCoins()
    {
        Variable<bool> firstCoin = Variable.Bernoulli(0.5);
        Variable<bool> secondCoin = Variable.Bernoulli(0.5);
        Variable<bool> bothHeads = firstCoin & secondCoin;
        var engine = new InferenceEngine();
        string a = engine.Infer(bothHeads).ToString()!;
        bothHeads.ObservedValue = false;
        return a + ", " + engine.Infer(firstCoin);
    }

    private static double ClinicalTrial()
    {
        VariableArray<bool> control = Variable.Observed(new[] { false, false, true, false, false });
        VariableArray<bool> treated = Variable.Observed(new[] { true, false, true, true, true });
        Range i = control.Range, j = treated.Range;
        Variable<bool> isEffective = Variable.Bernoulli(0.5);
        Variable<double> pt, pc;
        using (Variable.If(isEffective))
        {
            pc = Variable.Beta(1, 1); control[i] = Variable.Bernoulli(pc).ForEach(i);
            pt = Variable.Beta(1, 1); treated[j] = Variable.Bernoulli(pt).ForEach(j);
        }
        using (Variable.IfNot(isEffective))
        {
            var all = Variable.Beta(1, 1);
            control[i] = Variable.Bernoulli(all).ForEach(i);
            treated[j] = Variable.Bernoulli(all).ForEach(j);
        }
        var engine = new InferenceEngine();
        return engine.Infer<Bernoulli>(isEffective).GetProbTrue() + engine.Infer<Beta>(pt).GetMean() + engine.Infer<Beta>(pc).GetMean();
    }
}
