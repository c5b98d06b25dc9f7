using System.CommandLine;
using Microsoft.AspNetCore.Builder;
using Probabilistic.Core;
using Probabilistic.Serving;

namespace Probabilistic.Cli.Commands;

/// <summary>
/// <c>prob serve --models DIR</c>: serves every model file in DIR over HTTP (loopback by default) until SIGTERM or Ctrl-C,
/// which stop accepting and let in-flight requests finish for up to <c>--drain</c> seconds.
/// </summary>
public static class ServeCommand
{
    /// <summary>Builds the command.</summary>
    public static Command Create()
    {
        var models = new Option<string>("--models") { Description = "Folder of model files (HMM, CRF or perceptron tagger, GMM, Bayesian GMM, HMM, VAE); each is served under its file name without extension, and changed or added files are reloaded", Required = true };
        var urls = new Option<string>("--urls") { Description = "Addresses to listen on, ';'-separated (loopback by default)", DefaultValueFactory = _ => ServeOptions.DefaultUrls };
        var keyFile = new Option<string?>("--api-key-file") { Description = "File holding the API key every /v1 request must send as 'Authorization: Bearer KEY'" };
        var maxBody = new Option<string>("--max-body") { Description = "Largest request body, e.g. 16M", DefaultValueFactory = _ => "16M" };
        var timeout = new Option<double>("--timeout") { Description = "Seconds allowed to one request; its inference is cancelled past it (503)", DefaultValueFactory = _ => 30 };
        var maxRows = new Option<int>("--max-rows") { Description = "Most rows per predict, score or encode request", DefaultValueFactory = _ => 100_000 };
        var maxTokens = new Option<int>("--max-tokens") { Description = "Most tokens (tag) or observations (decode, HMM score) per request", DefaultValueFactory = _ => 1_000_000 };
        var maxSamples = new Option<int>("--max-samples") { Description = "Largest n of a sample request", DefaultValueFactory = _ => 10_000 };
        var drain = new Option<double>("--drain") { Description = "Seconds a shutdown waits for in-flight requests", DefaultValueFactory = _ => 10 };
        var poll = new Option<double>("--poll") { Description = "Seconds between rescans of the models folder (besides the file watcher)", DefaultValueFactory = _ => 2 };
        var command = new HostedCommand("serve", "Serve fitted models over HTTP: JSON (and .npy) endpoints under /v1, /healthz, /readyz, /metrics, /openapi/v1.json")
        {
            models, urls, keyFile, maxBody, timeout, maxRows, maxTokens, maxSamples, drain, poll,
        };
        command.SetAction(async (parse, ct) =>
        {
            var dir = parse.GetValue(models)!;
            if (!Directory.Exists(dir)) throw new UsageException($"--models '{dir}': no such folder");
            var bodyText = parse.GetValue(maxBody)!;
            if (!MemoryBudget.TryParseSize(bodyText, out long bodyBytes) || bodyBytes < 1)
                throw new UsageException($"--max-body '{bodyText}': use a size such as 512K, 16M or 1000000 (bytes)");
            var options = new ServeOptions(dir)
            {
                Urls = parse.GetValue(urls)!,
                ApiKey = parse.GetValue(keyFile) is { } path ? ReadKey(path) : null,
                MaxBodyBytes = bodyBytes,
                RequestTimeout = Seconds(Checks.Finite(parse.GetValue(timeout), 0, "--timeout", exclusive: true)),
                MaxRows = Checks.AtLeast(parse.GetValue(maxRows), 1, "--max-rows"),
                MaxTokens = Checks.AtLeast(parse.GetValue(maxTokens), 1, "--max-tokens"),
                MaxSamples = Checks.AtLeast(parse.GetValue(maxSamples), 1, "--max-samples"),
                DrainTimeout = Seconds(Checks.Finite(parse.GetValue(drain), 0, "--drain")),
                PollInterval = Seconds(Checks.Finite(parse.GetValue(poll), 0, "--poll", exclusive: true)),
            };
            var app = ModelServer.Build(options);
            var error = parse.InvocationConfiguration.Error;
            if (options.ApiKey is null && !IsLoopbackOnly(options.Urls))
                error.WriteLine($"prob serve: warning: listening on {options.Urls} without --api-key-file; anyone who can reach it can use the models");
            await app.StartAsync(CancellationToken.None).ConfigureAwait(false);
            error.WriteLine($"prob serve: serving {dir} on {string.Join(", ", app.Urls)}");
            // SIGTERM is taken by the host's lifetime (it stops the app); Ctrl-C also arrives as ct. Either way Kestrel stops
            // accepting, in-flight requests finish for up to --drain, then the command returns.
            try { await Task.Delay(Timeout.Infinite, ct).WaitAsync(app.Lifetime.ApplicationStopping).ConfigureAwait(false); }
            catch (OperationCanceledException) { }
            await app.StopAsync(CancellationToken.None).ConfigureAwait(false);
            await app.DisposeAsync().ConfigureAwait(false);
            error.WriteLine("prob serve: stopped");
            return CliHost.Ok;
        });
        return command;
    }

    private static TimeSpan Seconds(double s) => TimeSpan.FromSeconds(s);

    private static string ReadKey(string path)
    {
        if (!File.Exists(path)) throw new UsageException($"--api-key-file '{path}': no such file");
        var key = File.ReadAllText(path).Trim();
        if (key.Length == 0) throw new UsageException($"--api-key-file '{path}' is empty; put the key on its first line");
        if (key.Any(char.IsWhiteSpace)) throw new UsageException($"--api-key-file '{path}' holds white space inside the key; a key is one word");
        return key;
    }

    private static bool IsLoopbackOnly(string urls) => urls.Split(';', StringSplitOptions.RemoveEmptyEntries).All(u =>
        Uri.TryCreate(u.Trim().Replace("://+", "://0.0.0.0", StringComparison.Ordinal).Replace("://*", "://0.0.0.0", StringComparison.Ordinal), UriKind.Absolute, out var uri)
        && (uri.IsLoopback || uri.Host.Equals("localhost", StringComparison.OrdinalIgnoreCase)));

}
