using Probabilistic.NotebookRunner;

// dotnet run -c Release --project tools/NotebookRunner -- execute notebooks/*.ipynb [--write]
//   runs every code cell of each notebook (as the test suite does); --write stores the outputs in the notebook.
// dotnet run -c Release --project tools/NotebookRunner -- export notebooks/*.ipynb [--out DIR]
//   writes each notebook as a file-based app (default notebooks/cs/NN-name.cs).
// dotnet run -c Release --project tools/NotebookRunner -- all notebooks/*.ipynb
//   execute --write, then export.
if (args.Length < 2 || args[0] is not ("execute" or "export" or "all"))
{
    Console.Error.WriteLine("usage: NotebookRunner execute|export|all NOTEBOOK.ipynb... [--write] [--out DIR]");
    return 2;
}
var verb = args[0];
bool write = verb == "all" || args.Contains("--write");
string? outDir = null;
var files = new List<string>();
for (int i = 1; i < args.Length; i++)
{
    if (args[i] == "--write") continue;
    if (args[i] == "--out" && i + 1 < args.Length) { outDir = args[++i]; continue; }
    if (Directory.Exists(args[i])) files.AddRange(Directory.GetFiles(args[i], "*.ipynb").Order(StringComparer.Ordinal));
    else files.Add(args[i]);
}
try
{
    foreach (var file in files)
    {
        var notebook = Notebook.Load(file);
        if (verb is "execute" or "all")
        {
            var results = await NotebookExecutor.RunAsync(notebook, recordOutputs: write);
            foreach (var note in results.SelectMany(r => r.Notes.Select(n => $"  cell {r.Cell}: {n}"))) Console.WriteLine(note);
            if (write) notebook.Save();
            Console.WriteLine($"{file}: {results.Count} code cells ran{(write ? "; outputs written" : "")}");
        }
        if (verb is "export" or "all")
        {
            var target = outDir is null ? null : Path.Combine(outDir, Path.GetFileNameWithoutExtension(file) + ".cs");
            Console.WriteLine($"{file} -> {FileAppExporter.Write(notebook, target)}");
        }
    }
    return 0;
}
catch (Exception e) when (e is NotebookCellException or InvalidDataException or InvalidOperationException or FileNotFoundException)
{
    Console.Error.WriteLine(e.Message);
    return 1;
}
