using Prometheus;

namespace Probabilistic.Serving;

/// <summary>
/// The Prometheus metrics of one server, in its own registry (so two servers in one process, as in tests, count apart):
/// requests, latencies and errors by model and endpoint, models loaded, load failures, and the .NET process figures.
/// Label values are model names that exist and the fixed endpoint names, so a hostile client cannot grow the label set.
/// </summary>
public sealed class ServingMetrics
{
    /// <summary>New metrics in a new registry.</summary>
    public ServingMetrics()
    {
        Registry = Metrics.NewCustomRegistry();
        DotNetStats.Register(Registry);
        var factory = Metrics.WithCustomRegistry(Registry);
        Requests = factory.CreateCounter("prob_requests_total", "Requests answered, by model, endpoint and HTTP status.",
            new CounterConfiguration { LabelNames = ["model", "endpoint", "status"] });
        Errors = factory.CreateCounter("prob_request_errors_total", "Requests answered with an error status (4xx or 5xx), by model, endpoint and status.",
            new CounterConfiguration { LabelNames = ["model", "endpoint", "status"] });
        Duration = factory.CreateHistogram("prob_request_duration_seconds", "Time from the start of handling to the end of the response, by model and endpoint.",
            new HistogramConfiguration { LabelNames = ["model", "endpoint"], Buckets = Histogram.ExponentialBuckets(0.0001, 2, 18) });
        ModelsLoaded = factory.CreateGauge("prob_models_loaded", "Models being served.");
        LoadFailures = factory.CreateGauge("prob_model_load_failures", "Files in the models folder whose last change failed to load.");
        LoadErrors = factory.CreateCounter("prob_model_load_errors_total", "Failed model loads since start.");
    }

    /// <summary>The registry /metrics exports.</summary>
    public CollectorRegistry Registry { get; }

    /// <summary>prob_requests_total.</summary>
    public Counter Requests { get; }

    /// <summary>prob_request_errors_total.</summary>
    public Counter Errors { get; }

    /// <summary>prob_request_duration_seconds.</summary>
    public Histogram Duration { get; }

    /// <summary>prob_models_loaded.</summary>
    public Gauge ModelsLoaded { get; }

    /// <summary>prob_model_load_failures.</summary>
    public Gauge LoadFailures { get; }

    /// <summary>prob_model_load_errors_total.</summary>
    public Counter LoadErrors { get; }

    /// <summary>Counts one answered request.</summary>
    public void Observe(string model, string endpoint, int status, double seconds)
    {
        string code = status.ToString(System.Globalization.CultureInfo.InvariantCulture);
        Requests.WithLabels(model, endpoint, code).Inc();
        if (status >= 400) Errors.WithLabels(model, endpoint, code).Inc();
        Duration.WithLabels(model, endpoint).Observe(seconds);
    }
}
