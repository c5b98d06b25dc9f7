using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Logging;
using Probabilistic.Core.Data;
using Probabilistic.Hmm.Tagging;
using Probabilistic.Mixtures;
using Probabilistic.Serving;

namespace Probabilistic.Bench;

/// <summary>
/// <c>serve</c>: <c>prob serve</c>'s server (Kestrel on an ephemeral loopback port, in this process) under a load generator
/// in the same process (HttpClient, N concurrent clients each sending one request at a time), every phase bounded in time
/// and in requests. Tagging: the tagger trained on the Brown training split (every sentence but each 10th), one Brown test
/// sentence per request, pre-tokenised; GMM predict: a 2-component mixture fitted on Old Faithful, 1-row and 1,000-row
/// requests. Then a soak at the tagging load with 64 clients: errors and the process RSS at start and end (client and
/// server share the process, so the RSS is both). Options: --seconds=N per phase (default 10; --quick 3), --soak=N
/// (default 60; --quick 10).
/// </summary>
public static class ServeSuite
{
    private const int MaxRequestsPerPhase = 5_000_000;

    public static int Run(BenchContext context)
    {
        var args = Environment.GetCommandLineArgs();
        int seconds = IntArg(args, "--seconds") ?? (context.Quick ? 3 : 10);
        int soakSeconds = IntArg(args, "--soak") ?? (context.Quick ? 10 : 60);
        var brown = Path.Combine(context.SharedDirectory, "datasets", "brown");
        if (!Directory.Exists(brown)) { Console.WriteLine($"serve: {brown} not found; nothing to measure"); return 0; }
        var files = Directory.GetFiles(brown).Where(f => Regex.IsMatch(Path.GetFileName(f), "^c[a-r][0-9][0-9]$")).Order(StringComparer.Ordinal).ToList();
        var all = TaggedCorpus.Read(files, CorpusFormat.Brown, TagMapping.Normalised).ToList();
        var train = all.Where((_, i) => i % 10 != 9).ToList();
        var test = all.Where((_, i) => i % 10 == 9).Select(s => s.Words).ToList();
        var dir = Path.Combine(Path.GetTempPath(), "prob-bench-serve-" + Environment.ProcessId);
        Directory.CreateDirectory(dir);
        try
        {
            HmmTagger.Train(train, new TaggerOptions()).Save(Path.Combine(dir, "brown.json"));
            var faithful = CsvReader.ReadNumeric(Path.Combine(BenchContext.ProjectRoot(), "datasets", "faithful.csv"));
            var gmm = new GaussianMixture(new GaussianMixtureOptions(2)).Fit(faithful, new Core.Inference.FitOptions(Seed: 0)).Model;
            gmm.Save(Path.Combine(dir, "faithful.json"));
            var (rows, _) = gmm.Sample(1000, 1);
            return Measure(dir, test, rows, seconds, soakSeconds);
        }
        finally { Directory.Delete(dir, recursive: true); }
    }

    private static int Measure(string dir, List<string[]> sentences, double[] rows, int seconds, int soakSeconds)
    {
        var options = new ServeOptions(dir) { Urls = "http://127.0.0.1:0" };
        var app = ModelServer.Build(options, b => b.Logging.SetMinimumLevel(LogLevel.Warning));
        app.StartAsync().GetAwaiter().GetResult();
        var address = new Uri(app.Urls.First());
        Console.WriteLine($"server: {address} (in process), {sentences.Count:N0} Brown test sentences, {sentences.Sum(s => s.Length) / (double)sentences.Count:F1} tokens each on average");
        var tagBodies = sentences.Select(s => Encoding.UTF8.GetBytes(JsonSerializer.Serialize(new { tokens = new[] { s } }))).ToArray();
        byte[] Rows(int n, int offset) => Encoding.UTF8.GetBytes(JsonSerializer.Serialize(new
        {
            x = Enumerable.Range(0, n).Select(i => new[] { rows[2 * ((offset + i) % 1000)], rows[2 * ((offset + i) % 1000) + 1] }).ToArray(),
        }));
        var oneRow = Enumerable.Range(0, 1000).Select(i => Rows(1, i)).ToArray();
        var thousand = new[] { Rows(1000, 0) };
        var table = new List<IReadOnlyList<string>>();
        try
        {
            // Warm-up at the highest concurrency, so the JIT has tiered up and the thread pool has grown before any phase is timed.
            Run(address, "/v1/models/brown/tag", tagBodies, 64, TimeSpan.FromSeconds(Math.Min(seconds, 5)));
            Run(address, "/v1/models/faithful/predict", oneRow, 64, TimeSpan.FromSeconds(2));
            foreach (int clients in new[] { 1, 64 })
            {
                var r = Run(address, "/v1/models/brown/tag", tagBodies, clients, TimeSpan.FromSeconds(seconds));
                table.Add(Row($"tag 1 sentence/request", clients, r, r.Requests / r.Seconds, "sentences/s"));
            }
            foreach (int clients in new[] { 1, 64 })
                foreach (var (bodies, perRequest) in new[] { (oneRow, 1), (thousand, 1000) })
                {
                    var r = Run(address, "/v1/models/faithful/predict", bodies, clients, TimeSpan.FromSeconds(seconds));
                    table.Add(Row($"GMM predict {perRequest} row{(perRequest == 1 ? "" : "s")}/request", clients, r, r.Requests * perRequest / r.Seconds, "rows/s"));
                }
            BenchContext.PrintTable(["workload", "clients", "throughput", "requests", "errors", "p50 ms", "p99 ms", "load average"], table);

            GC.Collect();
            long rssStart = Rss();
            var soak = Run(address, "/v1/models/brown/tag", tagBodies, 64, TimeSpan.FromSeconds(soakSeconds));
            GC.Collect();
            long rssEnd = Rss();
            Console.WriteLine($"soak: {soakSeconds} s, 64 clients tagging: {soak.Requests:N0} requests, {soak.Errors} errors, " +
                              $"{soak.Requests / soak.Seconds:N0} sentences/s, p50 {soak.P50Ms:F2} ms, p99 {soak.P99Ms:F2} ms; " +
                              $"RSS {rssStart / 1048576.0:F0} MiB at start, {rssEnd / 1048576.0:F0} MiB at end; load average {LoadAverage()}");
            return table.Any(r => r[4] != "0") || soak.Errors > 0 ? 1 : 0;
        }
        finally
        {
            app.StopAsync().GetAwaiter().GetResult();
            app.DisposeAsync().AsTask().GetAwaiter().GetResult();
        }
    }

    private static List<string> Row(string workload, int clients, Result r, double throughput, string unit) =>
        [workload, clients.ToString(CultureInfo.InvariantCulture), $"{throughput:N0} {unit}", r.Requests.ToString("N0", CultureInfo.InvariantCulture),
         r.Errors.ToString(CultureInfo.InvariantCulture), r.P50Ms.ToString("F2", CultureInfo.InvariantCulture), r.P99Ms.ToString("F2", CultureInfo.InvariantCulture), LoadAverage()];

    private sealed record Result(long Requests, long Errors, double Seconds, double P50Ms, double P99Ms);

    /// <summary><paramref name="clients"/> loops, each sending the next body and awaiting its answer, until the time or the request budget is spent.</summary>
    private static Result Run(Uri address, string path, byte[][] bodies, int clients, TimeSpan duration)
    {
        using var handler = new SocketsHttpHandler { MaxConnectionsPerServer = clients, UseProxy = false };
        using var client = new HttpClient(handler) { BaseAddress = address, Timeout = TimeSpan.FromSeconds(60) };
        long next = -1, errors = 0;
        var latencies = new List<double>[clients];
        var watch = Stopwatch.StartNew();
        var tasks = Enumerable.Range(0, clients).Select(c => Task.Run(async () =>
        {
            var mine = latencies[c] = new List<double>(1 << 16);
            while (watch.Elapsed < duration)
            {
                long i = Interlocked.Increment(ref next);
                if (i >= MaxRequestsPerPhase) break;
                var content = new ByteArrayContent(bodies[i % bodies.Length]);
                content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");
                long t0 = Stopwatch.GetTimestamp();
                using var response = await client.PostAsync(path, content).ConfigureAwait(false);
                await response.Content.ReadAsByteArrayAsync().ConfigureAwait(false);
                mine.Add(Stopwatch.GetElapsedTime(t0).TotalMilliseconds);
                if (response.StatusCode != HttpStatusCode.OK) Interlocked.Increment(ref errors);
            }
        })).ToArray();
        Task.WaitAll(tasks);
        double elapsed = watch.Elapsed.TotalSeconds;
        var all = latencies.SelectMany(l => l).Order().ToArray();
        double Quantile(double q) => all.Length == 0 ? double.NaN : all[Math.Min(all.Length - 1, (int)(q * all.Length))];
        return new Result(all.Length, errors, elapsed, Quantile(0.5), Quantile(0.99));
    }

    private static long Rss()
    {
        foreach (var line in File.ReadLines("/proc/self/status"))
            if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
                return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) * 1024;
        return Environment.WorkingSet;
    }

    private static string LoadAverage()
    {
        try { return string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)); }
        catch (IOException) { return "n/a"; }
    }

    private static int? IntArg(string[] args, string name)
    {
        var a = args.LastOrDefault(x => x.StartsWith(name + "=", StringComparison.Ordinal));
        return a is not null && int.TryParse(a[(name.Length + 1)..], CultureInfo.InvariantCulture, out var v) ? v : null;
    }
}
