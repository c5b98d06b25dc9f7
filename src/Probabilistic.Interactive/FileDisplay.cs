namespace Probabilistic.Interactive;

/// <summary>
/// <c>display(x)</c> outside a notebook (the file-based apps exported from notebooks): plots are written as numbered
/// PNG files into a folder, everything's plain text goes to standard output.
/// </summary>
public sealed class FileDisplay
{
    private readonly TextWriter _out;
    private int _count;

    /// <summary>Writes PNGs into <paramref name="outputDirectory"/> (created if missing) and text to <paramref name="output"/> (stdout by default).</summary>
    public FileDisplay(string outputDirectory, TextWriter? output = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(outputDirectory);
        OutputDirectory = Path.GetFullPath(outputDirectory);
        Directory.CreateDirectory(OutputDirectory);
        _out = output ?? Console.Out;
    }

    /// <summary>Where the PNGs go.</summary>
    public string OutputDirectory { get; }

    /// <summary>The PNG files written so far, in order.</summary>
    public List<string> Files { get; } = [];

    /// <summary>Renders <paramref name="value"/>: writes its PNG if it has one (display-01.png, …) and prints its text.</summary>
    public void Display(object? value)
    {
        var data = DisplayRenderers.Render(value);
        _count++;
        if (data.Png is not null)
        {
            var path = Path.Combine(OutputDirectory, $"display-{_count:D2}.png");
            Core.IO.AtomicFile.Write(path, s => s.Write(data.Png));
            Files.Add(path);
            _out.WriteLine($"{data.PlainText}  -> {path}");
        }
        else
        {
            _out.WriteLine(data.PlainText);
        }
    }
}
