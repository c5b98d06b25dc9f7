using Xunit;

namespace Probabilistic.Testing;

/// <summary>
/// The checkout and the shared data from a test binary. A test that needs data the machine lacks calls one of the
/// <c>Require…</c> methods inside a <c>[SkippableFact]</c> / <c>[SkippableTheory]</c>: it is then reported as skipped with
/// the reason, never as passed.
/// </summary>
public static class TestPaths
{
    /// <summary>The checkout root (the folder holding Probabilistic.sln).</summary>
    public static string Root { get; } = FindRoot();

    /// <summary>The project's own datasets/.</summary>
    public static string Datasets => Path.Combine(Root, "datasets");

    /// <summary>../shared/datasets beside the checkout (or $PROB_SHARED/datasets), or null when absent.</summary>
    public static string? SharedDatasets
    {
        get
        {
            var env = Environment.GetEnvironmentVariable("PROB_SHARED");
            var shared = string.IsNullOrEmpty(env) ? Path.Combine(Root, "..", "shared") : env;
            var path = Path.GetFullPath(Path.Combine(shared, "datasets"));
            return Directory.Exists(path) ? path : null;
        }
    }

    /// <summary>A file under ../shared/datasets; skips the calling test, saying which file is missing, when it is absent.</summary>
    public static string RequireSharedFile(params string[] parts)
    {
        var path = SharedDatasets is { } d ? Path.Combine([d, .. parts]) : Path.Combine(["../shared/datasets", .. parts]);
        Skip.IfNot(File.Exists(path), $"{path} is not present on this machine (../shared/datasets holds the full data)");
        return path;
    }

    /// <summary>A folder under ../shared/datasets; skips the calling test when it is absent.</summary>
    public static string RequireSharedDirectory(params string[] parts)
    {
        var path = SharedDatasets is { } d ? Path.Combine([d, .. parts]) : Path.Combine(["../shared/datasets", .. parts]);
        Skip.IfNot(Directory.Exists(path), $"{path} is not present on this machine (../shared/datasets holds the full data)");
        return path;
    }

    /// <summary>Files that must all exist (e.g. a peer's generated workload); skips the calling test, naming how to make them, when one is absent.</summary>
    public static void RequireFiles(string howToMake, params string[] paths)
    {
        foreach (var path in paths) Skip.IfNot(File.Exists(path), $"{path} is absent ({howToMake})");
    }

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Probabilistic.sln"))) return dir.FullName;
        throw new DirectoryNotFoundException($"Probabilistic.sln not found above {AppContext.BaseDirectory}");
    }
}
