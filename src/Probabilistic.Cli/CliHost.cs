using System.CommandLine;
using System.Runtime.InteropServices;
using Probabilistic.Core;
using Probabilistic.Core.Data;
using Probabilistic.Core.Inference;
using Probabilistic.Core.IO;

namespace Probabilistic.Cli;

/// <summary>
/// Runs the command tree with the exit codes users script against, one rule for every command:
/// 0 success; 1 bad input (a file, line, value or model that cannot be used, named; a request whose memory estimate
/// exceeds the limit); 2 usage (unknown or missing option, a value out of range, an output path that cannot be written
/// safely); 130 interrupted (SIGINT: the command stops at its next safe point, fits save the last completed step where
/// they say so, and stderr says what happened). A stack trace means a bug.
/// </summary>
public static class CliHost
{
    /// <summary>Success.</summary>
    public const int Ok = 0;
    /// <summary>Bad input: a file that cannot be read, a malformed line, a corrupt model, a request beyond the memory limit.</summary>
    public const int BadInput = 1;
    /// <summary>Usage error: unknown command or option, missing or invalid argument, an output path that cannot be written.</summary>
    public const int Usage = 2;
    /// <summary>Interrupted by SIGINT (128 + 2, as shells report it).</summary>
    public const int Interrupted = 130;

    /// <summary>The option every command accepts: the memory limit checked before large allocations.</summary>
    public const string MaxMemoryName = "--max-memory";

    /// <summary>
    /// <c>prob tag tag ...</c> is the documented spelling of "tag a stream", but System.CommandLine refuses a subcommand named
    /// like its parent, so tagging is the action of <c>prob tag</c> itself and <c>tag tag</c> is rewritten to <c>tag</c>.
    /// </summary>
    public static string[] NormalizeAliases(string[] args) =>
        args.Length >= 2 && args[0] == "tag" && args[1] == "tag" ? ["tag", .. args[2..]] : args;

    /// <summary>Adds the options every command takes (<c>--max-memory</c>) to <paramref name="root"/> when it lacks them.</summary>
    public static void AddGlobalOptions(RootCommand root)
    {
        if (root.Options.Any(o => o.Name == MaxMemoryName)) return;
        root.Options.Add(new Option<string?>(MaxMemoryName)
        {
            Description = "Memory limit for the estimate checked before large allocations, e.g. 512M, 4G (default: the memory available now)",
            Recursive = true,
        });
    }

    /// <summary>The memory budget of this invocation: <c>--max-memory</c>, or the memory available now.</summary>
    public static MemoryBudget Budget(ParseResult parse)
    {
        var text = parse.GetValue<string?>(MaxMemoryName);
        if (text is null) return MemoryBudget.Available();
        if (!MemoryBudget.TryParseSize(text, out var bytes))
            throw new UsageException($"{MaxMemoryName} '{text}': use a size such as 512M, 4G or 2000000000 (bytes)");
        return new MemoryBudget(bytes, $"{MaxMemoryName} {text}");
    }

    /// <summary>Parses and runs <paramref name="args"/>, writing errors to standard error.</summary>
    /// <param name="root">The commands.</param>
    /// <param name="args">The arguments.</param>
    /// <param name="output">Standard output (tests pass a writer).</param>
    /// <param name="error">Standard error.</param>
    /// <param name="cancellationToken">Cancels as SIGINT does (tests use it to interrupt at a known point).</param>
    public static int Run(RootCommand root, string[] args, TextWriter? output = null, TextWriter? error = null, CancellationToken cancellationToken = default)
    {
        output ??= Console.Out;
        error ??= Console.Error;
        AddGlobalOptions(root);
        var parse = root.Parse(NormalizeAliases(args));
        if (parse.Errors.Count > 0)
        {
            foreach (var e in parse.Errors) error.WriteLine($"prob: {e.Message}");
            error.WriteLine("Run 'prob --help' (or 'prob COMMAND --help') for usage.");
            return Usage;
        }
        var config = new InvocationConfiguration { Output = output, Error = error, EnableDefaultExceptionHandler = false };
        // A hosted command (prob serve) takes SIGTERM through its host, which drains in-flight work for its own deadline;
        // System.CommandLine's handler would end the process after its 2-second timeout and race the host's shutdown.
        if (parse.CommandResult.Command is HostedCommand) config.ProcessTerminationTimeout = null;
        using var cancel = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        int signals = 0;
        using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, context =>
        {
            // The first Ctrl-C asks for a stop at the next safe point; a second one ends the process at once.
            if (Interlocked.Increment(ref signals) > 1) return;
            context.Cancel = true;
            error.WriteLine("prob: interrupt received; stopping at the next safe point (press Ctrl-C again to quit at once)");
            cancel.Cancel();
        });
        try
        {
            int code = parse.InvokeAsync(config, cancel.Token).GetAwaiter().GetResult();
            if (code == Ok && cancel.IsCancellationRequested)
            {
                error.WriteLine("prob: interrupted");
                return Interrupted;
            }
            return code;
        }
        catch (OperationCanceledException) when (cancel.IsCancellationRequested)
        {
            error.WriteLine("prob: interrupted; nothing was saved");
            return Interrupted;
        }
        catch (UsageException e) { error.WriteLine($"prob: {e.Message}"); return Usage; }
        catch (OutputPathException e) { error.WriteLine($"prob: cannot write the output {e.Message}"); return Usage; }
        catch (DataFormatException e) { error.WriteLine($"prob: bad input: {e.Message}"); return BadInput; }
        catch (ModelFormatException e) { error.WriteLine($"prob: bad model file: {e.Message}"); return BadInput; }
        catch (ResourceLimitException e) { error.WriteLine($"prob: refused: {e.Message}"); return BadInput; }
        catch (ProbabilisticException e) { error.WriteLine($"prob: {e.Message}"); return BadInput; }
        catch (ElboException e) { error.WriteLine($"prob: the fit stopped: {e.Message}"); return BadInput; }
        catch (FileNotFoundException e) { error.WriteLine($"prob: {e.Message}"); return BadInput; }
        catch (DirectoryNotFoundException e) { error.WriteLine($"prob: {e.Message}"); return BadInput; }
        catch (UnauthorizedAccessException e) { error.WriteLine($"prob: permission denied: {e.Message}"); return BadInput; }
        catch (IOException e) { error.WriteLine($"prob: input/output error: {e.Message}"); return BadInput; }
    }
}

/// <summary>A command that runs a host handling SIGTERM itself (a graceful stop that may take longer than System.CommandLine allows).</summary>
public sealed class HostedCommand(string name, string? description = null) : Command(name, description);

/// <summary>An argument combination the parser accepts but the command cannot use (exit code 2).</summary>
public sealed class UsageException(string message) : Exception(message);
