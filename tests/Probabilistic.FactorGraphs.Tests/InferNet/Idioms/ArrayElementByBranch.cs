#if INFERNET
using Microsoft.ML.Probabilistic.Models; using Microsoft.ML.Probabilistic.Distributions; using Microsoft.ML.Probabilistic.Algorithms; using Microsoft.ML.Probabilistic.Math; using Range = Microsoft.ML.Probabilistic.Models.Range;
#else
using Probabilistic.FactorGraphs.Models; using Probabilistic.FactorGraphs.Distributions; using Probabilistic.FactorGraphs.Algorithms; using Probabilistic.FactorGraphs.LinearAlgebra;
// Range = Probabilistic.FactorGraphs.Models.Range comes from the test project's GlobalUsings.cs (a second alias is CS1537)
#endif

namespace Probabilistic.FactorGraphs.Tests.InferNet.Idioms;

/// <summary>Issue 12 §1.2: array elements <c>x[n]</c> defined per branch inside ForEach, by If/IfNot and by Case.</summary>
public static class ArrayElementByBranch
{
    /// <summary>
    /// Two-component mixture written by branch: x[n] is Gaussian around one of two random means by If/IfNot on a per-point
    /// Bernoulli selector.
    /// </summary>
    [Idiom(IdiomAlgorithm.EP, IdiomAlgorithm.VMP)]
    public static void GaussianByIfIfNot(InferenceEngine engine, IIdiomRecorder record)
    {
        double[] data = [-1.9, -2.3, 2.2, 1.7, -2.1, 2.5, 1.9];
        Range n = new Range(data.Length).Named("n");
        Variable<double> left = Variable.GaussianFromMeanAndVariance(-1, 10).Named("left");
        Variable<double> right = Variable.GaussianFromMeanAndVariance(1, 10).Named("right");
        VariableArray<bool> isRight = Variable.Array<bool>(n).Named("isRight");
        VariableArray<double> x = Variable.Array<double>(n).Named("x");
        using (Variable.ForEach(n))
        {
            isRight[n] = Variable.Bernoulli(0.5);
            using (Variable.If(isRight[n])) x[n] = Variable.GaussianFromMeanAndVariance(right, 1);
            using (Variable.IfNot(isRight[n])) x[n] = Variable.GaussianFromMeanAndVariance(left, 1);
        }
        x.ObservedValue = data;
        record.Add("left", engine.Infer<Gaussian>(left));
        record.Add("right", engine.Infer<Gaussian>(right));
        record.Add("isRight", engine.Infer<Bernoulli[]>(isRight));
    }

    /// <summary>x[n] defined by Case on a per-point three-way selector, with constant per-case rows.</summary>
    [Idiom(IdiomAlgorithm.EP, IdiomAlgorithm.VMP)]
    public static void DiscreteByCase(InferenceEngine engine, IIdiomRecorder record)
    {
        int[] data = [0, 2, 2, 1, 0, 2];
        Range n = new Range(data.Length).Named("n");
        VariableArray<int> z = Variable.Array<int>(n).Named("z");
        VariableArray<int> x = Variable.Array<int>(n).Named("x");
        using (Variable.ForEach(n))
        {
            z[n] = Variable.Discrete(0.2, 0.3, 0.5);
            using (Variable.Case(z[n], 0)) x[n] = Variable.Discrete(0.8, 0.1, 0.1);
            using (Variable.Case(z[n], 1)) x[n] = Variable.Discrete(0.1, 0.8, 0.1);
            using (Variable.Case(z[n], 2)) x[n] = Variable.Discrete(0.1, 0.1, 0.8);
        }
        x.ObservedValue = data;
        record.Add("z", engine.Infer<Discrete[]>(z));
    }

    /// <summary>x[n] defined per Case with Gamma-precision Gaussians whose parameters are shared across points.</summary>
    [Idiom(IdiomAlgorithm.EP, IdiomAlgorithm.VMP)]
    public static void GaussianByCaseSharedPrecisions(InferenceEngine engine, IIdiomRecorder record)
    {
        double[] data = [0.1, -0.3, 4.2, 0.2, 3.9, 5.6, -0.1];
        Range n = new Range(data.Length).Named("n");
        Variable<double> mean0 = Variable.GaussianFromMeanAndVariance(0, 1).Named("mean0");
        Variable<double> mean1 = Variable.GaussianFromMeanAndVariance(4, 1).Named("mean1");
        Variable<double> prec0 = Variable.GammaFromShapeAndRate(2, 2).Named("prec0");
        Variable<double> prec1 = Variable.GammaFromShapeAndRate(2, 2).Named("prec1");
        VariableArray<int> z = Variable.Array<int>(n).Named("z");
        VariableArray<double> x = Variable.Array<double>(n).Named("x");
        using (Variable.ForEach(n))
        {
            z[n] = Variable.Discrete(0.5, 0.5);
            using (Variable.Case(z[n], 0)) x[n] = Variable.GaussianFromMeanAndPrecision(mean0, prec0);
            using (Variable.Case(z[n], 1)) x[n] = Variable.GaussianFromMeanAndPrecision(mean1, prec1);
        }
        x.ObservedValue = data;
        record.Add("mean0", engine.Infer<Gaussian>(mean0));
        record.Add("mean1", engine.Infer<Gaussian>(mean1));
        record.Add("prec0", engine.Infer<Gamma>(prec0));
        record.Add("prec1", engine.Infer<Gamma>(prec1));
        record.Add("z", engine.Infer<Discrete[]>(z));
    }

    /// <summary>Array elements by branch with the children hidden and a second observed layer below them.</summary>
    [Idiom(IdiomAlgorithm.EP, IdiomAlgorithm.VMP)]
    public static void BoolElementsTwoLayers(InferenceEngine engine, IIdiomRecorder record)
    {
        bool[] observed = [true, false, true, true];
        Range n = new Range(observed.Length).Named("n");
        VariableArray<bool> top = Variable.Array<bool>(n).Named("top");
        VariableArray<bool> middle = Variable.Array<bool>(n).Named("middle");
        VariableArray<bool> bottom = Variable.Array<bool>(n).Named("bottom");
        using (Variable.ForEach(n))
        {
            top[n] = Variable.Bernoulli(0.4);
            using (Variable.If(top[n])) middle[n] = Variable.Bernoulli(0.7);
            using (Variable.IfNot(top[n])) middle[n] = Variable.Bernoulli(0.2);
            using (Variable.If(middle[n])) bottom[n] = Variable.Bernoulli(0.9);
            using (Variable.IfNot(middle[n])) bottom[n] = Variable.Bernoulli(0.4);
        }
        bottom.ObservedValue = observed;
        record.Add("top", engine.Infer<Bernoulli[]>(top));
        record.Add("middle", engine.Infer<Bernoulli[]>(middle));
    }
}
