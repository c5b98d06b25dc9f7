using Probabilistic.Core.Inference;
using Probabilistic.FactorGraphs.Algorithms;
using Probabilistic.FactorGraphs.Distributions;
using Probabilistic.FactorGraphs.Models;
using Range = Probabilistic.FactorGraphs.Models.Range;

namespace Probabilistic.FactorGraphs.Samples;

/// <summary>Infer.NET's tutorials on this engine, writing what Infer.NET's documentation shows to a writer.</summary>
public static class Tutorials
{
    /// <summary>Tutorial 1: two coins. Prints Bernoulli(0.25), then Bernoulli(0.3333).</summary>
    public static void TwoCoins(TextWriter output)
    {
        ArgumentNullException.ThrowIfNull(output);
        Variable<bool> firstCoin = Variable.Bernoulli(0.5).Named("firstCoin");
        Variable<bool> secondCoin = Variable.Bernoulli(0.5).Named("secondCoin");
        Variable<bool> bothHeads = (firstCoin & secondCoin).Named("bothHeads");
        InferenceEngine engine = new InferenceEngine();
        output.WriteLine("Probability both coins are heads: " + engine.Infer(bothHeads));
        bothHeads.ObservedValue = false;
        output.WriteLine("Probability distribution over firstCoin: " + engine.Infer(firstCoin));
    }

    /// <summary>Tutorial 2a: a Gaussian truncated at thresholds 0, 0.1, …, 1 by EP.</summary>
    public static void TruncatedGaussian(TextWriter output)
    {
        ArgumentNullException.ThrowIfNull(output);
        for (int t = 0; t <= 10; t++)
        {
            double thresh = t / 10.0;
            Variable<double> x = Variable.GaussianFromMeanAndVariance(0, 1).Named("x");
            Variable.ConstrainTrue(x > thresh);
            InferenceEngine engine = new InferenceEngine();
            output.WriteLine("Dist over x given thresh of " + thresh + "=" + engine.Infer(x));
        }
    }

    /// <summary>Tutorial 3b: learning a Gaussian's mean and precision with ranges; returns the per-sweep trace.</summary>
    public static ElboTrace LearningAGaussian(TextWriter output, IAlgorithm algorithm, int count, int seed, double tolerance = 0)
    {
        ArgumentNullException.ThrowIfNull(output);
        var rng = new Random(seed);
        double[] data = new double[count];
        for (int i = 0; i < data.Length; i++) data[i] = MathNet.Numerics.Distributions.Normal.Sample(rng, 0, 1);
        Variable<double> mean = Variable.GaussianFromMeanAndVariance(0, 100).Named("mean");
        Variable<double> precision = Variable.GammaFromShapeAndScale(1, 1).Named("precision");
        Range dataRange = new Range(data.Length).Named("n");
        VariableArray<double> x = Variable.Array<double>(dataRange).Named("x");
        x[dataRange] = Variable.GaussianFromMeanAndPrecision(mean, precision).ForEach(dataRange);
        x.ObservedValue = data;
        InferenceEngine engine = new InferenceEngine(algorithm) { Tolerance = tolerance };
        output.WriteLine("mean=" + engine.Infer(mean));
        output.WriteLine("prec=" + engine.Infer(precision));
        return engine.LastTrace!;
    }

    /// <summary>Tutorial 5: clinical trial, comparing "effective" and "not effective" by their evidence.</summary>
    public static void ClinicalTrial(TextWriter output)
    {
        ArgumentNullException.ThrowIfNull(output);
        VariableArray<bool> controlGroup = Variable.Observed(new bool[] { false, false, true, false, false }).Named("controlGroup");
        VariableArray<bool> treatedGroup = Variable.Observed(new bool[] { true, false, true, true, true }).Named("treatedGroup");
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
        InferenceEngine ie = new InferenceEngine();
        output.WriteLine("Probability treatment has an effect = " + ie.Infer(isEffective));
        output.WriteLine("Probability of good outcome if given treatment = " + (float)ie.Infer<Beta>(probIfTreated).GetMean());
        output.WriteLine("Probability of good outcome if control = " + (float)ie.Infer<Beta>(probIfControl).GetMean());
    }
}
