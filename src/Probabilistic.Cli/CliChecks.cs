using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using Probabilistic.Core.Inference;
using Probabilistic.Core.IO;

namespace Probabilistic.Cli;

/// <summary>Option checks shared by the commands: each names the option and the value, and is a usage error (exit 2).</summary>
public static class Checks
{
    /// <summary>The most threads a command accepts (far above any core count; per-thread buffers are counted in the memory estimate).</summary>
    public const int MaxThreads = 1024;

    /// <summary><paramref name="value"/> ≥ <paramref name="minimum"/>.</summary>
    public static int AtLeast(int value, int minimum, string option)
    {
        if (value < minimum) throw new UsageException($"{option} must be at least {minimum} (got {value}).");
        return value;
    }

    /// <summary>A finite number ≥ <paramref name="minimum"/> (or &gt; it when <paramref name="exclusive"/>).</summary>
    public static double Finite(double value, double minimum, string option, bool exclusive = false)
    {
        bool ok = double.IsFinite(value) && (exclusive ? value > minimum : value >= minimum);
        if (!ok)
            throw new UsageException(string.Create(CultureInfo.InvariantCulture,
                $"{option} must be a finite number {(exclusive ? ">" : ">=")} {minimum} (got {value})."));
        return value;
    }

    /// <summary>A thread count between 1 and <see cref="MaxThreads"/>, or null for the default.</summary>
    public static int? Threads(int? threads, string option = "--threads")
    {
        if (threads is int t && (t < 1 || t > MaxThreads))
            throw new UsageException($"{option} must be between 1 and {MaxThreads} (got {t}).");
        return threads;
    }

    /// <summary>Comma-separated positive whole numbers (e.g. <c>--hidden 400,200</c>), naming the bad item.</summary>
    public static int[] PositiveList(string text, string option)
    {
        var parts = text.Split(',', StringSplitOptions.TrimEntries);
        if (parts.Length == 0 || parts.All(p => p.Length == 0)) throw new UsageException($"{option} '{text}': give at least one positive whole number.");
        var result = new int[parts.Length];
        for (int i = 0; i < parts.Length; i++)
            if (!int.TryParse(parts[i], NumberStyles.None, CultureInfo.InvariantCulture, out result[i]) || result[i] < 1)
                throw new UsageException($"{option} '{text}': item {i + 1} ('{parts[i]}') is not a positive whole number.");
        return result;
    }

    /// <summary>
    /// Whole numbers given as a range <c>1..6</c>, a list <c>1,2,4</c>, or both (<c>1..3,6</c>), each ≥ <paramref name="minimum"/>;
    /// duplicates are dropped, the order kept.
    /// </summary>
    public static int[] IntegerList(string text, string option, int minimum = 1)
    {
        var values = new List<int>();
        foreach (var part in text.Split(',', StringSplitOptions.TrimEntries))
        {
            var ends = part.Split("..", StringSplitOptions.TrimEntries);
            if (ends.Length > 2 || ends.Any(e => !int.TryParse(e, NumberStyles.None, CultureInfo.InvariantCulture, out _)))
                throw new UsageException($"{option} '{text}': '{part}' is not a whole number or a range such as 1..6.");
            int from = int.Parse(ends[0], CultureInfo.InvariantCulture), to = int.Parse(ends[^1], CultureInfo.InvariantCulture);
            if (from < minimum || to < from)
                throw new UsageException($"{option} '{text}': '{part}' must be at least {minimum}, and a range must go upwards.");
            if ((long)to - from > 10_000) throw new UsageException($"{option} '{text}': '{part}' asks for more than 10,000 values.");
            for (int v = from; v <= to; v++) if (!values.Contains(v)) values.Add(v);
        }
        return values.ToArray();
    }

    /// <summary>
    /// Checks an output path before any work (see <see cref="OutputTarget.Check"/>): refused when empty, a directory or
    /// device, in a missing or read-only folder, or the same file as one of <paramref name="inputs"/>.
    /// </summary>
    public static string Output(string? path, string option, params IEnumerable<InputFile> inputs) => OutputTarget.Check(path, option, inputs);

    /// <summary>The usage error for an option that only applies with another.</summary>
    public static void OnlyWith(ParseResult parse, Option option, bool applies, string explanation)
    {
        if (!applies && parse.GetResult(option) is { Implicit: false })
            throw new UsageException($"{option.Name} {explanation}.");
    }
}

/// <summary>
/// Progress of a fit on standard error: the first step (with how to interrupt) and then at most one line a second, so a
/// long fit shows it is alive without flooding a fast one.
/// </summary>
public sealed class FitProgress(TextWriter error, string command, string step, Func<ElboStep, string> describe) : IProgress<ElboStep>
{
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private TimeSpan _last = TimeSpan.MinValue;
    private bool _first = true;

    /// <summary>The last step reported to this object (printed or not).</summary>
    public int LastStep { get; private set; }

    /// <inheritdoc/>
    public void Report(ElboStep value)
    {
        LastStep = value.Iteration;
        var now = _clock.Elapsed;
        if (_first)
        {
            // Once per command (restarts begin again at step 1).
            _first = false;
            error.WriteLine($"{command}: {step} {value.Iteration}: {describe(value)} (Ctrl-C stops after the current {step} and saves the last completed one)");
        }
        else if (now - _last >= TimeSpan.FromSeconds(1))
            error.WriteLine($"{command}: {step} {value.Iteration}: {describe(value)}");
        else return;
        _last = now;
    }

    /// <summary>
    /// After a fit: null when it ran to its end; otherwise the line telling that it was interrupted and what was saved
    /// (the caller saves first). Throws <see cref="OperationCanceledException"/> when no step completed (nothing to save).
    /// </summary>
    public static void ThrowIfNothingCompleted(ElboTrace trace, CancellationToken ct)
    {
        if (trace.StopReason == StopReason.Cancelled && trace.Count == 0) throw new OperationCanceledException(ct);
    }

    /// <summary>Writes the interruption notice after the model of the last completed step was saved to <paramref name="path"/>.</summary>
    public static int Interrupted(TextWriter error, string command, ElboTrace trace, string step, string path)
    {
        error.WriteLine($"{command}: interrupted after {step} {trace.Count}; saved the model of the last completed {step} to {path}");
        return CliHost.Interrupted;
    }
}
