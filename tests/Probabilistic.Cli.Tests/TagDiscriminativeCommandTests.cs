using System.CommandLine;
using System.Text.Json;
using Probabilistic.Cli;
using Probabilistic.Cli.Commands;
using Probabilistic.Hmm.Tagging;

namespace Probabilistic.Cli.Tests;

/// <summary><c>prob tag train --model crf|perceptron</c>, then tag and eval with the saved model; options of the other kind refused.</summary>
public sealed class TagDiscriminativeCommandTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("tag-crf-cli-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static (int Code, string Out, string Err) Run(string? stdin, params string[] args)
    {
        var root = new RootCommand { TagCommand.Create(stdin is null ? null : new StringReader(stdin)) };
        var output = new StringWriter();
        var error = new StringWriter();
        int code = CliHost.Run(root, args, output, error);
        return (code, output.ToString(), error.ToString());
    }

    private static string Sample(string file) => Path.Combine(DatasetLocator.ProjectDatasets(), "brown-sample", file);

    [Theory]
    [InlineData("crf", "8")]
    [InlineData("perceptron", "3")]
    public void TrainTagEvalRoundTrip(string kind, string iterations)
    {
        var model = Path.Combine(_dir, kind + ".json");
        var (code, output, err) = Run(null, "tag", "train", "--model", kind, "--max-iter", iterations, "--json", "-o", model, Sample("ca01"), Sample("cb01"));
        Assert.True(code == 0, $"train exited {code}: {err}");
        using (var doc = JsonDocument.Parse(output))
        {
            Assert.Equal(kind, doc.RootElement.GetProperty("kind").GetString());
            Assert.Equal(int.Parse(iterations), doc.RootElement.GetProperty("trace").GetArrayLength());
        }
        var loaded = TaggerFiles.Load(model);
        Assert.IsType<CrfTagger>(loaded);

        string sentence = "The jury said it would investigate .";
        (code, output, err) = Run(sentence + "\n", "tag", "-m", model, "--json");
        Assert.True(code == 0, $"tag exited {code}: {err}");
        using (var doc = JsonDocument.Parse(output))
        {
            var tags = doc.RootElement.GetProperty("tags").EnumerateArray().Select(t => t.GetString()!).ToArray();
            Assert.Equal(loaded.Tag(sentence.Split(' ')), tags); // the CLI tags as the library does
        }

        (code, output, err) = Run(null, "tag", "eval", "-m", model, "--json", Sample("ca01"));
        Assert.True(code == 0, $"eval exited {code}: {err}");
        using (var doc = JsonDocument.Parse(output))
            Assert.True(doc.RootElement.GetProperty("accuracy").GetDouble() > 0.9, $"accuracy on training text should be high: {output}");
    }

    [Fact]
    public void BioExampleReportsSpanF1AsTheLibraryCountsIt()
    {
        var data = Path.Combine(DatasetLocator.ProjectDatasets(), "ner-synthetic");
        var model = Path.Combine(_dir, "ner.json");
        var (code, _, err) = Run(null, "tag", "train", "--model", "crf", "--format", "conll", "--tagset", "brown", "-o", model, Path.Combine(data, "train.conll"));
        Assert.True(code == 0, $"train exited {code}: {err}");
        string output;
        (code, output, err) = Run(null, "tag", "eval", "-m", model, "--format", "conll", "--json", Path.Combine(data, "test.conll"));
        Assert.True(code == 0, $"eval exited {code}: {err}");
        using var doc = JsonDocument.Parse(output);
        var spans = doc.RootElement.GetProperty("spans");

        var tagger = TaggerFiles.Load(model);
        var expected = new SpanEvaluation();
        foreach (var s in TaggedCorpus.Read(Path.Combine(data, "test.conll"), CorpusFormat.Conll, TagMapping.Brown)) expected.Add(s.Tags, tagger.Tag(s.Words));
        Assert.Equal(expected.GoldSpans, spans.GetProperty("gold").GetInt64());
        Assert.Equal(expected.CorrectSpans, spans.GetProperty("correct").GetInt64());
        Assert.Equal(expected.F1, spans.GetProperty("f1").GetDouble(), 12);
        Assert.True(expected.F1 > 0.7, $"span F1 {expected.F1:F3} on the synthetic entities");
    }

    [Theory]
    [InlineData("crf", "--order", "3")]
    [InlineData("perceptron", "--l2", "0.5")]
    [InlineData("hmm", "--max-iter", "5")]
    public void OptionsOfAnotherModelAreUsageErrors(string kind, string option, string value)
    {
        var (code, _, err) = Run(null, "tag", "train", "--model", kind, option, value, "-o", Path.Combine(_dir, "m.json"), Sample("ca01"));
        Assert.True(code == 2, $"expected a usage error (2), got {code}: {err}");
        Assert.Contains(option, err);
    }

    [Fact]
    public void UnknownModelKindIsAUsageError()
    {
        var (code, _, err) = Run(null, "tag", "train", "--model", "svm", "-o", Path.Combine(_dir, "m.json"), Sample("ca01"));
        Assert.True(code == 2, $"expected a usage error (2), got {code}: {err}");
        Assert.Contains("crf", err);
    }
}
