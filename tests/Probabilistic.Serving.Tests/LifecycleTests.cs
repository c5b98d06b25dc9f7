using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Probabilistic.Core.IO;
using static Probabilistic.Serving.Tests.Responses;

namespace Probabilistic.Serving.Tests;

/// <summary>Hot swap, a corrupt replacement, added and removed files, the request timeout, and a graceful shutdown.</summary>
public sealed class LifecycleTests
{
    private static async Task<int> Components(ServerHarness s) =>
        (await Json(await s.Client.GetAsync("/v1/models/gmm")))["components"]!.GetValue<int>();

    [Fact]
    public async Task AChangedFileIsSwappedInWhileRequestsKeepSucceeding()
    {
        await using var s = await ServerHarness.StartAsync(dir => TestModels.Gmm(2).Save(Path.Combine(dir, "gmm.json")));
        Assert.Equal(2, await Components(s));
        using var stop = new CancellationTokenSource();
        var statuses = new List<HttpStatusCode>();
        var load = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                var r = await s.PostJson("/v1/models/gmm/predict?proba=true", "{\"x\": [[-3, 3], [3, -3]]}");
                lock (statuses) statuses.Add(r.StatusCode);
            }
        });
        TestModels.Gmm(3).Save(Path.Combine(s.Directory, "gmm.json"));
        await ServerHarness.Eventually(async () => await Components(s) == 3, "the 3-component model to be served");
        var doc = await Json(await s.PostJson("/v1/models/gmm/predict?proba=true", "{\"x\": [[-3, 3]]}"));
        Assert.Equal(3, doc["probabilities"]![0]!.AsArray().Count);
        stop.Cancel();
        await load;
        Assert.NotEmpty(statuses);
        Assert.All(statuses, st => Assert.Equal(HttpStatusCode.OK, st));
    }

    [Fact]
    public async Task ACorruptReplacementIsReportedAndTheOldModelKeepsServing()
    {
        await using var s = await ServerHarness.StartAsync(dir => TestModels.Gmm(2).Save(Path.Combine(dir, "gmm.json")));
        var path = Path.Combine(s.Directory, "gmm.json");
        AtomicFile.WriteAllText(path, "{\"format\": \"probabilistic\", \"kind\": \"gaussian-mixture\", \"version\": 1, \"model\": {\"components\": 2");
        await ServerHarness.Eventually(async () => (await s.Client.GetAsync("/readyz")).StatusCode == HttpStatusCode.ServiceUnavailable, "/readyz to report the failure");
        var ready = await Json(await s.Client.GetAsync("/readyz"), 503);
        Assert.Equal("not ready", ready["status"]!.GetValue<string>());
        Assert.Contains("not valid JSON", ready["failures"]!["gmm.json"]!.GetValue<string>());
        var doc = await Json(await s.PostJson("/v1/models/gmm/predict?proba=true", "{\"x\": [[-3, 3]]}"));
        Assert.Equal(2, doc["probabilities"]![0]!.AsArray().Count);
        Assert.Contains("prob_model_load_failures 1", await s.Client.GetStringAsync("/metrics"));
        // Fixing the file makes the server ready again, serving the new model.
        TestModels.Gmm(3).Save(path);
        await ServerHarness.Eventually(async () => (await s.Client.GetAsync("/readyz")).StatusCode == HttpStatusCode.OK, "/readyz to recover");
        Assert.Equal(3, await Components(s));
    }

    [Fact]
    public async Task AddedFilesAreServedAndRemovedOnesAreNot()
    {
        await using var s = await ServerHarness.StartAsync(dir => TestModels.Gmm(2).Save(Path.Combine(dir, "gmm.json")));
        TestModels.CategoricalHmm().Save(Path.Combine(s.Directory, "weather.json"));
        await ServerHarness.Eventually(async () => (await s.Client.GetAsync("/v1/models/weather")).StatusCode == HttpStatusCode.OK, "the added model");
        File.Delete(Path.Combine(s.Directory, "gmm.json"));
        await ServerHarness.Eventually(async () => (await s.Client.GetAsync("/v1/models/gmm")).StatusCode == HttpStatusCode.NotFound, "the removed model to go");
        var names = (await Json(await s.Client.GetAsync("/v1/models")))["models"]!.AsArray().Select(m => m!["name"]!.GetValue<string>());
        Assert.Equal(["weather"], names);
    }

    [Fact]
    public async Task AFileThatIsNoModelAtStartIsReportedWhileTheOthersServe()
    {
        await using var s = await ServerHarness.StartAsync(dir =>
        {
            TestModels.Gmm(2).Save(Path.Combine(dir, "gmm.json"));
            File.WriteAllBytes(Path.Combine(dir, "junk.bin"), [0, 1, 2, 3]);
        });
        var ready = await Json(await s.Client.GetAsync("/readyz"), 503);
        Assert.Contains("not a JSON document", ready["failures"]!["junk.bin"]!.GetValue<string>());
        await Json(await s.PostJson("/v1/models/gmm/predict", "{\"x\": [[-3, 3]]}"));
    }

    [SkippableFact]
    public async Task AFifoInTheFolderIsReportedWithoutBlockingTheServer()
    {
        Skip.IfNot(OperatingSystem.IsLinux(), "FIFOs are identified through stat(2) on Linux");
        await using var s = await ServerHarness.StartAsync(dir =>
        {
            TestModels.Gmm(2).Save(Path.Combine(dir, "gmm.json"));
            using var mk = System.Diagnostics.Process.Start("mkfifo", [Path.Combine(dir, "pipe.json")]);
            mk.WaitForExit();
        });
        var ready = await Json(await s.Client.GetAsync("/readyz"), 503);
        Assert.Contains("not a plain file", ready["failures"]!["pipe.json"]!.GetValue<string>());
        await Json(await s.PostJson("/v1/models/gmm/predict", "{\"x\": [[-3, 3]]}"));
    }

    [Fact]
    public async Task ALongInferenceIsCancelledAtTheTimeout()
    {
        await using var s = await ServerHarness.StartAsync(dir => TestModels.Tagger().Save(Path.Combine(dir, "tagger.json")),
            o => o with { RequestTimeout = TimeSpan.FromMilliseconds(100), MaxBodyBytes = 64L << 20 });
        // About a million tokens: far more tagging than 100 ms allows on any machine this runs on.
        var sentence = "The jury said the election was conducted well and fairly .";
        var text = string.Join('\n', Enumerable.Repeat(sentence, 90_000));
        await Problem(await s.PostJson("/v1/models/tagger/tag", Body(new { text })), 503, "--timeout", "cancelled");
        Assert.Contains("prob_request_errors_total{model=\"tagger\",endpoint=\"tag\",status=\"503\"} 1", await s.Client.GetStringAsync("/metrics"));
        // The server is free again at once.
        await Json(await s.PostJson("/v1/models/tagger/tag", Body(new { text = sentence })));
    }

    [Fact]
    public async Task AStalledUploadIsCutAtTheTimeout()
    {
        await using var s = await ServerHarness.StartAsync(dir => TestModels.Gmm(2).Save(Path.Combine(dir, "gmm.json")),
            o => o with { RequestTimeout = TimeSpan.FromMilliseconds(300) });
        // A raw connection that announces 100 bytes of body, sends 10 and stalls: the answer must come without the rest.
        using var tcp = new System.Net.Sockets.TcpClient();
        await tcp.ConnectAsync(s.BaseAddress.Host, s.BaseAddress.Port);
        var stream = tcp.GetStream();
        var head = $"POST /v1/models/gmm/predict HTTP/1.1\r\nHost: {s.BaseAddress.Authority}\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{{\"x\": [[-3";
        await stream.WriteAsync(Encoding.ASCII.GetBytes(head));
        using var reader = new StreamReader(stream, Encoding.UTF8);
        var status = await reader.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(30));
        Assert.StartsWith("HTTP/1.1 503", status);
        var headers = new List<string>();
        string? line;
        while ((line = await reader.ReadLineAsync()) is { Length: > 0 }) headers.Add(line);
        Assert.Contains(headers, h => h.StartsWith("Content-Type: application/problem+json", StringComparison.OrdinalIgnoreCase));
        var body = new char[4096];
        int n = await reader.ReadAsync(body);
        var text = new string(body, 0, n);
        Assert.Contains("--timeout", text);
    }

    [Fact]
    public async Task ShutdownStopsAcceptingAndLetsAnInFlightRequestFinish()
    {
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var dir = Path.Combine(Path.GetTempPath(), "prob-serve-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        TestModels.Gmm(2).Save(Path.Combine(dir, "gmm.json"));
        var options = new ServeOptions(dir) { Urls = "http://127.0.0.1:0", DrainTimeout = TimeSpan.FromSeconds(30) };
        var app = ModelServer.Build(options, b => b.Services.AddSingleton<IStartupFilter>(new SignalWhenStarted(started)));
        await app.StartAsync();
        var address = new Uri(app.Urls.First());
        using var client = new HttpClient { BaseAddress = address };
        var gate = new TaskCompletionSource();
        var inFlight = client.PostAsync("/v1/models/gmm/predict", new GatedContent("{\"x\": [[-3, ", "3]]}", gate.Task));
        await started.Task.WaitAsync(TimeSpan.FromSeconds(20));

        var stopping = app.StopAsync();
        // New connections are refused once the listener is closed.
        await ServerHarness.Eventually(async () =>
        {
            using var fresh = new HttpClient { BaseAddress = address };
            try { await fresh.GetAsync("/healthz"); return false; }
            catch (HttpRequestException) { return true; }
        }, "the listener to close");
        Assert.False(stopping.IsCompleted, "the shutdown finished while a request was still in flight");
        gate.SetResult();
        var response = await inFlight;
        var doc = await Json(response);
        Assert.Single(Ints(doc["labels"]));
        await stopping;
        await app.DisposeAsync();
        Directory.Delete(dir, recursive: true);
    }

    /// <summary>Writes <c>first</c>, waits for <c>gate</c>, then writes <c>rest</c>: a request that stays in flight on cue.</summary>
    private sealed class GatedContent : HttpContent
    {
        private readonly byte[] _first, _rest;
        private readonly Task _gate;

        public GatedContent(string first, string rest, Task gate)
        {
            (_first, _rest, _gate) = (Encoding.UTF8.GetBytes(first), Encoding.UTF8.GetBytes(rest), gate);
            Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");
        }

        protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context)
        {
            await stream.WriteAsync(_first);
            await stream.FlushAsync();
            await _gate;
            await stream.WriteAsync(_rest);
        }

        protected override bool TryComputeLength(out long length)
        {
            length = _first.Length + _rest.Length;
            return true;
        }
    }

    /// <summary>Signals when the first /v1 POST reaches the app (so the test knows the request is in flight).</summary>
    private sealed class SignalWhenStarted(TaskCompletionSource started) : IStartupFilter
    {
        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
        {
            app.Use(async (HttpContext context, RequestDelegate following) =>
            {
                if (HttpMethods.IsPost(context.Request.Method)) started.TrySetResult();
                await following(context);
            });
            next(app);
        };
    }
}
