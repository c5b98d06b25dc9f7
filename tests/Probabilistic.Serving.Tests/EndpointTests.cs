using System.Text.Json.Nodes;
using Probabilistic.Core.Data;
using Probabilistic.Hmm;
using Probabilistic.Hmm.Tagging;
using Probabilistic.Mixtures;
using Probabilistic.Vae;
using static Probabilistic.Serving.Tests.Responses;

namespace Probabilistic.Serving.Tests;

/// <summary>One server over one model of every kind, shared by the endpoint tests.</summary>
public sealed class AllModelsServer : IAsyncLifetime
{
    /// <summary>The server.</summary>
    public ServerHarness Server { get; private set; } = null!;

    /// <inheritdoc/>
    public async Task InitializeAsync() => Server = await ServerHarness.StartAsync(TestModels.SaveAll);

    /// <inheritdoc/>
    public async Task DisposeAsync() => await Server.DisposeAsync();
}

/// <summary>
/// Every endpoint on every model kind, each answer compared with the library's own call on the same model file (so the
/// HTTP layer, the JSON and the .npy paths are checked against an independent computation).
/// </summary>
public sealed class EndpointTests(AllModelsServer fixture) : IClassFixture<AllModelsServer>
{
    private ServerHarness S => fixture.Server;
    private string PathOf(string file) => Path.Combine(S.Directory, file);

    [Fact]
    public async Task ListsEveryModelWithKindVersionDimensionsAndOperations()
    {
        var doc = await Json(await S.Client.GetAsync("/v1/models"));
        var models = doc["models"]!.AsArray().ToDictionary(m => m!["name"]!.GetValue<string>(), m => m!);
        Assert.Equal(["bgmm", "gmm", "regimes", "tagger", "vae", "weather"], models.Keys.Order(StringComparer.Ordinal).ToArray());
        Assert.Equal("hmm-tagger", models["tagger"]["kind"]!.GetValue<string>());
        Assert.Equal("gaussian-mixture", models["gmm"]["kind"]!.GetValue<string>());
        Assert.Equal("bayesian-gaussian-mixture", models["bgmm"]["kind"]!.GetValue<string>());
        Assert.Equal("hmm", models["weather"]["kind"]!.GetValue<string>());
        Assert.Equal("vae", models["vae"]["kind"]!.GetValue<string>());
        Assert.Equal(2, models["gmm"]["dimensions"]!["components"]!.GetValue<int>());
        Assert.Equal(2, models["gmm"]["dimensions"]!["dimension"]!.GetValue<int>());
        Assert.Equal(1, models["gmm"]["version"]!.GetValue<int>());
        Assert.Equal(["predict", "score", "sample"], Strings(models["gmm"]["operations"]));
        Assert.Equal(["tag", "score"], Strings(models["tagger"]["operations"]));
        Assert.Equal(["decode", "score"], Strings(models["weather"]["operations"]));
        Assert.Equal(["score", "sample", "encode"], Strings(models["vae"]["operations"]));
        Assert.True(models["vae"]["loadedAt"]!.GetValue<DateTimeOffset>() <= DateTimeOffset.UtcNow);
    }

    [Fact]
    public async Task DescribesEachModelWithWhatAClientNeeds()
    {
        var tagger = HmmTagger.Load(PathOf("tagger.json"));
        var t = await Json(await S.Client.GetAsync("/v1/models/tagger"));
        Assert.Equal(tagger.Tags.ToArray(), Strings(t["tagNames"]));
        var w = await Json(await S.Client.GetAsync("/v1/models/weather"));
        Assert.Equal(["a", "b", "c"], Strings(w["symbols"]));
        Assert.Equal(2, w["states"]!.GetValue<int>());
        var v = await Json(await S.Client.GetAsync("/v1/models/vae"));
        Assert.Equal(4, v["height"]!.GetValue<int>());
        Assert.Equal(2, v["latent"]!.GetValue<int>());
        var g = await Json(await S.Client.GetAsync("/v1/models/gmm"));
        var gmm = GaussianMixture.Load(PathOf("gmm.json"));
        Numbers.AssertClose(gmm.Parameters!.Weights.ToArray(), Doubles(g["weights"]), 1e-12, what: "weights");
    }

    [Fact]
    public async Task TagsTextAndTokensAsTheLibraryDoes()
    {
        var tagger = HmmTagger.Load(PathOf("tagger.json"));
        var doc = await Json(await S.PostJson("/v1/models/tagger/tag", Body(new { text = "The jury said it.\nShe ran home quickly." })));
        var sentences = doc["sentences"]!.AsArray();
        Assert.Equal(2, sentences.Count);
        var first = Strings(sentences[0]!["tokens"]);
        Assert.Equal(EnglishTokenizer.Tokenize("The jury said it."), first);
        Assert.Equal(tagger.Tag(first), Strings(sentences[0]!["tags"]));
        string[] words = ["Dogs", "bark", "at", "night", "."];
        var byTokens = await Json(await S.PostJson("/v1/models/tagger/tag", Body(new { tokens = new[] { words } })));
        Assert.Equal(tagger.Tag(words), Strings(byTokens["sentences"]![0]!["tags"]));
        var score = await Json(await S.PostJson("/v1/models/tagger/score", Body(new { tokens = new[] { words } })));
        var ids = new int[words.Length];
        Numbers.AssertClose(tagger.TagIds(words, tagger.Options.BeamRatio, ids), Doubles(score["logProbabilities"])[0], 1e-12, what: "log p(words, tags)");
    }

    [Theory]
    [InlineData("gmm")]
    [InlineData("bgmm")]
    public async Task PredictsByJsonAndNpyWithProbabilitiesAsTheLibraryDoes(string name)
    {
        double[] x = [-3, 3, 3, -3, 0.1, 0.2];
        var table = new NumericTable(x, 3, 2);
        (int[] labels, double[] proba, double[] logDensity) expected = name == "gmm"
            ? Expected(GaussianMixture.Load(PathOf("gmm.json")), table)
            : Expected(BayesianGaussianMixture.Load(PathOf("bgmm.json")), table);
        var json = await Json(await S.PostJson($"/v1/models/{name}/predict?proba=true", Body(new { x = new[] { new[] { -3.0, 3 }, [3, -3], [0.1, 0.2] } })));
        Assert.Equal(expected.labels, Ints(json["labels"]));
        Numbers.AssertClose(expected.proba, json["probabilities"]!.AsArray().SelectMany(Doubles).ToArray(), 1e-12, 1e-15, "probabilities");
        Numbers.AssertClose(expected.logDensity, Doubles(json["logDensity"]), 1e-12, what: "log-density");
        var npy = await Json(await S.PostNpy($"/v1/models/{name}/predict", TestModels.Npy(x, 3, 2)));
        Assert.Equal(expected.labels, Ints(npy["labels"]));
        Assert.Null(npy["probabilities"]);
        var score = await Json(await S.PostNpy($"/v1/models/{name}/score", TestModels.Npy(x, 3, 2)));
        Numbers.AssertClose(expected.logDensity.Sum(), score["total"]!.GetValue<double>(), 1e-12, what: "total log-likelihood");
    }

    private static (int[], double[], double[]) Expected(GaussianMixture m, NumericTable t) => (m.Predict(t), m.PredictProba(t), m.ScoreSamples(t));
    private static (int[], double[], double[]) Expected(BayesianGaussianMixture m, NumericTable t) => (m.Predict(t), m.PredictProba(t), m.ScoreSamples(t));

    [Fact]
    public async Task SamplesMixturesBySeedAsJsonAndPng()
    {
        var gmm = GaussianMixture.Load(PathOf("gmm.json"));
        var (x, components) = gmm.Sample(5, 11);
        var doc = await Json(await S.PostJson("/v1/models/gmm/sample", Body(new { n = 5, seed = 11 })));
        Numbers.AssertClose(x, doc["x"]!.AsArray().SelectMany(Doubles).ToArray(), 1e-12, what: "samples");
        Assert.Equal(components, Ints(doc["components"]));
        var png = await S.PostJson("/v1/models/gmm/sample", Body(new { n = 50, seed = 1 }), accept: "image/png");
        Assert.Equal(System.Net.HttpStatusCode.OK, png.StatusCode);
        Assert.Equal("image/png", png.Content.Headers.ContentType?.MediaType);
        Assert.Equal([0x89, (byte)'P', (byte)'N', (byte)'G'], (await png.Content.ReadAsByteArrayAsync())[..4]);
    }

    [Fact]
    public async Task DecodesAndScoresHmmsAsTheLibraryDoes()
    {
        var weather = (HiddenMarkovModel<Hmm.Emissions.CategoricalEmission, Hmm.Emissions.CategoricalStatistics>)HmmModelFile.Load(PathOf("weather.json"));
        double[] codes = [0, 0, 2, 1, 2, 2];
        var viterbi = weather.Decode(codes);
        var doc = await Json(await S.PostJson("/v1/models/weather/decode", Body(new { sequences = new[] { new[] { "a", "a", "c", "b", "c", "c" } } })));
        Assert.Equal(viterbi.States, Ints(doc["states"]![0]));
        Numbers.AssertClose(viterbi.LogProbability, Doubles(doc["logProbabilities"])[0], 1e-12, what: "Viterbi log p(x, z*)");
        Numbers.AssertClose(weather.Score(codes), Doubles(doc["logLikelihoods"])[0], 1e-12, what: "log p(x)");
        var map = await Json(await S.PostJson("/v1/models/weather/decode", Body(new { sequences = new[] { new[] { 0, 0, 2, 1, 2, 2 } }, algorithm = "map" })));
        Assert.Equal(weather.Decode(codes, DecodeAlgorithm.Map).States, Ints(map["states"]![0]));

        var regimes = (HiddenMarkovModel<Hmm.Emissions.GaussianEmission, Core.Gaussians.GaussianStatistics>)HmmModelFile.Load(PathOf("regimes.json"));
        double[] y = [-1.2, -0.8, 2.5, 1.9, 2.2];
        var score = await Json(await S.PostJson("/v1/models/regimes/score", Body(new { sequences = new[] { y, [0.0, 0.1] } })));
        Numbers.AssertClose(regimes.Score(y), Doubles(score["logLikelihoods"])[0], 1e-12, what: "log p(y)");
        Numbers.AssertClose(regimes.Score(y) + regimes.Score([0.0, 0.1]), score["total"]!.GetValue<double>(), 1e-12, what: "total");
        var decoded = await Json(await S.PostJson("/v1/models/regimes/decode", Body(new { sequences = new[] { y } })));
        Assert.Equal(regimes.Decode(y).States, Ints(decoded["states"]![0]));
    }

    [Fact]
    public async Task EncodesScoresAndSamplesTheVae()
    {
        using var vae = VariationalAutoencoder.Load(PathOf("vae.pt"));
        var pixels = Enumerable.Range(0, 32).Select(i => (i % 5) / 4.0).ToArray();
        var code = vae.Encode(VaeDataset.FromTable(new NumericTable(pixels, 2, 16), 4, 4));
        var doc = await Json(await S.PostNpy("/v1/models/vae/encode", TestModels.Npy(pixels, 2, 16)));
        Numbers.AssertClose(code.Mean.Select(v => (double)v).ToArray(), doc["mean"]!.AsArray().SelectMany(Doubles).ToArray(), 1e-6, what: "latent means");
        Numbers.AssertClose(code.LogVariance.Select(v => Math.Exp(v)).ToArray(), doc["variance"]!.AsArray().SelectMany(Doubles).ToArray(), 1e-5, what: "latent variances");
        var score = await Json(await S.PostJson("/v1/models/vae/score", Body(new { x = ServingJson.Rows(pixels, 16), seed = 4 })));
        var elbo = vae.ElboPerExample(VaeDataset.FromTable(new NumericTable(pixels, 2, 16), 4, 4), 4);
        Numbers.AssertClose(elbo, Doubles(score["elbo"]), 1e-9, what: "ELBO per example");
        var samples = vae.Sample(3, 9);
        var sampled = await Json(await S.PostJson("/v1/models/vae/sample", Body(new { n = 3, seed = 9 })));
        Numbers.AssertClose(samples.Values.Select(v => (double)v).ToArray(), sampled["x"]!.AsArray().SelectMany(Doubles).ToArray(), 1e-6, what: "decoded samples");
        var png = await S.PostJson("/v1/models/vae/sample", Body(new { n = 4, seed = 9 }), accept: "image/png");
        Assert.Equal("image/png", png.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task ConcurrentRequestsOnOneModelAnswerAsSequentialCallsDo()
    {
        // Shared read-only state and per-thread workspaces: 64 requests at once, each checked against the library.
        var tagger = HmmTagger.Load(PathOf("tagger.json"));
        var gmm = GaussianMixture.Load(PathOf("gmm.json"));
        string[][] sentences = Enumerable.Range(0, 32).Select(i => new[] { i % 2 == 0 ? "The" : "A", "jury", i % 3 == 0 ? "said" : "ran", "home", "." }).ToArray();
        var tagging = sentences.Select(async words =>
        {
            var doc = await Json(await S.PostJson("/v1/models/tagger/tag", Body(new { tokens = new[] { words } })));
            Assert.Equal(tagger.Tag(words), Strings(doc["sentences"]![0]!["tags"]));
        });
        var predicting = Enumerable.Range(0, 32).Select(async i =>
        {
            double[] row = [i / 4.0 - 4, 4 - i / 4.0];
            var doc = await Json(await S.PostJson("/v1/models/gmm/predict?proba=true", Body(new { x = new[] { row } })));
            Numbers.AssertClose(gmm.PredictProba(new NumericTable(row, 1, 2)), doc["probabilities"]!.AsArray().SelectMany(Doubles).ToArray(), 1e-12, 1e-15, $"row {i} probabilities");
        });
        await Task.WhenAll(tagging.Concat(predicting));
    }

    [Fact]
    public async Task HealthReadinessMetricsAndOpenApiAnswer()
    {
        Assert.Equal("alive", (await Json(await S.Client.GetAsync("/healthz")))["status"]!.GetValue<string>());
        var ready = await Json(await S.Client.GetAsync("/readyz"));
        Assert.Equal("ready", ready["status"]!.GetValue<string>());
        await S.PostJson("/v1/models/gmm/predict", Body(new { x = new[] { new[] { 1.0, 1 } } }));
        await S.PostJson("/v1/models/gmm/predict", Body(new { x = new[] { new[] { double.MaxValue, 1 } } }));
        var metrics = await S.Client.GetStringAsync("/metrics");
        Assert.Contains("prob_requests_total{model=\"gmm\",endpoint=\"predict\",status=\"200\"}", metrics);
        Assert.Contains("prob_request_errors_total{model=\"gmm\",endpoint=\"predict\",status=\"400\"}", metrics);
        Assert.Contains("prob_request_duration_seconds_bucket{model=\"gmm\",endpoint=\"predict\"", metrics);
        Assert.Contains("prob_models_loaded 6", metrics);
        var openapi = await Json(await S.Client.GetAsync("/openapi/v1.json"));
        var paths = openapi["paths"]!.AsObject().Select(p => p.Key).ToList();
        Assert.Contains("/v1/models/{name}/{operation}", paths);
        Assert.Contains("/readyz", paths);
    }
}
