#if INFERNET
using Microsoft.ML.Probabilistic.Models; using Microsoft.ML.Probabilistic.Distributions; using Microsoft.ML.Probabilistic.Algorithms; using Microsoft.ML.Probabilistic.Math; using Range = Microsoft.ML.Probabilistic.Models.Range;
#else
using Probabilistic.FactorGraphs.Models; using Probabilistic.FactorGraphs.Distributions; using Probabilistic.FactorGraphs.Algorithms; using Probabilistic.FactorGraphs.LinearAlgebra;
// Range = Probabilistic.FactorGraphs.Models.Range comes from the test project's GlobalUsings.cs (a second alias is CS1537)
#endif

namespace Probabilistic.FactorGraphs.Tests.InferNet.Idioms;

/// <summary>Issue 12 §2: a ForEach block's .Index (a Variable&lt;int&gt; for the current element).</summary>
public static class ForEachIndex
{
    /// <summary>The first element of a range treated differently (Case on the block's index).</summary>
    [Idiom(IdiomAlgorithm.EP, IdiomAlgorithm.VMP)]
    public static void FirstElementSpecial(InferenceEngine engine, IIdiomRecorder record)
    {
        Variable<double> first = Variable.GaussianFromMeanAndVariance(0, 10).Named("first");
        Variable<double> rest = Variable.GaussianFromMeanAndVariance(0, 10).Named("rest");
        Range n = new Range(4).Named("n");
        VariableArray<double> y = Variable.Array<double>(n).Named("y");
        using (var block = Variable.ForEach(n))
        {
            using (Variable.Case(block.Index, 0)) y[n] = Variable.GaussianFromMeanAndVariance(first, 1);
            using (Variable.IfNot(block.Index == 0)) y[n] = Variable.GaussianFromMeanAndVariance(rest, 1);
        }
        y.ObservedValue = [5.0, 1.0, 1.4, 0.6];
        // exact: first ~ N(50/11, 10/11), rest ~ N(30/31, 10/31)
        record.Add("first", engine.Infer<Gaussian>(first));
        record.Add("rest", engine.Infer<Gaussian>(rest));
    }

    /// <summary>The index used to pick an element of an array over another range (a lookup by position).</summary>
    [Idiom(IdiomAlgorithm.EP, IdiomAlgorithm.VMP)]
    public static void IndexSelectsElement(InferenceEngine engine, IIdiomRecorder record)
    {
        Range n = new Range(3).Named("n");
        VariableArray<double> level = Variable.Array<double>(n).Named("level");
        level[n] = Variable.GaussianFromMeanAndVariance(0, 4).ForEach(n);
        Range m = new Range(3).Named("m");
        VariableArray<double> y = Variable.Array<double>(m).Named("y");
        using (var block = Variable.ForEach(m))
        {
            Variable<int> at = block.Index;
            y[m] = Variable.GaussianFromMeanAndVariance(level[at], 1);
        }
        y.ObservedValue = [1.0, -1.0, 2.0];
        record.Add("level", engine.Infer<Gaussian[]>(level));
    }
}
