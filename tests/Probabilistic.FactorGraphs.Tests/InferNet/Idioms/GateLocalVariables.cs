#if INFERNET
using Microsoft.ML.Probabilistic.Models; using Microsoft.ML.Probabilistic.Distributions; using Microsoft.ML.Probabilistic.Algorithms; using Microsoft.ML.Probabilistic.Math; using Range = Microsoft.ML.Probabilistic.Models.Range;
#else
using Probabilistic.FactorGraphs.Models; using Probabilistic.FactorGraphs.Distributions; using Probabilistic.FactorGraphs.Algorithms; using Probabilistic.FactorGraphs.LinearAlgebra;
// Range = Probabilistic.FactorGraphs.Models.Range comes from the test project's GlobalUsings.cs (a second alias is CS1537)
#endif
using Probabilistic.FactorGraphs.Samples; // SampleRandom, the seeded generator of our own

namespace Probabilistic.FactorGraphs.Tests.InferNet.Idioms;

/// <summary>
/// Issue 12 §1.1: variables created inside a gate are local to it, and their posteriors are conditional on the branch.
/// Under VMP, the evidence variable's log-odds is the branch's bound.
/// </summary>
public static class GateLocalVariables
{
    /// <summary>Learning a Gaussian's mean and precision from 100 points, the whole model inside If(evidence).</summary>
    [Idiom(IdiomAlgorithm.EP, IdiomAlgorithm.VMP)]
    public static void LearningGaussianInEvidenceGate(InferenceEngine engine, IIdiomRecorder record)
    {
        double[] data = new SampleRandom(12).Normals(100, 5, 1.2);
        Variable<bool> evidence = Variable.Bernoulli(0.5).Named("evidence");
        Variable<double> mean, precision;
        using (Variable.If(evidence))
        {
            mean = Variable.GaussianFromMeanAndVariance(0, 100).Named("mean");
            precision = Variable.GammaFromShapeAndScale(1, 1).Named("precision");
            Range n = new Range(data.Length).Named("n");
            VariableArray<double> x = Variable.Array<double>(n).Named("x");
            x[n] = Variable.GaussianFromMeanAndPrecision(mean, precision).ForEach(n);
            x.ObservedValue = data;
        }
        record.Add("mean", engine.Infer<Gaussian>(mean));
        record.Add("precision", engine.Infer<Gamma>(precision));
        record.Add("evidence", engine.Infer<Bernoulli>(evidence));
    }

    /// <summary>The same model without the gate, as the reference the gated posteriors must equal.</summary>
    [Idiom(IdiomAlgorithm.EP, IdiomAlgorithm.VMP)]
    public static void LearningGaussianUngated(InferenceEngine engine, IIdiomRecorder record)
    {
        double[] data = new SampleRandom(12).Normals(100, 5, 1.2);
        Variable<double> mean = Variable.GaussianFromMeanAndVariance(0, 100).Named("mean");
        Variable<double> precision = Variable.GammaFromShapeAndScale(1, 1).Named("precision");
        Range n = new Range(data.Length).Named("n");
        VariableArray<double> x = Variable.Array<double>(n).Named("x");
        x[n] = Variable.GaussianFromMeanAndPrecision(mean, precision).ForEach(n);
        x.ObservedValue = data;
        record.Add("mean", engine.Infer<Gaussian>(mean));
        record.Add("precision", engine.Infer<Gamma>(precision));
    }

    /// <summary>
    /// The clinical-trial comparison: "effective" (separate success rates, local to If) against "not effective" (one rate,
    /// local to IfNot); the local rates' posteriors are conditional on their branch.
    /// </summary>
    [Idiom(IdiomAlgorithm.EP, IdiomAlgorithm.VMP)]
    public static void ClinicalTrialComparison(InferenceEngine engine, IIdiomRecorder record)
    {
        VariableArray<bool> control = Variable.Observed(new[] { false, false, true, false, false, true, false, false }).Named("control");
        VariableArray<bool> treated = Variable.Observed(new[] { true, false, true, true, true, true, false, true }).Named("treated");
        Range i = control.Range.Named("i");
        Range j = treated.Range.Named("j");
        Variable<bool> effective = Variable.Bernoulli(0.5).Named("effective");
        Variable<double> probControl, probTreated, probAll;
        using (Variable.If(effective))
        {
            probControl = Variable.Beta(1, 1).Named("probControl");
            control[i] = Variable.Bernoulli(probControl).ForEach(i);
            probTreated = Variable.Beta(1, 1).Named("probTreated");
            treated[j] = Variable.Bernoulli(probTreated).ForEach(j);
        }
        using (Variable.IfNot(effective))
        {
            probAll = Variable.Beta(1, 1).Named("probAll");
            control[i] = Variable.Bernoulli(probAll).ForEach(i);
            treated[j] = Variable.Bernoulli(probAll).ForEach(j);
        }
        record.Add("effective", engine.Infer<Bernoulli>(effective));
        record.Add("probControl", engine.Infer<Beta>(probControl));
        record.Add("probTreated", engine.Infer<Beta>(probTreated));
        record.Add("probAll", engine.Infer<Beta>(probAll));
    }

    /// <summary>A Gaussian created inside If and another inside IfNot, both explaining the same observations.</summary>
    [Idiom(IdiomAlgorithm.EP, IdiomAlgorithm.VMP)]
    public static void IfAndIfNotLocals(InferenceEngine engine, IIdiomRecorder record)
    {
        VariableArray<double> y = Variable.Observed(new[] { 0.9, 1.4, 0.2, 1.1 }).Named("y");
        Range n = y.Range.Named("n");
        Variable<bool> b = Variable.Bernoulli(0.3).Named("b");
        Variable<double> up, down;
        using (Variable.If(b))
        {
            up = Variable.GaussianFromMeanAndVariance(1, 1).Named("up");
            y[n] = Variable.GaussianFromMeanAndVariance(up, 1).ForEach(n);
        }
        using (Variable.IfNot(b))
        {
            down = Variable.GaussianFromMeanAndVariance(-1, 2).Named("down");
            y[n] = Variable.GaussianFromMeanAndVariance(down, 0.5).ForEach(n);
        }
        record.Add("b", engine.Infer<Bernoulli>(b));
        record.Add("up", engine.Infer<Gaussian>(up));
        record.Add("down", engine.Infer<Gaussian>(down));
    }

    /// <summary>Case blocks, each with its own local mean and precision explaining one observed array.</summary>
    [Idiom(IdiomAlgorithm.EP, IdiomAlgorithm.VMP)]
    public static void CaseLocals(InferenceEngine engine, IIdiomRecorder record)
    {
        VariableArray<double> y = Variable.Observed(new[] { 2.1, 1.7, 2.6, 2.2, 1.9 }).Named("y");
        Range n = y.Range.Named("n");
        Variable<int> c = Variable.Discrete(0.2, 0.5, 0.3).Named("c");
        var means = new Variable<double>[3];
        var precisions = new Variable<double>[3];
        for (int k = 0; k < 3; k++)
        {
            using (Variable.Case(c, k))
            {
                means[k] = Variable.GaussianFromMeanAndVariance(k, 1).Named("mean" + k);
                precisions[k] = Variable.GammaFromShapeAndRate(2, 1 + k).Named("precision" + k);
                y[n] = Variable.GaussianFromMeanAndPrecision(means[k], precisions[k]).ForEach(n);
            }
        }
        record.Add("c", engine.Infer<Discrete>(c));
        for (int k = 0; k < 3; k++)
        {
            record.Add("mean" + k, engine.Infer<Gaussian>(means[k]));
            record.Add("precision" + k, engine.Infer<Gamma>(precisions[k]));
        }
    }

    /// <summary>A Switch block whose local variable has a prior indexed by the selector, with an observed child.</summary>
    [Idiom(IdiomAlgorithm.EP, IdiomAlgorithm.VMP)]
    public static void SwitchLocal(InferenceEngine engine, IIdiomRecorder record)
    {
        Range k = new Range(3).Named("k");
        VariableArray<double> centres = Variable.Observed(new[] { -2.0, 0.0, 3.0 }, k).Named("centres");
        Variable<int> c = Variable.DiscreteUniform(k).Named("c");
        Variable<double> y = Variable.New<double>().Named("y");
        using (Variable.Switch(c))
        {
            Variable<double> local = Variable.GaussianFromMeanAndVariance(centres[c], 1).Named("local");
            y.SetTo(Variable.GaussianFromMeanAndVariance(local, 0.5));
        }
        y.ObservedValue = 2.0;
        record.Add("c", engine.Infer<Discrete>(c));
    }

    /// <summary>Local variables two gates deep: a Case inside an If, each level with its own locals.</summary>
    [Idiom(IdiomAlgorithm.EP, IdiomAlgorithm.VMP)]
    public static void NestedGateLocals(InferenceEngine engine, IIdiomRecorder record)
    {
        VariableArray<double> y = Variable.Observed(new[] { 0.4, 1.3, 0.8 }).Named("y");
        Range n = y.Range.Named("n");
        Variable<bool> a = Variable.Bernoulli(0.6).Named("a");
        Variable<double> offset, inner0, inner1, other;
        Variable<int> c;
        using (Variable.If(a))
        {
            offset = Variable.GaussianFromMeanAndVariance(0, 4).Named("offset");
            c = Variable.Discrete(0.5, 0.5).Named("c");
            using (Variable.Case(c, 0))
            {
                inner0 = Variable.GaussianFromMeanAndVariance(offset, 1).Named("inner0");
                y[n] = Variable.GaussianFromMeanAndVariance(inner0, 1).ForEach(n);
            }
            using (Variable.Case(c, 1))
            {
                inner1 = Variable.GaussianFromMeanAndVariance(offset, 9).Named("inner1");
                y[n] = Variable.GaussianFromMeanAndVariance(inner1, 0.25).ForEach(n);
            }
        }
        using (Variable.IfNot(a))
        {
            other = Variable.GaussianFromMeanAndVariance(0, 1).Named("other");
            y[n] = Variable.GaussianFromMeanAndVariance(other, 2).ForEach(n);
        }
        record.Add("a", engine.Infer<Bernoulli>(a));
        record.Add("c", engine.Infer<Discrete>(c));
        record.Add("offset", engine.Infer<Gaussian>(offset));
        record.Add("inner0", engine.Infer<Gaussian>(inner0));
        record.Add("inner1", engine.Infer<Gaussian>(inner1));
        record.Add("other", engine.Infer<Gaussian>(other));
    }
}
