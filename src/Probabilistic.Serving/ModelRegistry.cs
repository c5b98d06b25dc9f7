using System.Collections.Concurrent;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Probabilistic.Serving;

/// <summary>
/// The models of one folder, by name. Loads every file at start; afterwards a file watcher, and a rescan every
/// <see cref="ServeOptions.PollInterval"/> for file systems that do not report changes, load changed or added files in the
/// background and swap each in with one reference replacement: a request that has its model keeps it to the end, and the
/// old model is released when the last such request finishes. A file that fails to load is logged and reported by
/// <see cref="Failures"/> (and so by /readyz) while the model it would have replaced keeps serving.
/// </summary>
public sealed class ModelRegistry : IHostedService, IDisposable
{
    private readonly ServeOptions _options;
    private readonly ILogger _log;
    private readonly ServingMetrics _metrics;
    private readonly ConcurrentDictionary<string, ServedModel> _models = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, string> _failures = new(StringComparer.Ordinal);
    private readonly Dictionary<string, (long Length, DateTime Written)> _seen = new(StringComparer.Ordinal);
    private readonly SemaphoreSlim _changed = new(0, 1);
    private readonly Lock _scanLock = new();
    private readonly CancellationTokenSource _stop = new();
    private FileSystemWatcher? _watcher;
    private Task? _loop;
    private volatile bool _started;
    private int _disposed;

    /// <summary>A registry of <see cref="ServeOptions.ModelsDirectory"/>.</summary>
    public ModelRegistry(ServeOptions options, ILogger<ModelRegistry> log, ServingMetrics metrics)
    {
        _options = options;
        _log = log;
        _metrics = metrics;
    }

    /// <summary>The models served now, by name.</summary>
    public IReadOnlyCollection<ServedModel> Models => _models.Values.OrderBy(m => m.Name, StringComparer.Ordinal).ToList();

    /// <summary>Files that failed to load at their last change, by file name, with the reason.</summary>
    public IReadOnlyDictionary<string, string> Failures => new Dictionary<string, string>(_failures, StringComparer.Ordinal);

    /// <summary>Whether the first scan has finished and no file failed to load.</summary>
    public bool Ready => _started && _failures.IsEmpty;

    /// <summary>Scans completed so far (the first at start).</summary>
    public int Scans { get; private set; }

    /// <summary>
    /// Takes a reference on the model named <paramref name="name"/> (looked up, never used as a path), or null when none is
    /// served; give it back with <see cref="Return"/>.
    /// </summary>
    public ServedModel? Acquire(string name)
    {
        while (_models.TryGetValue(name, out var model))
        {
            if (model.TryAddReference()) return model;
            // Swapped out and released between the lookup and the reference: look again for its successor.
            if (_models.TryGetValue(name, out var now) && ReferenceEquals(now, model)) return null;
        }
        return null;
    }

    /// <summary>Gives back a reference taken by <see cref="Acquire"/>.</summary>
    public static void Return(ServedModel model) => model.Release();

    /// <summary>Loads every model file, then watches the folder.</summary>
    public Task StartAsync(CancellationToken cancellationToken)
    {
        Scan();
        _started = true;
        try
        {
            _watcher = new FileSystemWatcher(_options.ModelsDirectory) { IncludeSubdirectories = false, NotifyFilter = NotifyFilters.FileName | NotifyFilters.LastWrite | NotifyFilters.Size };
            FileSystemEventHandler signal = (_, _) => Signal();
            _watcher.Created += signal;
            _watcher.Changed += signal;
            _watcher.Deleted += signal;
            _watcher.Renamed += (_, _) => Signal();
            _watcher.Error += (_, e) => _log.LogWarning("file watcher error ({Reason}); the folder is still rescanned every {Poll}", e.GetException().Message, _options.PollInterval);
            _watcher.EnableRaisingEvents = true;
        }
        catch (Exception e) when (e is IOException or ArgumentException or PlatformNotSupportedException)
        {
            _log.LogWarning("cannot watch {Directory} ({Reason}); rescanning it every {Poll} instead", _options.ModelsDirectory, e.Message, _options.PollInterval);
        }
        _loop = Task.Run(() => LoopAsync(_stop.Token), CancellationToken.None);
        return Task.CompletedTask;
    }

    private void Signal()
    {
        try { if (_changed.CurrentCount == 0) _changed.Release(); }
        catch (SemaphoreFullException) { }
        catch (ObjectDisposedException) { }
    }

    private async Task LoopAsync(CancellationToken ct)
    {
        while (!ct.IsCancellationRequested)
        {
            try { await _changed.WaitAsync(_options.PollInterval, ct).ConfigureAwait(false); }
            catch (OperationCanceledException) { return; }
            try { Scan(); }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                _log.LogError("cannot scan {Directory}: {Reason}", _options.ModelsDirectory, e.Message);
            }
        }
    }

    /// <summary>Loads files added or changed since the last scan and drops models whose file is gone; one scan at a time.</summary>
    public void Scan()
    {
        lock (_scanLock)
        {
            var present = new Dictionary<string, string>(StringComparer.Ordinal); // name -> path
            var files = Directory.EnumerateFiles(_options.ModelsDirectory).Where(f => !Path.GetFileName(f).StartsWith('.'))
                .Order(StringComparer.Ordinal).ToList();
            foreach (var path in files)
            {
                string file = Path.GetFileName(path), name = ModelLoader.NameOf(path);
                if (present.TryGetValue(name, out var first))
                {
                    _failures[file] = $"another file, {Path.GetFileName(first)}, is served as '{name}'; rename one of them";
                    continue;
                }
                present[name] = path;
                FileInfo info;
                try { info = new FileInfo(path); info.Refresh(); }
                catch (IOException) { continue; }
                var stamp = (info.Length, info.LastWriteTimeUtc);
                if (_seen.TryGetValue(path, out var old) && old == stamp) continue;
                _seen[path] = stamp;
                Load(path, file, name);
            }
            foreach (var (name, model) in _models)
                if (!present.TryGetValue(name, out var p) || p != model.Path)
                {
                    if (_models.TryRemove(new KeyValuePair<string, ServedModel>(name, model)))
                    {
                        _log.LogInformation("model {Name}: its file is gone; no longer served", name);
                        model.Release();
                    }
                }
            foreach (var path in _seen.Keys.ToList()) if (!files.Contains(path)) _seen.Remove(path);
            foreach (var file in _failures.Keys.ToList())
                if (!files.Any(f => Path.GetFileName(f) == file)) _failures.TryRemove(file, out _);
            Scans++;
            _metrics.ModelsLoaded.Set(_models.Count);
            _metrics.LoadFailures.Set(_failures.Count);
        }
    }

    private void Load(string path, string file, string name)
    {
        ServedModel loaded;
        try { loaded = ModelLoader.Load(path); }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            string reason = e is Core.IO.ModelFormatException m ? m.Reason : e.Message;
            _failures[file] = reason;
            _metrics.LoadErrors.Inc();
            _log.LogError("model {Name}: cannot load {File}: {Reason}{Kept}", name, file, reason,
                _models.ContainsKey(name) ? "; the previously loaded model keeps serving" : "");
            return;
        }
        _failures.TryRemove(file, out _);
        var previous = _models.TryGetValue(name, out var p) ? p : null;
        _models[name] = loaded;
        previous?.Release();
        _log.LogInformation("model {Name}: {Action} {Kind} v{Version} from {File}", name, previous is null ? "loaded" : "reloaded", loaded.Kind, loaded.Version, file);
    }

    /// <summary>Stops watching.</summary>
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (Volatile.Read(ref _disposed) == 1) return;
        _stop.Cancel();
        _watcher?.Dispose();
        if (_loop is not null) await _loop.WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Stops watching and releases every model.</summary>
    public void Dispose()
    {
        // The container disposes this once as a singleton and once as the hosted service it also is.
        if (Interlocked.Exchange(ref _disposed, 1) == 1) return;
        _stop.Cancel();
        _watcher?.Dispose();
        foreach (var (name, model) in _models)
            if (_models.TryRemove(new KeyValuePair<string, ServedModel>(name, model))) model.Release();
        _stop.Dispose();
    }
}
