using System.Collections;
using Probabilistic.FactorGraphs.Algorithms;
using Probabilistic.FactorGraphs.Samples;

namespace Probabilistic.Cli.Commands;

/// <summary>
/// The factor-graph family's demo: Infer.NET's tutorials on our engine, with the VMP bound trace, then issue 12's acceptance
/// samples (<see cref="SampleCatalog"/>), each posterior on one line.
/// </summary>
public static class FactorGraphsCommand
{
    /// <summary>
    /// Two coins, clinical trial, Bayes point machine, TrueSkill and Bayesian linear regression (EP), learning a
    /// Gaussian (EP and VMP, with its ELBO trace), the 2-D mixture of Gaussians (VMP), then every acceptance sample.
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
        o.WriteLine();
        o.WriteLine("Acceptance samples (run one alone with 'prob demo --sample NAME'):");
        foreach (var sample in SampleCatalog.All)
        {
            context.CancellationToken.ThrowIfCancellationRequested();
            RunSample(o, sample);
        }
    }

    /// <summary>The sample named <paramref name="name"/>; an unknown name is a usage error listing the samples.</summary>
    public static Sample FindSample(string name) =>
        SampleCatalog.Find(name) ?? throw new UsageException(
            $"--sample '{name}' is not a factor-graph sample; the samples are: {string.Join(", ", SampleCatalog.All.Select(s => s.Name))}");

    /// <summary>Runs <paramref name="sample"/> under its default algorithm: a title line, then one line per posterior.</summary>
    public static void RunSample(TextWriter output, Sample sample)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(sample);
        string algorithm = sample.Algorithm is VariationalMessagePassing ? "VMP" : "EP";
        output.WriteLine($"-- {sample.Name} ({algorithm}, {sample.Iterations} sweeps): {sample.Description}");
        sample.Run((name, posterior) => output.WriteLine($"   {name,-18} {Render(posterior)}"));
    }

    /// <summary>A posterior as one line of text (arrays element by element).</summary>
    public static string Render(object value) => value is IEnumerable items and not string
        ? "[" + string.Join(", ", items.Cast<object>().Select(Render)) + "]"
        : value.ToString() ?? "";
}
