namespace Probabilistic.Cli;

/// <summary>Finds the project's shipped <c>datasets/</c> folder and the full data in <c>../shared/datasets</c>.</summary>
public static class DatasetLocator
{
    /// <summary>The shipped samples: $PROB_DATASETS, else the nearest <c>datasets/</c> above the executable or the working directory.</summary>
    public static string ProjectDatasets()
    {
        var env = Environment.GetEnvironmentVariable("PROB_DATASETS");
        if (!string.IsNullOrEmpty(env)) return env;
        foreach (var start in new[] { AppContext.BaseDirectory, Directory.GetCurrentDirectory() })
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                var candidate = Path.Combine(dir.FullName, "datasets");
                if (File.Exists(Path.Combine(candidate, "README.md"))) return candidate;
            }
        }
        throw new DirectoryNotFoundException("Cannot find the project's datasets/ folder; set PROB_DATASETS to its path.");
    }

    /// <summary>The full data beside the project (<c>../shared/datasets</c>), or null when absent.</summary>
    public static string? SharedDatasets()
    {
        var project = Directory.GetParent(ProjectDatasets())!.FullName;
        var shared = Path.GetFullPath(Path.Combine(project, "..", "shared", "datasets"));
        return Directory.Exists(shared) ? shared : null;
    }
}
