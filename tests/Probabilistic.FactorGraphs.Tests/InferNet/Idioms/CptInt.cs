#if INFERNET
using Microsoft.ML.Probabilistic.Models; using Microsoft.ML.Probabilistic.Distributions; using Microsoft.ML.Probabilistic.Algorithms; using Microsoft.ML.Probabilistic.Math; using Range = Microsoft.ML.Probabilistic.Models.Range;
#else
using Probabilistic.FactorGraphs.Models; using Probabilistic.FactorGraphs.Distributions; using Probabilistic.FactorGraphs.Algorithms; using Probabilistic.FactorGraphs.LinearAlgebra;
// Range = Probabilistic.FactorGraphs.Models.Range comes from the test project's GlobalUsings.cs (a second alias is CS1537)
#endif

namespace Probabilistic.FactorGraphs.Tests.InferNet.Idioms;

/// <summary>
/// Issue 12 §1.2, int children and int parents: Variable.New&lt;int&gt;() defined per Case branch (constant rows and
/// Dirichlet rows), and bool children of int parents / int children of bool parents.
/// </summary>
public static class CptInt
{
    /// <summary>A 3×3 constant table by Case; the child observed.</summary>
    [Idiom(IdiomAlgorithm.EP, IdiomAlgorithm.VMP)]
    public static void ConstantRowsByCase(InferenceEngine engine, IIdiomRecorder record)
    {
        double[][] rows = [[0.7, 0.2, 0.1], [0.2, 0.5, 0.3], [0.05, 0.15, 0.8]];
        Variable<int> parent = Variable.Discrete(0.5, 0.3, 0.2).Named("parent");
        Variable<int> child = Variable.New<int>().Named("child");
        for (int k = 0; k < 3; k++)
            using (Variable.Case(parent, k)) child.SetTo(Variable.Discrete(rows[k]));
        child.ObservedValue = 2;
        // exact: weights 0.05, 0.09, 0.16 -> (1/6, 0.3, 0.5333)
        record.Add("parent", engine.Infer<Discrete>(parent));
    }

    /// <summary>The same table, child unobserved, with a grandchild observed: a chain of two tables.</summary>
    [Idiom(IdiomAlgorithm.EP, IdiomAlgorithm.VMP)]
    public static void ConstantRowsChain(InferenceEngine engine, IIdiomRecorder record)
    {
        double[][] rows = [[0.7, 0.2, 0.1], [0.2, 0.5, 0.3], [0.05, 0.15, 0.8]];
        Variable<int> a = Variable.Discrete(0.5, 0.3, 0.2).Named("a");
        Variable<int> b = Variable.New<int>().Named("b");
        Variable<int> c = Variable.New<int>().Named("c");
        for (int k = 0; k < 3; k++)
            using (Variable.Case(a, k)) b.SetTo(Variable.Discrete(rows[k]));
        for (int k = 0; k < 3; k++)
            using (Variable.Case(b, k)) c.SetTo(Variable.Discrete(rows[2 - k]));
        c.ObservedValue = 0;
        record.Add("a", engine.Infer<Discrete>(a));
        record.Add("b", engine.Infer<Discrete>(b));
    }

    /// <summary>Dirichlet rows, one per parent value, learned from observed parent/child pairs over a range.</summary>
    [Idiom(IdiomAlgorithm.EP, IdiomAlgorithm.VMP)]
    public static void DirichletRowsLearned(InferenceEngine engine, IIdiomRecorder record)
    {
        int[] parents = [0, 1, 2, 0, 1, 1, 2, 0, 0, 2];
        int[] children = [0, 1, 2, 1, 1, 0, 2, 0, 2, 2];
        Range n = new Range(parents.Length).Named("n");
        VariableArray<int> parent = Variable.Observed(parents, n).Named("parent");
        VariableArray<int> child = Variable.Array<int>(n).Named("child");
        var rows = new Variable<Vector>[3];
        for (int k = 0; k < 3; k++) rows[k] = Variable.Dirichlet(new[] { 1.0, 1.0, 1.0 }).Named("row" + k);
        using (Variable.ForEach(n))
            for (int k = 0; k < 3; k++)
                using (Variable.Case(parent[n], k)) child[n] = Variable.Discrete(rows[k]);
        child.ObservedValue = children;
        for (int k = 0; k < 3; k++) record.Add("row" + k, engine.Infer<Dirichlet>(rows[k]));
    }

    /// <summary>Dirichlet rows under a hidden parent with a Dirichlet prior; children observed.</summary>
    [Idiom(IdiomAlgorithm.EP, IdiomAlgorithm.VMP)]
    public static void DirichletRowsHiddenParent(InferenceEngine engine, IIdiomRecorder record)
    {
        int[] children = [0, 0, 1, 1, 1, 0, 1, 0];
        Range n = new Range(children.Length).Named("n");
        VariableArray<int> parent = Variable.Array<int>(n).Named("parent");
        VariableArray<int> child = Variable.Array<int>(n).Named("child");
        Variable<Vector> row0 = Variable.Dirichlet(new[] { 5.0, 1.0 }).Named("row0");
        Variable<Vector> row1 = Variable.Dirichlet(new[] { 1.0, 5.0 }).Named("row1");
        using (Variable.ForEach(n))
        {
            parent[n] = Variable.Discrete(0.5, 0.5);
            using (Variable.Case(parent[n], 0)) child[n] = Variable.Discrete(row0);
            using (Variable.Case(parent[n], 1)) child[n] = Variable.Discrete(row1);
        }
        child.ObservedValue = children;
        record.Add("row0", engine.Infer<Dirichlet>(row0));
        record.Add("row1", engine.Infer<Dirichlet>(row1));
        record.Add("parent", engine.Infer<Discrete[]>(parent));
    }

    /// <summary>A bool child of an int parent (Case branches with Beta entries) and an int child of a bool parent (If/IfNot).</summary>
    [Idiom(IdiomAlgorithm.EP, IdiomAlgorithm.VMP)]
    public static void MixedBoolAndIntTables(InferenceEngine engine, IIdiomRecorder record)
    {
        Variable<int> weather = Variable.Discrete(0.6, 0.3, 0.1).Named("weather");
        Variable<bool> umbrella = Variable.New<bool>().Named("umbrella");
        var pUmbrella = new Variable<double>[3];
        for (int k = 0; k < 3; k++)
        {
            pUmbrella[k] = Variable.Beta(1 + k, 3 - k).Named("pUmbrella" + k);
            using (Variable.Case(weather, k)) umbrella.SetTo(Variable.Bernoulli(pUmbrella[k]));
        }
        Variable<int> mood = Variable.New<int>().Named("mood");
        using (Variable.If(umbrella)) mood.SetTo(Variable.Discrete(0.2, 0.5, 0.3));
        using (Variable.IfNot(umbrella)) mood.SetTo(Variable.Discrete(0.6, 0.3, 0.1));
        mood.ObservedValue = 1;
        record.Add("weather", engine.Infer<Discrete>(weather));
        record.Add("umbrella", engine.Infer<Bernoulli>(umbrella));
        for (int k = 0; k < 3; k++) record.Add("pUmbrella" + k, engine.Infer<Beta>(pUmbrella[k]));
    }

    /// <summary>A single Variable.New&lt;int&gt;() with Dirichlet rows by Case on a random parent, child and a sibling observed.</summary>
    [Idiom(IdiomAlgorithm.EP, IdiomAlgorithm.VMP)]
    public static void NewIntDirichletRowsByCase(InferenceEngine engine, IIdiomRecorder record)
    {
        Variable<int> parent = Variable.Discrete(0.6, 0.4).Named("parent");
        Variable<Vector> row0 = Variable.Dirichlet(new[] { 3.0, 1.0, 1.0 }).Named("row0");
        Variable<Vector> row1 = Variable.Dirichlet(new[] { 1.0, 1.0, 3.0 }).Named("row1");
        Variable<int> child = Variable.New<int>().Named("child");
        Variable<int> sibling = Variable.New<int>().Named("sibling");
        using (Variable.Case(parent, 0)) { child.SetTo(Variable.Discrete(row0)); sibling.SetTo(Variable.Discrete(row0)); }
        using (Variable.Case(parent, 1)) { child.SetTo(Variable.Discrete(row1)); sibling.SetTo(Variable.Discrete(row1)); }
        child.ObservedValue = 2;
        sibling.ObservedValue = 2;
        record.Add("parent", engine.Infer<Discrete>(parent));
        record.Add("row0", engine.Infer<Dirichlet>(row0));
        record.Add("row1", engine.Infer<Dirichlet>(row1));
    }
}
