using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Probabilistic.NotebookRunner;

/// <summary>
/// An .ipynb (nbformat 4) notebook as JSON, keeping every field it does not interpret, so that reading and writing
/// an unchanged notebook gives the same bytes. Polyglot Notebooks' C# conventions: kernelspec ".net-csharp",
/// cell metadata <c>dotnet_interactive.language = "csharp"</c>.
/// </summary>
public sealed class Notebook
{
    private static readonly JsonSerializerOptions WriteOptions = new()
    {
        WriteIndented = true,
        IndentSize = 1,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    private Notebook(string path, JsonObject root)
    {
        Path = path;
        Root = root;
    }

    /// <summary>Where the notebook was read from.</summary>
    public string Path { get; }

    /// <summary>The whole document.</summary>
    public JsonObject Root { get; }

    /// <summary>The file name, e.g. "00-core.ipynb".</summary>
    public string Name => System.IO.Path.GetFileName(Path);

    /// <summary>The cells in order.</summary>
    public JsonArray Cells => Root["cells"] as JsonArray ?? throw new InvalidDataException($"{Path}: the notebook has no \"cells\" array.");

    /// <summary>Reads a notebook, checking that it is nbformat 4 with a cells array.</summary>
    public static Notebook Load(string path)
    {
        JsonNode? node;
        try
        {
            node = JsonNode.Parse(File.ReadAllText(path));
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{path}: not valid JSON ({e.Message}).", e);
        }
        if (node is not JsonObject root) throw new InvalidDataException($"{path}: a notebook is a JSON object.");
        if (root["nbformat"]?.GetValue<int>() != 4) throw new InvalidDataException($"{path}: only nbformat 4 notebooks are supported.");
        var notebook = new Notebook(System.IO.Path.GetFullPath(path), root);
        _ = notebook.Cells;
        return notebook;
    }

    /// <summary>"code", "markdown" or "raw".</summary>
    public static string CellType(JsonNode cell) => cell["cell_type"]?.GetValue<string>() ?? "";

    /// <summary>The cell's source as one string (nbformat stores a string or a list of lines).</summary>
    public static string Source(JsonNode cell) => cell["source"] switch
    {
        JsonArray lines => string.Concat(lines.Select(l => l?.GetValue<string>() ?? "")),
        JsonValue v => v.GetValue<string>(),
        _ => "",
    };

    /// <summary>Splits text into nbformat's list of lines (each keeps its "\n" except the last).</summary>
    public static JsonArray Lines(string text)
    {
        var array = new JsonArray();
        int start = 0;
        while (start < text.Length)
        {
            int nl = text.IndexOf('\n', start);
            int end = nl < 0 ? text.Length : nl + 1;
            array.Add(JsonValue.Create(text[start..end]));
            start = end;
        }
        return array;
    }

    /// <summary>A new, empty C# notebook with Polyglot Notebooks' metadata.</summary>
    public static Notebook Create(string path)
    {
        var root = new JsonObject
        {
            ["cells"] = new JsonArray(),
            ["metadata"] = new JsonObject
            {
                ["kernelspec"] = new JsonObject { ["display_name"] = ".NET (C#)", ["language"] = "C#", ["name"] = ".net-csharp" },
                ["language_info"] = new JsonObject { ["file_extension"] = ".cs", ["mimetype"] = "text/x-csharp", ["name"] = "C#", ["pygments_lexer"] = "csharp", ["version"] = "13.0" },
                ["polyglot_notebook"] = new JsonObject
                {
                    ["kernelInfo"] = new JsonObject
                    {
                        ["defaultKernelName"] = "csharp",
                        ["items"] = new JsonArray(new JsonObject { ["aliases"] = new JsonArray(), ["name"] = "csharp" }),
                    },
                },
            },
            ["nbformat"] = 4,
            ["nbformat_minor"] = 5,
        };
        return new Notebook(System.IO.Path.GetFullPath(path), root);
    }

    /// <summary>Appends a markdown cell.</summary>
    public void AddMarkdown(string text) => Cells.Add(new JsonObject
    {
        ["cell_type"] = "markdown",
        ["id"] = NextCellId(),
        ["metadata"] = new JsonObject(),
        ["source"] = Lines(text),
    });

    /// <summary>Appends a C# code cell with no outputs.</summary>
    public void AddCode(string code) => Cells.Add(new JsonObject
    {
        ["cell_type"] = "code",
        ["execution_count"] = null,
        ["id"] = NextCellId(),
        ["metadata"] = new JsonObject
        {
            ["dotnet_interactive"] = new JsonObject { ["language"] = "csharp" },
            ["polyglot_notebook"] = new JsonObject { ["kernelName"] = "csharp" },
        },
        ["outputs"] = new JsonArray(),
        ["source"] = Lines(code),
    });

    /// <summary>A cell id (nbformat 4.5) not yet used in this notebook: cell-NN from the cell's position.</summary>
    private string NextCellId()
    {
        var used = Cells.Select(c => c?["id"]?.GetValue<string>()).OfType<string>().ToHashSet(StringComparer.Ordinal);
        for (int n = Cells.Count; ; n++)
            if (used.Add($"cell-{n:D2}")) return $"cell-{n:D2}";
    }

    /// <summary>The notebook as nbformat JSON text (one-space indent, as Jupyter writes it, final newline).</summary>
    public string ToJson() => Root.ToJsonString(WriteOptions) + "\n";

    /// <summary>Writes the notebook to <paramref name="path"/> (default: where it was read) atomically.</summary>
    public void Save(string? path = null) =>
        Core.IO.AtomicFile.WriteAllText(path ?? Path, ToJson());

    internal static Encoding Utf8 { get; } = new UTF8Encoding(false);
}
