using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Probabilistic.Core;
using Probabilistic.Core.Data;
using Prometheus;

namespace Probabilistic.Serving;

/// <summary>
/// The model service: <see cref="Build"/> makes the whole server (what <c>prob serve</c> runs);
/// <see cref="AddProbabilisticServing"/> and <see cref="MapProbabilisticServing"/> put the same endpoints into the user's
/// own ASP.NET Core app.
/// </summary>
public static class ModelServer
{
    /// <summary>The operations a model may offer, in the order the API documents them.</summary>
    public static readonly IReadOnlyList<string> Operations = ["tag", "predict", "decode", "score", "sample", "encode"];

    /// <summary>
    /// A Kestrel server for <paramref name="options"/>: loopback unless told otherwise, the body limit in Kestrel too, a
    /// shutdown that drains in-flight requests for up to <see cref="ServeOptions.DrainTimeout"/>, problem details for every error.
    /// </summary>
    public static WebApplication Build(ServeOptions options, Action<WebApplicationBuilder>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { ContentRootPath = AppContext.BaseDirectory, Args = [] });
        builder.WebHost.UseUrls(options.Urls);
        builder.WebHost.ConfigureKestrel(k =>
        {
            k.AddServerHeader = false;
            k.Limits.MaxRequestBodySize = options.MaxBodyBytes;
        });
        builder.Services.Configure<HostOptions>(h => h.ShutdownTimeout = options.DrainTimeout);
        // One log line per request would cost more than a tagging request; the framework logs warnings and errors only.
        builder.Logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);
        builder.Services.AddProbabilisticServing(options);
        configure?.Invoke(builder);
        var app = builder.Build();
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.MapProbabilisticServing();
        return app;
    }

    /// <summary>Registers the model registry (a hosted service: it loads the models at start), the metrics, problem details and OpenAPI.</summary>
    public static IServiceCollection AddProbabilisticServing(this IServiceCollection services, ServeOptions options)
    {
        options.Validate();
        services.AddSingleton(options);
        services.AddSingleton<ServingMetrics>();
        services.AddSingleton<ModelRegistry>();
        services.AddHostedService(sp => sp.GetRequiredService<ModelRegistry>());
        services.AddProblemDetails();
        services.AddOpenApi();
        return services;
    }

    /// <summary>Maps /v1/models..., /healthz, /readyz, /metrics and /openapi/v1.json.</summary>
    public static IEndpointRouteBuilder MapProbabilisticServing(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet("/healthz", () => Results.Json(new { status = "alive" }, ServingJson.Options))
            .WithSummary("Liveness: the process answers.");
        endpoints.MapGet("/readyz", (ModelRegistry registry) =>
        {
            var failures = registry.Failures;
            var body = new { status = registry.Ready ? "ready" : "not ready", models = registry.Models.Select(m => m.Name), failures };
            return Results.Json(body, ServingJson.Options, statusCode: registry.Ready ? 200 : 503);
        }).WithSummary("Readiness: 200 once every model file has loaded; 503 naming each file that failed (the old model keeps serving).");
        endpoints.MapGet("/metrics", async (HttpContext context, ServingMetrics metrics) =>
        {
            context.Response.ContentType = "text/plain; version=0.0.4; charset=utf-8";
            await metrics.Registry.CollectAndExportAsTextAsync(context.Response.Body, context.RequestAborted).ConfigureAwait(false);
        }).WithSummary("Prometheus metrics: requests, latencies and errors by model and endpoint; models loaded.");
        endpoints.MapOpenApi();

        endpoints.MapGet("/v1/models", ListAsync)
            .WithSummary("Every model served: name, kind, version, dimensions, load time and operations.");
        endpoints.MapGet("/v1/models/{name}", (HttpContext context, string name) => Handle(context, name, "describe", (model, _) =>
        {
            var doc = Listing(model!);
            foreach (var (key, value) in model!.Summary()) doc[key] = value;
            return Task.FromResult(Results.Json(doc, ServingJson.Options));
        })).WithSummary("One model's summary: what a client needs to call it (K, D, states, tag set...).");
        endpoints.MapPost("/v1/models/{name}/{operation}", (HttpContext context, string name, string operation) =>
            Handle(context, name, Operations.Contains(operation) ? operation : "(other)", async (model, ct) =>
            {
                var options = context.RequestServices.GetRequiredService<ServeOptions>();
                var body = await RequestBody.ReadAsync(context.Request, options, ct).ConfigureAwait(false);
                return model!.Invoke(operation, body);
            }))
            .WithSummary("Run an operation: tag, predict (?proba=true), decode, score, sample (Accept: image/png), encode; JSON or application/x-npy bodies.");
        return endpoints;
    }

    private static Task ListAsync(HttpContext context) => Handle(context, null, "list", (_, _) => Task.FromResult(
        Results.Json(new { models = Registry(context).Models.Select(Listing) }, ServingJson.Options)));

    private static ModelRegistry Registry(HttpContext context) => context.RequestServices.GetRequiredService<ModelRegistry>();

    private static Dictionary<string, object?> Listing(ServedModel m) => new()
    {
        ["name"] = m.Name,
        ["kind"] = m.Kind,
        ["version"] = m.Version,
        ["dimensions"] = m.Dimensions,
        ["loadedAt"] = m.LoadedAt,
        ["operations"] = Operations.Where(m.Operations.Contains).ToArray(),
    };

    /// <summary>
    /// Every /v1 request: the API key, the model reference (held to the end of the response), the timeout that cancels the
    /// inference, the mapping of every failure to problem details (never a stack trace), and the metrics.
    /// </summary>
    private static async Task Handle(HttpContext context, string? name, string endpoint, Func<ServedModel?, CancellationToken, Task<IResult>> run)
    {
        var started = Stopwatch.GetTimestamp();
        var services = context.RequestServices;
        var options = services.GetRequiredService<ServeOptions>();
        var registry = services.GetRequiredService<ModelRegistry>();
        var metrics = services.GetRequiredService<ServingMetrics>();
        string modelLabel = name is null ? "" : "(unknown)";
        ServedModel? model = null;
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted);
        timeout.CancelAfter(options.RequestTimeout);
        try
        {
            Authorize(context, options.ApiKey);
            if (name is not null)
            {
                model = registry.Acquire(name) ?? throw ApiException.NoModel(name);
                modelLabel = model.Name;
            }
            var result = await run(model, timeout.Token).ConfigureAwait(false);
            timeout.Token.ThrowIfCancellationRequested();
            await result.ExecuteAsync(context).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
        {
            context.Response.StatusCode = 499; // the client went away: nothing to answer
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested)
        {
            await Problem(context, new ApiException(StatusCodes.Status503ServiceUnavailable, "Request timed out",
                $"the request ran past the limit of {options.RequestTimeout.TotalSeconds:0.###} s (--timeout); its inference was cancelled")).ConfigureAwait(false);
        }
        catch (Exception e)
        {
            await Problem(context, Classify(e, services)).ConfigureAwait(false);
        }
        finally
        {
            if (model is not null) ModelRegistry.Return(model);
            metrics.Observe(modelLabel, endpoint, context.Response.StatusCode, Stopwatch.GetElapsedTime(started).TotalSeconds);
        }
    }

    private static ApiException Classify(Exception e, IServiceProvider services) => e switch
    {
        ApiException api => api,
        BadHttpRequestException bad when bad.StatusCode == StatusCodes.Status413PayloadTooLarge => ApiException.TooLarge(
            $"the request body is over the limit of {services.GetRequiredService<ServeOptions>().MaxBodyBytes:N0} bytes (--max-body)"),
        BadHttpRequestException bad => new ApiException(bad.StatusCode, "Bad request", bad.Message),
        // The model refused the data (a value beyond Gaussian scale, an impossible sequence, a symbol out of range...).
        DataFormatException data => ApiException.BadRequest(data.Reason),
        ProbabilisticException or ArgumentException => ApiException.BadRequest(e.Message),
        _ => Internal(e, services),
    };

    private static ApiException Internal(Exception e, IServiceProvider services)
    {
        services.GetRequiredService<ILoggerFactory>().CreateLogger("Probabilistic.Serving").LogError(e, "request failed");
        return new ApiException(StatusCodes.Status500InternalServerError, "Internal error", "the server failed on this request; its log has the details");
    }

    private static async Task Problem(HttpContext context, ApiException problem)
    {
        if (context.Response.HasStarted) return;
        context.Response.Clear();
        if (problem.Status == StatusCodes.Status401Unauthorized) context.Response.Headers.WWWAuthenticate = "Bearer";
        await Results.Problem(problem.Message, context.Request.Path, problem.Status, problem.Title).ExecuteAsync(context).ConfigureAwait(false);
    }

    private static void Authorize(HttpContext context, string? key)
    {
        if (key is null) return;
        string header = context.Request.Headers.Authorization.ToString();
        if (header.Length == 0)
            throw new ApiException(StatusCodes.Status401Unauthorized, "Unauthorized", "this server needs an API key: send 'Authorization: Bearer <key>'");
        const string scheme = "Bearer ";
        var given = header.StartsWith(scheme, StringComparison.OrdinalIgnoreCase) ? header[scheme.Length..].Trim() : "";
        if (!KeysEqual(given, key))
            throw new ApiException(StatusCodes.Status401Unauthorized, "Unauthorized", "the API key is not accepted (send 'Authorization: Bearer <key>')");
    }

    /// <summary>Compares two keys in time that depends on neither's content nor length (their SHA-256 digests, compared in constant time).</summary>
    public static bool KeysEqual(string given, string expected) => CryptographicOperations.FixedTimeEquals(
        SHA256.HashData(Encoding.UTF8.GetBytes(given)), SHA256.HashData(Encoding.UTF8.GetBytes(expected)));
}
