namespace Probabilistic.FactorGraphs.Tests;

/// <summary>Variable.Subarray against conjugate closed forms (picked, unpicked and repeated elements).</summary>
public class SubarrayTests
{
    public static TheoryData<string> Algorithms() => ["EP", "VMP"];

    private static InferenceEngine Engine(string algorithm) =>
        algorithm == "EP" ? new InferenceEngine() : new InferenceEngine(new VariationalMessagePassing());

    // |actual − expected| ≤ tolerance·max(1, |expected|)
    private static void AssertClose(double expected, double actual, double tolerance, string what) =>
        Numbers.AssertClose(expected, actual, tolerance, tolerance, what);

    [Theory]
    [MemberData(nameof(Algorithms))]
    public void Subarray_UpdatesThePickedElementsOnly(string algorithm)
    {
        Range player = new Range(5);
        var skills = Variable.Array<double>(player).Named("skills");
        skills[player] = Variable.GaussianFromMeanAndVariance(0, 1).ForEach(player);
        var picked = Variable.Observed(new[] { 4, 0, 2 }).Named("picked");
        Range k = picked.Range;
        var team = Variable.Subarray(skills, picked).Named("team");
        var scores = Variable.Array<double>(k).Named("scores");
        scores[k] = Variable.GaussianFromMeanAndVariance(team[k], 0.5);
        double[] observed = [1.2, -0.4, 0.3];
        scores.ObservedValue = observed;
        var engine = Engine(algorithm);
        var q = engine.Infer<Gaussian[]>(skills);
        var qt = engine.Infer<Gaussian[]>(team);
        int[] at = [4, 0, 2];
        for (int i = 0; i < 3; i++)
        {
            // N(0, 1) × N(s; x, 0.5): precision 3, mean 2x/3
            AssertClose(2 * observed[i] / 3, q[at[i]].GetMean(), 1e-12, $"{algorithm} E[skills[{at[i]}]]");
            AssertClose(1.0 / 3, q[at[i]].GetVariance(), 1e-12, $"{algorithm} Var[skills[{at[i]}]]");
            Assert.True(qt[i].Equals(q[at[i]]) || Math.Abs(qt[i].GetMean() - q[at[i]].GetMean()) < 1e-12, $"team[{i}] {qt[i]} vs skills[{at[i]}] {q[at[i]]}");
        }
        foreach (int j in new[] { 1, 3 }) AssertClose(1, q[j].GetVariance(), 1e-15, $"{algorithm} Var[skills[{j}]] (not picked)");
    }

    [Fact]
    public void Ep_SubarrayWithARepeatedIndex_CountsBothObservations()
    {
        Range n = new Range(2);
        var x = Variable.Array<double>(n).Named("x");
        x[n] = Variable.GaussianFromMeanAndVariance(0, 1).ForEach(n);
        var idx = Variable.Observed(new[] { 1, 1 }).Named("idx");
        var sub = Variable.Subarray(x, idx).Named("sub");
        var y = Variable.Array<double>(idx.Range).Named("y");
        y[idx.Range] = Variable.GaussianFromMeanAndVariance(sub[idx.Range], 1);
        y.ObservedValue = [1.0, 2.0];
        var q = new InferenceEngine().Infer<Gaussian[]>(x);
        AssertClose(1.0, q[1].GetMean(), 1e-9, "E[x[1]] = (1 + 2)/3");
        AssertClose(1.0 / 3, q[1].GetVariance(), 1e-9, "Var[x[1]]");
    }
}
