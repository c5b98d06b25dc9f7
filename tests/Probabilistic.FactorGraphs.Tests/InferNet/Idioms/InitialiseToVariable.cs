#if INFERNET
using Microsoft.ML.Probabilistic.Models; using Microsoft.ML.Probabilistic.Distributions; using Microsoft.ML.Probabilistic.Algorithms; using Microsoft.ML.Probabilistic.Math; using Range = Microsoft.ML.Probabilistic.Models.Range;
#else
using Probabilistic.FactorGraphs.Models; using Probabilistic.FactorGraphs.Distributions; using Probabilistic.FactorGraphs.Algorithms; using Probabilistic.FactorGraphs.LinearAlgebra;
// Range = Probabilistic.FactorGraphs.Models.Range comes from the test project's GlobalUsings.cs (a second alias is CS1537)
#endif

namespace Probabilistic.FactorGraphs.Tests.InferNet.Idioms;

/// <summary>
/// Issue 12 §2: InitialiseTo(Variable&lt;TDist&gt;) — an initialisation given as an observed variable, so it can change
/// without recompiling (the Distribution&lt;T&gt;.Array form is in Schedules and Tutorials).
/// </summary>
public static class InitialiseToVariable
{
    private static readonly double[] Data = [-2.0, -1.6, 2.4, -2.2, 1.8, 2.6, -1.9, 2.1];

    /// <summary>
    /// A mixture whose assignments start from an observed Variable&lt;IDistribution&lt;int[]&gt;&gt;; two starts recorded.
    /// </summary>
    [Idiom(IdiomAlgorithm.EP, IdiomAlgorithm.VMP)]
    public static void MixtureAssignments(InferenceEngine engine, IIdiomRecorder record)
    {
        Range k = new Range(2).Named("k");
        Range n = new Range(Data.Length).Named("n");
        VariableArray<double> means = Variable.Array<double>(k).Named("means");
        means[k] = Variable.GaussianFromMeanAndVariance(0, 100).ForEach(k);
        Variable<Vector> weights = Variable.Dirichlet(k, new[] { 1.0, 1.0 }).Named("weights");
        VariableArray<int> z = Variable.Array<int>(n).Named("z");
        VariableArray<double> x = Variable.Array<double>(n).Named("x");
        using (Variable.ForEach(n))
        {
            z[n] = Variable.Discrete(weights);
            using (Variable.Switch(z[n])) x[n] = Variable.GaussianFromMeanAndPrecision(means[z[n]], 1);
        }
        x.ObservedValue = Data;
        Variable<IDistribution<int[]>> zInit = Variable.New<IDistribution<int[]>>().Named("zInit");
        z.InitialiseTo(zInit);
        for (int start = 0; start < 2; start++)
        {
            var init = new Discrete[Data.Length];
            for (int i = 0; i < init.Length; i++) init[i] = Discrete.PointMass((i + start) % 2, 2);
            zInit.ObservedValue = Distribution<int>.Array(init);
            record.Add("means" + start, engine.Infer<Gaussian[]>(means));
        }
    }

    /// <summary>A product a·b observed with noise (VMP), the factor a initialised by an observed Variable&lt;Gaussian&gt;.</summary>
    [Idiom(IdiomAlgorithm.EP, IdiomAlgorithm.VMP)]
    public static void ScalarGaussian(InferenceEngine engine, IIdiomRecorder record)
    {
        Variable<double> a = Variable.GaussianFromMeanAndVariance(0, 1).Named("a");
        Variable<double> b = Variable.GaussianFromMeanAndVariance(0, 1).Named("b");
        Variable<double> y = Variable.GaussianFromMeanAndVariance(a * b, 0.1).Named("y");
        y.ObservedValue = 1.5;
        Variable<Gaussian> aInit = Variable.New<Gaussian>().Named("aInit");
        a.InitialiseTo(aInit);
        aInit.ObservedValue = Gaussian.FromMeanAndVariance(1, 1);
        record.Add("a", engine.Infer<Gaussian>(a));
        record.Add("b", engine.Infer<Gaussian>(b));
        aInit.ObservedValue = Gaussian.FromMeanAndVariance(-1, 1);
        record.Add("aFromNegative", engine.Infer<Gaussian>(a));
        record.Add("bFromNegative", engine.Infer<Gaussian>(b));
    }
}
