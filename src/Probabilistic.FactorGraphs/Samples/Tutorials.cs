using Probabilistic.Core.Inference;
using Probabilistic.FactorGraphs.Algorithms;
using Probabilistic.FactorGraphs.Distributions;
using Probabilistic.FactorGraphs.LinearAlgebra;
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
        if (engine.Algorithm is Algorithms.VariationalMessagePassing)
        {
            output.WriteLine("This example does not run with Variational Message Passing");
            return;
        }
        output.WriteLine("Probability both coins are heads: " + engine.Infer(bothHeads));
        bothHeads.ObservedValue = false;
        output.WriteLine("Probability distribution over firstCoin: " + engine.Infer(firstCoin));
    }

    /// <summary>
    /// Tutorial 2a: a Gaussian truncated at thresholds 0, 0.1, …, 1 by EP, with the tutorial's own loop
    /// (so thresholds print as .NET formats 0.1 + 0.1 + 0.1 …).
    /// </summary>
    public static void TruncatedGaussian(TextWriter output)
    {
        ArgumentNullException.ThrowIfNull(output);
        for (double thresh = 0; thresh <= 1; thresh += 0.1)
        {
            Variable<double> x = Variable.GaussianFromMeanAndVariance(0, 1).Named("x");
            Variable.ConstrainTrue(x > thresh);
            InferenceEngine engine = new InferenceEngine();
            if (engine.Algorithm is Algorithms.ExpectationPropagation)
            {
                output.WriteLine("Dist over x given thresh of " + thresh + "=" + engine.Infer(x));
            }
            else
            {
                output.WriteLine("This example only runs with Expectation Propagation");
            }
        }
    }

    /// <summary>Tutorial 3b: learning a Gaussian's mean and precision with ranges; returns the per-sweep trace.</summary>
    public static ElboTrace LearningAGaussian(TextWriter output, IAlgorithm algorithm, int count, int seed, double tolerance = 0)
    {
        ArgumentNullException.ThrowIfNull(output);
        // Sample data from standard Gaussian (the tutorial's Rand, restarted so a seed gives the same data)
        Rand.Restart(seed);
        double[] data = new double[count];
        for (int i = 0; i < data.Length; i++)
        {
            data[i] = Rand.Normal(0, 1);
        }

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
        if (!(ie.Algorithm is Algorithms.GibbsSampling))
        {
            output.WriteLine("Probability treatment has an effect = " + ie.Infer(isEffective));
            output.WriteLine("Probability of good outcome if given treatment = "
                                    + (float)ie.Infer<Beta>(probIfTreated).GetMean());
            output.WriteLine("Probability of good outcome if control = "
                                    + (float)ie.Infer<Beta>(probIfControl).GetMean());
        }
        else
        {
            output.WriteLine("This model is not supported by Gibbs sampling.");
        }
    }

    /// <summary>
    /// Tutorial 4: the Bayes point machine. Prints the weight posterior, then the predictions Infer.NET's documentation
    /// shows: [0] Bernoulli(0.9555), [1] Bernoulli(0.1565), [2] Bernoulli(0.287).
    /// </summary>
    public static void BayesPointMachine(TextWriter output)
    {
        ArgumentNullException.ThrowIfNull(output);
        // data
        double[] incomes = { 63, 16, 28, 55, 22, 20 };
        double[] ages = { 38, 23, 40, 27, 18, 40 };
        bool[] willBuy = { true, false, true, true, false, false };

        // Create target y
        VariableArray<bool> y = Variable.Observed(willBuy).Named("y");
        Variable<Vector> w = Variable.Random(new VectorGaussian(Vector.Zero(3), PositiveDefiniteMatrix.Identity(3))).Named("w");
        BayesPointMachine(incomes, ages, w, y);

        InferenceEngine engine = new InferenceEngine();
        if (!(engine.Algorithm is Algorithms.GibbsSampling))
        {
            VectorGaussian wPosterior = engine.Infer<VectorGaussian>(w);
            output.WriteLine("Dist over w=\n" + wPosterior);

            double[] incomesTest = { 58, 18, 22 };
            double[] agesTest = { 36, 24, 37 };
            VariableArray<bool> ytest = Variable.Array<bool>(new Range(agesTest.Length)).Named("ytest");
            BayesPointMachine(incomesTest, agesTest, Variable.Random(wPosterior).Named("w"), ytest);
            output.WriteLine("output=\n" + engine.Infer(ytest));
        }
        else
        {
            output.WriteLine("This model has a non-conjugate factor, and therefore cannot use Gibbs sampling");
        }
    }

    /// <summary>The Bayes point machine's model: y_j = (wᵀ[income_j, age_j, 1] + N(0, 0.1) &gt; 0).</summary>
    public static void BayesPointMachine(double[] incomes, double[] ages, Variable<Vector> w, VariableArray<bool> y)
    {
        ArgumentNullException.ThrowIfNull(incomes);
        ArgumentNullException.ThrowIfNull(ages);
        ArgumentNullException.ThrowIfNull(w);
        ArgumentNullException.ThrowIfNull(y);
        if (ages.Length != incomes.Length)
            throw new ArgumentException($"incomes has {incomes.Length} entries but ages has {ages.Length}.", nameof(ages));
        // Create x vector, augmented by 1
        Range j = y.Range.Named("person");
        Vector[] xdata = new Vector[incomes.Length];
        for (int i = 0; i < xdata.Length; i++)
        {
            xdata[i] = Vector.FromArray(incomes[i], ages[i], 1);
        }

        VariableArray<Vector> x = Variable.Observed(xdata, j).Named("x");

        // Bayes Point Machine
        double noise = 0.1;
        y[j] = Variable.GaussianFromMeanAndVariance(Variable.InnerProduct(w, x[j]).Named("innerProduct"), noise) > 0;
    }

    /// <summary>
    /// Tutorial 6: a mixture of two 2-D Gaussians learnt by VMP from 300 points drawn by
    /// <see cref="GenerateMixtureData"/> (true means (2, 3) and (7, 5), weights 0.6 / 0.4).
    /// </summary>
    public static void MixtureOfGaussians(TextWriter output)
    {
        ArgumentNullException.ThrowIfNull(output);
        // Define a range for the number of mixture components
        Range k = new Range(2).Named("k");

        // Mixture component means
        VariableArray<Vector> means = Variable.Array<Vector>(k).Named("means");
        means[k] = Variable.VectorGaussianFromMeanAndPrecision(
            Vector.FromArray(0.0, 0.0),
            PositiveDefiniteMatrix.IdentityScaledBy(2, 0.01)).ForEach(k);

        // Mixture component precisions
        VariableArray<PositiveDefiniteMatrix> precs = Variable.Array<PositiveDefiniteMatrix>(k).Named("precs");
        precs[k] = Variable.WishartFromShapeAndScale(100.0, PositiveDefiniteMatrix.IdentityScaledBy(2, 0.01)).ForEach(k);

        // Mixture weights
        Variable<Vector> weights = Variable.Dirichlet(k, new double[] { 1, 1 }).Named("weights");

        // Create a variable array which will hold the data
        Range n = new Range(300).Named("n");
        VariableArray<Vector> data = Variable.Array<Vector>(n).Named("x");

        // Create latent indicator variable for each data point
        VariableArray<int> z = Variable.Array<int>(n).Named("z");

        // The mixture of Gaussians model
        using (Variable.ForEach(n))
        {
            z[n] = Variable.Discrete(weights);
            using (Variable.Switch(z[n]))
            {
                data[n] = Variable.VectorGaussianFromMeanAndPrecision(means[z[n]], precs[z[n]]);
            }
        }

        // Attach some generated data
        data.ObservedValue = GenerateMixtureData(n.SizeAsInt);

        // Initialise messages randomly so as to break symmetry
        Discrete[] zinit = new Discrete[n.SizeAsInt];
        for (int i = 0; i < zinit.Length; i++)
        {
            zinit[i] = Discrete.PointMass(Rand.Int(k.SizeAsInt), k.SizeAsInt);
        }

        z.InitialiseTo(Distribution<int>.Array(zinit));

        // The inference (VMP: this engine's EP has no operator for a Wishart-precision VectorGaussian)
        InferenceEngine ie = new InferenceEngine(new VariationalMessagePassing());
        output.WriteLine("Dist over pi=" + ie.Infer(weights));
        output.WriteLine("Dist over means=\n" + ie.Infer(means));
        output.WriteLine("Dist over precs=\n" + ie.Infer(precs));
    }

    /// <summary>The mixture tutorial's data: <paramref name="nData"/> draws after <c>Rand.Restart(12347)</c>.</summary>
    public static Vector[] GenerateMixtureData(int nData)
    {
        if (nData < 0) throw new ArgumentOutOfRangeException(nameof(nData), nData, "The number of points must be >= 0.");
        Vector trueM1 = Vector.FromArray(2.0, 3.0);
        Vector trueM2 = Vector.FromArray(7.0, 5.0);
        PositiveDefiniteMatrix trueP1 = new PositiveDefiniteMatrix(
            new double[,] { { 3.0, 0.2 }, { 0.2, 2.0 } });
        PositiveDefiniteMatrix trueP2 = new PositiveDefiniteMatrix(
            new double[,] { { 2.0, 0.4 }, { 0.4, 4.0 } });
        VectorGaussian trueVG1 = VectorGaussian.FromMeanAndPrecision(trueM1, trueP1);
        VectorGaussian trueVG2 = VectorGaussian.FromMeanAndPrecision(trueM2, trueP2);
        double truePi = 0.6;
        Bernoulli trueB = new Bernoulli(truePi);

        // Restart the random number generator
        Rand.Restart(12347);
        Vector[] data = new Vector[nData];
        for (int j = 0; j < nData; j++)
        {
            bool bSamp = trueB.Sample();
            data[j] = bSamp ? trueVG1.Sample() : trueVG2.Sample();
        }

        return data;
    }

    /// <summary>
    /// A TrueSkill-style rating (Infer.NET's README example): six games among five players, skills N(6, 9),
    /// performance noise variance 1, EP. Prints each player's skill posterior, best first.
    /// </summary>
    public static void TrueSkill(TextWriter output)
    {
        ArgumentNullException.ThrowIfNull(output);
        // The winner and loser in each of 6 samples games
        var winnerData = new[] { 0, 0, 0, 1, 3, 4 };
        var loserData = new[] { 1, 3, 4, 2, 1, 2 };

        // Define the statistical model as a probabilistic program
        var game = new Range(winnerData.Length);
        var player = new Range(winnerData.Concat(loserData).Max() + 1);
        var playerSkills = Variable.Array<double>(player);
        playerSkills[player] = Variable.GaussianFromMeanAndVariance(6, 9).ForEach(player);

        var winners = Variable.Array<int>(game);
        var losers = Variable.Array<int>(game);

        using (Variable.ForEach(game))
        {
            // The player performance is a noisy version of their skill
            var winnerPerformance = Variable.GaussianFromMeanAndVariance(playerSkills[winners[game]], 1.0);
            var loserPerformance = Variable.GaussianFromMeanAndVariance(playerSkills[losers[game]], 1.0);

            // The winner performed better in this game
            Variable.ConstrainTrue(winnerPerformance > loserPerformance);
        }

        // Attach the data to the model
        winners.ObservedValue = winnerData;
        losers.ObservedValue = loserData;

        // Run inference
        var inferenceEngine = new InferenceEngine();
        var inferredSkills = inferenceEngine.Infer<Gaussian[]>(playerSkills);

        // The inferred skills are uncertain, which is captured in their variance
        var orderedPlayerSkills = inferredSkills
            .Select((s, i) => new { Player = i, Skill = s })
            .OrderByDescending(ps => ps.Skill.GetMean());

        foreach (var playerSkill in orderedPlayerSkills)
        {
            output.WriteLine($"Player {playerSkill.Player} skill: {playerSkill.Skill}");
        }
    }

    /// <summary>The Bayesian linear regression sample's inputs (x) and targets (y).</summary>
    public static IReadOnlyList<(double X, double Y)> RegressionData { get; } =
        [(-2.0, -3.1), (-1.5, -1.8), (-1.0, -1.2), (-0.5, 0.1), (0.0, 0.9), (0.5, 2.2), (1.0, 2.8), (1.5, 4.1), (2.0, 5.2)];

    /// <summary>
    /// Bayesian linear regression in the Bayes point machine's style: y_n ~ N(wᵀ[1, x_n], 0.25) with
    /// w ~ N(0, 100·I). Prints the weight posterior (exact here: a Gaussian prior and a Gaussian likelihood), then the
    /// predictive distribution of y at x = 3.
    /// </summary>
    public static void BayesianLinearRegression(TextWriter output)
    {
        ArgumentNullException.ThrowIfNull(output);
        double[] xs = RegressionData.Select(d => d.X).ToArray();
        double[] ys = RegressionData.Select(d => d.Y).ToArray();

        // Create x vector, augmented by 1 for the intercept
        Vector[] xdata = new Vector[xs.Length];
        for (int i = 0; i < xdata.Length; i++)
        {
            xdata[i] = Vector.FromArray(1, xs[i]);
        }

        Range n = new Range(xdata.Length).Named("n");
        VariableArray<Vector> x = Variable.Observed(xdata, n).Named("x");
        VariableArray<double> y = Variable.Observed(ys, n).Named("y");
        Variable<Vector> w = Variable.Random(new VectorGaussian(Vector.Zero(2), PositiveDefiniteMatrix.IdentityScaledBy(2, 100))).Named("w");
        double noise = 0.25;
        y[n] = Variable.GaussianFromMeanAndVariance(Variable.InnerProduct(w, x[n]), noise);

        InferenceEngine engine = new InferenceEngine();
        VectorGaussian wPosterior = engine.Infer<VectorGaussian>(w);
        output.WriteLine("Dist over w=\n" + wPosterior);

        // Predict y at x = 3 from the posterior
        Variable<Vector> wLearnt = Variable.Random(wPosterior).Named("wLearnt");
        Variable<double> ytest = Variable.GaussianFromMeanAndVariance(Variable.InnerProduct(wLearnt, Variable.Constant(Vector.FromArray(1, 3.0))), noise).Named("ytest");
        output.WriteLine("Prediction at x=3: " + engine.Infer(ytest));
    }
}
