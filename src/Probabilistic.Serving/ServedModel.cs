using Microsoft.AspNetCore.Http;

namespace Probabilistic.Serving;

/// <summary>
/// A loaded model behind the endpoints: its name, kind, file version and load time, a summary for clients, and the
/// operations it offers (tag, predict, decode, score, sample, encode). Inference on one instance is safe from many
/// requests at once: the model state is read-only (the tagger keeps one Viterbi workspace per thread; the VAE, whose
/// native modules are not documented as thread-safe, runs one request at a time).
/// </summary>
public abstract class ServedModel : IDisposable
{
    private readonly Dictionary<string, Func<RequestBody, IResult>> _operations = new(StringComparer.Ordinal);
    private int _references = 1;

    /// <summary>A served model named <paramref name="name"/>, of <paramref name="kind"/>, from <paramref name="path"/>.</summary>
    protected ServedModel(string name, string kind, int version, string path)
    {
        Name = name;
        Kind = kind;
        Version = version;
        Path = path;
        LoadedAt = DateTimeOffset.UtcNow;
    }

    /// <summary>The name requests use (the file name without its extension).</summary>
    public string Name { get; }

    /// <summary>The model-file kind: hmm-tagger, crf-tagger, gaussian-mixture, bayesian-gaussian-mixture, hmm, vae.</summary>
    public string Kind { get; }

    /// <summary>The model-file format version.</summary>
    public int Version { get; }

    /// <summary>The file it was loaded from (logged; never sent to clients).</summary>
    internal string Path { get; }

    /// <summary>When it was loaded.</summary>
    public DateTimeOffset LoadedAt { get; }

    /// <summary>Its sizes (components, dimension, states, tags, image shape...), as listed by GET /v1/models.</summary>
    public abstract IReadOnlyDictionary<string, object?> Dimensions { get; }

    /// <summary>What a client needs to call it (GET /v1/models/{name}): the dimensions and the family's parameters.</summary>
    public abstract IReadOnlyDictionary<string, object?> Summary();

    /// <summary>The operations offered, in a fixed order.</summary>
    public IReadOnlyCollection<string> Operations => _operations.Keys;

    /// <summary>Offers <paramref name="operation"/>.</summary>
    protected void Offer(string operation, Func<RequestBody, IResult> handler) => _operations.Add(operation, handler);

    /// <summary>Runs <paramref name="operation"/> or refuses with 404 when the model does not offer it.</summary>
    public IResult Invoke(string operation, RequestBody body)
    {
        if (!_operations.TryGetValue(operation, out var handler))
            throw ApiException.NotOffered(Name, Kind, Clip.Of(operation), string.Join(", ", _operations.Keys));
        return handler(body);
    }

    // Reference counting: the registry holds one reference; each request holds one while it runs, so a model swapped out
    // (or removed) is disposed only when the last request on it has finished.
    internal bool TryAddReference()
    {
        while (true)
        {
            int r = Volatile.Read(ref _references);
            if (r == 0) return false;
            if (Interlocked.CompareExchange(ref _references, r + 1, r) == r) return true;
        }
    }

    internal void Release()
    {
        if (Interlocked.Decrement(ref _references) == 0) Dispose();
    }

    /// <summary>Releases native resources (the VAE's tensors); the base holds none.</summary>
    public virtual void Dispose() => GC.SuppressFinalize(this);
}
