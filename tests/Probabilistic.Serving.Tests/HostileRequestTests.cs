using System.Net.Http.Headers;
using System.Text;
using static Probabilistic.Serving.Tests.Responses;

namespace Probabilistic.Serving.Tests;

/// <summary>A server with small limits over a GMM, a tagger and an HMM, shared by the hostile-request tests.</summary>
public sealed class LimitedServer : IAsyncLifetime
{
    /// <summary>The server.</summary>
    public ServerHarness Server { get; private set; } = null!;

    /// <inheritdoc/>
    public async Task InitializeAsync() => Server = await ServerHarness.StartAsync(dir =>
    {
        TestModels.Gmm().Save(Path.Combine(dir, "gmm.json"));
        TestModels.CategoricalHmm().Save(Path.Combine(dir, "weather.json"));
        TestModels.Tagger().Save(Path.Combine(dir, "tagger.json"));
    }, o => o with { MaxBodyBytes = 4096, MaxRows = 50, MaxTokens = 20, MaxSamples = 100 });

    /// <inheritdoc/>
    public async Task DisposeAsync() => await Server.DisposeAsync();
}

/// <summary>Bad JSON, wrong shapes, NaN, oversized bodies, limits, unknown models and path-like names: each a problem document naming the cause.</summary>
public sealed class HostileRequestTests(LimitedServer fixture) : IClassFixture<LimitedServer>
{
    private ServerHarness S => fixture.Server;

    [Theory]
    [InlineData("{\"x\": [[1, 2]", "not valid JSON")]
    [InlineData("[1, 2]", "must be a JSON object")]
    [InlineData("{\"x\": [[NaN, 1]]}", "not valid JSON")]
    [InlineData("{\"x\": [[1e400, 1]]}", "finite")]
    [InlineData("{\"x\": [[1, 2, 3]]}", "rows have 3 values but model 'gmm' expects 2")]
    [InlineData("{\"x\": [[1, 2], [3]]}", "row 2 has 1 values but row 1 has 2")]
    [InlineData("{\"x\": [1, 2]}", "row 1 must be an array of numbers")]
    [InlineData("{\"x\": [[1, \"2\"]]}", "row 1, column 2 is the string \"2\"")]
    [InlineData("{\"x\": []}", "holds no rows")]
    [InlineData("{\"y\": [[1, 2]]}", "needs \"x\"")]
    [InlineData("{\"x\": [[1e200, 0]]}", "1E+200")]
    public async Task BadPredictBodiesAreRefusedNamingTheProblem(string body, string mention) =>
        await Problem(await S.PostJson("/v1/models/gmm/predict", body), 400, mention);

    [Fact]
    public async Task NaNInAnNpyBodyIsRefusedNamingRowAndColumn() =>
        await Problem(await S.PostNpy("/v1/models/gmm/predict", TestModels.Npy([1, 2, 3, double.NaN], 2, 2)), 400, "row 2, column 2 is NaN");

    [Fact]
    public async Task ACorruptNpyBodyIsRefused() =>
        await Problem(await S.PostNpy("/v1/models/gmm/predict", [0x93, (byte)'N', (byte)'U', 1, 2, 3]), 400, ".npy");

    [Fact]
    public async Task OversizedBodiesAreRefusedWith413NamingTheLimit()
    {
        var big = Encoding.UTF8.GetBytes("{\"x\": [" + string.Join(",", Enumerable.Repeat("[1.0, 2.0]", 1000)) + "]}");
        // A declared length over the limit is refused before any of the body is read.
        await Problem(await S.SendRaw($"POST /v1/models/gmm/predict HTTP/1.1\r\nContent-Type: application/json\r\nContent-Length: {big.Length}", []),
            413, "(11,008 bytes)", "4,096 bytes", "--max-body");
        // Without Content-Length (chunked), the limit holds while reading: one chunk of 5,000 bytes goes over it.
        var chunk = Encoding.ASCII.GetBytes("1388\r\n").Concat(big[..5000]).Concat("\r\n"u8.ToArray()).ToArray();
        await Problem(await S.SendRaw("POST /v1/models/gmm/predict HTTP/1.1\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked", chunk),
            413, "4,096 bytes", "--max-body");
    }

    [Fact]
    public async Task RowTokenAndSampleLimitsAreNamed()
    {
        var rows = Body(new { x = Enumerable.Repeat(new[] { 1.0, 2.0 }, 51).ToArray() });
        await Problem(await S.PostJson("/v1/models/gmm/predict", rows), 413, "limit of 50 rows", "--max-rows");
        await Problem(await S.PostJson("/v1/models/tagger/tag", Body(new { text = string.Join(' ', Enumerable.Repeat("word", 21)) })), 413, "20 tokens", "--max-tokens");
        await Problem(await S.PostJson("/v1/models/weather/decode", Body(new { sequences = new[] { Enumerable.Repeat("a", 21).ToArray() } })), 413, "--max-tokens");
        await Problem(await S.PostJson("/v1/models/gmm/sample", Body(new { n = 101 })), 400, "\"n\" is 101", "--max-samples");
        await Problem(await S.PostJson("/v1/models/gmm/sample", Body(new { n = 0 })), 400, "at least 1");
        await Problem(await S.PostJson("/v1/models/gmm/sample", Body(new { n = 2.5 })), 400, "whole number");
    }

    [Theory]
    [InlineData("/v1/models/nope/predict", "no model named 'nope'")]
    [InlineData("/v1/models/..%2Fgmm/predict", "no model named")]
    [InlineData("/v1/models/..%2F..%2Fetc%2Fpasswd/predict", "no model named")]
    [InlineData("/v1/models/gmm.json/predict", "no model named 'gmm.json'")]
    public async Task UnknownAndPathLikeModelNamesAreNotFound(string path, string mention) =>
        await Problem(await S.PostJson(path, "{\"x\": [[1, 2]]}"), 404, mention);

    [Fact]
    public async Task PathLikeNamesOnGetAreNotFoundEither()
    {
        await Problem(await S.Client.GetAsync("/v1/models/..%2Fgmm"), 404, "no model named");
        // A dot segment is resolved before routing (/v1/models/.. is /v1/), which has no endpoint: still a problem document.
        await Problem(await S.Client.GetAsync("/v1/models/%2E%2E"), 404);
    }

    [Fact]
    public async Task AnOperationTheModelLacksIsNamedWithWhatItOffers() =>
        await Problem(await S.PostJson("/v1/models/gmm/tag", "{\"text\": \"hi\"}"), 404, "does not offer 'tag'", "predict, score, sample");

    [Fact]
    public async Task BadTaggingAndDecodingBodiesAreRefused()
    {
        await Problem(await S.PostJson("/v1/models/tagger/tag", "{\"tokens\": [[\"a\", 3]]}"), 400, "sentence 1, token 2");
        await Problem(await S.PostJson("/v1/models/tagger/tag", "{\"text\": \"a\", \"tokens\": [[\"a\"]]}"), 400, "not both");
        await Problem(await S.PostJson("/v1/models/tagger/tag", "{}"), 400, "needs \"text\"");
        await Problem(await S.PostJson("/v1/models/weather/decode", "{\"sequences\": [[\"a\", \"zebra\"]]}"), 400, "symbol 'zebra'");
        await Problem(await S.PostJson("/v1/models/weather/decode", "{\"sequences\": [[\"a\"]], \"algorithm\": \"beam\"}"), 400, "use viterbi or map");
        await Problem(await S.PostJson("/v1/models/weather/decode", "{\"sequences\": [[0, 7]]}"), 400, "7");
    }

    [Fact]
    public async Task UnsupportedMediaTypesAreRefused()
    {
        var response = await S.Client.PostAsync("/v1/models/gmm/predict", new StringContent("x=1", Encoding.UTF8, "application/x-www-form-urlencoded"));
        await Problem(response, 415, "application/x-www-form-urlencoded");
    }

    [Fact]
    public async Task TheServerStillAnswersAfterHostileRequests()
    {
        await S.PostJson("/v1/models/gmm/predict", "{{{{");
        var doc = await Json(await S.PostJson("/v1/models/gmm/predict", "{\"x\": [[-3, 3]]}"));
        Assert.Single(Ints(doc["labels"]));
    }
}

/// <summary>The API key: every /v1 request needs it; health, readiness and metrics do not.</summary>
public sealed class ApiKeyTests
{
    private const string Key = "s3cret-key-for-tests";

    [Fact]
    public async Task V1RequestsNeedTheBearerKey()
    {
        await using var s = await ServerHarness.StartAsync(dir => TestModels.Gmm().Save(Path.Combine(dir, "gmm.json")), o => o with { ApiKey = Key });
        var missing = await s.Client.GetAsync("/v1/models");
        await Problem(missing, 401, "needs an API key");
        Assert.Equal("Bearer", missing.Headers.WwwAuthenticate.Single().Scheme);
        var wrong = new HttpRequestMessage(HttpMethod.Get, "/v1/models");
        wrong.Headers.Authorization = new AuthenticationHeaderValue("Bearer", Key + "x");
        await Problem(await s.Client.SendAsync(wrong), 401, "not accepted");
        var basic = new HttpRequestMessage(HttpMethod.Get, "/v1/models");
        basic.Headers.Authorization = new AuthenticationHeaderValue("Basic", Key);
        await Problem(await s.Client.SendAsync(basic), 401, "not accepted");
        // An unknown model is not revealed before the key is checked.
        await Problem(await s.PostJson("/v1/models/nope/predict", "{}"), 401, "needs an API key");
        var right = new HttpRequestMessage(HttpMethod.Post, "/v1/models/gmm/predict") { Content = new StringContent("{\"x\": [[1, 2]]}", Encoding.UTF8, "application/json") };
        right.Headers.Authorization = new AuthenticationHeaderValue("Bearer", Key);
        await Json(await s.Client.SendAsync(right));
        Assert.Equal(200, (int)(await s.Client.GetAsync("/healthz")).StatusCode);
        Assert.Equal(200, (int)(await s.Client.GetAsync("/readyz")).StatusCode);
    }

    [Fact]
    public void KeysCompareByContentOnly()
    {
        Assert.True(ModelServer.KeysEqual(Key, Key));
        Assert.False(ModelServer.KeysEqual(Key + "x", Key));
        Assert.False(ModelServer.KeysEqual("", Key));
        Assert.False(ModelServer.KeysEqual(Key.ToUpperInvariant(), Key));
    }
}
