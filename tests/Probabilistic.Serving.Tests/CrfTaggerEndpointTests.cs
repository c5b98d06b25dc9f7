using System.Text.Json.Nodes;
using Probabilistic.Hmm.Tagging;
using static Probabilistic.Serving.Tests.Responses;

namespace Probabilistic.Serving.Tests;

/// <summary>A server over a CRF and an averaged-perceptron tagger (and the HMM tagger beside them).</summary>
public sealed class CrfTaggersServer : IAsyncLifetime
{
    /// <summary>The server.</summary>
    public ServerHarness Server { get; private set; } = null!;

    /// <inheritdoc/>
    public async Task InitializeAsync() => Server = await ServerHarness.StartAsync(dir =>
    {
        TestModels.Crf(CrfTraining.ConditionalLikelihood).Save(Path.Combine(dir, "crf.json"));
        TestModels.Crf(CrfTraining.AveragedPerceptron).Save(Path.Combine(dir, "perceptron.json"));
        TestModels.Tagger().Save(Path.Combine(dir, "hmm.json"));
    });

    /// <inheritdoc/>
    public async Task DisposeAsync() => await Server.DisposeAsync();
}

/// <summary>
/// CRF and perceptron tagger files served as the HMM tagger's are: listed, described, tagging text and tokens as the
/// library does on the same file, and the CRF's score checked against an enumeration of every path of the lattice.
/// </summary>
public sealed class CrfTaggerEndpointTests(CrfTaggersServer fixture) : IClassFixture<CrfTaggersServer>
{
    private ServerHarness S => fixture.Server;
    private CrfTagger Load(string name) => CrfTagger.Load(Path.Combine(S.Directory, name + ".json"));

    [Fact]
    public async Task ListsAndDescribesBothTrainingsWithTheirOperations()
    {
        var doc = await Json(await S.Client.GetAsync("/v1/models"));
        var models = doc["models"]!.AsArray().ToDictionary(m => m!["name"]!.GetValue<string>(), m => m!);
        Assert.Equal(["crf", "hmm", "perceptron"], models.Keys.Order(StringComparer.Ordinal).ToArray());
        Assert.Equal("hmm-tagger", models["hmm"]["kind"]!.GetValue<string>());
        foreach (var (name, operations) in new[] { ("crf", new[] { "tag", "score" }), ("perceptron", ["tag"]) })
        {
            var library = Load(name);
            Assert.Equal(CrfModelFile.Kind, models[name]["kind"]!.GetValue<string>());
            Assert.Equal(CrfModelFile.Version, models[name]["version"]!.GetValue<int>());
            Assert.Equal(operations, Strings(models[name]["operations"]));
            Assert.Equal(library.FeatureCount, models[name]["dimensions"]!["features"]!.GetValue<int>());
            var summary = await Json(await S.Client.GetAsync($"/v1/models/{name}"));
            Assert.Equal(library.Tags.ToArray(), Strings(summary["tagNames"]));
            Assert.Equal(name, summary["training"]!.GetValue<string>());
            Assert.Equal(library.Lexicon.TokenCount, summary["trainingTokens"]!.GetValue<long>());
        }
        await Problem(await S.PostJson("/v1/models/perceptron/score", Body(new { tokens = new[] { new[] { "The", "jury" } } })), 404, "score");
    }

    [Theory]
    [InlineData("crf")]
    [InlineData("perceptron")]
    public async Task TagsTextAndTokensAsTheLibraryDoes(string name)
    {
        var tagger = Load(name);
        var doc = await Json(await S.PostJson($"/v1/models/{name}/tag", Body(new { text = "The jury said it.\nShe ran home quickly." })));
        var sentences = doc["sentences"]!.AsArray();
        Assert.Equal(2, sentences.Count);
        var first = Strings(sentences[0]!["tokens"]);
        Assert.Equal(EnglishTokenizer.Tokenize("The jury said it."), first);
        Assert.Equal(tagger.Tag(first), Strings(sentences[0]!["tags"]));
        Assert.Equal(tagger.Tag(Strings(sentences[1]!["tokens"])), Strings(sentences[1]!["tags"]));
        string[] words = ["Zorblats", "bark", "at", "the", "grindlewick", "."]; // unknown words: suffix-model candidates
        var byTokens = await Json(await S.PostJson($"/v1/models/{name}/tag", Body(new { tokens = new[] { words } })));
        Assert.Equal(tagger.Tag(words), Strings(byTokens["sentences"]![0]!["tags"]));
    }

    [Fact]
    public async Task CrfScoreIsTheBestPathsConditionalProbabilityByEnumeration()
    {
        var tagger = Load("crf");
        string[] words = ["The", "jury", "said", "it", "."];
        var lattice = tagger.Lattice(words);
        long paths = lattice.Aggregate(1L, (n, c) => n * c.Length);
        Assert.True(paths is > 1 and < 200_000, $"{paths} paths: the enumeration would be vacuous or too slow");
        // Every path's score (the library's general scoring), then log p(best | words) = best − log Σ exp.
        var scores = new List<double>();
        var index = new int[words.Length];
        var tags = new int[words.Length];
        while (true)
        {
            for (int i = 0; i < words.Length; i++) tags[i] = lattice[i][index[i]];
            scores.Add(tagger.Score(words, tags));
            int p = words.Length - 1;
            while (p >= 0 && ++index[p] == lattice[p].Length) { index[p] = 0; p--; }
            if (p < 0) break;
        }
        double max = scores.Max(), logZ = max + Math.Log(scores.Sum(v => Math.Exp(v - max)));
        var doc = await Json(await S.PostJson("/v1/models/crf/score", Body(new { tokens = new[] { words, words } })));
        var logProbabilities = Doubles(doc["logProbabilities"]);
        Numbers.AssertClose(max - logZ, logProbabilities[0], 1e-10, 1e-12, "log p(best tags | words)");
        Assert.True(logProbabilities[0] is < 0 and > -50, $"log p(best tags | words) = {logProbabilities[0]}: not a probability of a likely path");
        Numbers.AssertClose(2 * (max - logZ), doc["total"]!.GetValue<double>(), 1e-10, 1e-12, "total over two sentences");
    }
}
