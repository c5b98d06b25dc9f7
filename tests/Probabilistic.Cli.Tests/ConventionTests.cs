using System.CommandLine;
using System.Globalization;
using System.Text.Json.Nodes;
using Probabilistic.Cli.Commands;
using Probabilistic.Hmm;
using Probabilistic.Hmm.Emissions;

namespace Probabilistic.Cli.Tests;

/// <summary>
/// One CLI convention (issue 16): every fit command's --json has the common layout, choices are case-insensitive, the
/// defaults are shared, raw text is tokenised for tagging, and the model-selection commands pick what their peers pick.
/// </summary>
public sealed class ConventionTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("prob-convention-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static (int Code, string Out, string Err) Run(string? stdin, params string[] args)
    {
        var root = new RootCommand
        {
            GmmCommand.Create(), HmmCommand.Create(), VaeCommand.Create(), TagCommand.Create(stdin is null ? null : new StringReader(stdin)),
        };
        var o = new StringWriter(CultureInfo.InvariantCulture);
        var e = new StringWriter(CultureInfo.InvariantCulture);
        int code = CliHost.Run(root, args, o, e);
        return (code, o.ToString(), e.ToString());
    }

    private static string Datasets(params string[] parts) => Path.Combine([DatasetLocator.ProjectDatasets(), .. parts]);

    private string Out(string name) => Path.Combine(_dir, name);

    /// <summary>A 2-state Gaussian series (three sequences), written as text: one observation per line, blank line between sequences.</summary>
    private string Series()
    {
        var truth = new HiddenMarkovModel<GaussianEmission, GaussianStatistics>([0.5, 0.5], [0.9, 0.1, 0.2, 0.8],
            GaussianEmission.Univariate([-3, 3], [1, 1]));
        var path = Out("series.txt");
        File.WriteAllText(path, string.Join("\n\n", Enumerable.Range(0, 3).Select(n =>
            string.Join('\n', truth.Sample(80, n).Observations.Select(v => v.ToString("R", CultureInfo.InvariantCulture))))));
        return path;
    }

    private string Symbols()
    {
        var path = Out("symbols.txt");
        File.WriteAllText(path, "a\nb\nb\na\nc\n\nb\nc\nc\na\n");
        return path;
    }

    public static TheoryData<string> FitCommands => new(["gmm fit", "gmm fit --bayesian", "hmm fit gaussian", "hmm fit categorical", "vae train", "tag train"]);

    [Theory]
    [MemberData(nameof(FitCommands))]
    public void Every_fit_command_prints_the_common_json_layout(string which)
    {
        string[] args = which switch
        {
            "gmm fit" => ["gmm", "fit", "--data", Datasets("faithful.csv"), "--components", "2", "-o", Out("g.json"), "--json"],
            "gmm fit --bayesian" => ["gmm", "fit", "--bayesian", "--data", Datasets("faithful.csv"), "--components", "3", "-o", Out("b.json"), "--json"],
            "hmm fit gaussian" => ["hmm", "fit", "--data", Series(), "--states", "2", "--emission", "gaussian", "-o", Out("h.json"), "--json"],
            "hmm fit categorical" => ["hmm", "fit", "--data", Symbols(), "--states", "2", "--emission", "categorical", "-o", Out("c.json"), "--json"],
            "vae train" => ["vae", "train", "--data", Datasets("mnist-sample"), "--max-iter", "2", "--max-train", "200", "--hidden", "16", "--latent", "2",
                "--holdout", "50", "-o", Out("v.vae"), "--json"],
            _ => ["tag", "train", "-o", Out("t.json"), "--json", Datasets("brown-sample", "ca01")],
        };
        var (code, output, err) = Run(null, args);
        Assert.True(code == 0, $"{which}: exit {code}: {err}");
        var json = JsonNode.Parse(output)!.AsObject();
        string command = string.Join(' ', args.Take(2));
        Assert.Equal(command, json["command"]!.GetValue<string>());
        Assert.Equal(args[Array.IndexOf(args, "-o") + 1], json["model"]!.GetValue<string>());
        Assert.True(File.Exists(json["model"]!.GetValue<string>()), $"{which}: 'model' names the saved file");
        Assert.True(Enum.TryParse<StopReason>(json["stop"]!.GetValue<string>(), out _), $"{which}: stop is a stop reason: {json["stop"]}");
        Assert.True(json["seconds"]!.GetValue<double>() >= 0, $"{which}: seconds");
        var trace = json["trace"]!.AsArray();
        if (which == "tag train")
        {
            // Supervised training is counting (a closed-form maximum-likelihood fit): no steps.
            Assert.Empty(trace);
            return;
        }
        Assert.Equal(0, json["seed"]!.GetValue<int>()); // the shared default seed
        long observations = json["observations"]!.GetValue<long>();
        Assert.NotEmpty(trace);
        for (int i = 0; i < trace.Count; i++)
        {
            var step = trace[i]!.AsObject();
            Assert.Equal(i + 1, step["step"]!.GetValue<int>());
            double elbo = step["elbo"]!.GetValue<double>(), perObservation = step["elboPerObservation"]!.GetValue<double>();
            Assert.True(Math.Abs(elbo - perObservation * observations) <= 1e-9 * Math.Abs(elbo), $"{which} step {i + 1}: elbo {elbo:R} is not {observations} × {perObservation:R}");
            Assert.True(step["seconds"]!.GetValue<double>() >= 0, $"{which} step {i + 1}: seconds");
        }
    }

    [Fact]
    public void Gmm_select_picks_K2_full_on_Old_Faithful_by_BIC_as_scikit_learn_does()
    {
        var plot = Out("bic.png");
        var (code, output, err) = Run(null, "gmm", "select", "--data", Datasets("faithful.csv"), "--components", "1..6", "--covariance", "full,diag",
            "--json", "--plot", plot);
        Assert.True(code == 0, $"exit {code}: {err}");
        var json = JsonNode.Parse(output)!;
        Assert.Equal("bic", json["criterion"]!.GetValue<string>());
        Assert.Equal(12, json["table"]!.AsArray().Count);
        Assert.Equal(2, json["best"]!["components"]!.GetValue<int>());
        Assert.Equal("full", json["best"]!["covarianceType"]!.GetValue<string>());
        // scikit-learn 1.2.1's K = 2 full fit: mean log-likelihood -4.15538220659224 on 272 rows, 11 free parameters.
        double expected = -2 * 272 * -4.15538220659224 + 11 * Math.Log(272);
        double bic = json["best"]!["score"]!.GetValue<double>();
        Assert.True(Math.Abs(bic - expected) < 1e-6 * expected, $"BIC {bic:R}, from scikit-learn's fit {expected:R}");
        Assert.Equal([0x89, (byte)'P', (byte)'N', (byte)'G'], File.ReadAllBytes(plot).Take(4).ToArray());
    }

    [Fact]
    public void Hmm_select_picks_the_generating_number_of_states_and_saves_the_best_model()
    {
        var model = Out("best.json");
        var (code, output, err) = Run(null, "hmm", "select", "--data", Series(), "--states", "1..4", "--emission", "Gaussian", "--covariance", "DIAG",
            "-o", model, "--json");
        Assert.True(code == 0, $"exit {code}: {err}");
        var json = JsonNode.Parse(output)!;
        Assert.True(json["best"]!["states"]!.GetValue<int>() == 2, $"the series come from 2 states; the table: {json["table"]}");
        Assert.Equal("gaussian/diag", json["best"]!["emission"]!.GetValue<string>());
        Assert.Equal(2, HmmModelFile.Load(model).StateCount);
    }

    [Fact]
    public void Choices_are_accepted_in_any_case_and_refused_by_name_otherwise()
    {
        var (code, _, err) = Run(null, "hmm", "fit", "--data", Series(), "--states", "2", "--emission", "Gaussian", "--covariance", "DIAG", "-o", Out("m.json"));
        Assert.True(code == 0, $"--emission Gaussian --covariance DIAG: exit {code}: {err}");
        (code, _, err) = Run(null, "gmm", "fit", "--data", Datasets("faithful.csv"), "--components", "2", "--covariance", "Diag", "--backend", "CPU", "-o", Out("g.json"));
        Assert.True(code == 0, $"--covariance Diag --backend CPU: exit {code}: {err}");
        (code, _, err) = Run(null, "hmm", "decode", "-m", Out("m.json"), "--data", Series(), "--algorithm", "VITERBI");
        Assert.True(code == 0, $"--algorithm VITERBI: exit {code}: {err}");
        (code, _, err) = Run(null, "gmm", "fit", "--data", Datasets("faithful.csv"), "--components", "2", "--covariance", "banana", "-o", Out("g.json"));
        Assert.Equal(CliHost.Usage, code);
        Assert.Contains("--covariance 'banana': use one of full, diag, spherical, tied", err);
    }

    [Fact]
    public void The_default_seed_is_0_for_every_fit()
    {
        var a = Run(null, "gmm", "fit", "--data", Datasets("faithful.csv"), "--components", "3", "-o", Out("a.json"), "--json");
        var b = Run(null, "gmm", "fit", "--data", Datasets("faithful.csv"), "--components", "3", "--seed", "0", "-o", Out("b.json"), "--json");
        Assert.Equal(JsonNode.Parse(a.Out)!["logLikelihood"]!.GetValue<double>(), JsonNode.Parse(b.Out)!["logLikelihood"]!.GetValue<double>());
        var h = Run(null, "hmm", "fit", "--data", Series(), "--states", "2", "--emission", "gaussian", "-o", Out("h.json"), "--json");
        Assert.Equal(0, JsonNode.Parse(h.Out)!["seed"]!.GetValue<int>());
    }

    [Fact]
    public void Tag_tokenises_raw_text_unless_told_it_is_pretokenized()
    {
        var model = Datasets("models", "brown-sample.tagger.json");
        var (code, output, err) = Run("The jury praised the city.\n", "tag", "-m", model);
        Assert.True(code == 0, $"exit {code}: {err}");
        Assert.EndsWith("city/nn ./.", output.Trim());
        (code, output, _) = Run("The jury praised the city.\n", "tag", "-m", model, "--pretokenized");
        Assert.Equal(0, code);
        Assert.DoesNotContain("./.", output); // "city." stays one (unknown) token
        (code, output, _) = Run("The jury praised the city.\n", "tag", "-m", model, "--json");
        Assert.Equal(0, code);
        var line = JsonNode.Parse(output.Trim())!;
        Assert.Equal(6, line["words"]!.AsArray().Count);
        Assert.Equal(".", line["tags"]!.AsArray()[5]!.GetValue<string>());
    }
}
