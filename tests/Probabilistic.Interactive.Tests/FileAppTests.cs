using System.Diagnostics;

namespace Probabilistic.Interactive.Tests;

/// <summary>The exported file-based app runs with plain `dotnet run` (no .NET Interactive) and writes its plots.</summary>
public sealed class FileAppTests
{
    [Fact]
    public async Task Exported_core_notebook_runs_with_dotnet_run_and_writes_its_plots()
    {
        var app = Path.Combine(RepoPaths.Notebooks, "cs", "00-core.cs");
        var output = RepoPaths.TempDirectory();
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = RepoPaths.Root,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var a in new[] { "run", app, "--", output }) start.ArgumentList.Add(a);
        using var process = Process.Start(start)!;
        var stderrTask = process.StandardError.ReadToEndAsync();
        var stdoutTask = process.StandardOutput.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(8));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail($"dotnet run {app} did not finish in 8 minutes.");
        }
        var stdout = await stdoutTask;
        var stderr = await stderrTask;
        Assert.True(process.ExitCode == 0, $"dotnet run {app} exited {process.ExitCode}\nstdout:\n{stdout}\nstderr:\n{stderr}");
        Assert.Contains("22 steps, Converged", stdout); // the notebook's fit, printed by its cell (same data, same start)
        var pngs = Directory.GetFiles(output, "display-*.png").Order(StringComparer.Ordinal).ToArray();
        Assert.True(pngs.Length == 2, $"the app wrote the trace and density plots into {output} (found {pngs.Length}: {string.Join(", ", pngs)})");
        foreach (var png in pngs)
            Assert.Equal((Plots.DefaultWidth, Plots.DefaultHeight), RepoPaths.PngSize(File.ReadAllBytes(png)));
        Directory.Delete(output, recursive: true);
    }
}
