using System.Text.RegularExpressions;

namespace Probabilistic.Interactive.Tests;

/// <summary>The repository's READMEs link only to files inside the repository that exist (a package or a clone has nothing beside it).</summary>
public sealed class DocLinkTests
{
    [Fact]
    public void Readme_links_resolve_inside_the_repository()
    {
        var root = Path.GetFullPath(RepoPaths.Root);
        var readmes = new[] { Path.Combine(root, "README.md") }
            .Concat(Directory.GetDirectories(root).Select(d => Path.Combine(d, "README.md")))
            .Concat(Directory.GetDirectories(Path.Combine(root, "src")).Select(d => Path.Combine(d, "README.md")))
            .Where(File.Exists).ToList();
        Assert.True(readmes.Count >= 3, $"found the READMEs ({string.Join(", ", readmes)})");
        var broken = new List<string>();
        foreach (var readme in readmes)
        {
            foreach (Match m in Regex.Matches(File.ReadAllText(readme), @"\]\(([^)\s]+)\)"))
            {
                var link = m.Groups[1].Value;
                if (link.StartsWith('#') || link.Contains("://", StringComparison.Ordinal) || link.StartsWith("mailto:", StringComparison.Ordinal)) continue;
                var target = Path.GetFullPath(Path.Combine(Path.GetDirectoryName(readme)!, link.Split('#')[0]));
                if (!target.StartsWith(root + Path.DirectorySeparatorChar, StringComparison.Ordinal) || !(File.Exists(target) || Directory.Exists(target)))
                    broken.Add($"{Path.GetRelativePath(root, readme)}: ({link})");
            }
            // Paths outside the repository, even when not links, do not exist for a user of a clone or a package.
            foreach (Match m in Regex.Matches(File.ReadAllText(readme), @"\.\./shared/[^\s`)]*"))
                if (Path.GetFileName(readme) == "README.md" && Path.GetDirectoryName(readme) == root)
                    broken.Add($"README.md: {m.Value}");
        }
        Assert.True(broken.Count == 0, "links that do not resolve inside the repository:\n" + string.Join("\n", broken));
    }
}
