#if INFERNET
using Microsoft.ML.Probabilistic.Models; using Microsoft.ML.Probabilistic.Distributions; using Microsoft.ML.Probabilistic.Algorithms; using Microsoft.ML.Probabilistic.Math; using Range = Microsoft.ML.Probabilistic.Models.Range;
#else
using Probabilistic.FactorGraphs.Models; using Probabilistic.FactorGraphs.Distributions; using Probabilistic.FactorGraphs.Algorithms; using Probabilistic.FactorGraphs.LinearAlgebra;
// Range = Probabilistic.FactorGraphs.Models.Range comes from the test project's GlobalUsings.cs (a second alias is CS1537)
#endif

namespace Probabilistic.FactorGraphs.Tests.InferNet.Idioms;

/// <summary>
/// Issue 12 §2: SetValueRange on Variable&lt;int&gt;, VariableArray&lt;int&gt;, Variable&lt;Vector&gt; and arrays of vectors,
/// which Switch and Case need to know a selector's values.
/// </summary>
public static class SetValueRange
{
    /// <summary>An int drawn from a Dirichlet-distributed vector, given its value range by SetValueRange, then a Switch.</summary>
    [Idiom(IdiomAlgorithm.EP, IdiomAlgorithm.VMP)]
    public static void IntVariable(InferenceEngine engine, IIdiomRecorder record)
    {
        Range k = new Range(3).Named("k");
        Variable<Vector> probs = Variable.Dirichlet(new[] { 1.0, 1.0, 2.0 }).Named("probs");
        Variable<int> c = Variable.Discrete(probs).Named("c");
        c.SetValueRange(k);
        VariableArray<double> centres = Variable.Observed(new[] { -1.0, 0.5, 2.0 }, k).Named("centres");
        Variable<double> y = Variable.New<double>().Named("y");
        using (Variable.Switch(c)) y.SetTo(Variable.GaussianFromMeanAndVariance(centres[c], 1));
        y.ObservedValue = 1.2;
        record.Add("c", engine.Infer<Discrete>(c));
        record.Add("probs", engine.Infer<Dirichlet>(probs));
    }

    /// <summary>A VariableArray&lt;int&gt; of assignments given its value range, used as Switch selectors.</summary>
    [Idiom(IdiomAlgorithm.EP, IdiomAlgorithm.VMP)]
    public static void IntArray(InferenceEngine engine, IIdiomRecorder record)
    {
        double[] data = [0.1, 4.2, 3.8, -0.4, 4.1];
        Range k = new Range(2).Named("k");
        Range n = new Range(data.Length).Named("n");
        VariableArray<double> centres = Variable.Observed(new[] { 0.0, 4.0 }, k).Named("centres");
        Variable<Vector> weights = Variable.Dirichlet(new[] { 1.0, 1.0 }).Named("weights");
        VariableArray<int> z = Variable.Array<int>(n).Named("z");
        z.SetValueRange(k);
        VariableArray<double> x = Variable.Array<double>(n).Named("x");
        using (Variable.ForEach(n))
        {
            z[n] = Variable.Discrete(weights);
            using (Variable.Switch(z[n])) x[n] = Variable.GaussianFromMeanAndVariance(centres[z[n]], 1);
        }
        x.ObservedValue = data;
        record.Add("z", engine.Infer<Discrete[]>(z));
        record.Add("weights", engine.Infer<Dirichlet>(weights));
    }

    /// <summary>A Variable&lt;Vector&gt; given its value range, so that an int drawn from it can select an array element.</summary>
    [Idiom(IdiomAlgorithm.EP, IdiomAlgorithm.VMP)]
    public static void VectorVariable(InferenceEngine engine, IIdiomRecorder record)
    {
        Range k = new Range(3).Named("k");
        Variable<Vector> probs = Variable.Dirichlet(new[] { 2.0, 1.0, 1.0 }).Named("probs");
        probs.SetValueRange(k);
        VariableArray<double> rates = Variable.Observed(new[] { 0.1, 0.5, 0.9 }, k).Named("rates");
        Range n = new Range(4).Named("n");
        VariableArray<int> c = Variable.Array<int>(n).Named("c");
        VariableArray<bool> y = Variable.Array<bool>(n).Named("y");
        using (Variable.ForEach(n))
        {
            c[n] = Variable.Discrete(probs);
            using (Variable.Switch(c[n])) y[n] = Variable.Bernoulli(rates[c[n]]);
        }
        y.ObservedValue = [true, true, false, true];
        record.Add("probs", engine.Infer<Dirichlet>(probs));
        record.Add("c", engine.Infer<Discrete[]>(c));
    }

    /// <summary>An array of Dirichlet rows (a learned table) given its value range; the child selects per-value means.</summary>
    [Idiom(IdiomAlgorithm.EP, IdiomAlgorithm.VMP)]
    public static void VectorArray(InferenceEngine engine, IIdiomRecorder record)
    {
        int[] parents = [0, 1, 1, 0, 1, 0];
        double[] observed = [0.2, 2.1, 1.9, 0.1, -0.2, 2.2];
        Range p = new Range(2).Named("p");
        Range c = new Range(2).Named("c");
        VariableArray<Vector> rows = Variable.Array<Vector>(p).Named("rows");
        rows.SetValueRange(c);
        rows[p] = Variable.Dirichlet(new[] { 1.0, 1.0 }).ForEach(p);
        VariableArray<double> levels = Variable.Observed(new[] { 0.0, 2.0 }, c).Named("levels");
        Range n = new Range(parents.Length).Named("n");
        VariableArray<int> parent = Variable.Observed(parents, n).Named("parent");
        parent.SetValueRange(p);
        VariableArray<int> child = Variable.Array<int>(n).Named("child");
        VariableArray<double> y = Variable.Array<double>(n).Named("y");
        using (Variable.ForEach(n))
        {
            child[n] = Variable.Discrete(rows[parent[n]]);
            using (Variable.Switch(child[n])) y[n] = Variable.GaussianFromMeanAndVariance(levels[child[n]], 0.5);
        }
        y.ObservedValue = observed;
        record.Add("rows", engine.Infer<Dirichlet[]>(rows));
        record.Add("child", engine.Infer<Discrete[]>(child));
    }
}
