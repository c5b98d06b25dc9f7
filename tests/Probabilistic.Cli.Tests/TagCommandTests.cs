using System.CommandLine;
using System.Text.Json;
using Probabilistic.Cli;
using Probabilistic.Cli.Commands;

namespace Probabilistic.Cli.Tests;

/// <summary><c>prob tag</c> end to end, in process: train → tag → eval, and each kind of bad input with its exit code.</summary>
public sealed class TagCommandTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("tag-cli-").FullName;

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

    private string TrainSmall(params string[] extra)
    {
        var model = Path.Combine(_dir, "model.json");
        var (code, _, err) = Run(null, ["tag", "train", "--format", "brown", "-o", model, .. extra, Sample("ca01"), Sample("cb01"), Sample("cc06")]);
        Assert.True(code == 0, $"train exited {code}: {err}");
        return model;
    }

    [Fact]
    public void TrainTagEvalRoundTrip()
    {
        var model = TrainSmall("--order", "3", "--tagset", "normalised");
        Assert.True(File.Exists(model), "train -o must write the model");

        var (code, output, err) = Run("The jury said it would investigate .\nHe ran home .\n", "tag", "-m", model);
        Assert.True(code == 0, $"tag exited {code}: {err}");
        var lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(2, lines.Length);
        Assert.Equal("The/at jury/nn said/vbd it/pps would/md investigate/vb ./.", lines[0]);

        // The spelling 'prob tag tag -m MODEL' is the same command.
        var (aliasCode, aliasOutput, aliasErr) = Run("The jury said it would investigate .\nHe ran home .\n", "tag", "tag", "-m", model);
        Assert.True(aliasCode == 0 && aliasOutput == output, $"'tag tag' should equal 'tag': exit {aliasCode}, {aliasErr}; output {aliasOutput}");

        (code, output, err) = Run("The\njury\nsaid\n\nHe\nsaid\n", "tag", "-m", model, "--format", "conll");
        Assert.True(code == 0, $"tag --format conll exited {code}: {err}");
        Assert.Equal("The\tat\njury\tnn\nsaid\tvbd\n\nHe\tpps\nsaid\tvbd\n\n", output.Replace("\r\n", "\n"));

        (code, output, err) = Run(null, "tag", "eval", "-m", model, "--format", "brown", "--json", Sample("ca01"));
        Assert.True(code == 0, $"eval exited {code}: {err}");
        using var doc = JsonDocument.Parse(output);
        var r = doc.RootElement;
        Assert.True(r.GetProperty("accuracy").GetDouble() > 0.95, $"accuracy on training text should be high: {output}");
        Assert.Equal(0L, r.GetProperty("unknownTokens").GetInt64()); // every word of ca01 was in training
        Assert.Equal(r.GetProperty("tokens").GetInt64(), r.GetProperty("knownTokens").GetInt64());

        (code, output, _) = Run(null, "tag", "eval", "-m", model, Sample("cm01"));
        Assert.True(code == 0 && output.Contains("unknown words") && output.Contains("most frequent confusions"), $"eval table output: {output}");
    }

    [Fact]
    public void UniversalTagSetRoundTrip()
    {
        var model = TrainSmall("--tagset", "universal", "--order", "2");
        var (code, output, err) = Run("The jury said it .\n", "tag", "-m", model);
        Assert.True(code == 0, $"tag exited {code}: {err}");
        Assert.Equal("The/DET jury/NOUN said/VERB it/PRON ./.", output.Trim());
    }

    [Fact]
    public void TokenWithoutTagIsBadInputWithFileAndLine()
    {
        var bad = Path.Combine(_dir, "bad.txt");
        File.WriteAllText(bad, "The/at dog/nn\nA cat/nn\n");
        var model = Path.Combine(_dir, "m.json");
        var (code, _, err) = Run(null, "tag", "train", "-o", model, bad);
        Assert.Equal(CliHost.BadInput, code);
        Assert.Contains($"{bad}:2", err);
        Assert.False(File.Exists(model), "a failed training must not leave a model file");
        Assert.Empty(Directory.GetFiles(_dir, "*.tmp"));
    }

    [Fact]
    public void BadModelFilesAreRefused()
    {
        var garbage = Path.Combine(_dir, "garbage.json");
        File.WriteAllText(garbage, "{ this is not json");
        var (code, _, err) = Run("a b\n", "tag", "-m", garbage);
        Assert.Equal(CliHost.BadInput, code);
        Assert.Contains("not valid JSON", err);

        var model = TrainSmall();
        File.WriteAllText(model, File.ReadAllText(model).Replace("\"version\":1", "\"version\":7"));
        (code, _, err) = Run("a b\n", "tag", "-m", model);
        Assert.Equal(CliHost.BadInput, code);
        Assert.Contains("version 7", err);

        (code, _, err) = Run("a b\n", "tag", "-m", Path.Combine(_dir, "missing.json"));
        Assert.Equal(CliHost.BadInput, code);
        Assert.Contains("missing.json", err);
    }

    [Fact]
    public void SemiSupervisedTrainRoundTripsAndMatchesTheLibrary()
    {
        // Tagged: ca01 and cb01; untagged: the words of cc06, cd11 and ce04 (tags stripped), a sentence per line.
        var mapping = Probabilistic.Hmm.Tagging.TagMapping.Normalised;
        var tagged = Probabilistic.Hmm.Tagging.TaggedCorpus.Read([Sample("ca01"), Sample("cb01")], Probabilistic.Hmm.Tagging.CorpusFormat.Brown, mapping).ToList();
        var raw = Probabilistic.Hmm.Tagging.TaggedCorpus.Read([Sample("cc06"), Sample("cd11"), Sample("ce04")], Probabilistic.Hmm.Tagging.CorpusFormat.Brown, mapping)
            .Select(x => (IReadOnlyList<string>)x.Words).ToList();
        var untagged = Path.Combine(_dir, "untagged.txt");
        File.WriteAllLines(untagged, raw.Select(w => string.Join(' ', w)));
        var model = Path.Combine(_dir, "semi.json");
        var (code, _, err) = Run(null, "tag", "train", "-o", model, "--untagged", untagged, "--semi-iterations", "2", "--semi-z", "0", Sample("ca01"), Sample("cb01"));
        Assert.True(code == 0, $"train --untagged exited {code}: {err}");
        Assert.Contains("semi-supervised on", err);

        var expected = Probabilistic.Hmm.Tagging.HmmTagger.TrainSemiSupervised(tagged, raw, new Probabilistic.Hmm.Tagging.TaggerOptions(),
            new Probabilistic.Hmm.Tagging.SemiSupervisedOptions(MaxIterations: 2, RequiredZ: 0));
        Assert.True(expected.Iterations > 0, "with --semi-z 0 this sample takes a Baum-Welch step, so the semi-supervised file is exercised");
        var loaded = HmmTagger.Load(model);
        Assert.Equal(expected.Iterations, loaded.SemiSupervised?.Iterations ?? 0);
        Assert.Equal(2, JsonDocument.Parse(File.ReadAllText(model)).RootElement.GetProperty("version").GetInt32());
        var test = Probabilistic.Hmm.Tagging.TaggedCorpus.Read([Sample("cm01")], Probabilistic.Hmm.Tagging.CorpusFormat.Brown, mapping).ToList();
        var stdin = string.Join('\n', test.Select(t => string.Join(' ', t.Words))) + "\n";
        (code, var output, err) = Run(stdin, "tag", "-m", model);
        Assert.True(code == 0, $"tag exited {code}: {err}");
        var lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(test.Count, lines.Length);
        for (int i = 0; i < test.Count; i++)
            Assert.Equal(string.Join(' ', test[i].Words.Zip(expected.Tagger.Tag(test[i].Words), (w, t) => $"{w}/{t}")), lines[i]);

        Assert.Equal(CliHost.Usage, Run(null, "tag", "train", "--semi-iterations", "3", "-o", Path.Combine(_dir, "x.json"), Sample("ca01")).Code);
        Assert.Equal(CliHost.Usage, Run(null, "tag", "train", "--semi-z", "1", "-o", Path.Combine(_dir, "x.json"), Sample("ca01")).Code);
        Assert.Equal(CliHost.Usage, Run(null, "tag", "train", "--untagged", untagged, "--semi-z", "-1", "-o", Path.Combine(_dir, "x.json"), Sample("ca01")).Code);
        Assert.Equal(CliHost.Usage, Run(null, "tag", "train", "--untagged", untagged, "--semi-iterations", "0", "-o", Path.Combine(_dir, "x.json"), Sample("ca01")).Code);
        (code, _, err) = Run(null, "tag", "train", "--untagged", Path.Combine(_dir, "none.txt"), "-o", Path.Combine(_dir, "x.json"), Sample("ca01"));
        Assert.Equal(CliHost.BadInput, code);
        Assert.Contains("none.txt", err);
    }

    [Fact]
    public void UsageErrorsExitWithTwo()
    {
        Assert.Equal(CliHost.Usage, Run(null, "tag", "train", "--bogus", "-o", "x.json", Sample("ca01")).Code);
        Assert.Equal(CliHost.Usage, Run(null, "tag", "train", "--order", "4", "-o", Path.Combine(_dir, "x.json"), Sample("ca01")).Code);
        Assert.Equal(CliHost.Usage, Run(null, "tag", "train", "--tagset", "klingon", "-o", "x.json", Sample("ca01")).Code);
        Assert.Equal(CliHost.Usage, Run(null, "tag", "eval", Sample("ca01")).Code); // -m is required
    }

    [Fact]
    public void WordTagInputIsRetaggedAndMalformedTokensNamed()
    {
        var model = TrainSmall();
        var (code, output, err) = Run("The/xx jury/yy\n", "tag", "-m", model, "--format", "wordtag");
        Assert.True(code == 0, $"tag exited {code}: {err}");
        Assert.Equal("The/at jury/nn", output.Trim());
        (code, _, err) = Run("The/at\njury\n", "tag", "-m", model, "--format", "wordtag");
        Assert.Equal(CliHost.BadInput, code);
        Assert.Contains("<stdin>:2", err);
    }

    [Fact]
    public void TaggingStreamsSentenceBySentence()
    {
        // The reader records what had been written when the second line is requested: the first sentence must be out already.
        var model = TrainSmall();
        var output = new StringWriter();
        var probe = new ProbeReader(["The jury said it would investigate .", "He said ."], output);
        var root = new RootCommand { TagCommand.Create(probe) };
        int code = CliHost.Run(root, ["tag", "-m", model], output, new StringWriter());
        Assert.Equal(CliHost.Ok, code);
        Assert.Equal("The/at jury/nn said/vbd it/pps would/md investigate/vb ./.", probe.WrittenBeforeSecondLine?.Trim());
    }

    /// <summary>Delivers one line per read, as a pipe does when lines arrive one at a time.</summary>
    private sealed class ProbeReader(string[] lines, StringWriter output) : TextReader
    {
        private int _next;

        public string? WrittenBeforeSecondLine { get; private set; }

        public override string? ReadLine()
        {
            if (_next == 1) WrittenBeforeSecondLine = output.ToString();
            return _next < lines.Length ? lines[_next++] : null;
        }

        public override int Read(char[] buffer, int index, int count) => Read(buffer.AsSpan(index, count));

        public override int Read(Span<char> buffer)
        {
            if (_next == 1) WrittenBeforeSecondLine = output.ToString();
            if (_next >= lines.Length) return 0;
            var line = lines[_next++] + "\n";
            line.AsSpan().CopyTo(buffer);
            return line.Length;
        }
    }
}
