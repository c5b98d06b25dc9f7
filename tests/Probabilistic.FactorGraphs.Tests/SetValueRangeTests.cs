using Normal = MathNet.Numerics.Distributions.Normal;

namespace Probabilistic.FactorGraphs.Tests;

/// <summary>SetValueRange records a value range and leaves the model as its definitions make it: enumeration and equality.</summary>
public class SetValueRangeTests
{
    public static TheoryData<string> Algorithms() => ["EP", "VMP"];

    private static InferenceEngine Engine(string algorithm) =>
        algorithm == "EP" ? new InferenceEngine() : new InferenceEngine(new VariationalMessagePassing());

    [Theory]
    [MemberData(nameof(Algorithms))]
    public void SwitchOnAnIntWithAValueRange_AgreesWithEnumeration(string algorithm)
    {
        Range k = new Range(3).Named("k");
        var c = Variable.Discrete(0.2, 0.3, 0.5).Named("c");
        c.SetValueRange(k);
        double[] centres = [-1.0, 0.5, 2.0];
        var means = Variable.Observed(centres, k).Named("centres");
        var y = Variable.New<double>().Named("y");
        using (Variable.Switch(c)) y.SetTo(Variable.GaussianFromMeanAndVariance(means[c], 1));
        y.ObservedValue = 1.2;
        var w = new[] { 0.2, 0.3, 0.5 }.Select((p, i) => p * Normal.PDF(centres[i], 1, 1.2)).ToArray();
        var q = Engine(algorithm).Infer<Discrete>(c);
        for (int i = 0; i < 3; i++)
            Assert.True(Math.Abs(w[i] / w.Sum() - q[i]) < 1e-12, $"{algorithm} P(c = {i}): {q[i]} vs {w[i] / w.Sum()}");
    }

    [Theory]
    [MemberData(nameof(Algorithms))]
    public void ValueRanges_LeaveAMixtureUnchanged(string algorithm)
    {
        double[] data = [0.1, 4.2, 3.8, -0.4, 4.1];
        Dirichlet[] Run(bool declare)
        {
            Range k = new Range(2), n = new Range(data.Length);
            var centres = Variable.Observed(new[] { 0.0, 4.0 }, k);
            var weights = Variable.Dirichlet(1.0, 1.0);
            if (declare) weights.SetValueRange(k);
            var z = Variable.Array<int>(n);
            if (declare) z.SetValueRange(k);
            var x = Variable.Array<double>(n);
            using (Variable.ForEach(n))
            {
                z[n] = Variable.Discrete(weights);
                using (Variable.Switch(z[n])) x[n] = Variable.GaussianFromMeanAndVariance(centres[z[n]], 1);
            }
            x.ObservedValue = data;
            return [Engine(algorithm).Infer<Dirichlet>(weights)];
        }
        var with = Run(true)[0];
        var without = Run(false)[0];
        Assert.True(with.Equals(without), $"{algorithm}: {with} with value ranges, {without} without");
    }
}
