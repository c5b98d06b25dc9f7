using System.Globalization;
using System.Text.RegularExpressions;
using Probabilistic.FactorGraphs.Samples;

namespace Probabilistic.FactorGraphs.Tests;

/// <summary>
/// Runs the eight tutorial samples (Infer.NET's tutorial code with only the using lines changed) and checks what they
/// print against Infer.NET's documentation where it shows output, and against closed forms everywhere.
/// </summary>
public class TutorialSampleTests
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    private static string[] Run(Action<TextWriter> sample)
    {
        var sw = new StringWriter();
        sample(sw);
        return sw.ToString().Split('\n').Select(l => l.TrimEnd('\r')).Where(l => l.Length > 0).ToArray();
    }

    private static double[] Numbers(string s) =>
        Regex.Matches(s, @"-?\d+(\.\d+)?(e-?\d+)?").Select(m => double.Parse(m.Value, Inv)).ToArray();

    private static string G4(double x) => x.ToString("g4", Inv);

    [Fact]
    public void TwoCoins_PrintsDocumentedOutput()
    {
        // Infer.NET "Two coins" tutorial output; exact: 1/4, and P(first | not both) = (1/4)/(3/4) = 1/3
        Assert.Equal(["Probability both coins are heads: Bernoulli(0.25)", "Probability distribution over firstCoin: Bernoulli(0.3333)"],
            Run(Tutorials.TwoCoins));
        Assert.Equal("0.3333", G4(1.0 / 3));
    }

    [Fact]
    public void TruncatedGaussian_PrintsDocumentedMomentsForEachThreshold()
    {
        // Infer.NET "Truncated Gaussian" tutorial output, thresholds 0, 0.1, …, 1
        string[] documented =
        [
            "Gaussian(0.7979, 0.3634)", "Gaussian(0.8626, 0.3422)", "Gaussian(0.9294, 0.3221)", "Gaussian(0.9982, 0.3031)",
            "Gaussian(1.069, 0.2853)", "Gaussian(1.141, 0.2685)", "Gaussian(1.215, 0.2527)", "Gaussian(1.29, 0.238)",
            "Gaussian(1.367, 0.2241)", "Gaussian(1.446, 0.2112)", "Gaussian(1.525, 0.1991)",
        ];
        var lines = Run(Tutorials.TruncatedGaussian);
        Assert.Equal(documented.Length, lines.Length);
        for (int i = 0; i < lines.Length; i++)
        {
            var m = Regex.Match(lines[i], @"^Dist over x given thresh of (.+)=(Gaussian\(.*\))$");
            Assert.True(m.Success, $"line {i} '{lines[i]}' has the tutorial's shape");
            // the loop adds 0.1 each time, so .NET prints 0.30000000000000004: the threshold is i/10 up to rounding
            double thresh = double.Parse(m.Groups[1].Value, Inv);
            Assert.True(Math.Abs(thresh - i / 10.0) < 1e-12, $"line {i} threshold {thresh}");
            Assert.Equal(documented[i], m.Groups[2].Value);
            // closed form for N(0,1) truncated to (t, ∞): mean λ = φ(t)/(1 − Φ(t)), variance 1 + tλ − λ²
            double phi = Math.Exp(-0.5 * thresh * thresh) / Math.Sqrt(2 * Math.PI);
            double lambda = phi / (0.5 * MathNet.Numerics.SpecialFunctions.Erfc(thresh / Math.Sqrt(2)));
            Assert.Equal("Gaussian(" + G4(lambda) + ", " + G4(1 + thresh * lambda - lambda * lambda) + ")", m.Groups[2].Value);
        }
    }

    [Fact]
    public void LearningAGaussian_PrintsPosteriorsNearTheDataMoments()
    {
        var lines = Run(o => Tutorials.LearningAGaussian(o, new ExpectationPropagation(), 100, seed: 5));
        // the same data again: the sample restarts Rand with its seed and draws 100 standard normals
        Rand.Restart(5);
        double[] data = Enumerable.Range(0, 100).Select(_ => Rand.Normal(0, 1)).ToArray();
        double mean = data.Average(), variance = data.Select(d => (d - mean) * (d - mean)).Average();
        Assert.StartsWith("mean=Gaussian(", lines[0]);
        Assert.StartsWith("prec=Gamma(", lines[1]);
        double postMean = Numbers(lines[0])[0], postPrec = Numbers(lines[1])[^1];
        Assert.True(Math.Abs(postMean - mean) < 0.01, $"printed posterior mean {lines[0]} vs sample mean {mean}");
        Assert.True(Math.Abs(postPrec - 1 / variance) < 0.1, $"printed precision {lines[1]} vs 1/sample variance {1 / variance}");
    }

    [Fact]
    public void ClinicalTrial_PrintsDocumentedOutput()
    {
        var lines = Run(Tutorials.ClinicalTrial);
        // exact evidence with Beta(1,1) priors: effective 1/30·1/30 = 1/900, not effective B(6,6) = 1/2772
        double pe = (1.0 / 900) / (1.0 / 900 + 1.0 / 2772);
        Assert.Equal("0.7549", G4(pe));
        // Infer.NET's documentation prints Bernoulli(0.7549); the Beta means are exactly 5/7 and 2/7, printed as floats
        Assert.Equal("Probability treatment has an effect = Bernoulli(0.7549)", lines[0]);
        Assert.Equal("Probability of good outcome if given treatment = " + (float)(5.0 / 7), lines[1]);
        Assert.Equal("Probability of good outcome if control = " + (float)(2.0 / 7), lines[2]);
    }

    [Fact]
    public void BayesPointMachine_PrintsDocumentedPredictions()
    {
        var lines = Run(Tutorials.BayesPointMachine);
        Assert.Equal("Dist over w=", lines[0]);
        Assert.StartsWith("VectorGaussian(", lines[1]);
        // Infer.NET's Bayes point machine tutorial documents these three predictions
        Assert.Equal(["output=", "[0] Bernoulli(0.9555)", "[1] Bernoulli(0.1565)", "[2] Bernoulli(0.287)"], lines[2..]);
    }

    [Fact]
    public void MixtureOfGaussians_PrintsComponentsOfTheGeneratingData()
    {
        var lines = Run(Tutorials.MixtureOfGaussians);
        // the labels behind the data: the same Rand calls as the sample's generator, recording the Bernoulli draws
        var vg1 = VectorGaussian.FromMeanAndPrecision(Vector.FromArray(2.0, 3.0), new PositiveDefiniteMatrix(new double[,] { { 3.0, 0.2 }, { 0.2, 2.0 } }));
        var vg2 = VectorGaussian.FromMeanAndPrecision(Vector.FromArray(7.0, 5.0), new PositiveDefiniteMatrix(new double[,] { { 2.0, 0.4 }, { 0.4, 4.0 } }));
        Rand.Restart(12347);
        var first = new List<Vector>();
        var second = new List<Vector>();
        var all = new List<Vector>();
        for (int j = 0; j < 300; j++)
        {
            bool fromFirst = new Bernoulli(0.6).Sample();
            var v = fromFirst ? vg1.Sample() : vg2.Sample();
            (fromFirst ? first : second).Add(v);
            all.Add(v);
        }
        // the replay draws exactly the sample's data, so these labels are the data's
        var generated = Tutorials.GenerateMixtureData(300);
        for (int j = 0; j < 300; j++) Assert.Equal(all[j].ToArray(), generated[j].ToArray());

        Assert.StartsWith("Dist over pi=Dirichlet(", lines[0]);
        // VMP's Dirichlet posterior is the prior counts (1, 1) plus the expected counts: near 1 + the true counts
        double[] counts = Numbers(lines[0]).OrderBy(c => c).ToArray();
        double[] truth = new[] { 1.0 + first.Count, 1.0 + second.Count }.OrderBy(c => c).ToArray();
        for (int c = 0; c < 2; c++)
            Assert.True(Math.Abs(counts[c] - truth[c]) < 3, $"printed {lines[0]} vs 1 + true counts {truth[0]}, {truth[1]}");
        Assert.True(Math.Abs(first.Count / 300.0 - 0.6) < 0.1, $"{first.Count} of 300 drawn from the first component, weight 0.6");

        Assert.Equal("Dist over means=", lines[1]);
        var printedMeans = lines[2..4].Select(l => Numbers(l)).Select(n => (X: n[1], Y: n[2])).OrderBy(m => m.X).ToArray();
        (double X, double Y)[] sampleMeans = [(first.Average(v => v[0]), first.Average(v => v[1])), (second.Average(v => v[0]), second.Average(v => v[1]))];
        (double X, double Y)[] trueMeans = [(2, 3), (7, 5)];
        for (int c = 0; c < 2; c++)
        {
            // the prior on the means (precision 0.01) is negligible: the posterior mean is the cluster's sample mean
            Assert.True(Math.Abs(printedMeans[c].X - sampleMeans[c].X) < 0.02 && Math.Abs(printedMeans[c].Y - sampleMeans[c].Y) < 0.02,
                $"component {c}: printed {printedMeans[c]} vs the sample mean of its points {sampleMeans[c]}");
            Assert.True(Math.Abs(printedMeans[c].X - trueMeans[c].X) < 0.2 && Math.Abs(printedMeans[c].Y - trueMeans[c].Y) < 0.2,
                $"component {c}: printed {printedMeans[c]} vs the true mean {trueMeans[c]}");
        }
        Assert.Equal("Dist over precs=", lines[4]);
        Assert.StartsWith("[0] Wishart(", lines[5]);
        Assert.StartsWith("[1] Wishart(", lines[6]);
    }

    [Fact]
    public void TrueSkill_PrintsTheSkillsMicrosoftDocumentationShows()
    {
        // Microsoft's Infer.NET how-to ("Create a game match-up list app with Infer.NET and probabilistic programming")
        // prints these five lines for the same six games
        Assert.Equal(
        [
            "Player 0 skill: Gaussian(9.517, 3.926)",
            "Player 3 skill: Gaussian(6.834, 3.892)",
            "Player 4 skill: Gaussian(6.054, 4.731)",
            "Player 1 skill: Gaussian(4.955, 3.503)",
            "Player 2 skill: Gaussian(2.639, 4.288)",
        ], Run(Tutorials.TrueSkill));
    }

    [Fact]
    public void BayesianLinearRegression_PrintsTheClosedFormPosteriorAndPrediction()
    {
        var lines = Run(Tutorials.BayesianLinearRegression);
        // w ~ N(0, 100 I), y_n ~ N(w0 + w1 x_n, 0.25): posterior precision P = I/100 + XᵀX/0.25, mean P⁻¹Xᵀy/0.25
        double noise = 0.25, p00 = 0.01, p01 = 0, p11 = 0.01, b0 = 0, b1 = 0;
        foreach (var (x, y) in Tutorials.RegressionData)
        {
            p00 += 1 / noise; p01 += x / noise; p11 += x * x / noise;
            b0 += y / noise; b1 += x * y / noise;
        }
        double det = p00 * p11 - p01 * p01;
        double c00 = p11 / det, c01 = -p01 / det, c11 = p00 / det;
        double m0 = c00 * b0 + c01 * b1, m1 = c01 * b0 + c11 * b1;
        Assert.Equal("Dist over w=", lines[0]);
        double[] printed = Numbers(lines[1]);
        double[] expected = [m0, m1, c00, c01, c01, c11];
        Assert.Equal(expected.Length, printed.Length);
        for (int i = 0; i < expected.Length; i++)
            Assert.True(Math.Abs(printed[i] - expected[i]) <= 1e-3 * Math.Abs(expected[i]) + 1e-12, $"entry {i} of '{lines[1]}' vs closed form {expected[i]}");
        // predictive at x = 3: N(m0 + 3 m1, noise + [1 3] Σ [1 3]ᵀ)
        double predMean = m0 + 3 * m1, predVar = noise + c00 + 6 * c01 + 9 * c11;
        Assert.Equal("Prediction at x=3: Gaussian(" + G4(predMean) + ", " + G4(predVar) + ")", lines[2]);
    }
}
