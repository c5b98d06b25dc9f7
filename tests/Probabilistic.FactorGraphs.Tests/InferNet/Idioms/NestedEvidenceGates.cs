#if INFERNET
using Microsoft.ML.Probabilistic.Models; using Microsoft.ML.Probabilistic.Distributions; using Microsoft.ML.Probabilistic.Algorithms; using Microsoft.ML.Probabilistic.Math; using Range = Microsoft.ML.Probabilistic.Models.Range;
#else
using Probabilistic.FactorGraphs.Models; using Probabilistic.FactorGraphs.Distributions; using Probabilistic.FactorGraphs.Algorithms; using Probabilistic.FactorGraphs.LinearAlgebra;
// Range = Probabilistic.FactorGraphs.Models.Range comes from the test project's GlobalUsings.cs (a second alias is CS1537)
#endif
using Probabilistic.FactorGraphs.Samples; // SampleRandom, the seeded generator of our own

namespace Probabilistic.FactorGraphs.Tests.InferNet.Idioms;

/// <summary>
/// Issue 12 §1.4: gates nested inside the evidence gate under EP (and VMP): a gate with an observed selector, one with a
/// selector indexed by a range, a Gaussian outlier model with evidence, and a causal model selection.
/// </summary>
public static class NestedEvidenceGates
{
    /// <summary>If(evidence) around a gate whose selector is observed.</summary>
    [Idiom(IdiomAlgorithm.EP, IdiomAlgorithm.VMP)]
    public static void ObservedSelectorInsideEvidence(InferenceEngine engine, IIdiomRecorder record)
    {
        Variable<bool> evidence = Variable.Bernoulli(0.5).Named("evidence");
        Variable<double> mean;
        using (Variable.If(evidence))
        {
            mean = Variable.GaussianFromMeanAndVariance(0, 10).Named("mean");
            Variable<bool> shifted = Variable.Bernoulli(0.5).Named("shifted");
            Variable<double> y = Variable.New<double>().Named("y");
            using (Variable.If(shifted)) y.SetTo(Variable.GaussianFromMeanAndVariance(mean + 2.0, 1));
            using (Variable.IfNot(shifted)) y.SetTo(Variable.GaussianFromMeanAndVariance(mean, 1));
            shifted.ObservedValue = true;
            y.ObservedValue = 3.1;
        }
        record.Add("mean", engine.Infer<Gaussian>(mean));
        record.Add("evidence", engine.Infer<Bernoulli>(evidence));
    }

    /// <summary>If(evidence) around per-point gates whose selectors are an observed array over a range.</summary>
    [Idiom(IdiomAlgorithm.EP, IdiomAlgorithm.VMP)]
    public static void ObservedSelectorsOverRangeInsideEvidence(InferenceEngine engine, IIdiomRecorder record)
    {
        double[] data = [1.2, 3.4, 0.7, 2.9, 1.1];
        bool[] group = [false, true, false, true, false];
        Variable<bool> evidence = Variable.Bernoulli(0.5).Named("evidence");
        Variable<double> a, b;
        using (Variable.If(evidence))
        {
            Range n = new Range(data.Length).Named("n");
            a = Variable.GaussianFromMeanAndVariance(0, 10).Named("a");
            b = Variable.GaussianFromMeanAndVariance(0, 10).Named("b");
            VariableArray<bool> inB = Variable.Observed(group, n).Named("inB");
            VariableArray<double> x = Variable.Array<double>(n).Named("x");
            using (Variable.ForEach(n))
            {
                using (Variable.If(inB[n])) x[n] = Variable.GaussianFromMeanAndVariance(b, 1);
                using (Variable.IfNot(inB[n])) x[n] = Variable.GaussianFromMeanAndVariance(a, 1);
            }
            x.ObservedValue = data;
        }
        record.Add("a", engine.Infer<Gaussian>(a));
        record.Add("b", engine.Infer<Gaussian>(b));
        record.Add("evidence", engine.Infer<Bernoulli>(evidence));
    }

    /// <summary>If(evidence) around per-point gates with random selectors (a range-indexed Bernoulli array).</summary>
    [Idiom(IdiomAlgorithm.EP, IdiomAlgorithm.VMP)]
    public static void RandomSelectorsOverRangeInsideEvidence(InferenceEngine engine, IIdiomRecorder record)
    {
        bool[] data = [true, true, false, true, false, true];
        Variable<bool> evidence = Variable.Bernoulli(0.5).Named("evidence");
        Variable<double> p;
        VariableArray<bool> fair;
        using (Variable.If(evidence))
        {
            Range n = new Range(data.Length).Named("n");
            p = Variable.Beta(2, 2).Named("p");
            fair = Variable.Array<bool>(n).Named("fair");
            VariableArray<bool> x = Variable.Array<bool>(n).Named("x");
            using (Variable.ForEach(n))
            {
                fair[n] = Variable.Bernoulli(0.7);
                using (Variable.If(fair[n])) x[n] = Variable.Bernoulli(0.5);
                using (Variable.IfNot(fair[n])) x[n] = Variable.Bernoulli(p);
            }
            x.ObservedValue = data;
        }
        record.Add("p", engine.Infer<Beta>(p));
        record.Add("fair", engine.Infer<Bernoulli[]>(fair));
        record.Add("evidence", engine.Infer<Bernoulli>(evidence));
    }

    /// <summary>
    /// A Gaussian with outliers and its evidence: each point is an outlier (broad Gaussian) with probability 0.1, by a
    /// per-point Bernoulli selector, all inside If(evidence).
    /// </summary>
    [Idiom(IdiomAlgorithm.EP, IdiomAlgorithm.VMP)]
    public static void GaussianOutliersWithEvidence(InferenceEngine engine, IIdiomRecorder record)
    {
        double[] data = [4.8, 5.3, 5.1, -3.0, 4.6, 5.5, 12.0, 4.9];
        Variable<bool> evidence = Variable.Bernoulli(0.5).Named("evidence");
        Variable<double> mean;
        VariableArray<bool> outlier;
        using (Variable.If(evidence))
        {
            Range n = new Range(data.Length).Named("n");
            mean = Variable.GaussianFromMeanAndVariance(0, 100).Named("mean");
            outlier = Variable.Array<bool>(n).Named("outlier");
            VariableArray<double> x = Variable.Array<double>(n).Named("x");
            using (Variable.ForEach(n))
            {
                outlier[n] = Variable.Bernoulli(0.1);
                using (Variable.If(outlier[n])) x[n] = Variable.GaussianFromMeanAndVariance(0, 100);
                using (Variable.IfNot(outlier[n])) x[n] = Variable.GaussianFromMeanAndVariance(mean, 1);
            }
            x.ObservedValue = data;
        }
        record.Add("mean", engine.Infer<Gaussian>(mean));
        record.Add("outlier", engine.Infer<Bernoulli[]>(outlier));
        record.Add("evidence", engine.Infer<Bernoulli>(evidence));
    }

    /// <summary>
    /// Causal model selection between A → B and B → A from paired binary observations, some taken under an intervention
    /// that sets B at random (observed indicator). Under A → B an intervention cuts B from A; under B → A it does not
    /// change how A depends on B. Each hypothesis has its own local Beta parameters.
    /// </summary>
    [Idiom(IdiomAlgorithm.EP, IdiomAlgorithm.VMP)]
    public static void CausalDirection(InferenceEngine engine, IIdiomRecorder record)
    {
        var rng = new SampleRandom(77);
        int count = 30;
        bool[] aData = new bool[count], bData = new bool[count], doB = new bool[count];
        for (int i = 0; i < count; i++)
        {
            // the truth is A → B with P(B | A) = 0.9, P(B | ¬A) = 0.2; a third of the cases intervene on B
            aData[i] = rng.Bernoulli(0.5);
            doB[i] = i % 3 == 0;
            bData[i] = doB[i] ? rng.Bernoulli(0.5) : rng.Bernoulli(aData[i] ? 0.9 : 0.2);
        }
        Range n = new Range(count).Named("n");
        VariableArray<bool> a = Variable.Array<bool>(n).Named("a");
        VariableArray<bool> b = Variable.Array<bool>(n).Named("b");
        VariableArray<bool> intervened = Variable.Observed(doB, n).Named("intervened");
        Variable<bool> aCausesB = Variable.Bernoulli(0.5).Named("aCausesB");
        Variable<double> pBIfA;
        using (Variable.If(aCausesB))
        {
            Variable<double> pA = Variable.Beta(1, 1).Named("pA");
            pBIfA = Variable.Beta(1, 1).Named("pBIfA");
            Variable<double> pBIfNotA = Variable.Beta(1, 1).Named("pBIfNotA");
            using (Variable.ForEach(n))
            {
                a[n] = Variable.Bernoulli(pA);
                using (Variable.If(intervened[n])) b[n] = Variable.Bernoulli(0.5);
                using (Variable.IfNot(intervened[n]))
                {
                    using (Variable.If(a[n])) b[n] = Variable.Bernoulli(pBIfA);
                    using (Variable.IfNot(a[n])) b[n] = Variable.Bernoulli(pBIfNotA);
                }
            }
        }
        using (Variable.IfNot(aCausesB))
        {
            Variable<double> pB = Variable.Beta(1, 1).Named("pB");
            Variable<double> pAIfB = Variable.Beta(1, 1).Named("pAIfB");
            Variable<double> pAIfNotB = Variable.Beta(1, 1).Named("pAIfNotB");
            using (Variable.ForEach(n))
            {
                using (Variable.If(intervened[n])) b[n] = Variable.Bernoulli(0.5);
                using (Variable.IfNot(intervened[n])) b[n] = Variable.Bernoulli(pB);
                using (Variable.If(b[n])) a[n] = Variable.Bernoulli(pAIfB);
                using (Variable.IfNot(b[n])) a[n] = Variable.Bernoulli(pAIfNotB);
            }
        }
        a.ObservedValue = aData;
        b.ObservedValue = bData;
        record.Add("aCausesB", engine.Infer<Bernoulli>(aCausesB));
        record.Add("pBIfA", engine.Infer<Beta>(pBIfA));
    }
}
