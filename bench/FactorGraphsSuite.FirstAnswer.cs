using System.Diagnostics;
using System.Runtime.InteropServices;
using Probabilistic.FactorGraphs.Algorithms;
using Probabilistic.FactorGraphs.Samples;

namespace Probabilistic.Bench;

/// <summary>
/// Issue 12's first-answer figure: each acceptance sample in a fresh process, timed by this process from just before it
/// starts the child to the child's "first" line (written the moment the first posterior is reported): the .NET runtime's
/// start, loading and JIT-compiling the library, building the model, compiling it and inferring. Ours as built (JIT) and
/// published ReadyToRun; Infer.NET (code generation and Roslyn compilation of its model included) when a local build is
/// named by InferNetDir, through tools/InferNetOracle's --first-answer on the same sample source.
/// </summary>
public static partial class FactorGraphsSuite
{
    private static readonly TimeSpan ChildTimeout = TimeSpan.FromMinutes(2);

    private static List<IReadOnlyList<string>> FirstAnswers(BenchContext context, out object summary)
    {
        string root = BenchContext.ProjectRoot();
        string project = Path.Combine(root, "bench", "FirstAnswer");
        string r2rDir = Path.Combine(project, "bin", "r2r");
        Dotnet(root, "build", project, "-c", "Release", "--nologo", "-v", "quiet");
        Dotnet(root, "publish", project, "-c", "Release", "-r", RuntimeInformation.RuntimeIdentifier, "--self-contained", "false",
            "-p:PublishReadyToRun=true", "--nologo", "-v", "quiet", "-o", r2rDir);
        string jit = Path.Combine(project, "bin", "Release", "net10.0", "Probabilistic.Bench.FirstAnswer.dll");
        string r2r = Path.Combine(r2rDir, "Probabilistic.Bench.FirstAnswer.dll");

        string? oracle = null;
        if (Environment.GetEnvironmentVariable("InferNetDir") is { Length: > 0 })
        {
            Dotnet(root, "build", Path.Combine(root, "tools", "InferNetOracle"), "-c", "Release", "--nologo", "-v", "quiet");
            oracle = Path.Combine(root, "tools", "InferNetOracle", "bin", "Release", "net10.0", "InferNetOracle.dll");
        }

        int runs = context.Quick ? 3 : 7;
        var rows = new List<IReadOnlyList<string>>();
        var figures = new List<object>();
        foreach (var s in SampleCatalog.All)
        {
            double ours = Median(runs, () => TimeChild(jit, [s.Name], root));
            double ready = Median(runs, () => TimeChild(r2r, [s.Name], root));
            string id = $"Samples.{s.Model.Method.DeclaringType!.Name}.{(s.Algorithm is VariationalMessagePassing ? "VMP" : "EP")}";
            double infer = oracle is null ? double.NaN : Median(3, () => TimeChild(oracle, ["--first-answer", id], root));
            string peer = double.IsNaN(infer) ? "not run (set InferNetDir)" : BenchContext.F(infer, "F0") + " ms";
            string ratio = double.IsNaN(infer) ? "" : BenchContext.F(infer / ready, "F0") + "× (vs R2R)";
            rows.Add([$"first answer, fresh process: {s.Name} ({(s.Algorithm is VariationalMessagePassing ? "VMP" : "EP")})",
                $"median of {runs} processes", $"{BenchContext.F(ours, "F0")} ms JIT, {BenchContext.F(ready, "F0")} ms ReadyToRun",
                $"Infer.NET {peer}{(ratio.Length > 0 ? "; " + ratio : "")}; target < 100 ms"]);
            figures.Add(new { sample = s.Name, jit_ms = ours, r2r_ms = ready, infernet_ms = double.IsNaN(infer) ? (double?)null : infer });
        }
        summary = figures;
        return rows;
    }

    private static double Median(int runs, Func<double> time)
    {
        var t = Enumerable.Range(0, runs).Select(_ => time()).OrderBy(x => x).ToArray();
        return t[t.Length / 2];
    }

    /// <summary>Milliseconds from just before starting `dotnet dll args` to its first output line reading "first" (or "first-answer").</summary>
    private static double TimeChild(string dll, string[] args, string workingDirectory)
    {
        var psi = new ProcessStartInfo("dotnet") { WorkingDirectory = workingDirectory, RedirectStandardOutput = true, RedirectStandardError = true };
        psi.ArgumentList.Add(dll);
        foreach (var a in args) psi.ArgumentList.Add(a);
        var clock = Stopwatch.StartNew();
        using var p = Process.Start(psi) ?? throw new InvalidOperationException($"cannot start dotnet {dll}");
        var stderr = p.StandardError.ReadToEndAsync();
        double first = double.NaN;
        while (p.StandardOutput.ReadLine() is { } line)
            if (double.IsNaN(first) && (line == "first" || line == "first-answer")) first = clock.Elapsed.TotalMilliseconds;
        if (!p.WaitForExit(ChildTimeout)) { p.Kill(true); throw new TimeoutException($"dotnet {dll} {string.Join(' ', args)} ran past {ChildTimeout}"); }
        if (p.ExitCode != 0 || double.IsNaN(first))
            throw new InvalidOperationException($"dotnet {dll} {string.Join(' ', args)} exited {p.ExitCode} without a first answer: {stderr.Result}");
        return first;
    }

    private static void Dotnet(string root, params string[] args)
    {
        var psi = new ProcessStartInfo("dotnet") { WorkingDirectory = root, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in args) psi.ArgumentList.Add(a);
        using var p = Process.Start(psi) ?? throw new InvalidOperationException("cannot start dotnet");
        var err = p.StandardError.ReadToEndAsync();
        string output = p.StandardOutput.ReadToEnd();
        p.WaitForExit();
        if (p.ExitCode != 0) throw new InvalidOperationException($"dotnet {string.Join(' ', args)} failed:\n{output}{err.Result}");
    }
}
