namespace Probabilistic.Serving;

/// <summary>
/// How <c>prob serve</c> (or <see cref="ModelServer"/> in the user's own app) serves a directory of model files. Every limit
/// is enforced per request and named in the refusal.
/// </summary>
/// <param name="ModelsDirectory">Every model file directly in this folder is served under its file name without extension.</param>
public sealed record ServeOptions(string ModelsDirectory)
{
    /// <summary>The default address: loopback only.</summary>
    public const string DefaultUrls = "http://127.0.0.1:8080";

    /// <summary>Addresses to listen on (semicolon-separated); loopback by default.</summary>
    public string Urls { get; init; } = DefaultUrls;

    /// <summary>The Bearer key every <c>/v1</c> request must carry; null: no key needed.</summary>
    public string? ApiKey { get; init; }

    /// <summary>The largest request body accepted, in bytes (413 beyond it).</summary>
    public long MaxBodyBytes { get; init; } = 16L << 20;

    /// <summary>The most rows (predict, score, encode) in one request (413 beyond it).</summary>
    public int MaxRows { get; init; } = 100_000;

    /// <summary>The most tokens (tag) or observations (decode, score of sequences) in one request (413 beyond it).</summary>
    public int MaxTokens { get; init; } = 1_000_000;

    /// <summary>The largest <c>n</c> of a sample request (400 beyond it).</summary>
    public int MaxSamples { get; init; } = 10_000;

    /// <summary>Time allowed to one request, reading its body and the inference included; the inference is cancelled past it (503).</summary>
    public TimeSpan RequestTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>How long a shutdown (SIGTERM) waits for in-flight requests before it exits.</summary>
    public TimeSpan DrainTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>How often the folder is rescanned besides the file watcher (which some file systems do not support).</summary>
    public TimeSpan PollInterval { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>Throws <see cref="ArgumentException"/> naming the first setting that cannot be used.</summary>
    public void Validate()
    {
        if (string.IsNullOrWhiteSpace(ModelsDirectory)) throw new ArgumentException("the models directory is empty");
        if (!Directory.Exists(ModelsDirectory)) throw new DirectoryNotFoundException($"No such models directory: {ModelsDirectory}");
        if (MaxBodyBytes < 1) throw new ArgumentException($"the body limit must be at least 1 byte, not {MaxBodyBytes}");
        if (MaxRows < 1) throw new ArgumentException($"the row limit must be at least 1, not {MaxRows}");
        if (MaxTokens < 1) throw new ArgumentException($"the token limit must be at least 1, not {MaxTokens}");
        if (MaxSamples < 1) throw new ArgumentException($"the sample limit must be at least 1, not {MaxSamples}");
        if (RequestTimeout <= TimeSpan.Zero) throw new ArgumentException($"the request timeout must be positive, not {RequestTimeout}");
        if (DrainTimeout < TimeSpan.Zero) throw new ArgumentException($"the drain timeout must not be negative, not {DrainTimeout}");
        if (PollInterval <= TimeSpan.Zero) throw new ArgumentException($"the poll interval must be positive, not {PollInterval}");
        if (ApiKey is { } key && key.Length == 0) throw new ArgumentException("the API key is empty");
    }
}
