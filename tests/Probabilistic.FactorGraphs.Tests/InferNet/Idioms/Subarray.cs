#if INFERNET
using Microsoft.ML.Probabilistic.Models; using Microsoft.ML.Probabilistic.Distributions; using Microsoft.ML.Probabilistic.Algorithms; using Microsoft.ML.Probabilistic.Math; using Range = Microsoft.ML.Probabilistic.Models.Range;
#else
using Probabilistic.FactorGraphs.Models; using Probabilistic.FactorGraphs.Distributions; using Probabilistic.FactorGraphs.Algorithms; using Probabilistic.FactorGraphs.LinearAlgebra;
// Range = Probabilistic.FactorGraphs.Models.Range comes from the test project's GlobalUsings.cs (a second alias is CS1537)
#endif

namespace Probabilistic.FactorGraphs.Tests.InferNet.Idioms;

/// <summary>Issue 12 §2: Variable.Subarray with an observed index array (the elements some items share).</summary>
public static class Subarray
{
    /// <summary>Three of five skills picked by an index array, each observed with noise.</summary>
    [Idiom(IdiomAlgorithm.EP, IdiomAlgorithm.VMP)]
    public static void GaussianSubarray(InferenceEngine engine, IIdiomRecorder record)
    {
        Range player = new Range(5).Named("player");
        VariableArray<double> skills = Variable.Array<double>(player).Named("skills");
        skills[player] = Variable.GaussianFromMeanAndVariance(0, 1).ForEach(player);
        VariableArray<int> picked = Variable.Observed(new[] { 4, 0, 2 }).Named("picked");
        Range k = picked.Range.Named("k");
        VariableArray<double> team = Variable.Subarray(skills, picked).Named("team");
        VariableArray<double> scores = Variable.Array<double>(k).Named("scores");
        scores[k] = Variable.GaussianFromMeanAndVariance(team[k], 0.5);
        scores.ObservedValue = [1.2, -0.4, 0.3];
        record.Add("skills", engine.Infer<Gaussian[]>(skills));
        record.Add("team", engine.Infer<Gaussian[]>(team));
    }

    /// <summary>A subarray of Bernoulli variables constrained through their parents' Beta priors.</summary>
    [Idiom(IdiomAlgorithm.EP, IdiomAlgorithm.VMP)]
    public static void BoolSubarray(InferenceEngine engine, IIdiomRecorder record)
    {
        Range n = new Range(4).Named("n");
        VariableArray<bool> b = Variable.Array<bool>(n).Named("b");
        b[n] = Variable.Bernoulli(0.4).ForEach(n);
        VariableArray<int> idx = Variable.Observed(new[] { 1, 3 }).Named("idx");
        Range m = idx.Range.Named("m");
        VariableArray<bool> sub = Variable.Subarray(b, idx).Named("sub");
        VariableArray<bool> seen = Variable.Array<bool>(m).Named("seen");
        using (Variable.ForEach(m))
        {
            using (Variable.If(sub[m])) seen[m] = Variable.Bernoulli(0.9);
            using (Variable.IfNot(sub[m])) seen[m] = Variable.Bernoulli(0.2);
        }
        seen.ObservedValue = [true, false];
        record.Add("b", engine.Infer<Bernoulli[]>(b));
    }
}
