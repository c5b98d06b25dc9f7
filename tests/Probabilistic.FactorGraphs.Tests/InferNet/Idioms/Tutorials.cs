#if INFERNET
using Microsoft.ML.Probabilistic.Models; using Microsoft.ML.Probabilistic.Distributions; using Microsoft.ML.Probabilistic.Algorithms; using Microsoft.ML.Probabilistic.Math; using Range = Microsoft.ML.Probabilistic.Models.Range;
#else
using Probabilistic.FactorGraphs.Models; using Probabilistic.FactorGraphs.Distributions; using Probabilistic.FactorGraphs.Algorithms; using Probabilistic.FactorGraphs.LinearAlgebra;
// Range = Probabilistic.FactorGraphs.Models.Range comes from the test project's GlobalUsings.cs (a second alias is CS1537)
#endif
using Probabilistic.FactorGraphs.Samples; // SampleRandom, the seeded generator of our own

namespace Probabilistic.FactorGraphs.Tests.InferNet.Idioms;

/// <summary>
/// The models of Infer.NET's tutorials, written our own way with our own data, under EP and VMP where Infer.NET supports
/// them: a numeric baseline from Infer.NET beside TutorialSampleTests (which checks printed output).
/// </summary>
public static class Tutorials
{
    /// <summary>Two coins: P(both heads), then the first coin given not both heads (exact: 0.25, then 1/3).</summary>
    [Idiom(IdiomAlgorithm.EP, IdiomAlgorithm.VMP)]
    public static void TwoCoins(InferenceEngine engine, IIdiomRecorder record)
    {
        Variable<bool> firstCoin = Variable.Bernoulli(0.5).Named("firstCoin");
        Variable<bool> secondCoin = Variable.Bernoulli(0.5).Named("secondCoin");
        Variable<bool> bothHeads = (firstCoin & secondCoin).Named("bothHeads");
        record.Add("bothHeads", engine.Infer<Bernoulli>(bothHeads));
        bothHeads.ObservedValue = false;
        record.Add("firstCoin", engine.Infer<Bernoulli>(firstCoin));
    }

    /// <summary>A standard Gaussian truncated at 0.5 by ConstrainTrue(x &gt; 0.5).</summary>
    [Idiom(IdiomAlgorithm.EP, IdiomAlgorithm.VMP)]
    public static void TruncatedGaussian(InferenceEngine engine, IIdiomRecorder record)
    {
        Variable<double> x = Variable.GaussianFromMeanAndVariance(0, 1).Named("x");
        Variable.ConstrainTrue(x > 0.5);
        record.Add("x", engine.Infer<Gaussian>(x));
    }

    /// <summary>A Gaussian truncated at a threshold given as an observed variable, re-inferred for three thresholds.</summary>
    [Idiom(IdiomAlgorithm.EP, IdiomAlgorithm.VMP)]
    public static void TruncatedGaussianObservedThreshold(InferenceEngine engine, IIdiomRecorder record)
    {
        Variable<double> threshold = Variable.New<double>().Named("threshold");
        Variable<double> x = Variable.GaussianFromMeanAndVariance(0, 1).Named("x");
        Variable.ConstrainTrue(x > threshold);
        double[] thresholds = [0, 0.5, 1.5];
        for (int i = 0; i < thresholds.Length; i++)
        {
            threshold.ObservedValue = thresholds[i];
            record.Add("x" + i, engine.Infer<Gaussian>(x));
        }
    }

    /// <summary>Learning a Gaussian's mean and precision from 50 points with ranges.</summary>
    [Idiom(IdiomAlgorithm.EP, IdiomAlgorithm.VMP)]
    public static void LearningAGaussian(InferenceEngine engine, IIdiomRecorder record)
    {
        double[] data = new SampleRandom(3).Normals(50, 0, 1);
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
    /// A Bayes point machine: weights over (income, age, bias) with a noisy step, trained on six buyers and then predicting
    /// three new ones with the learned posterior re-used as the weights' prior.
    /// </summary>
    [Idiom(IdiomAlgorithm.EP, IdiomAlgorithm.VMP)]
    public static void BayesPointMachine(InferenceEngine engine, IIdiomRecorder record)
    {
        double[] incomes = [55, 21, 39, 68, 30, 47];
        double[] ages = [29, 61, 45, 33, 25, 52];
        bool[] bought = [true, false, false, true, false, true];
        var train = new Vector[incomes.Length];
        for (int i = 0; i < train.Length; i++) train[i] = Vector.FromArray(incomes[i], ages[i], 1);
        Range n = new Range(train.Length).Named("n");
        VariableArray<Vector> x = Variable.Observed(train, n).Named("x");
        Variable<Vector> w = Variable.Random(new VectorGaussian(Vector.Zero(3), PositiveDefiniteMatrix.Identity(3))).Named("w");
        VariableArray<bool> y = Variable.Array<bool>(n).Named("y");
        y[n] = Variable.GaussianFromMeanAndVariance(Variable.InnerProduct(w, x[n]), 0.1) > 0;
        y.ObservedValue = bought;
        VectorGaussian posterior = engine.Infer<VectorGaussian>(w);
        record.Add("w", posterior);

        var test = new[] { Vector.FromArray(60, 40, 1), Vector.FromArray(25, 30, 1), Vector.FromArray(40, 58, 1) };
        Range m = new Range(test.Length).Named("m");
        VariableArray<Vector> xTest = Variable.Observed(test, m).Named("xTest");
        Variable<Vector> wTest = Variable.Random(posterior).Named("wTest");
        VariableArray<bool> yTest = Variable.Array<bool>(m).Named("yTest");
        yTest[m] = Variable.GaussianFromMeanAndVariance(Variable.InnerProduct(wTest, xTest[m]), 0.1) > 0;
        record.Add("yTest", engine.Infer<Bernoulli[]>(yTest));
    }

    /// <summary>The clinical trial of the tutorial: its five control and five treated outcomes.</summary>
    [Idiom(IdiomAlgorithm.EP, IdiomAlgorithm.VMP)]
    public static void ClinicalTrial(InferenceEngine engine, IIdiomRecorder record)
    {
        VariableArray<bool> controlGroup = Variable.Observed(new[] { false, false, true, false, false }).Named("controlGroup");
        VariableArray<bool> treatedGroup = Variable.Observed(new[] { true, false, true, true, true }).Named("treatedGroup");
        Range i = controlGroup.Range.Named("i");
        Range j = treatedGroup.Range.Named("j");
        Variable<bool> isEffective = Variable.Bernoulli(0.5).Named("isEffective");
        Variable<double> probIfTreated, probIfControl;
        using (Variable.If(isEffective))
        {
            probIfControl = Variable.Beta(1, 1).Named("probIfControl");
            controlGroup[i] = Variable.Bernoulli(probIfControl).ForEach(i);
            probIfTreated = Variable.Beta(1, 1).Named("probIfTreated");
            treatedGroup[j] = Variable.Bernoulli(probIfTreated).ForEach(j);
        }
        using (Variable.IfNot(isEffective))
        {
            Variable<double> probAll = Variable.Beta(1, 1).Named("probAll");
            controlGroup[i] = Variable.Bernoulli(probAll).ForEach(i);
            treatedGroup[j] = Variable.Bernoulli(probAll).ForEach(j);
        }
        record.Add("isEffective", engine.Infer<Bernoulli>(isEffective));
        record.Add("probIfTreated", engine.Infer<Beta>(probIfTreated));
        record.Add("probIfControl", engine.Infer<Beta>(probIfControl));
    }

    /// <summary>
    /// A mixture of two 2-D Gaussians with VectorGaussian means, Wishart precisions and Dirichlet weights, 60 points drawn
    /// by our generator, assignments initialised at random by our generator to break symmetry.
    /// </summary>
    [Idiom(IdiomAlgorithm.EP, IdiomAlgorithm.VMP)]
    public static void MixtureOfGaussians(InferenceEngine engine, IIdiomRecorder record)
    {
        var rng = new SampleRandom(5);
        int count = 60;
        var data = new Vector[count];
        for (int i = 0; i < count; i++)
            data[i] = rng.Bernoulli(0.6)
                ? Vector.FromArray(rng.Normal(2, 0.6), rng.Normal(3, 0.4))
                : Vector.FromArray(rng.Normal(7, 0.5), rng.Normal(5, 0.8));
        Range k = new Range(2).Named("k");
        VariableArray<Vector> means = Variable.Array<Vector>(k).Named("means");
        means[k] = Variable.VectorGaussianFromMeanAndPrecision(Vector.FromArray(0.0, 0.0),
            PositiveDefiniteMatrix.IdentityScaledBy(2, 0.01)).ForEach(k);
        VariableArray<PositiveDefiniteMatrix> precs = Variable.Array<PositiveDefiniteMatrix>(k).Named("precs");
        precs[k] = Variable.WishartFromShapeAndScale(100.0, PositiveDefiniteMatrix.IdentityScaledBy(2, 0.01)).ForEach(k);
        Variable<Vector> weights = Variable.Dirichlet(k, new double[] { 1, 1 }).Named("weights");
        Range n = new Range(count).Named("n");
        VariableArray<Vector> x = Variable.Array<Vector>(n).Named("x");
        VariableArray<int> z = Variable.Array<int>(n).Named("z");
        using (Variable.ForEach(n))
        {
            z[n] = Variable.Discrete(weights);
            using (Variable.Switch(z[n])) x[n] = Variable.VectorGaussianFromMeanAndPrecision(means[z[n]], precs[z[n]]);
        }
        x.ObservedValue = data;
        var init = new Discrete[count];
        for (int i = 0; i < count; i++) init[i] = Discrete.PointMass(rng.Int(2), 2);
        z.InitialiseTo(Distribution<int>.Array(init));
        record.Add("means", engine.Infer<VectorGaussian[]>(means));
        record.Add("precs", engine.Infer<Wishart[]>(precs));
        record.Add("weights", engine.Infer<Dirichlet>(weights));
    }

    /// <summary>TrueSkill: five players, seven games (winner, loser), performance noise variance 17.</summary>
    [Idiom(IdiomAlgorithm.EP, IdiomAlgorithm.VMP)]
    public static void TrueSkill(InferenceEngine engine, IIdiomRecorder record)
    {
        int[] winnerData = [0, 0, 1, 2, 3, 0, 4];
        int[] loserData = [1, 2, 2, 3, 4, 4, 1];
        Range player = new Range(5).Named("player");
        VariableArray<double> skills = Variable.Array<double>(player).Named("skills");
        skills[player] = Variable.GaussianFromMeanAndVariance(25.0, 70.0).ForEach(player);
        Range game = new Range(winnerData.Length).Named("game");
        VariableArray<int> winners = Variable.Array<int>(game).Named("winners");
        VariableArray<int> losers = Variable.Array<int>(game).Named("losers");
        using (Variable.ForEach(game))
        {
            Variable<double> winnerPerformance = Variable.GaussianFromMeanAndVariance(skills[winners[game]], 17.0);
            Variable<double> loserPerformance = Variable.GaussianFromMeanAndVariance(skills[losers[game]], 17.0);
            Variable.ConstrainTrue(winnerPerformance > loserPerformance);
        }
        winners.ObservedValue = winnerData;
        losers.ObservedValue = loserData;
        record.Add("skills", engine.Infer<Gaussian[]>(skills));
    }

    /// <summary>Bayesian linear regression y = w·x + noise with a Gamma noise precision.</summary>
    [Idiom(IdiomAlgorithm.EP, IdiomAlgorithm.VMP)]
    public static void BayesianLinearRegression(InferenceEngine engine, IIdiomRecorder record)
    {
        var rng = new SampleRandom(9);
        int count = 20;
        var inputs = new Vector[count];
        var outputs = new double[count];
        for (int i = 0; i < count; i++)
        {
            double u = rng.Normal(0, 2);
            inputs[i] = Vector.FromArray(u, 1);
            outputs[i] = 1.5 * u - 0.7 + rng.Normal(0, 0.5);
        }
        Range n = new Range(count).Named("n");
        VariableArray<Vector> x = Variable.Observed(inputs, n).Named("x");
        Variable<Vector> w = Variable.VectorGaussianFromMeanAndPrecision(Vector.Zero(2), PositiveDefiniteMatrix.IdentityScaledBy(2, 0.01))
            .Named("w");
        Variable<double> noisePrecision = Variable.GammaFromShapeAndScale(1, 1).Named("noisePrecision");
        VariableArray<double> y = Variable.Array<double>(n).Named("y");
        y[n] = Variable.GaussianFromMeanAndPrecision(Variable.InnerProduct(w, x[n]), noisePrecision);
        y.ObservedValue = outputs;
        record.Add("w", engine.Infer<VectorGaussian>(w));
        record.Add("noisePrecision", engine.Infer<Gamma>(noisePrecision));
    }
}
