using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Logging;

namespace Probabilistic.Serving.Tests;

/// <summary>A real Kestrel server on an ephemeral loopback port over a temporary models folder, and a client for it.</summary>
public sealed class ServerHarness : IAsyncDisposable
{
    private ServerHarness(string dir, WebApplication app, ServeOptions options)
    {
        Directory = dir;
        App = app;
        Options = options;
        BaseAddress = new Uri(app.Urls.First());
        Client = new HttpClient { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(60) };
    }

    /// <summary>The models folder (deleted on dispose).</summary>
    public string Directory { get; }

    /// <summary>The running app.</summary>
    public WebApplication App { get; }

    /// <summary>Its options.</summary>
    public ServeOptions Options { get; }

    /// <summary>http://127.0.0.1:PORT/.</summary>
    public Uri BaseAddress { get; }

    /// <summary>A client with <see cref="BaseAddress"/>.</summary>
    public HttpClient Client { get; }

    /// <summary>Fills a new folder with <paramref name="fill"/> and starts a server on it with <paramref name="configure"/> applied to the options.</summary>
    public static async Task<ServerHarness> StartAsync(Action<string> fill, Func<ServeOptions, ServeOptions>? configure = null)
    {
        var dir = Path.Combine(Path.GetTempPath(), "prob-serve-tests", Guid.NewGuid().ToString("N"));
        System.IO.Directory.CreateDirectory(dir);
        fill(dir);
        var options = new ServeOptions(dir) { Urls = "http://127.0.0.1:0", PollInterval = TimeSpan.FromMilliseconds(200) };
        if (configure is not null) options = configure(options);
        var app = ModelServer.Build(options, b => b.Logging.SetMinimumLevel(LogLevel.Warning));
        await app.StartAsync();
        return new ServerHarness(dir, app, options);
    }

    /// <summary>POSTs <paramref name="json"/> as application/json.</summary>
    public Task<HttpResponseMessage> PostJson(string path, string json, string? accept = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new StringContent(json, Encoding.UTF8, "application/json") };
        if (accept is not null) request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue(accept));
        return Client.SendAsync(request);
    }

    /// <summary>POSTs an .npy body.</summary>
    public Task<HttpResponseMessage> PostNpy(string path, byte[] npy)
    {
        var content = new ByteArrayContent(npy);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/x-npy");
        return Client.PostAsync(path, content);
    }

    /// <summary>
    /// Sends <paramref name="head"/> (the request line and headers, CRLF-separated, without the blank line) and then
    /// <paramref name="body"/> as they are on one connection, sends nothing more, and reads the answer until the server
    /// closes. For refusals before the body ends: HttpClient keeps sending the rest of a body the server has refused, and
    /// a connection closed with unread data is reset by the kernel, a reset that can overtake the answer.
    /// </summary>
    public async Task<HttpResponseMessage> SendRaw(string head, byte[] body)
    {
        using var tcp = new System.Net.Sockets.TcpClient();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await tcp.ConnectAsync(BaseAddress.Host, BaseAddress.Port, timeout.Token);
        var stream = tcp.GetStream();
        await stream.WriteAsync(Encoding.ASCII.GetBytes($"{head}\r\nHost: {BaseAddress.Authority}\r\n\r\n"), timeout.Token);
        await stream.WriteAsync(body, timeout.Token);
        var answer = new List<byte>();
        var buffer = new byte[16 << 10];
        while (true)
        {
            int got = await stream.ReadAsync(buffer, timeout.Token);
            answer.AddRange(buffer.AsSpan(0, got));
            if (TryParseResponse(answer.ToArray(), closed: got == 0) is { } response) return response;
            Assert.True(got > 0, $"the server closed after {answer.Count} bytes, before a whole response: {Encoding.UTF8.GetString(answer.ToArray())}");
        }
    }

    /// <summary>An HTTP/1.1 response (Content-Length, chunked, or ended by the close) as a message; null while incomplete.</summary>
    private static HttpResponseMessage? TryParseResponse(byte[] raw, bool closed)
    {
        var text = Encoding.UTF8.GetString(raw);
        int split = text.IndexOf("\r\n\r\n", StringComparison.Ordinal);
        if (split < 0) return null;
        var lines = text[..split].Split("\r\n");
        var status = lines[0].Split(' ');
        var headers = lines.Skip(1).Select(l => l.Split(':', 2)).ToDictionary(h => h[0].Trim(), h => h[1].Trim(), StringComparer.OrdinalIgnoreCase);
        var body = text[(split + 4)..];
        if (headers.TryGetValue("Transfer-Encoding", out var te) && te.Contains("chunked", StringComparison.OrdinalIgnoreCase))
        {
            var joined = new StringBuilder();
            for (int at = 0; ;)
            {
                int end = body.IndexOf("\r\n", at, StringComparison.Ordinal);
                if (end < 0) return null;
                int size = Convert.ToInt32(body[at..end], 16);
                if (size == 0) break;
                if (body.Length < end + 2 + size + 2) return null;
                joined.Append(body, end + 2, size);
                at = end + 2 + size + 2;
            }
            body = joined.ToString();
        }
        else if (headers.TryGetValue("Content-Length", out var length))
        {
            if (Encoding.UTF8.GetByteCount(body) < int.Parse(length)) return null;
        }
        else if (!closed) return null;
        var content = new StringContent(body);
        if (headers.TryGetValue("Content-Type", out var type)) content.Headers.ContentType = MediaTypeHeaderValue.Parse(type);
        return new HttpResponseMessage((System.Net.HttpStatusCode)int.Parse(status[1])) { Content = content };
    }

    /// <summary>Waits (polling, up to 20 s) until <paramref name="condition"/> holds; fails naming <paramref name="what"/> otherwise.</summary>
    public static async Task Eventually(Func<Task<bool>> condition, string what)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(20);
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline) Assert.Fail($"timed out waiting for {what}");
            await Task.Delay(50);
        }
    }

    /// <summary>Stops the server and deletes its folder.</summary>
    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await App.StopAsync();
        await App.DisposeAsync();
        try { System.IO.Directory.Delete(Directory, recursive: true); } catch (IOException) { }
    }
}

/// <summary>Response checks that say what came back when they fail.</summary>
public static class Responses
{
    /// <summary>The JSON body of a response with <paramref name="status"/>.</summary>
    public static async Task<JsonNode> Json(HttpResponseMessage response, int status = 200)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True((int)response.StatusCode == status, $"expected HTTP {status}, got {(int)response.StatusCode}: {text}");
        return JsonNode.Parse(text) ?? throw new InvalidOperationException("null body");
    }

    /// <summary>
    /// A problem-details response (RFC 9457): the status, application/problem+json, a title and a detail containing every
    /// one of <paramref name="mentions"/>, and no stack trace.
    /// </summary>
    public static async Task<string> Problem(HttpResponseMessage response, int status, params string[] mentions)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True((int)response.StatusCode == status, $"expected HTTP {status}, got {(int)response.StatusCode}: {text}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var doc = JsonNode.Parse(text)!;
        Assert.Equal(status, doc["status"]!.GetValue<int>());
        Assert.False(string.IsNullOrEmpty(doc["title"]?.GetValue<string>()), $"no title in {text}");
        var detail = doc["detail"]?.GetValue<string>() ?? "";
        foreach (var m in mentions) Assert.True(detail.Contains(m, StringComparison.Ordinal), $"the detail does not mention '{m}': {text}");
        Assert.DoesNotContain("   at ", text, StringComparison.Ordinal);
        Assert.DoesNotContain("Exception", text, StringComparison.Ordinal);
        return detail;
    }

    /// <summary>A JSON array of numbers as doubles.</summary>
    public static double[] Doubles(JsonNode? node) => node!.AsArray().Select(v => v!.GetValue<double>()).ToArray();

    /// <summary>A JSON array of integers.</summary>
    public static int[] Ints(JsonNode? node) => node!.AsArray().Select(v => v!.GetValue<int>()).ToArray();

    /// <summary>A JSON array of strings.</summary>
    public static string[] Strings(JsonNode? node) => node!.AsArray().Select(v => v!.GetValue<string>()).ToArray();

    /// <summary>Serializes for a request body.</summary>
    public static string Body(object value) => JsonSerializer.Serialize(value);
}
