namespace Probabilistic.FactorGraphs.Tests;

/// <summary>A TrueSkill-style model under EP and a mixture of Gaussians under VMP.</summary>
public class SkillAndMixtureTests
{
    private static (VariableArray<double> Skills, InferenceEngine Engine) SkillModel(int players, int[] winners, int[] losers, double mu, double sigma, double beta)
    {
        Range player = new Range(players).Named("player");
        VariableArray<double> skills = Variable.Array<double>(player).Named("skills");
        skills[player] = Variable.GaussianFromMeanAndVariance(mu, sigma * sigma).ForEach(player);
        Range game = new Range(winners.Length).Named("game");
        VariableArray<int> winner = Variable.Observed(winners, game).Named("winner");
        VariableArray<int> loser = Variable.Observed(losers, game).Named("loser");
        using (Variable.ForEach(game))
        {
            Variable<double> winnerPerformance = Variable.GaussianFromMeanAndVariance(skills[winner[game]], beta * beta);
            Variable<double> loserPerformance = Variable.GaussianFromMeanAndVariance(skills[loser[game]], beta * beta);
            Variable.ConstrainTrue(winnerPerformance > loserPerformance);
        }
        return (skills, new InferenceEngine());
    }

    [Fact]
    public void TrueSkill_OneGame_EqualsPublishedUpdateEquations()
    {
        // Herbrich, Minka & Graepel (2007), TrueSkill, eq. for a win without draws:
        // c² = 2β² + σw² + σl², t = (μw − μl)/c, v = φ(t)/Φ(t), w = v(v + t);
        // μw' = μw + σw²/c·v, σw'² = σw²(1 − σw²/c²·w); the loser symmetrically with −.
        double mu = 25, sigma = 25.0 / 3, beta = 25.0 / 6;
        var (skills, engine) = SkillModel(2, [0], [1], mu, sigma, beta);
        var post = engine.Infer<Gaussian[]>(skills);
        double c = Math.Sqrt(2 * beta * beta + 2 * sigma * sigma), t = 0;
        double phi = Math.Exp(-t * t / 2) / Math.Sqrt(2 * Math.PI), cdf = 0.5;
        double v = phi / cdf, w = v * (v + t);
        Assert.Equal(mu + sigma * sigma / c * v, post[0].GetMean(), 9);
        Assert.Equal(mu - sigma * sigma / c * v, post[1].GetMean(), 9);
        Assert.Equal(sigma * sigma * (1 - sigma * sigma / (c * c) * w), post[0].GetVariance(), 9);
        Assert.Equal(sigma * sigma * (1 - sigma * sigma / (c * c) * w), post[1].GetVariance(), 9);
    }

    [Fact]
    public void TrueSkill_Tournament_OrdersPlayersByWins()
    {
        // player 0 beats everyone, 1 beats 2 and 3, 2 beats 3
        int[] winners = [0, 0, 0, 1, 1, 2, 0, 1];
        int[] losers = [1, 2, 3, 2, 3, 3, 1, 3];
        var (skills, engine) = SkillModel(4, winners, losers, 25, 25.0 / 3, 25.0 / 6);
        var post = engine.Infer<Gaussian[]>(skills);
        for (int p = 0; p < 3; p++)
            Assert.True(post[p].GetMean() > post[p + 1].GetMean(), $"skill {p} ({post[p]}) should exceed skill {p + 1} ({post[p + 1]})");
        Assert.False(engine.LastTrace!.IsBound, "EP reports an estimate, not a bound");
    }

    [Fact]
    public void MixtureOfGaussians_Vmp_RecoversComponentsAndBoundRises()
    {
        var rng = new Random(12345);
        var truth = new[] { (-2.0, 0.5), (3.0, 1.0) };
        double[] points = new double[300];
        for (int i = 0; i < points.Length; i++)
        {
            var (m, s) = truth[i % 3 == 0 ? 0 : 1];
            points[i] = m + s * MathNet.Numerics.Distributions.Normal.Sample(rng, 0, 1);
        }
        Range k = new Range(2).Named("k");
        VariableArray<double> means = Variable.Array<double>(k).Named("means");
        means[k] = Variable.GaussianFromMeanAndPrecision(0, 0.01).ForEach(k);
        VariableArray<double> precs = Variable.Array<double>(k).Named("precs");
        precs[k] = Variable.GammaFromShapeAndScale(1, 1).ForEach(k);
        Variable<Vector> weights = Variable.Dirichlet(new double[] { 1, 1 }).Named("weights");
        Range n = new Range(points.Length).Named("n");
        VariableArray<double> data = Variable.Array<double>(n).Named("x");
        VariableArray<int> z = Variable.Array<int>(n).Named("z");
        using (Variable.ForEach(n))
        {
            z[n] = Variable.Discrete(weights);
            using (Variable.Switch(z[n]))
            {
                data[n] = Variable.GaussianFromMeanAndPrecision(means[z[n]], precs[z[n]]);
            }
        }
        data.ObservedValue = points;
        // symmetry broken by a random (seeded) initialisation of the assignments, as in Infer.NET's tutorial
        var init = new Random(1);
        Discrete[] zinit = new Discrete[n.SizeAsInt];
        for (int i = 0; i < zinit.Length; i++) zinit[i] = Discrete.PointMass(init.Next(k.SizeAsInt), k.SizeAsInt);
        z.InitialiseTo(zinit);
        var engine = new InferenceEngine(new VariationalMessagePassing()) { NumberOfIterations = 100 };
        var postMeans = engine.Infer<Gaussian[]>(means).Select(g => g.GetMean()).OrderBy(m => m).ToArray();
        var postPrecs = engine.Infer<Gamma[]>(precs);
        var w = engine.Infer<Dirichlet>(weights).GetMean().OrderBy(x => x).ToArray();
        Assert.True(Math.Abs(postMeans[0] - -2) < 0.2 && Math.Abs(postMeans[1] - 3) < 0.2, $"means {string.Join(", ", postMeans)} vs -2, 3");
        Assert.True(Math.Abs(w[0] - 1.0 / 3) < 0.06, $"weights {string.Join(", ", w)} vs 1/3, 2/3");
        var trace = engine.LastTrace!;
        for (int i = 1; i < trace.Count; i++)
            Assert.True(trace[i].Elbo >= trace[i - 1].Elbo - 1e-9 * Math.Abs(trace[i].Elbo), $"ELBO fell at sweep {i + 1}");
        Assert.Equal(2, postPrecs.Length);
    }
}
