#if INFERNET
using Microsoft.ML.Probabilistic.Models; using Microsoft.ML.Probabilistic.Distributions; using Microsoft.ML.Probabilistic.Algorithms; using Microsoft.ML.Probabilistic.Math; using Range = Microsoft.ML.Probabilistic.Models.Range;
#else
using Probabilistic.FactorGraphs.Models; using Probabilistic.FactorGraphs.Distributions; using Probabilistic.FactorGraphs.Algorithms; using Probabilistic.FactorGraphs.LinearAlgebra;
// Range = Probabilistic.FactorGraphs.Models.Range comes from the test project's GlobalUsings.cs (a second alias is CS1537)
#endif

namespace Probabilistic.FactorGraphs.Tests.InferNet.Idioms;

/// <summary>
/// Issue 12 §1.2, bool children: a variable made with Variable.New&lt;bool&gt;() and given a different SetTo in each branch
/// (a conditional probability table), with constant and Beta entries, under random selectors, nested, and over ranges.
/// </summary>
public static class CptBool
{
    /// <summary>P(wet | rain) by If/IfNot with constant entries; wet observed true.</summary>
    [Idiom(IdiomAlgorithm.EP, IdiomAlgorithm.VMP)]
    public static void ConstantCptObservedChild(InferenceEngine engine, IIdiomRecorder record)
    {
        Variable<bool> rain = Variable.Bernoulli(0.2).Named("rain");
        Variable<bool> wet = Variable.New<bool>().Named("wet");
        using (Variable.If(rain)) wet.SetTo(Variable.Bernoulli(0.9));
        using (Variable.IfNot(rain)) wet.SetTo(Variable.Bernoulli(0.1));
        wet.ObservedValue = true;
        // exact: P(rain | wet) = 0.18 / (0.18 + 0.08) = 0.6923
        record.Add("rain", engine.Infer<Bernoulli>(rain));
    }

    /// <summary>The same table with the child unobserved: its marginal is the table averaged over the parent.</summary>
    [Idiom(IdiomAlgorithm.EP, IdiomAlgorithm.VMP)]
    public static void ConstantCptPredictive(InferenceEngine engine, IIdiomRecorder record)
    {
        Variable<bool> rain = Variable.Bernoulli(0.2).Named("rain");
        Variable<bool> wet = Variable.New<bool>().Named("wet");
        using (Variable.If(rain)) wet.SetTo(Variable.Bernoulli(0.9));
        using (Variable.IfNot(rain)) wet.SetTo(Variable.Bernoulli(0.1));
        // exact: P(wet) = 0.2·0.9 + 0.8·0.1 = 0.26
        record.Add("wet", engine.Infer<Bernoulli>(wet));
        record.Add("rain", engine.Infer<Bernoulli>(rain));
    }

    /// <summary>Beta-distributed table entries learned from a fully observed parent/child sample over a range.</summary>
    [Idiom(IdiomAlgorithm.EP, IdiomAlgorithm.VMP)]
    public static void BetaCptLearnedOverRange(InferenceEngine engine, IIdiomRecorder record)
    {
        bool[] parents = [true, true, false, false, false, true, false, true, false, false];
        bool[] children = [true, true, false, true, false, false, false, true, false, false];
        Range n = new Range(parents.Length).Named("n");
        VariableArray<bool> parent = Variable.Array<bool>(n).Named("parent");
        VariableArray<bool> child = Variable.Array<bool>(n).Named("child");
        Variable<double> pParent = Variable.Beta(1, 1).Named("pParent");
        Variable<double> pIfTrue = Variable.Beta(2, 1).Named("pIfTrue");
        Variable<double> pIfFalse = Variable.Beta(1, 2).Named("pIfFalse");
        using (Variable.ForEach(n))
        {
            parent[n] = Variable.Bernoulli(pParent);
            using (Variable.If(parent[n])) child[n] = Variable.Bernoulli(pIfTrue);
            using (Variable.IfNot(parent[n])) child[n] = Variable.Bernoulli(pIfFalse);
        }
        parent.ObservedValue = parents;
        child.ObservedValue = children;
        // exact (conjugate): pIfTrue Beta(2+3, 1+1), pIfFalse Beta(1+1, 2+5), pParent Beta(1+4, 1+6)
        record.Add("pParent", engine.Infer<Beta>(pParent));
        record.Add("pIfTrue", engine.Infer<Beta>(pIfTrue));
        record.Add("pIfFalse", engine.Infer<Beta>(pIfFalse));
    }

    /// <summary>Beta table entries with the parents hidden: only the children are observed.</summary>
    [Idiom(IdiomAlgorithm.EP, IdiomAlgorithm.VMP)]
    public static void BetaCptHiddenParents(InferenceEngine engine, IIdiomRecorder record)
    {
        bool[] children = [true, true, false, true, false, false, true, true];
        Range n = new Range(children.Length).Named("n");
        VariableArray<bool> parent = Variable.Array<bool>(n).Named("parent");
        VariableArray<bool> child = Variable.Array<bool>(n).Named("child");
        Variable<double> pIfTrue = Variable.Beta(4, 1).Named("pIfTrue");
        Variable<double> pIfFalse = Variable.Beta(1, 4).Named("pIfFalse");
        using (Variable.ForEach(n))
        {
            parent[n] = Variable.Bernoulli(0.5);
            using (Variable.If(parent[n])) child[n] = Variable.Bernoulli(pIfTrue);
            using (Variable.IfNot(parent[n])) child[n] = Variable.Bernoulli(pIfFalse);
        }
        child.ObservedValue = children;
        record.Add("pIfTrue", engine.Infer<Beta>(pIfTrue));
        record.Add("pIfFalse", engine.Infer<Beta>(pIfFalse));
        record.Add("parent", engine.Infer<Bernoulli[]>(parent));
    }

    /// <summary>A table nested two deep (If inside If) with constant entries; the child observed.</summary>
    [Idiom(IdiomAlgorithm.EP, IdiomAlgorithm.VMP)]
    public static void NestedTwoDeep(InferenceEngine engine, IIdiomRecorder record)
    {
        Variable<bool> a = Variable.Bernoulli(0.3).Named("a");
        Variable<bool> b = Variable.Bernoulli(0.6).Named("b");
        Variable<bool> c = Variable.New<bool>().Named("c");
        using (Variable.If(a))
        {
            using (Variable.If(b)) c.SetTo(Variable.Bernoulli(0.95));
            using (Variable.IfNot(b)) c.SetTo(Variable.Bernoulli(0.6));
        }
        using (Variable.IfNot(a))
        {
            using (Variable.If(b)) c.SetTo(Variable.Bernoulli(0.3));
            using (Variable.IfNot(b)) c.SetTo(Variable.Bernoulli(0.05));
        }
        c.ObservedValue = true;
        // exact: joint weights ab 0.3·0.6·0.95 = 0.171, a¬b 0.3·0.4·0.6 = 0.072, ¬ab 0.7·0.6·0.3 = 0.126,
        // ¬a¬b 0.7·0.4·0.05 = 0.014;
        // total 0.383, P(a|c) = 0.243/0.383 = 0.6345, P(b|c) = 0.297/0.383 = 0.7755
        record.Add("a", engine.Infer<Bernoulli>(a));
        record.Add("b", engine.Infer<Bernoulli>(b));
    }

    /// <summary>A two-deep table with Beta entries (one per parent configuration) learned over a range, one child hidden.</summary>
    [Idiom(IdiomAlgorithm.EP, IdiomAlgorithm.VMP)]
    public static void NestedTwoDeepBetaOverRange(InferenceEngine engine, IIdiomRecorder record)
    {
        bool[] aData = [true, true, false, false, true, false, true, false];
        bool[] bData = [true, false, true, false, true, true, false, false];
        bool[] cData = [true, true, false, false, true, true, false, false];
        Range n = new Range(aData.Length).Named("n");
        VariableArray<bool> a = Variable.Observed(aData, n).Named("a");
        VariableArray<bool> b = Variable.Observed(bData, n).Named("b");
        VariableArray<bool> c = Variable.Array<bool>(n).Named("c");
        var p = new Variable<double>[4];
        for (int k = 0; k < 4; k++) p[k] = Variable.Beta(1, 1).Named("p" + k);
        using (Variable.ForEach(n))
        {
            using (Variable.If(a[n]))
            {
                using (Variable.If(b[n])) c[n] = Variable.Bernoulli(p[0]);
                using (Variable.IfNot(b[n])) c[n] = Variable.Bernoulli(p[1]);
            }
            using (Variable.IfNot(a[n]))
            {
                using (Variable.If(b[n])) c[n] = Variable.Bernoulli(p[2]);
                using (Variable.IfNot(b[n])) c[n] = Variable.Bernoulli(p[3]);
            }
        }
        c.ObservedValue = cData;
        for (int k = 0; k < 4; k++) record.Add("p" + k, engine.Infer<Beta>(p[k]));
    }

    /// <summary>Random selectors over a range, a constant table, observed children: per-element parent posteriors.</summary>
    [Idiom(IdiomAlgorithm.EP, IdiomAlgorithm.VMP)]
    public static void RandomSelectorsObservedChildren(InferenceEngine engine, IIdiomRecorder record)
    {
        bool[] children = [true, false, true, true, false];
        Range n = new Range(children.Length).Named("n");
        VariableArray<bool> parent = Variable.Array<bool>(n).Named("parent");
        VariableArray<bool> child = Variable.Array<bool>(n).Named("child");
        using (Variable.ForEach(n))
        {
            parent[n] = Variable.Bernoulli(0.25);
            using (Variable.If(parent[n])) child[n] = Variable.Bernoulli(0.8);
            using (Variable.IfNot(parent[n])) child[n] = Variable.Bernoulli(0.3);
        }
        child.ObservedValue = children;
        // exact per element: child true 0.2/(0.2+0.225) = 0.4706, child false 0.05/(0.05+0.525) = 0.08696
        record.Add("parent", engine.Infer<Bernoulli[]>(parent));
    }
}
