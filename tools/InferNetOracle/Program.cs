using System.Diagnostics;
using System.Globalization;
using System.Reflection;
using System.Runtime.Versioning;
using System.Text;
using System.Text.Json;
using Microsoft.ML.Probabilistic.Models;
using Probabilistic.FactorGraphs.Tests.InferNet.Idioms;

namespace Probabilistic.InferNetOracle;

/// <summary>
/// Runs every [Idiom] model of the catalogue on Infer.NET under each listed algorithm and writes its fixture
/// <c>Class.Method.ALG.json</c>: the canonical numbers of every recorded result, or Infer.NET's refusal.
/// </summary>
public static partial class Program
{
    [System.Text.RegularExpressions.GeneratedRegex(@"(?<![A-Za-z0-9_])(v(?:double|bool|int|[A-Z][A-Za-z]*))[0-9]+")]
    private static partial System.Text.RegularExpressions.Regex AutoName();

    private const string Usage = """
        InferNetOracle [--filter TEXT]... [--source DIR] [--out DIR] [--commit SHA] [--rand-seed N] [--list]
          --filter TEXT  only the cases whose id (Class.Method.ALG) contains TEXT (repeatable: any of them)
          --source DIR   dump Infer.NET's generated schedule code per case to DIR/Class.Method.ALG/ (outside the repository)
          --out DIR      fixture folder (default: tests/Probabilistic.FactorGraphs.Tests/InferNet/Fixtures of this checkout)
          --commit SHA   the Infer.NET commit the DLLs were built from (needed unless InferNetDir lies in a git checkout of
                         dotnet/infer, whose HEAD is then used)
          --rand-seed N  Infer.NET's Rand is restarted with N before each case (default 0); some of its VMP operators
                         (Logistic, BernoulliFromLogOdds, Exp, Softmax) draw random step sizes, so a fixture that changes
                         with N has not converged
          --list         print the case ids and exit
          --first-answer ID  run the one case ID in this fresh process and print the milliseconds from process start to
                         its first result, and to its end (bench/ compares this with our engine's first answer)
        """;

    public static int Main(string[] args)
    {
        var filters = new List<string>();
        string? sourceDir = null, outDir = null, commit = null;
        bool list = false;
        int randSeed = 0;
        string? firstAnswer = null;
        for (int i = 0; i < args.Length; i++)
        {
            string Next() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value.\n{Usage}");
            switch (args[i])
            {
                case "--filter": filters.Add(Next()); break;
                case "--source": sourceDir = Path.GetFullPath(Next()); break;
                case "--out": outDir = Path.GetFullPath(Next()); break;
                case "--commit": commit = Next(); break;
                case "--rand-seed": randSeed = int.Parse(Next(), CultureInfo.InvariantCulture); break;
                case "--list": list = true; break;
                case "--first-answer": firstAnswer = Next(); break;
                case "-h" or "--help": Console.WriteLine(Usage); return 0;
                default: Console.Error.WriteLine($"Unknown argument '{args[i]}'.\n{Usage}"); return 2;
            }
        }

        if (firstAnswer is not null) return FirstAnswer(firstAnswer);

        var cases = IdiomCatalog.Cases(typeof(IdiomCatalog).Assembly)
            .Where(c => filters.Count == 0 || filters.Any(f => c.Id.Contains(f, StringComparison.Ordinal))).ToList();
        if (list)
        {
            foreach (var c in cases) Console.WriteLine(c.Id);
            return 0;
        }
        if (cases.Count == 0) { Console.Error.WriteLine("No idiom case matches the filter."); return 2; }

        string? repo = FindRepositoryRoot();
        outDir ??= repo is null
            ? throw new InvalidOperationException("Run from inside the Probabilistic checkout (no Probabilistic.sln above), or pass --out.")
            : Path.Combine(repo, "tests", "Probabilistic.FactorGraphs.Tests", "InferNet", "Fixtures");
        if (sourceDir is not null && repo is not null && IsUnder(sourceDir, repo))
        {
            Console.Error.WriteLine($"--source {sourceDir} is inside the repository ({repo}); generated code stays outside it.");
            return 2;
        }
        string inferNetDir = typeof(Program).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
            .First(a => a.Key == "InferNetDir").Value!;
        commit ??= InferNetCheckoutCommit(inferNetDir);
        if (commit is null || commit.Length != 40 || !commit.All(Uri.IsHexDigit))
        {
            Console.Error.WriteLine($"Cannot tell which Infer.NET commit {inferNetDir} was built from (not a dotnet/infer checkout); "
                + "pass --commit SHA (40 hex digits).");
            return 2;
        }
        string configuration = Configuration(inferNetDir, typeof(InferenceEngine).Assembly);
        Directory.CreateDirectory(outDir);

        int ok = 0, refused = 0, broken = 0;
        foreach (var c in cases)
        {
            var clock = Stopwatch.StartNew();
            var record = new InferNetRecorder();
            var engine = IdiomCatalog.CreateEngine(c.Algorithm, c.Iterations);
            engine.ShowWarnings = false;
            engine.Compiler.WriteSourceFiles = sourceDir is not null;
            if (sourceDir is not null) engine.Compiler.GeneratedSourceFolder = Path.Combine(sourceDir, c.Id);
            string? refusal = null;
            Microsoft.ML.Probabilistic.Math.Rand.Restart(randSeed);
            try
            {
                IdiomCatalog.Run(c, engine, record);
            }
            catch (RecorderException e)
            {
                Console.Error.WriteLine($"{c.Id}: the recorder cannot read a result: {e.Message}");
                broken++;
                continue;
            }
            catch (Exception e)
            {
                refusal = e.GetType().FullName + ": " + e.Message;
            }
            File.WriteAllText(Path.Combine(outDir, c.Id + ".json"), Fixture(c, commit, configuration, refusal, record));
            if (refusal is null) ok++; else refused++;
            string what = refusal is null ? $"ok, {record.Values.Count} numbers" : "REFUSED: " + FirstLine(refusal);
            Console.WriteLine($"{c.Id,-60} {clock.Elapsed.TotalSeconds,5:F1} s  {what}");
        }
        Console.WriteLine($"{ok} ok, {refused} refused by Infer.NET, {broken} not recorded; fixtures in {outDir}");
        return broken == 0 ? 0 : 1;
    }

    /// <summary>Times one case from process start: Infer.NET's model compilation (code generation and Roslyn) included.</summary>
    private static int FirstAnswer(string id)
    {
        var c = IdiomCatalog.Cases(typeof(IdiomCatalog).Assembly).FirstOrDefault(k => k.Id == id);
        if (c is null) { Console.Error.WriteLine($"No idiom case '{id}' (--list shows them)."); return 2; }
        var started = Process.GetCurrentProcess().StartTime;
        var recorder = new FirstAnswerRecorder(started);
        var engine = IdiomCatalog.CreateEngine(c.Algorithm, c.Iterations);
        engine.ShowWarnings = false;
        engine.ShowProgress = false;
        IdiomCatalog.Run(c, engine, recorder);
        double total = (DateTime.Now - started).TotalMilliseconds;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"first-answer-ms {recorder.FirstMs:F1} total-ms {total:F1}"));
        return 0;
    }

    private sealed class FirstAnswerRecorder(DateTime started) : IIdiomRecorder
    {
        public double FirstMs { get; private set; } = double.NaN;

        public void Add(string name, object value)
        {
            if (!double.IsNaN(FirstMs)) return;
            FirstMs = (DateTime.Now - started).TotalMilliseconds;
            // the parent (bench/) times this line's arrival; the printed figure uses the process start time (10 ms ticks)
            Console.WriteLine("first-answer");
            Console.Out.Flush();
        }
    }

    private static string Fixture(IdiomCase c, string commit, string configuration, string? refusal, InferNetRecorder record)
    {
        using var stream = new MemoryStream();
        // relaxed escaping keeps Infer.NET's messages readable ('x', <T>) in the fixture; the file is data, never HTML
        var options = new JsonWriterOptions
        {
            Indented = true,
            Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        };
        using (var w = new Utf8JsonWriter(stream, options))
        {
            w.WriteStartObject();
            w.WriteString("model", c.Model);
            w.WriteString("algorithm", c.Algorithm.ToString());
            w.WriteNumber("iterations", c.Iterations);
            w.WriteStartObject("inferNet");
            w.WriteString("commit", commit);
            w.WriteString("configuration", configuration);
            w.WriteEndObject();
            w.WriteString("status", refusal is null ? "ok" : "refused");
            if (refusal is not null) w.WriteString("message", Trim(refusal));
            w.WriteStartObject("values");
            if (refusal is null)
                foreach (var (key, v) in record.Values)
                {
                    w.WritePropertyName(key);
                    if (double.IsFinite(v)) w.WriteRawValue(v.ToString("R", CultureInfo.InvariantCulture));
                    else w.WriteStringValue(v.ToString(CultureInfo.InvariantCulture)); // "Infinity", "-Infinity", "NaN"
                }
            w.WriteEndObject();
            w.WriteEndObject();
        }
        return Encoding.UTF8.GetString(stream.ToArray()) + "\n";
    }

    // Infer.NET's compilation errors can run to pages; the fixture keeps the start, which names the problem. Names Infer.NET
    // makes up for unnamed variables (vdouble1803, vbool12) count up over a whole run, so they are written without their
    // number: a fixture then does not change with which other cases ran before it.
    private static string Trim(string message)
    {
        message = AutoName().Replace(message.Replace("\r\n", "\n").Trim(), "$1#");
        return message.Length <= 1500 ? message : message[..1500] + " …";
    }

    private static string FirstLine(string s) => s.Split('\n')[0].Length > 160 ? s.Split('\n')[0][..160] + " …" : s.Split('\n')[0];

    // "ReleaseCore net8.0" for Infer.NET's usual output folder bin/<Configuration>/<TargetFramework>
    private static string Configuration(string inferNetDir, Assembly inferNet)
    {
        var dir = new DirectoryInfo(inferNetDir.TrimEnd('/'));
        if (dir.Parent?.Parent?.Name == "bin") return dir.Parent.Name + " " + dir.Name;
        string config = inferNet.GetCustomAttribute<AssemblyConfigurationAttribute>()?.Configuration ?? "unknown";
        string framework = inferNet.GetCustomAttribute<TargetFrameworkAttribute>()?.FrameworkName ?? "";
        // ".NETCoreApp,Version=v8.0" -> "net8.0"
        int v = framework.IndexOf("Version=v", StringComparison.Ordinal);
        string tfm = framework.StartsWith(".NETCoreApp", StringComparison.Ordinal) && v >= 0 ? "net" + framework[(v + 9)..] : framework;
        return (config + " " + tfm).Trim();
    }

    // HEAD of the git checkout holding the DLLs, when that checkout is Infer.NET's (it has Infer.sln at its top)
    private static string? InferNetCheckoutCommit(string dir)
    {
        try
        {
            string? top = Git(dir, "rev-parse", "--show-toplevel");
            return top is not null && File.Exists(Path.Combine(top, "Infer.sln")) ? Git(dir, "rev-parse", "HEAD") : null;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return null;
        }
    }

    private static string? Git(string dir, params string[] args)
    {
        var psi = new ProcessStartInfo("git", ["-C", dir, .. args]) { RedirectStandardOutput = true, RedirectStandardError = true };
        using var p = Process.Start(psi)!;
        string output = p.StandardOutput.ReadToEnd().Trim();
        p.WaitForExit();
        return p.ExitCode == 0 ? output : null;
    }

    private static string? FindRepositoryRoot()
    {
        foreach (var start in new[] { Directory.GetCurrentDirectory(), AppContext.BaseDirectory })
            for (var d = new DirectoryInfo(start); d is not null; d = d.Parent)
                if (File.Exists(Path.Combine(d.FullName, "Probabilistic.sln"))) return d.FullName;
        return null;
    }

    private static bool IsUnder(string path, string root) =>
        (path.TrimEnd('/') + "/").StartsWith(root.TrimEnd('/') + "/", StringComparison.Ordinal);
}
