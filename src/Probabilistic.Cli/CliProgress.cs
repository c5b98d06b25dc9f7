using Spectre.Console;

namespace Probabilistic.Cli;

/// <summary>
/// Progress on standard error for work that can take more than a second — loading data, restarts and model searches,
/// importance sampling — drawn with Spectre.Console when standard error is a terminal, and silent when it is redirected
/// or <c>--json</c> is given (so scripts and the tests see only their output). The fits' per-iteration lines
/// (<see cref="FitProgress"/>) are separate: they carry the Ctrl-C notice and are always written.
/// </summary>
public static class CliProgress
{
    /// <summary>True when progress may be drawn: not <c>--json</c>, the command writes to the process's standard error, and that is a terminal.</summary>
    public static bool Interactive(TextWriter error, bool json) =>
        !json && ReferenceEquals(error, Console.Error) && !Console.IsErrorRedirected && Environment.GetEnvironmentVariable("CI") is null;

    /// <summary>Runs <paramref name="work"/> under a spinner saying <paramref name="what"/> when <see cref="Interactive"/>.</summary>
    public static T Status<T>(TextWriter error, bool json, string what, Func<T> work)
    {
        if (!Interactive(error, json)) return work();
        var console = ErrorConsole();
        return console.Status().Spinner(Spinner.Known.Dots).Start(Markup.Escape(what), _ => work());
    }

    /// <summary><see cref="Status{T}"/> for loading a data file.</summary>
    public static T Loading<T>(TextWriter error, bool json, string path, Func<T> load) => Status(error, json, $"loading {path}", load);

    /// <summary>
    /// Runs <paramref name="work"/> with a progress bar of <paramref name="total"/> units when <see cref="Interactive"/>; the
    /// work reports finished units through the callback it is given (from any thread).
    /// </summary>
    public static T Bar<T>(TextWriter error, bool json, string what, double total, Func<Action<double>, T> work)
    {
        if (!Interactive(error, json)) return work(_ => { });
        var console = ErrorConsole();
        return console.Progress().AutoClear(true).HideCompleted(true).Start(context =>
        {
            var task = context.AddTask(Markup.Escape(what), maxValue: total);
            var gate = new object();
            return work(units => { lock (gate) task.Increment(units); });
        });
    }

    private static IAnsiConsole ErrorConsole() =>
        AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(Console.Error), Interactive = InteractionSupport.Yes });
}
