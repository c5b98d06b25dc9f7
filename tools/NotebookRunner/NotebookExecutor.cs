using System.Reflection;
using System.Runtime.Loader;
using System.Text.Json.Nodes;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.CSharp.Scripting;
using Microsoft.CodeAnalysis.Scripting;
using Probabilistic.Interactive;

namespace Probabilistic.NotebookRunner;

/// <summary>A cell of a notebook threw (or did not compile); the message names the notebook, the cell and the error.</summary>
public sealed class NotebookCellException(string notebook, int cell, int codeCell, string message, Exception? inner = null)
    : Exception($"{notebook}: cell {cell} (code cell {codeCell}) failed: {message}", inner)
{
    /// <summary>The notebook's file name.</summary>
    public string Notebook { get; } = notebook;

    /// <summary>1-based index among all cells (markdown included), as a notebook editor counts them.</summary>
    public int Cell { get; } = cell;

    /// <summary>1-based index among code cells.</summary>
    public int CodeCell { get; } = codeCell;
}

/// <summary>The globals every cell sees: <c>display(x)</c>, as in a .NET Interactive C# kernel.</summary>
public sealed class NotebookGlobals
{
    internal List<DisplayData> Displays { get; } = [];

    /// <summary>Shows <paramref name="value"/> below the cell (recorded as a display_data output).</summary>
#pragma warning disable IDE1006 // the kernel's name for it
    public void display(object? value) => Displays.Add(DisplayRenderers.Render(value));
#pragma warning restore IDE1006
}

/// <summary>What one code cell produced.</summary>
/// <param name="Cell">1-based index among all cells.</param>
/// <param name="Outputs">nbformat output objects (stream, display_data, execute_result), in order.</param>
/// <param name="Notes">What the runner did with the cell's directives (e.g. a #r mapped to an assembly the host had loaded).</param>
public sealed record CellResult(int Cell, JsonArray Outputs, IReadOnlyList<string> Notes);

/// <summary>
/// Runs a notebook's code cells in order with Roslyn scripting, state carried from cell to cell
/// (<see cref="ScriptState.ContinueWithAsync(string, ScriptOptions?, CancellationToken)"/>), the way a C# notebook kernel does.
/// </summary>
/// <remarks>
/// <para><c>#r "path.dll"</c> resolves relative to the notebook. If the host process can load an assembly of that name (the
/// runner and the test project reference every library project, built in the same configuration), that copy is used,
/// so the types the notebook sees are the ones the formatters know; otherwise the file at the path is loaded (and must exist).</para>
/// <para><c>#r "nuget: Id, Version"</c> maps to the host's assembly named Id (ScottPlot, MathNet.Numerics,
/// Microsoft.DotNet.Interactive.Formatting, System.Numerics.Tensors, ... everything the library projects reference); a package
/// the host does not have is skipped with a note, and code that needs it then fails to compile, naming the cell.</para>
/// <para>Cells run with the notebook's folder as the current directory (as Polyglot Notebooks does). Console output becomes a "stdout" stream output; <c>display(x)</c> and a cell's final expression become
/// display_data / execute_result outputs through <see cref="DisplayRenderers"/> (image/png for plots, text/html for tables).</para>
/// </remarks>
public static class NotebookExecutor
{
    /// <summary>The namespaces a .NET Interactive C# kernel imports by default.</summary>
    public static readonly string[] DefaultImports =
        ["System", "System.Collections.Generic", "System.IO", "System.Linq", "System.Text", "System.Threading", "System.Threading.Tasks"];

    private static readonly SemaphoreSlim ConsoleGate = new(1, 1); // cells redirect Console and the current directory: one at a time

    /// <summary>Runs every code cell; throws <see cref="NotebookCellException"/> at the first cell that fails.</summary>
    /// <param name="notebook">The notebook; with <paramref name="recordOutputs"/> its cells' outputs and execution counts are replaced.</param>
    /// <param name="recordOutputs">Store each cell's outputs and execution count in the notebook (for writing it back).</param>
    /// <param name="requireExpectations">Fail unless the last code cell states expectations (calls <c>Expect.That</c>).</param>
    /// <param name="cancellationToken">Stops between and inside cells.</param>
    public static async Task<IReadOnlyList<CellResult>> RunAsync(Notebook notebook, bool recordOutputs = true,
        bool requireExpectations = true, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(notebook);
        var directory = Path.GetDirectoryName(notebook.Path)!;
        var globals = new NotebookGlobals();
        var options = ScriptOptions.Default
            .WithImports(DefaultImports)
            .AddReferences(typeof(object).Assembly, typeof(Enumerable).Assembly, typeof(NotebookGlobals).Assembly,
                typeof(DisplayRenderers).Assembly, typeof(Core.Inference.ElboDriver).Assembly)
            .WithEmitDebugInformation(false)
            .WithOptimizationLevel(OptimizationLevel.Release);

        var codeCells = notebook.Cells
            .Select((cell, i) => (cell: cell!, index: i + 1))
            .Where(c => Notebook.CellType(c.cell) == "code")
            .ToList();
        if (codeCells.Count == 0)
            throw new NotebookCellException(notebook.Name, 0, 0, "the notebook has no code cells.");
        if (requireExpectations && !Notebook.Source(codeCells[^1].cell).Contains("Expect.That(", StringComparison.Ordinal))
            throw new NotebookCellException(notebook.Name, codeCells[^1].index, codeCells.Count,
                "the last code cell must state the notebook's expectations with Expect.That(condition, message).");

        var results = new List<CellResult>();
        ScriptState<object>? state = null;
        for (int k = 0; k < codeCells.Count; k++)
        {
            var (cell, index) = codeCells[k];
            var (references, code) = CellDirectives.Split(Notebook.Source(cell));
            var notes = new List<string>();
            foreach (var reference in references)
            {
                var assembly = Resolve(reference, directory, notes, notebook.Name, index, k + 1);
                if (assembly is not null) options = options.AddReferences(assembly);
            }

            globals.Displays.Clear();
            var stdout = new StringWriter();
            object? returnValue = null;
            bool hasReturn = false;
            if (!string.IsNullOrWhiteSpace(code))
            {
                await ConsoleGate.WaitAsync(cancellationToken);
                var previous = Console.Out;
                var previousDirectory = Environment.CurrentDirectory;
                Console.SetOut(stdout);
                Environment.CurrentDirectory = directory; // relative paths in cells resolve as in a kernel started beside the notebook
                try
                {
                    state = state is null
                        ? await CSharpScript.RunAsync(code, options, globals, typeof(NotebookGlobals), cancellationToken)
                        : await state.ContinueWithAsync(code, options, cancellationToken);
                }
                catch (CompilationErrorException e)
                {
                    throw new NotebookCellException(notebook.Name, index, k + 1,
                        "it does not compile:\n" + string.Join("\n", e.Diagnostics.Select(d => "  " + d)), e);
                }
                catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
                {
                    throw new NotebookCellException(notebook.Name, index, k + 1, $"{e.GetType().Name}: {e.Message}", e);
                }
                finally
                {
                    Console.SetOut(previous);
                    Environment.CurrentDirectory = previousDirectory;
                    ConsoleGate.Release();
                }
                returnValue = state.ReturnValue;
                hasReturn = returnValue is not null && EndsWithExpression(code);
            }

            var outputs = new JsonArray();
            if (stdout.GetStringBuilder().Length > 0)
                outputs.Add(new JsonObject { ["name"] = "stdout", ["output_type"] = "stream", ["text"] = Notebook.Lines(stdout.ToString()) });
            foreach (var display in globals.Displays) outputs.Add(Output(display, null));
            if (hasReturn) outputs.Add(Output(DisplayRenderers.Render(returnValue), k + 1));
            results.Add(new CellResult(index, outputs, notes));
            if (recordOutputs)
            {
                cell["outputs"] = outputs.DeepClone();
                cell["execution_count"] = k + 1;
            }
        }
        return results;
    }

    /// <summary>True when the cell ends with an expression without a semicolon (its value is shown, as in a kernel).</summary>
    internal static bool EndsWithExpression(string code)
    {
        var unit = SyntaxFactory.ParseCompilationUnit(code, options: ScriptParse);
        return unit.Members.LastOrDefault() is GlobalStatementSyntax { Statement: ExpressionStatementSyntax e } && e.SemicolonToken.IsMissing;
    }

    internal static CSharpParseOptions ScriptParse { get; } = CSharpParseOptions.Default.WithKind(SourceCodeKind.Script).WithLanguageVersion(LanguageVersion.Latest);

    private static JsonObject Output(DisplayData data, int? executionCount)
    {
        var bundle = new JsonObject();
        if (data.Png is not null) bundle["image/png"] = Convert.ToBase64String(data.Png);
        else if (data.Html is not null) bundle["text/html"] = Notebook.Lines(data.Html);
        bundle["text/plain"] = Notebook.Lines(data.PlainText);
        var output = new JsonObject();
        if (executionCount is int n)
        {
            output["data"] = bundle;
            output["execution_count"] = n;
            output["metadata"] = new JsonObject();
            output["output_type"] = "execute_result";
        }
        else
        {
            output["data"] = bundle;
            output["metadata"] = new JsonObject();
            output["output_type"] = "display_data";
        }
        return output;
    }

    private static Assembly? Resolve(ReferenceDirective reference, string directory, List<string> notes, string notebook, int cell, int codeCell)
    {
        if (reference.IsPackage)
        {
            if (TryLoadFromHost(reference.Package!) is { } fromHost)
            {
                notes.Add($"#r \"{reference.Text}\": using the host's {fromHost.GetName().Name} {fromHost.GetName().Version}");
                return fromHost;
            }
            notes.Add($"#r \"{reference.Text}\": skipped (the runner does not download packages; the host has no assembly {reference.Package})");
            return null;
        }
        var path = Path.GetFullPath(Path.Combine(directory, reference.Text));
        var name = Path.GetFileNameWithoutExtension(path);
        if (TryLoadFromHost(name) is { } loaded)
        {
            notes.Add($"#r \"{reference.Text}\": using the host's {name} ({loaded.Location})");
            return loaded;
        }
        if (!File.Exists(path))
            throw new NotebookCellException(notebook, cell, codeCell,
                $"line {reference.Line}: #r \"{reference.Text}\" resolves to {path}, which does not exist (build the project first).");
        notes.Add($"#r \"{reference.Text}\": loaded {path}");
        return Assembly.LoadFrom(path);
    }

    private static Assembly? TryLoadFromHost(string name)
    {
        var loaded = AppDomain.CurrentDomain.GetAssemblies()
            .FirstOrDefault(a => !a.IsDynamic && string.Equals(a.GetName().Name, name, StringComparison.OrdinalIgnoreCase));
        if (loaded is not null) return loaded;
        try
        {
            return AssemblyLoadContext.Default.LoadFromAssemblyName(new AssemblyName(name));
        }
        catch (Exception e) when (e is FileNotFoundException or FileLoadException or BadImageFormatException)
        {
            return null;
        }
    }
}
