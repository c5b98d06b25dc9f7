using System.CommandLine;
using System.Diagnostics;
using System.Text.Json.Nodes;
using Probabilistic.FactorGraphs.Algorithms;
using Probabilistic.FactorGraphs.Samples;

namespace Probabilistic.Cli.Commands;

/// <summary><c>prob demo</c>: runs every model family on the shipped data and prints its ELBO trace.</summary>
public static class DemoCommand
{
    /// <summary>One family's demo: a title and a body that writes to the output.</summary>
    public sealed record Demo(string Title, Action<DemoContext> Run);

    /// <summary>What a demo gets: where to write, where the shipped data are, and a seed.</summary>
    public sealed record DemoContext(TextWriter Out, string DatasetsDirectory, int Seed, CancellationToken CancellationToken);

    /// <summary>The demos, in the order they run. Each family adds its own.</summary>
    public static IReadOnlyList<Demo> Demos { get; } =
    [
        new Demo("Gaussian mixture: Old Faithful, K=2, full covariances (EM)", GmmCommand.Demo),
        new Demo("Gaussian HMM: regime-switching series (synthetic, seeded)", HmmCommand.Demo),
        new Demo("Part-of-speech tagger (TnT-style trigram HMM) on brown-sample", TagCommand.RunDemo),
        new Demo("VAE (TorchSharp) on the MNIST sample", VaeCommand.Demo),
        new Demo("Factor graphs: Infer.NET tutorials (two coins, clinical trial, learning a Gaussian, Bayes point machine, TrueSkill, linear regression, mixture of Gaussians) and the acceptance samples", FactorGraphsCommand.Demo),
    ];

    public static Command Create()
    {
        var seed = new Option<int>("--seed") { Description = "Seed for every random choice", DefaultValueFactory = _ => 1 };
        var only = new Option<string?>("--only") { Description = "Run only the demo whose title contains this text" };
        var sample = new Option<string?>("--sample")
        {
            Description = "Run only this factor-graph sample and print its posteriors: "
                + string.Join(", ", SampleCatalog.All.Select(s => s.Name)),
        };
        var json = Conventions.Json("Print one JSON document: each demo's title, output lines and seconds (with --sample: the sample's posteriors)");
        var command = new Command("demo", "Fit each model family on the shipped data sets and print the ELBO traces") { seed, only, sample, json };
        command.SetAction((parse, ct) =>
        {
            var output = parse.InvocationConfiguration.Output;
            bool asJson = parse.GetValue(json);
            if (parse.GetValue(sample) is { } name)
            {
                if (parse.GetValue(only) is not null) throw new UsageException("--sample runs one factor-graph sample; leave out --only");
                var found = FactorGraphsCommand.FindSample(name);
                if (!asJson) FactorGraphsCommand.RunSample(output, found);
                else
                {
                    var posteriors = new JsonObject();
                    found.Run((key, posterior) => posteriors[key] = FactorGraphsCommand.Render(posterior));
                    output.WriteLine(new JsonObject
                    {
                        ["command"] = "demo",
                        ["sample"] = found.Name,
                        ["algorithm"] = found.Algorithm is VariationalMessagePassing ? "VMP" : "EP",
                        ["sweeps"] = found.Iterations,
                        ["posteriors"] = posteriors,
                    }.ToJsonString());
                }
                return Task.FromResult(CliHost.Ok);
            }
            var datasets = DatasetLocator.ProjectDatasets();
            var filter = parse.GetValue(only);
            var demos = Demos.Where(d => filter is null || d.Title.Contains(filter, StringComparison.OrdinalIgnoreCase)).ToList();
            if (demos.Count == 0)
            {
                output.WriteLine(filter is null ? "No model family has a demo yet." : $"No demo matches '{filter}'.");
                return Task.FromResult(filter is null ? CliHost.Ok : CliHost.Usage);
            }
            var results = new JsonArray();
            foreach (var demo in demos)
            {
                ct.ThrowIfCancellationRequested();
                if (!asJson)
                {
                    output.WriteLine($"== {demo.Title}");
                    demo.Run(new DemoContext(output, datasets, parse.GetValue(seed), ct));
                    output.WriteLine();
                    continue;
                }
                var text = new StringWriter();
                var clock = Stopwatch.StartNew();
                demo.Run(new DemoContext(text, datasets, parse.GetValue(seed), ct));
                var lines = new JsonArray();
                foreach (var line in text.ToString().Split('\n')) if (line.TrimEnd().Length > 0) lines.Add(line.TrimEnd());
                results.Add(new JsonObject { ["title"] = demo.Title, ["seconds"] = clock.Elapsed.TotalSeconds, ["output"] = lines });
            }
            if (asJson) output.WriteLine(new JsonObject { ["command"] = "demo", ["seed"] = parse.GetValue(seed), ["demos"] = results }.ToJsonString());
            return Task.FromResult(CliHost.Ok);
        });
        return command;
    }
}
