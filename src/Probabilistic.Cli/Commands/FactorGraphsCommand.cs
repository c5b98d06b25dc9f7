using Probabilistic.FactorGraphs.Algorithms;
using Probabilistic.FactorGraphs.Samples;

namespace Probabilistic.Cli.Commands;

/// <summary>The factor-graph family's demo: Infer.NET's tutorials on our engine, with the VMP bound trace.</summary>
public static class FactorGraphsCommand
{
    /// <summary>
    /// Two coins, clinical trial, Bayes point machine, TrueSkill and Bayesian linear regression (EP), learning a
    /// Gaussian (EP and VMP, with its ELBO trace) and the 2-D mixture of Gaussians (VMP).
    /// </summary>
    public static void Demo(DemoCommand.DemoContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var o = context.Out;
        o.WriteLine("-- Two coins (EP)");
        Tutorials.TwoCoins(o);
        o.WriteLine("-- Clinical trial (EP, model evidence through gates)");
        Tutorials.ClinicalTrial(o);
        o.WriteLine("-- Learning a Gaussian, 100 points (EP)");
        Tutorials.LearningAGaussian(o, new ExpectationPropagation(), 100, context.Seed);
        o.WriteLine("-- Learning a Gaussian, 100 points (VMP): lower bound per sweep");
        var trace = Tutorials.LearningAGaussian(o, new VariationalMessagePassing(), 100, context.Seed, tolerance: 1e-12);
        o.WriteLine(trace.ToTable());
        o.WriteLine("-- Bayes point machine (EP)");
        Tutorials.BayesPointMachine(o);
        o.WriteLine("-- TrueSkill: six games, five players (EP)");
        Tutorials.TrueSkill(o);
        o.WriteLine("-- Bayesian linear regression (EP, exact here)");
        Tutorials.BayesianLinearRegression(o);
        o.WriteLine("-- Mixture of two 2-D Gaussians, 300 points (VMP)");
        Tutorials.MixtureOfGaussians(o);
    }
}
