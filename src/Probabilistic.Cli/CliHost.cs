using System.CommandLine;
using System.Text.Json;
using Probabilistic.Core.Data;
using Probabilistic.Core.IO;

namespace Probabilistic.Cli;

/// <summary>Runs the command tree with the exit codes users script against: 0 success, 1 bad input, 2 usage error.</summary>
public static class CliHost
{
    /// <summary>Success.</summary>
    public const int Ok = 0;
    /// <summary>Bad input: a file that cannot be read, a malformed line, a corrupt model.</summary>
    public const int BadInput = 1;
    /// <summary>Usage error: unknown command or option, missing or invalid argument.</summary>
    public const int Usage = 2;

    /// <summary>
    /// <c>prob tag tag ...</c> is the documented spelling of "tag a stream", but System.CommandLine refuses a subcommand named
    /// like its parent, so tagging is the action of <c>prob tag</c> itself and <c>tag tag</c> is rewritten to <c>tag</c>.
    /// </summary>
    public static string[] NormalizeAliases(string[] args) =>
        args.Length >= 2 && args[0] == "tag" && args[1] == "tag" ? ["tag", .. args[2..]] : args;

    /// <summary>Parses and runs <paramref name="args"/>, writing errors to standard error.</summary>
    public static int Run(RootCommand root, string[] args, TextWriter? output = null, TextWriter? error = null)
    {
        output ??= Console.Out;
        error ??= Console.Error;
        var parse = root.Parse(NormalizeAliases(args));
        if (parse.Errors.Count > 0)
        {
            foreach (var e in parse.Errors) error.WriteLine($"prob: {e.Message}");
            error.WriteLine("Run 'prob --help' (or 'prob COMMAND --help') for usage.");
            return Usage;
        }
        var config = new InvocationConfiguration { Output = output, Error = error, EnableDefaultExceptionHandler = false };
        using var cancel = new CancellationTokenSource();
        ConsoleCancelEventHandler onCancel = (_, e) => { e.Cancel = true; cancel.Cancel(); };
        Console.CancelKeyPress += onCancel;
        try
        {
            return parse.InvokeAsync(config, cancel.Token).GetAwaiter().GetResult();
        }
        catch (UsageException e) { error.WriteLine($"prob: {e.Message}"); return Usage; }
        catch (DataFormatException e) { error.WriteLine($"prob: bad input: {e.Message}"); return BadInput; }
        catch (ModelFormatException e) { error.WriteLine($"prob: bad model file: {e.Message}"); return BadInput; }
        catch (FileNotFoundException e) { error.WriteLine($"prob: {e.Message}"); return BadInput; }
        catch (DirectoryNotFoundException e) { error.WriteLine($"prob: {e.Message}"); return BadInput; }
        catch (JsonException e) { error.WriteLine($"prob: bad JSON input: {e.Message}"); return BadInput; }
        catch (OperationCanceledException) { error.WriteLine("prob: cancelled"); return 130; }
        finally { Console.CancelKeyPress -= onCancel; }
    }
}

/// <summary>An argument combination the parser accepts but the command cannot use (exit code 2).</summary>
public sealed class UsageException(string message) : Exception(message);
