namespace Probabilistic.Hmm.Tests.Tagging;

/// <summary>Finds the checkout's datasets/ and ../shared/datasets from the test binary.</summary>
internal static class TestPaths
{
    public static string ProjectRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Probabilistic.sln"))) return dir.FullName;
        throw new DirectoryNotFoundException("cannot find the checkout (Probabilistic.sln) above the test binary");
    }

    public static string ProjectDatasets() => Path.Combine(ProjectRoot(), "datasets");

    /// <summary>../shared/datasets/brown, or null when absent.</summary>
    public static string? SharedBrown()
    {
        var env = Environment.GetEnvironmentVariable("PROB_SHARED");
        var shared = string.IsNullOrEmpty(env) ? Path.Combine(ProjectRoot(), "..", "shared") : env;
        var brown = Path.GetFullPath(Path.Combine(shared, "datasets", "brown"));
        return Directory.Exists(brown) ? brown : null;
    }
}
